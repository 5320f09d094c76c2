#!/usr/bin/env bash
# Smoke test of the Windows build under Wine, against the Linux build: what one
# seals the other opens, byte for byte (a file, a split set, a folder, both
# ways); Windows paths (drive letters, backslashes); stored names Windows cannot
# create (CON, a:b, trailing dots) restored under valid names; and register.cmd.
#
#   dist/windows/smoke.sh WINDOWS_DIR LINUX_TGSEAL
#
# WINDOWS_DIR is what dist/windows/build.sh gathered: tgseal.exe,
# register.cmd, unregister.cmd (tgseal-gui.exe is not needed). Needs wine64 (Debian: apt-get install
# wine64); exits 0 with a message when Wine is missing.
set -euo pipefail
windir=$(cd "$1" && pwd)
linux=$(realpath "$2")
wine=$(command -v wine64 || command -v wine || echo /usr/lib/wine/wine64)
if [ ! -x "$wine" ]; then
  echo "smoke: wine64 not installed; skipped the Windows smoke test"
  exit 0
fi
fail() { echo "smoke: FAILED: $*" >&2; exit 1; }

work=$(mktemp -d)
wineserver=$(command -v wineserver || echo "$(dirname "$wine")/wineserver")
trap '"$wineserver" -k >/dev/null 2>&1 || true; "$wineserver" -w >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
# No Mono/Gecko installers, and no winemenubuilder: Wine would otherwise add
# its own file associations to the desktop of whoever runs this. A HOME of its
# own, since Wine also creates folders under ~/.local/share.
export HOME="$work/home"
mkdir -p "$HOME"
unset XDG_DATA_HOME XDG_CONFIG_HOME
export WINEPREFIX="$work/prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d"
# A wineserver that stays up for the whole run. By default it exits 3 s after
# its last client; a Linux step longer than that (five sealings in a row) let
# the next `wine` connect while the old server was shutting down, and that run
# died with "wine client error:0: recvmsg: Connection reset by peer" (CI,
# 2026-12-02). The EXIT trap stops it.
mkdir -p "$WINEPREFIX"
"$wineserver" -p || fail "wineserver did not start"
"$wine" wineboot --init >/dev/null 2>&1 || fail "wineboot did not start"
# The exe runs from a copy of the folder: Wine 8 (Debian 12) lacks
# bcryptprimitives.dll, which Rust programs need on Windows 10+ (where it
# always exists); a stand-in built here from wine/bcryptprimitives.c goes
# beside the exe, where Windows looks for DLLs first. Never shipped.
mkdir "$work/bin"
cp "$windir/tgseal.exe" "$work/bin/"
if [ ! -e "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" ]; then
  here=$(cd "$(dirname "$0")" && pwd)
  x86_64-w64-mingw32-gcc -O2 -shared -o "$work/bin/bcryptprimitives.dll" \
    "$here/wine/bcryptprimitives.c" "$here/wine/bcryptprimitives.def" -lbcrypt ||
    fail "this Wine lacks bcryptprimitives.dll and the stand-in did not build (apt-get install mingw-w64)"
  echo "(Wine lacks bcryptprimitives.dll: using the stand-in from wine/bcryptprimitives.c)"
fi
export TGSEAL_PASSPHRASE="correct horse battery staple wine"
kdf=(--kdf interactive --allow-weak -q)
win() { "$wine" "$work/bin/tgseal.exe" "$@"; }
win --version >/dev/null || fail "tgseal.exe does not start under Wine"
lin() { "$linux" "$@"; }
winpath() { "$wine" winepath -w "$1" 2>/dev/null; }
same() { cmp -s "$1" "$2" || fail "$1 and $2 differ"; }

cd "$work"
head -c 300000 /dev/urandom >data.bin
mkdir -p tree/sub/deeper
printf 'one\n' >tree/one.txt
printf 'two\n' >tree/sub/two.txt
head -c 70000 /dev/urandom >tree/sub/deeper/blob.bin
: >tree/empty

echo "== one file: Windows seals, Linux opens"
mkdir w2l && cp data.bin w2l/
(cd w2l && win encrypt data.bin "${kdf[@]}")
lin decrypt w2l/data.bin.tgseal -O w2l/opened -q
same data.bin w2l/opened/data.bin

echo "== one file: Linux seals, Windows opens (output folder as a drive-letter path)"
mkdir l2w && cp data.bin l2w/
lin encrypt l2w/data.bin "${kdf[@]}"
out=$(winpath "$work/l2w/opened")
case "$out" in [A-Z]:\\*) ;; *) fail "winepath gave '$out'" ;; esac
(cd l2w && win decrypt 'data.bin.tgseal' -O "$out" -q)
same data.bin l2w/opened/data.bin

