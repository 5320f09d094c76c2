#!/usr/bin/env bash
# Takes the screenshots in docs/GUI.md from the real window under Xvfb (software
# rendering), with a few demo files listed:
#   docs/screenshot.png        dark theme, files listed, one result existing
#   docs/screenshot-light.png  light theme, the same list
#   docs/screenshot-done.png   after typing the passphrase (Tab, Tab, Enter) and sealing
# Needs `gui/ci-deps.sh --window` (Xvfb, ImageMagick's `import`, xdotool) and built
# binaries (`cargo build -p tgseal -p tgseal-gui`).
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-target/debug/tgseal-gui}"
tgseal="$(dirname "$bin")/tgseal"
demo="$(mktemp -d)"
trap 'rm -rf "$demo"' EXIT

# A fresh demo folder and app data (settings) for each shot; $1 = theme.
prepare() {
    rm -rf "$demo/home"
    mkdir -p "$demo/home/Documents/Photos" "$demo/home/.local/share/tgseal"
    local docs="$demo/home/Documents"
    head -c 3145728 /dev/urandom > "$docs/passport_scan.pdf"
    head -c 48213 /dev/urandom > "$docs/contract.docx"
    # A result that exists already: its line asks Replace, Keep both or Skip.
    head -c 48000 /dev/urandom > "$docs/contract.docx.tgseal"
    # Real sealed inputs (the app recognises them by their bytes): a sealed
    # file and the parts of a split one.
    (umask 077; echo "correct horse battery staple" > "$demo/pass")
    head -c 1187 /dev/urandom > "$demo/holiday.jpg"
    "$tgseal" encrypt -q --kdf interactive --passphrase-file "$demo/pass" -O "$docs" "$demo/holiday.jpg"
    head -c 3000000 /dev/urandom > "$demo/interview.mp4"
    "$tgseal" encrypt -q --kdf interactive --passphrase-file "$demo/pass" --split 1M -O "$docs" "$demo/interview.mp4"
    head -c 200000 /dev/urandom > "$docs/Photos/beach.jpg"
    # The app's remembered settings (eframe's RON file): the theme.
    printf '{"tgseal-gui/settings":"(theme:%s)"}\n' "$1" > "$demo/home/.local/share/tgseal/app.ron"
}

# Starts the app with $2… listed, runs the keys in $KEYS (xdotool), and saves
# the window to $1.
shoot() {
    local out="$1"
    shift
    HOME="$demo/home" XDG_DATA_HOME="$demo/home/.local/share" \
        xvfb-run -a -s "-screen 0 960x640x24" bash -c '
        out="$1"; shift
        "$BIN" "$@" &
        pid=$!
        sleep "${SCREENSHOT_DELAY:-8}"
        if [[ -n "${KEYS:-}" ]]; then
            # No window manager under Xvfb: give the window the keyboard
            # focus, and click an empty spot of the list so egui has it too.
            wid=$(xdotool search --sync --onlyvisible --pid "$pid" | head -1)
            xdotool windowfocus --sync "$wid"
            xdotool mousemove --window "$wid" 300 560 click 1
            sleep 0.3
            for step in $KEYS; do
                case "$step" in
                    type:*) xdotool type --delay 20 "${step#type:}" ;;
                    *) xdotool key "$step" ;;
                esac
                sleep 0.3
            done
            sleep "${AFTER_KEYS:-12}"
        fi
        import -window root "$out"
        kill $pid
    ' shoot "$out" "$@"
}
export BIN="$bin"

docs="$demo/home/Documents"
listed=("$docs/passport_scan.pdf" "$docs/contract.docx" "$docs/holiday.jpg.tgseal"
    "$docs/interview.mp4.tgseal.002" "$docs/Photos")

prepare Dark
KEYS="" shoot docs/screenshot.png "${listed[@]}"
prepare Light
KEYS="" shoot docs/screenshot-light.png "${listed[@]}"
# Sealing two files from the keyboard: Tab to the passphrase, Tab to Confirm,
# Enter starts.
prepare Dark
phrase="wobbly-lantern-outback-sizzle-gravy"
KEYS="Tab type:$phrase Tab type:$phrase Return" \
    shoot docs/screenshot-done.png "$docs/passport_scan.pdf" "$docs/Photos"
echo "wrote docs/screenshot.png docs/screenshot-light.png docs/screenshot-done.png"
