#!/usr/bin/env bash
# Takes docs/screenshot.png: the real window under Xvfb (software rendering), with
# a few demo files listed. Needs `gui/ci-deps.sh --window` and built binaries
# (`cargo build -p tgseal -p tgseal-gui`).
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-target/debug/tgseal-gui}"
demo="$(mktemp -d)"
trap 'rm -rf "$demo"' EXIT
mkdir -p "$demo/Documents"
head -c 3145728 /dev/urandom > "$demo/Documents/passport_scan.pdf"
head -c 48213 /dev/urandom > "$demo/Documents/contract.docx"
# Real sealed inputs (the app recognises them by their bytes): a sealed file
# and the parts of a split one.
tgseal="$(dirname "$bin")/tgseal"
echo "correct horse battery staple" > "$demo/pass"
head -c 1187 /dev/urandom > "$demo/holiday.jpg"
"$tgseal" encrypt -q --kdf interactive --passphrase-file "$demo/pass" -O "$demo/Documents" "$demo/holiday.jpg"
head -c 3000000 /dev/urandom > "$demo/interview.mp4"
"$tgseal" encrypt -q --kdf interactive --passphrase-file "$demo/pass" --split 1M -O "$demo/Documents" "$demo/interview.mp4"
mkdir -p "$demo/Documents/Photos"
head -c 200000 /dev/urandom > "$demo/Documents/Photos/beach.jpg"
export HOME="$demo" XDG_DATA_HOME="$demo/.local/share"
xvfb-run -a -s "-screen 0 960x640x24" bash -c "
    '$bin' '$demo/Documents/passport_scan.pdf' '$demo/Documents/contract.docx' \
        '$demo/Documents/holiday.jpg.tgseal' '$demo/Documents/interview.mp4.tgseal.002' \
        '$demo/Documents/Photos' &
    pid=\$!
    sleep \${SCREENSHOT_DELAY:-8}
    import -window root docs/screenshot.png
    kill \$pid
"
echo "wrote docs/screenshot.png"
