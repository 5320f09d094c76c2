#!/usr/bin/env bash
# Times tgseal against `cat` and its peers on one random file; prints medians of
# wall time, ratios, peak memory (max over runs) and median CPU time (user + system). See docs/PERFORMANCE.md for how to read the table.
#
#   bench/compare.sh [SIZE]          SIZE as `head -c` takes it: 1G (default), 4G, 64M, 4K
#
# Environment:
#   RUNS=5                     runs per command (interleaved, so load noise hits all alike)
#   TOOLS="cat tgseal tgseal1 age rage 7z gpg kdf"   what to time (missing peers are skipped)
#   BENCH_DIR=/dev/shm/...     where the files go (default: a new folder in /dev/shm, else $TMPDIR)
#   TGSEAL=path                a tgseal binary to use instead of building one
#   EXTRA="label=path ..."     more tgseal binaries (other builds), timed like tgseal in the
#                              same interleaved runs; their rows are named tgseal@label-...
#   QUIET=80                   on a shared machine: start each run only once the CPUs were at
#                              least this % idle over the last 2 s (waits at most QUIET_WAIT=600 s
#                              per run); each run's start, idle % and load average go to stderr
set -euo pipefail

SIZE=${1:-1G}
RUNS=${RUNS:-5}
TOOLS=${TOOLS:-"cat tgseal tgseal1 age rage 7z gpg kdf"}
PASS='correct horse battery staple'
export TGSEAL_PASSPHRASE=$PASS
# tgseal's payload rows use the cheapest KDF so they measure the payload; the
# `kdf` rows time the default preset on its own.
CHEAP_KDF=64,1,1

here=$(cd "$(dirname "$0")/.." && pwd)
if [[ -z ${TGSEAL:-} ]]; then
    echo "building tgseal (release)..." >&2
    cargo build --release --quiet -p tgseal --manifest-path "$here/Cargo.toml"
    TGSEAL="${CARGO_TARGET_DIR:-$here/target}/release/tgseal"
fi
TIME=/usr/bin/time
[[ -x $TIME ]] || { echo "needs GNU time at /usr/bin/time (Debian: apt-get install time)" >&2; exit 1; }

if [[ -n ${BENCH_DIR:-} ]]; then
    work=$BENCH_DIR; mkdir -p "$work"; keep_dir=1
elif [[ -d /dev/shm && -w /dev/shm ]]; then
    work=$(mktemp -d /dev/shm/tgseal-bench.XXXXXX); keep_dir=0
else
    work=$(mktemp -d); keep_dir=0
fi
cleanup() { if [[ $keep_dir == 0 ]]; then rm -rf "$work"; else rm -f "$work"/out.* "$work"/res.*; fi; }
trap cleanup EXIT
cd "$work"

echo "making a $SIZE random file in $work..." >&2
head -c "$SIZE" /dev/urandom > in.bin
bytes=$(stat -c %s in.bin)
head -c 4096 /dev/urandom > small.bin
: > empty.bin

have() { command -v "$1" >/dev/null 2>&1; }
want() { [[ " $TOOLS " == *" $1 "* ]]; }
if want age && have age-keygen; then age-keygen -o age.key 2>/dev/null; fi
if want rage && have rage-keygen; then rage-keygen -o rage.key 2>/dev/null; fi
if want gpg && have gpg; then export GNUPGHOME=$work/gnupg; mkdir -m 700 -p "$GNUPGHOME"; fi

# row NAME COMMAND...: runs COMMAND once, appends "microseconds peak_kib cpu_seconds" to res.NAME.
rows=()
row() {
    local name=$1; shift
    [[ " ${rows[*]} " == *" $name "* ]] || rows+=("$name")
    local start end
    start=$(date +%s%N)
    $TIME -f '%M %U %S' -o out.rss "$@" >/dev/null 2>out.err || { echo "$name failed:" >&2; cat out.err >&2; exit 1; }
    end=$(date +%s%N)
    echo "$(( (end - start) / 1000 )) $(tail -n1 out.rss | awk '{print $1, $2 + $3}')" >> "res.$name"
}

# "name=path" for each tgseal binary; the first is $TGSEAL, named plain "tgseal".
tgseals=("tgseal=$TGSEAL")
for extra in ${EXTRA:-}; do tgseals+=("tgseal@$extra"); done

# CPU idle % over the last 2 s, from /proc/stat (idle + iowait over all fields).
idle_percent() {
    local a b
    read -ra a < /proc/stat; sleep 2; read -ra b < /proc/stat
    local idle=$(( b[4] + b[5] - a[4] - a[5] )) total=0 k
    for k in 1 2 3 4 5 6 7 8; do total=$(( total + b[k] - a[k] )); done
    echo $(( 100 * idle / (total > 0 ? total : 1) ))
}
wait_quiet() {
    [[ -n ${QUIET:-} ]] || return 0
    local deadline=$(( $(date +%s) + ${QUIET_WAIT:-600} )) idle
    while idle=$(idle_percent); (( idle < QUIET )); do
        (( $(date +%s) < deadline )) || { echo "  no quiet moment (idle $idle %); running anyway" >&2; return 0; }
    done
    echo "  idle $idle % before the run" >&2
}

