#!/usr/bin/env bash
# Cross-builds tgseal.exe and tgseal-gui.exe for x86_64-pc-windows-gnu with
# Debian's mingw-w64, and gathers what the Windows .zip holds into OUT
# (default dist/out/windows/).
#
#   dist/windows/build.sh [--cli-only] [OUT]
#
# Needs: apt-get install mingw-w64; rustup target add x86_64-pc-windows-gnu
# (both done here when missing, if allowed). The GUI is a much longer build:
# --cli-only builds just tgseal.exe (what the Wine smoke test needs).
set -euo pipefail
cd "$(dirname "$0")/../.."
target=x86_64-pc-windows-gnu
packages=(-p tgseal -p tgseal-gui)
if [ "${1:-}" = "--cli-only" ]; then
  packages=(-p tgseal)
  shift
fi
out=${1:-dist/out/windows}
target_dir=${CARGO_TARGET_DIR:-$PWD/target}

command -v x86_64-w64-mingw32-gcc >/dev/null || {
  echo "windows/build.sh: x86_64-w64-mingw32-gcc missing: apt-get install mingw-w64" >&2
  exit 1
}
rustup target list --installed | grep -qx "$target" || rustup target add "$target"

# Rust's default linker for this target is x86_64-w64-mingw32-gcc: no config.
cargo build --release --locked --target "$target" "${packages[@]}"

mkdir -p "$out"
bin="$target_dir/$target/release"
cp "$bin/tgseal.exe" "$out/"
if [ "${#packages[@]}" -gt 2 ]; then
  cp "$bin/tgseal-gui.exe" "$out/"
fi
cp dist/windows/register.cmd dist/windows/unregister.cmd dist/windows/tgseal.ico dist/windows/tgseal-file.ico "$out/"
# The binaries must not need DLLs a bare Windows lacks (mingw's libgcc_s,
# libwinpthread): only system DLLs may be listed.
for exe in "$out"/*.exe; do
  dlls=$(x86_64-w64-mingw32-objdump -p "$exe" | awk '/DLL Name:/ {print $3}' | sort -u | tr '\n' ' ')
  echo "$(basename "$exe") imports: $dlls"
  case "$dlls" in *libgcc* | *libwinpthread* | *libstdc++*)
    echo "windows/build.sh: $(basename "$exe") needs a mingw DLL" >&2
    exit 1
    ;;
  esac
  # The icon (RT_GROUP_ICON, 0xe) and the version information (RT_VERSION,
  # 0x10) from dist/windows/resource.rs: the top level of the resource tree.
  types=$(x86_64-w64-mingw32-objdump -p "$exe" |
    sed -n '/The .rsrc Resource Directory/,/^$/p' |
    awk '/^[0-9a-f]+   Entry: ID:/ {print $4}' | tr -d ',' | tr '\n' ' ')
  case "$types" in *0x00000e*0x000010*) ;; *)
    echo "windows/build.sh: $(basename "$exe") has no icon or version resource (types: $types)" >&2
    exit 1
    ;;
  esac
  echo "$(basename "$exe") resources: icon and version information"
done
