#!/usr/bin/env bash
# Batch benchmark (docs/BATCH.md): seal 1,000 files of 4 KiB in ONE call with
# the DEFAULT key derivation (Argon2id 256 MiB, 3 passes, 4 lanes), then open
# them again in one call. Target: at most one KDF + 1 s. For reference it also
# times one call sealing a single 4 KiB file (≈ the cost of one KDF).
#
#   bench/batch.sh [JOBS]      # JOBS defaults to the number of cores
#
# Not a test: timings depend on the machine. Files live in a temporary folder
# (on tmpfs when /dev/shm exists) that is removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release -q -p tgseal
BIN="$PWD/target/release/tgseal"
JOBS=${1:-$(nproc)}
BASE=/tmp
[ -d /dev/shm ] && BASE=/dev/shm
WORK=$(mktemp -d "$BASE/tgseal-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

mkdir -p "$WORK/in"
head -c $((1000 * 4096)) /dev/urandom > "$WORK/blob"
split -b 4096 -a 4 -d "$WORK/blob" "$WORK/in/f"
rm "$WORK/blob"
export TGSEAL_PASSPHRASE="bench passphrase, not a secret"

ms() {
  local start end
  start=$(date +%s%N)
  "$@"
  end=$(date +%s%N)
  echo $(((end - start) / 1000000))
}

one=$(ms "$BIN" encrypt -q "$WORK/in/f0000" -O "$WORK/one")
enc=$(ms "$BIN" encrypt -q -j "$JOBS" "$WORK"/in/f* -O "$WORK/sealed")
dec=$(ms "$BIN" decrypt -q -j "$JOBS" "$WORK"/sealed/*.tgseal -O "$WORK/opened")
# The same batch with a trivial KDF: what the 1,000 files cost beyond the KDF.
cheap=$(ms "$BIN" encrypt -q -j "$JOBS" --kdf-params 64,1,1 "$WORK"/in/f* -O "$WORK/cheap")
cheap_dec=$(ms "$BIN" decrypt -q -j "$JOBS" "$WORK"/cheap/*.tgseal -O "$WORK/cheap-opened")
count=$(find "$WORK/opened" -type f | wc -l)
[ "$count" -eq 1000 ] || { echo "expected 1000 opened files, found $count" >&2; exit 1; }
cmp <(cat "$WORK"/in/f*) <(cat "$WORK"/opened/f*) || { echo "content differs" >&2; exit 1; }

echo "machine: $(nproc) cores, $(uname -sm); jobs: $JOBS"
echo "one 4 KiB file (one KDF):      ${one} ms"
echo "1,000 x 4 KiB, encrypt batch:  ${enc} ms  (one KDF + $((enc - one)) ms)"
echo "1,000 x 4 KiB, decrypt batch:  ${dec} ms  (one KDF + $((dec - one)) ms)"
echo "same, trivial KDF (64 KiB,1,1): encrypt ${cheap} ms, decrypt ${cheap_dec} ms (the per-file work alone)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
