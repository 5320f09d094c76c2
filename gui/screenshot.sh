#!/usr/bin/env bash
# Takes docs/screenshot.png: the real window under Xvfb (software rendering), with
# a few demo files listed. Needs `gui/ci-deps.sh --window` and a built binary.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-target/debug/tgseal-gui}"
demo="$(mktemp -d)"
trap 'rm -rf "$demo"' EXIT
mkdir -p "$demo/Documents"
head -c 3145728 /dev/urandom > "$demo/Documents/passport_scan.pdf"
head -c 48213 /dev/urandom > "$demo/Documents/contract.docx"
head -c 1187 /dev/urandom > "$demo/Documents/holiday.jpg.tgseal"
mkdir -p "$demo/Documents/Photos"
export HOME="$demo" XDG_DATA_HOME="$demo/.local/share"
xvfb-run -a -s "-screen 0 960x640x24" bash -c "
    '$bin' '$demo/Documents/passport_scan.pdf' '$demo/Documents/contract.docx' \
        '$demo/Documents/holiday.jpg.tgseal' '$demo/Documents/Photos' &
    pid=\$!
    sleep \${SCREENSHOT_DELAY:-8}
    import -window root docs/screenshot.png
    kill \$pid
"
echo "wrote docs/screenshot.png"