for run in $(seq 1 "$RUNS"); do
    wait_quiet
    echo "run $run/$RUNS at $(date -u +%H:%M:%S), load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
    if want cat; then row "cat" sh -c 'cat in.bin > out.cat'; rm -f out.cat; fi
    for t in "${tgseals[@]}"; do
        name=${t%%=*} bin=${t#*=}
        if want tgseal; then
            row "$name-encrypt" "$bin" encrypt -q -f --kdf-params $CHEAP_KDF -o out.tgseal in.bin
            row "$name-decrypt" "$bin" decrypt -q -f -o out.plain out.tgseal
            cmp -s in.bin out.plain || { echo "$name round trip differs" >&2; exit 1; }
            rm -f out.tgseal out.plain
        fi
        if want tgseal1; then
            row "$name-encrypt-j1" "$bin" encrypt -q -f -j 1 --kdf-params $CHEAP_KDF -o out.tgseal in.bin
            row "$name-decrypt-j1" "$bin" decrypt -q -f -j 1 -o out.plain out.tgseal
            rm -f out.tgseal out.plain
        fi
    done
    if want age && have age; then
        row "age-encrypt" age -r "$(age-keygen -y age.key)" -o out.age in.bin
        row "age-decrypt" age -d -i age.key -o out.plain out.age
        rm -f out.age out.plain
    fi
    if want rage && have rage; then
        row "rage-encrypt" rage -r "$(rage-keygen -y rage.key 2>/dev/null || grep -o 'age1[0-9a-z]*' rage.key)" -o out.age in.bin
        row "rage-decrypt" rage -d -i rage.key -o out.plain out.age
        rm -f out.age out.plain
    fi
    if want 7z && have 7zz; then
        # -mx=0: store, no compression (random data does not compress; LZMA would dominate).
        row "7z-encrypt" 7zz a -bd -mx=0 -mhe=on "-p$PASS" out.7z in.bin
        mkdir -p out.7zdir
        row "7z-decrypt" 7zz e -bd -y "-p$PASS" -oout.7zdir out.7z
        rm -rf out.7z out.7zdir
    fi
    if want gpg && have gpg; then
        row "gpg-encrypt" gpg -c --batch --yes --pinentry-mode loopback --passphrase "$PASS" \
            --cipher-algo AES256 --compress-algo none -o out.gpg in.bin
        row "gpg-decrypt" gpg -d --batch --yes --pinentry-mode loopback --passphrase "$PASS" -o out.plain out.gpg
        rm -f out.gpg out.plain
    fi
    if want kdf; then
        # The default preset alone (an empty file), and a 4 KiB file with it and without it.
        row "tgseal-kdf-default-empty" "$TGSEAL" encrypt -q -f -o out.e empty.bin
        row "tgseal-4KiB-default-kdf" "$TGSEAL" encrypt -q -f -o out.s small.bin
        row "tgseal-4KiB-cheap-kdf" "$TGSEAL" encrypt -q -f --kdf-params $CHEAP_KDF -o out.s small.bin
        rm -f out.e out.s
    fi
done

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print int((a[NR/2]+a[NR/2+1])/2)}'; }
med() { [[ -f res.$1 ]] && cut -d' ' -f1 "res.$1" | median || echo ""; }

cat_us=$(med cat)
enc_us=$(med tgseal-encrypt)
dec_us=$(med tgseal-decrypt)
mib=$(awk -v b="$bytes" 'BEGIN {printf "%.0f", b / 1048576}')
echo
echo "input: $SIZE ($bytes bytes) in $work, $RUNS runs each, medians"
echo "$(lscpu | sed -n 's/^Model name: *//p' | head -n1), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB RAM, $(date -u +%Y-%m-%d)"
printf '%-26s %10s %10s %9s %9s %12s %10s\n' "command" "median s" "MiB/s" "x tgseal" "x cat" "peak RSS MiB" "CPU s"
for name in "${rows[@]}"; do
    us=$(med "$name")
    rss=$(cut -d' ' -f2 "res.$name" | sort -n | tail -n1)
    cpu=$(cut -d' ' -f3 "res.$name" | awk '{print int($1 * 1000)}' | median)
    case $name in
        *decrypt*) ref=$dec_us ;;
        *kdf*|*4KiB*) ref="" ;;
        *) ref=$enc_us ;;
    esac
    ratio() { [[ -n $2 && $2 != 0 ]] && awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}' || echo "-"; }
    case $name in
        *kdf*|*4KiB*) speed="-"; xcat="-" ;;
        *) speed=$(awk -v m="$mib" -v u="$us" 'BEGIN {printf "%.0f", m / (u / 1e6)}'); xcat=$(ratio "$us" "$cat_us") ;;
    esac
    printf '%-26s %10.3f %10s %9s %9s %12.1f %10.2f\n' "$name" "$(awk -v u="$us" 'BEGIN {print u / 1e6}')" \
        "$speed" "$(ratio "$us" "$ref")" "$xcat" "$(awk -v k="$rss" 'BEGIN {print k / 1024}')" \
        "$(awk -v c="$cpu" 'BEGIN {print c / 1000}')"
done
