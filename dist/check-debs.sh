#!/usr/bin/env bash
# Checks the Debian packages that dist/deb.sh built, then installs them and
# checks what a desktop sees: the MIME type of sealed files (by name and by
# content) and the app as their default handler.
#
#   dist/check-debs.sh [DIR]     # DIR holds tgseal_*.deb and tgseal-gui_*.deb (default dist/out)
#
# Installs the packages with apt-get (root or sudo) and removes them again at
# the end, unless KEEP_INSTALLED=1. Needs desktop-file-utils, shared-mime-info,
# xdg-utils and libfile-mimeinfo-perl (xdg-mime's MIME lookup outside a
# desktop session); .ci/run installs them. With xvfb-run present it also
# "double-clicks" a sealed file (xdg-open), checks that the app starts with
# it, and that a second start hands its file to that window.
set -euo pipefail
dir=$(cd "${1:-$(dirname "$0")/out}" && pwd)
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
fail() { echo "check-debs: $*" >&2; exit 1; }

shopt -s nullglob
cli_debs=("$dir"/tgseal_*.deb)
gui_debs=("$dir"/tgseal-gui_*.deb)
[ ${#cli_debs[@]} -eq 1 ] || fail "expected one tgseal_*.deb in $dir, found ${#cli_debs[@]}"
[ ${#gui_debs[@]} -eq 1 ] || fail "expected one tgseal-gui_*.deb in $dir, found ${#gui_debs[@]}"
cli_deb=${cli_debs[0]}
gui_deb=${gui_debs[0]}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# --- contents --------------------------------------------------------------
dpkg-deb -x "$cli_deb" "$work/cli"
dpkg-deb -x "$gui_deb" "$work/gui"
expect() { # expect ROOT PATH...: each PATH exists under ROOT
  local root=$1
  shift
  for path in "$@"; do
    [ -e "$root/$path" ] || fail "$(basename "$root") package lacks /$path"
  done
}

expect "$work/cli" usr/bin/tgseal \
  usr/share/man/man1/tgseal.1.gz \
  usr/share/bash-completion/completions/tgseal \
  usr/share/zsh/vendor-completions/_tgseal \
  usr/share/fish/vendor_completions.d/tgseal.fish \
  usr/share/doc/tgseal/copyright
# One man page per command that `tgseal --help` lists.
commands=$("$work/cli/usr/bin/tgseal" --help | awk '/^Commands:/ {on=1; next} on && NF==0 {exit} on && /^  [a-z]/ && $1 != "help" {print $1}')
[ -n "$commands" ] || fail "no commands in tgseal --help"
for command in $commands; do
  expect "$work/cli" "usr/share/man/man1/tgseal-$command.1.gz"
done
for page in "$work"/cli/usr/share/man/man1/*.1.gz; do
  zcat "$page" | grep -q '^\.TH' || fail "$(basename "$page") is not a man page"
done
grep -q '_tgseal()' "$work/cli/usr/share/bash-completion/completions/tgseal" || fail "bash completion looks wrong"
grep -q '^#compdef tgseal' "$work/cli/usr/share/zsh/vendor-completions/_tgseal" || fail "zsh completion looks wrong"
grep -q '^complete -c tgseal' "$work/cli/usr/share/fish/vendor_completions.d/tgseal.fish" || fail "fish completion looks wrong"
echo "tgseal package: binary, $(echo "$commands" | wc -w) command man pages + tgseal(1), bash/zsh/fish completions"

expect "$work/gui" usr/bin/tgseal-gui \
  usr/share/applications/tgseal.desktop \
  usr/share/mime/packages/tgseal.xml \
  usr/share/icons/hicolor/scalable/apps/tgseal.svg \
  usr/share/icons/hicolor/scalable/mimetypes/application-x-tgseal.svg \
  usr/share/doc/tgseal-gui/copyright
desktop-file-validate "$work/gui/usr/share/applications/tgseal.desktop"
grep -q '^MimeType=.*application/x-tgseal;' "$work/gui/usr/share/applications/tgseal.desktop" ||
  fail "the .desktop entry does not handle application/x-tgseal"
python3 - "$work/gui" <<'PY'
import struct, sys, xml.etree.ElementTree as ET
root = sys.argv[1]
ns = "{http://www.freedesktop.org/standards/shared-mime-info}"
mime = ET.parse(f"{root}/usr/share/mime/packages/tgseal.xml").getroot()
kind = mime.find(f"{ns}mime-type")
assert kind is not None and kind.get("type") == "application/x-tgseal", "no application/x-tgseal in the MIME XML"
globs = {g.get("pattern") for g in kind.iter(f"{ns}glob")}
for pattern in ["*.tgseal", "*.tgseal.[0-9][0-9][0-9]", "*.tgseal.txt"]:
    assert pattern in globs, f"MIME XML lacks the glob {pattern}"
magic = {m.get("value") for m in kind.iter(f"{ns}match")}
for value in ["tgseal\\x01", "tgsealp"]:
    assert value in magic, f"MIME XML lacks the magic {value}"
for size in [16, 22, 24, 32, 48, 64, 128, 256, 512]:
    for kind_dir, name in [("apps", "tgseal"), ("mimetypes", "application-x-tgseal")]:
        path = f"{root}/usr/share/icons/hicolor/{size}x{size}/{kind_dir}/{name}.png"
        with open(path, "rb") as f:
            head = f.read(24)
        assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
        w, h = struct.unpack(">II", head[16:24])
        assert (w, h) == (size, size), f"{path} is {w}x{h}"
for svg in ["apps/tgseal.svg", "mimetypes/application-x-tgseal.svg"]:
    ET.parse(f"{root}/usr/share/icons/hicolor/scalable/{svg}")
print("tgseal-gui package: binary, .desktop (valid), MIME XML, icons (SVG + 9 PNG sizes, apps and mimetypes)")
PY

# --- installed -------------------------------------------------------------
apt_get() { DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 "$@"; }
apt_get install -y -q --no-install-recommends "$cli_deb" "$gui_deb" >"$work/apt.log" 2>&1 ||
  { cat "$work/apt.log"; fail "installing the packages failed"; }
if [ "${KEEP_INSTALLED:-0}" != 1 ]; then
  trap 'apt_get purge -y -q tgseal tgseal-gui >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
fi
echo "installed: $(dpkg-query -W -f='${Package} ${Version}, ' tgseal tgseal-gui)"
# Where each shell looks: bash-completion's directory, zsh's fpath on Debian,
# fish's vendor directory (fish >= 3 reads it).
[ -f /usr/share/bash-completion/completions/tgseal ] || fail "bash completion not installed"
man -w tgseal-encrypt >/dev/null 2>&1 || [ -f /usr/share/man/man1/tgseal-encrypt.1.gz ] || fail "man page not installed"

cd "$work"
export TGSEAL_PASSPHRASE="correct horse battery staple packaging"
printf 'a file to seal for the MIME check\n' >plain.txt
tgseal encrypt plain.txt -q --kdf interactive --allow-weak
cp plain.txt.tgseal renamed-download
head -c 20000 /dev/urandom >big.bin
tgseal encrypt big.bin -q --kdf interactive --allow-weak --split 8K
cp big.bin.tgseal.002 renamed-part
tgseal encrypt plain.txt -o armored.tgseal.txt -q --kdf interactive --allow-weak --armor
cp armored.tgseal.txt renamed-armor.txt

# xdg-mime in a bare session ("generic" desktop) asks File::MimeInfo, which
# reads the shared-mime-info database the package's trigger updated. A fresh
# HOME: the user's own associations (~/.config/mimeapps.list) and the app's
# settings stay out of it.
unset XDG_CURRENT_DESKTOP DESKTOP_SESSION XDG_CONFIG_HOME XDG_DATA_HOME XDG_DATA_DIRS XDG_CONFIG_DIRS
export HOME="$work/home"
mkdir -p "$HOME"
for file in plain.txt.tgseal renamed-download big.bin.tgseal.001 big.bin.tgseal.002 renamed-part \
  armored.tgseal.txt renamed-armor.txt; do
  type=$(xdg-mime query filetype "$file")
  [ "$type" = "application/x-tgseal" ] || fail "xdg-mime says $file is '$type', not application/x-tgseal"
  echo "xdg-mime query filetype $file: $type"
done
type=$(xdg-mime query filetype plain.txt)
[ "$type" = "text/plain" ] || fail "xdg-mime says plain.txt is '$type': the MIME rules catch too much"
default=$(xdg-mime query default application/x-tgseal)
[ "$default" = "tgseal.desktop" ] || fail "default handler for application/x-tgseal is '$default', not tgseal.desktop"
echo "xdg-mime query default application/x-tgseal: $default"

# A double-click: xdg-open starts the handler with the file. Checked by the
# running app's command line (the app lists the file it was given). Then a
# second double-click while it runs: that start hands its file to the open
# window and exits at once (gui/src/instance.rs), leaving one app running.
if command -v xvfb-run >/dev/null 2>&1; then
  export XDG_RUNTIME_DIR="$work/runtime"
  mkdir -m 700 "$XDG_RUNTIME_DIR"
  xvfb-run -a sh -c '
    xdg-open "$1" >/dev/null 2>&1 &
    for _ in $(seq 1 50); do
      pid=$(pgrep -n -x tgseal-gui) && break
      sleep 0.2
    done
    [ -n "${pid:-}" ] || { echo "check-debs: xdg-open did not start tgseal-gui" >&2; exit 1; }
    args=$(tr "\0" " " </proc/$pid/cmdline)
    sleep 3
    alive=no; kill -0 "$pid" 2>/dev/null && alive=yes
    echo "xdg-open renamed-download: started $args(running after 3 s: $alive)"
    second=fail
    if [ -S "$XDG_RUNTIME_DIR/tgseal-gui.socket" ] && timeout 5 tgseal-gui "$2"; then second=ok; fi
    count=$(pgrep -c -x tgseal-gui || true)
    echo "second start (tgseal-gui $2): handed over: $second, apps running: $count"
    kill "$pid" 2>/dev/null || true
    case "$args" in *renamed-download*) ;; *) exit 1 ;; esac
    [ "$alive" = yes ] && [ "$second" = ok ] && [ "$count" = 1 ]
  ' sh "$work/renamed-download" "$work/renamed-part" || fail "double-click (xdg-open) did not open the app with the file, or a second start did not hand over"
else
  echo "xvfb-run not found: skipped the xdg-open check"
fi
echo "check-debs: all checks passed"
