#!/usr/bin/env bash
# Builds the web app into web/dist/: the core compiled to wasm32-unknown-unknown
# (crate tgseal-web, without default features: no threads, no file system),
# bound with wasm-bindgen, plus the static page (web/app/). Host web/dist/ on
# any static host; see docs/WEB.md.
#
# Needs: rustup target add wasm32-unknown-unknown, and the wasm-bindgen CLI of
# exactly the version in Cargo.lock:
#   cargo install --locked wasm-bindgen-cli --version <that version>
# The wasm build has its own target directory (default: $CARGO_TARGET_DIR/web,
# or target/web, or $TGSEAL_WEB_TARGET_DIR), so it never waits for a native
# build's lock.
#
# For the benchmark only (tests/examples/web_bench.rs): TGSEAL_WEB_FEATURES=bench
# adds the measurement calls of web/src/bench.rs, and TGSEAL_WEB_DIST=DIR
# writes that build somewhere other than web/dist/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
dist="${TGSEAL_WEB_DIST:-$here/dist}"
target="${TGSEAL_WEB_TARGET_DIR:-${CARGO_TARGET_DIR:-$root/target}/web}"
features="${TGSEAL_WEB_FEATURES:-}"

want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' "$root/Cargo.lock")
have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }') || true
if [ "$have" != "$want" ]; then
  echo "web/build.sh: needs wasm-bindgen $want (found: ${have:-none})." >&2
  echo "  cargo install --locked wasm-bindgen-cli --version $want" >&2
  exit 2
fi

cargo build --manifest-path "$root/Cargo.toml" -p tgseal-web --release --locked \
  --target wasm32-unknown-unknown --target-dir "$target" ${features:+--features "$features"}

rm -rf "$dist"
mkdir -p "$dist"
wasm-bindgen --target web --no-typescript --out-dir "$dist" \
  "$target/wasm32-unknown-unknown/release/tgseal_web.wasm"
if command -v wasm-opt >/dev/null 2>&1; then
  wasm-opt -O3 --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    "$dist/tgseal_web_bg.wasm" -o "$dist/tgseal_web_bg.wasm"
fi
for file in "$here"/app/*; do
  [ "$(basename "$file")" = sw.js ] || cp "$file" "$dist/"
done

# The service worker caches every file, under a version that changes with them.
files=$(cd "$dist" && ls | sort)
version=$(cd "$dist" && cat $files | sha256sum | cut -c1-16)
list=$(printf '"./"'; for f in $files; do printf ', "./%s"' "$f"; done)
sed -e "s|__VERSION__|$version|" -e "s|__FILES__|[$list]|" "$here/app/sw.js" > "$dist/sw.js"
echo "web/build.sh: built $dist ($(du -sh "$dist" | cut -f1), wasm $(du -h "$dist/tgseal_web_bg.wasm" | cut -f1), version $version)"