echo "== a split set: Windows seals, Linux opens from one part; and the reverse"
mkdir split-w && cp data.bin split-w/
(cd split-w && win encrypt data.bin --split 64K "${kdf[@]}")
[ -f split-w/data.bin.tgseal.005 ] || fail "no 5th part: $(ls split-w)"
lin decrypt split-w/data.bin.tgseal.003 -O split-w/opened -q
same data.bin split-w/opened/data.bin
mkdir split-l && cp data.bin split-l/
lin encrypt split-l/data.bin --split 64K "${kdf[@]}"
(cd split-l && win decrypt 'data.bin.tgseal.002' -O 'opened' -q)
same data.bin split-l/opened/data.bin

echo "== a folder: Windows seals, Linux opens; and the reverse (backslash paths)"
(win encrypt 'tree' -o 'tree-w.tgseal' "${kdf[@]}")
lin decrypt tree-w.tgseal -O from-w -q
diff -r tree from-w/tree || fail "folder sealed on Windows differs after opening on Linux"
lin encrypt tree -o tree-l.tgseal "${kdf[@]}"
mkdir -p into\ win
win decrypt 'tree-l.tgseal' -O '.\into win\sub' -q
diff -r tree "into win/sub/tree" || fail "folder sealed on Linux differs after opening on Windows"

echo "== stored names Windows cannot create"
mkdir names && cd names
for name in 'CON' 'nul.txt' 'a:b' 'trailing.' 'q?.txt'; do
  printf '%s\n' "$name" >"$name"
  lin encrypt "$name" -o "sealed-$(printf '%s' "$name" | tr -c 'A-Za-z0-9' '_').tgseal" "${kdf[@]}"
done
mkdir opened
for sealed in sealed-*.tgseal; do
  win decrypt "$sealed" -O opened -q
done
expected=('_CON' '_nul.txt' 'a_b' 'trailing' 'q_.txt')
sources=('CON' 'nul.txt' 'a:b' 'trailing.' 'q?.txt')
for i in "${!expected[@]}"; do
  [ -f "opened/${expected[$i]}" ] || fail "'${sources[$i]}' was not restored as '${expected[$i]}': $(ls opened)"
  same "${sources[$i]}" "opened/${expected[$i]}"
done
echo "restored as: $(ls opened | tr '\n' ' ')"
cd ..

echo "== wrong passphrase: exit code 3, nothing left behind"
mkdir wrong && cp w2l/data.bin.tgseal wrong/
set +e
(cd wrong && TGSEAL_PASSPHRASE="not the passphrase" win decrypt data.bin.tgseal -q 2>/dev/null)
code=$?
set -e
[ "$code" = 3 ] || fail "wrong passphrase gave exit code $code"
[ "$(ls -A wrong)" = "data.bin.tgseal" ] || fail "left behind: $(ls -A wrong)"

echo "== register.cmd: .tgseal opens with tgseal-gui.exe"
# In a copy of the folder, where tgseal.exe stands in for the app: only the
# registry is checked here.
mkdir assoc
cp "$windir/register.cmd" "$windir/unregister.cmd" assoc/
cp "$windir/tgseal.exe" assoc/tgseal-gui.exe
out=$("$wine" cmd /c "$(winpath "$work/assoc/register.cmd")" 2>&1) || fail "register.cmd failed: $out"
command=$("$wine" reg query 'HKCU\Software\Classes\tgseal.SealedFile\shell\open\command' /ve 2>/dev/null | tr -d '\r')
progid=$("$wine" reg query 'HKCU\Software\Classes\.tgseal' /ve 2>/dev/null | tr -d '\r')
case "$progid" in *tgseal.SealedFile*) ;; *) fail ".tgseal is not tgseal.SealedFile: $progid" ;; esac
case "$command" in *'assoc\tgseal-gui.exe" "%1"'*) ;; *) fail "open command is wrong: $command" ;; esac
echo "open command:$(printf '%s' "$command" | sed -n 's/.*REG_SZ//p')"
"$wine" cmd /c "$(winpath "$work/assoc/unregister.cmd")" >/dev/null 2>&1 || fail "unregister.cmd failed"
if "$wine" reg query 'HKCU\Software\Classes\tgseal.SealedFile' >/dev/null 2>&1; then
  fail "unregister.cmd left tgseal.SealedFile"
fi
echo "smoke: all Windows checks passed"
