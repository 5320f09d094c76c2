#!/usr/bin/env bash
# Builds a release into dist/out/: the Debian packages, a Linux .tar.gz with a
# static CLI (musl), a Windows .zip, and SHA256SUMS, signed with minisign when
# a secret key is given.
#
#   dist/release.sh VERSION
#   TGSEAL_MINISIGN_KEY=/path/to/minisign.key dist/release.sh VERSION
#
# VERSION must be the workspace version (Cargo.toml); the script refuses to
# label a build with another one. The secret key never belongs in the
# repository (docs/PACKAGING.md, "Signing"). Needs what dist/deb.sh and
# dist/windows/build.sh need, plus zip and minisign; the musl target is added
# with rustup when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1:?usage: dist/release.sh VERSION}
workspace_version=$(sed -n '/^\[workspace.package\]/,/^\[/ s/^version = "\(.*\)"/\1/p' Cargo.toml)
if [ "$version" != "$workspace_version" ]; then
  echo "release.sh: VERSION $version is not the workspace version $workspace_version (Cargo.toml)" >&2
  exit 2
fi
out=dist/out
target_dir=${CARGO_TARGET_DIR:-$PWD/target}
rm -rf "$out"
mkdir -p "$out"
started=$SECONDS
step() { echo "== $* ($((SECONDS - started)) s)"; }

step "Debian packages"
bash dist/deb.sh "$out"

step "Linux CLI (static, musl)"
musl=x86_64-unknown-linux-musl
rustup target list --installed | grep -qx "$musl" || rustup target add "$musl"
cargo build --release --locked --target "$musl" -p tgseal
linux="tgseal-$version-x86_64-linux"
stage="$target_dir/release-stage/$linux"
rm -rf "$stage"
mkdir -p "$stage/man" "$stage/completions"
cp "$target_dir/$musl/release/tgseal" "$stage/"
file "$stage/tgseal" | grep -q "static" || {
  echo "release.sh: the musl build is not statically linked" >&2
  exit 1
}
# Man pages and completions as dist/deb.sh made them for the package.
cp "$target_dir/release/dist/man/"*.1.gz "$stage/man/"
cp "$target_dir/release/dist/completions/"* "$stage/completions/"
cp README.md "$stage/"
tar -C "$(dirname "$stage")" --owner=0 --group=0 --numeric-owner -czf "$out/$linux.tar.gz" "$linux"

step "Windows (cross-built with mingw-w64)"
windows="tgseal-$version-x86_64-windows"
rm -rf "$out/$windows"
bash dist/windows/build.sh "$out/$windows"
cp dist/windows/README.txt "$out/$windows/"
(cd "$out" && zip -qr "$windows.zip" "$windows" && rm -rf "$windows")

step "Checksums"
(cd "$out" && sha256sum -- *.deb *.tar.gz *.zip >SHA256SUMS && cat SHA256SUMS)
if [ -n "${TGSEAL_MINISIGN_KEY:-}" ]; then
  # minisign asks for the key's password on the terminal, if it has one.
  minisign -S -s "$TGSEAL_MINISIGN_KEY" -m "$out/SHA256SUMS" -t "tgseal $version SHA256SUMS"
  echo "signed: $out/SHA256SUMS.minisig"
else
  echo "NOT SIGNED: TGSEAL_MINISIGN_KEY is not set, so SHA256SUMS has no .minisig." >&2
  echo "  Set it to the path of the release secret key to sign (docs/PACKAGING.md, \"Signing\")." >&2
fi
step "done"
ls -l "$out"
