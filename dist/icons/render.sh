#!/usr/bin/env bash
# Renders the PNG icons from the two SVGs (hicolor/scalable/…) into the rest of
# this hicolor icon-theme tree (hicolor/SIZExSIZE/{apps,mimetypes}/), which the
# Debian package installs as it is under /usr/share/icons/hicolor/. Needs
# rsvg-convert (apt-get install librsvg2-bin). The PNGs are committed, so
# packaging does not need this; run it again after changing an SVG.
set -euo pipefail
cd "$(dirname "$0")/hicolor"
app=scalable/apps/tgseal.svg
sealed=scalable/mimetypes/application-x-tgseal.svg
for size in 16 22 24 32 48 64 128 256 512; do
  dir="${size}x${size}"
  mkdir -p "$dir/apps" "$dir/mimetypes"
  rsvg-convert -w "$size" -h "$size" "$app" -o "$dir/apps/tgseal.png"
  rsvg-convert -w "$size" -h "$size" "$sealed" -o "$dir/mimetypes/application-x-tgseal.png"
done
# Windows icons for the .zip (the app, and sealed files in Explorer).
apps=() files=()
for size in 16 24 32 48 64 256; do
  apps+=("${size}x${size}/apps/tgseal.png")
  files+=("${size}x${size}/mimetypes/application-x-tgseal.png")
done
python3 ../ico.py ../../windows/tgseal.ico "${apps[@]}"
python3 ../ico.py ../../windows/tgseal-file.ico "${files[@]}"
