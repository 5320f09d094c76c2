#!/usr/bin/env bash
# Does the payload's I/O overlap its crypto? Records the scheduler's events
# (`perf sched record`, Debian: apt-get install linux-perf) while tgseal
# encrypts and decrypts one file with -j 1 and with all cores, and prints for
# each thread its time on a CPU, asleep (waiting for another thread) and
# runnable but waiting for a CPU (bench/overlap.py). Also prints where the
# CPU time went, by thread and function (`perf record -e cpu-clock`).
#
#   bench/overlap.sh [SIZE]          SIZE as `head -c` takes it (default 1G)
#
# Environment: TGSEAL=path (a tgseal binary; default: build one), RUNS=1,
# COMM=name (the name perf sees, if TGSEAL is a wrapper that execs another),
# PROFILE=1 (0 skips the cpu-clock profile). Needs root or
# kernel.perf_event_paranoid <= -1 for the scheduler tracepoints.
set -euo pipefail

SIZE=${1:-1G}
RUNS=${RUNS:-1}
PROFILE=${PROFILE:-1}
export TGSEAL_PASSPHRASE='correct horse battery staple'
here=$(cd "$(dirname "$0")/.." && pwd)
if [[ -z ${TGSEAL:-} ]]; then
    cargo build --release --quiet -p tgseal --manifest-path "$here/Cargo.toml"
    TGSEAL="${CARGO_TARGET_DIR:-$here/target}/release/tgseal"
fi
command -v perf >/dev/null || { echo "needs perf (Debian: apt-get install linux-perf)" >&2; exit 1; }
work=$(mktemp -d "${BENCH_DIR:-/dev/shm}/tgseal-overlap.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
head -c "$SIZE" /dev/urandom > in.bin
"$TGSEAL" encrypt -q -f --kdf-params 64,1,1 -o sealed.tgseal in.bin

for run in $(seq 1 "$RUNS"); do
    for jobs in 1 0; do
        j=(); [[ $jobs == 1 ]] && j=(-j 1)
        label=${j[*]:-"all cores"}
        for what in encrypt decrypt; do
            if [[ $what == encrypt ]]; then
                cmd=("$TGSEAL" encrypt -q -f "${j[@]}" --kdf-params 64,1,1 -o out.bin in.bin)
            else
                cmd=("$TGSEAL" decrypt -q -f "${j[@]}" -o out.bin sealed.tgseal)
            fi
            echo "== $what, $label (run $run/$RUNS; $(uptime | sed 's/.*load/load/'))"
            start=$(date +%s%N)
            perf sched record -q -o sched.data -- "${cmd[@]}" >/dev/null 2>&1
            echo "wall (with perf sched recording): $(( ($(date +%s%N) - start) / 1000000 )) ms"
            rm -f out.bin
            perf sched timehist -i sched.data -S --state 2>/dev/null > timehist.txt
            python3 "$here/bench/overlap.py" timehist.txt "${COMM:-$(basename "$TGSEAL")}"
            rm -f sched.data timehist.txt
            if [[ $PROFILE == 1 ]]; then
                perf record -q -e cpu-clock -F 4999 -o cpu.data -- "${cmd[@]}" >/dev/null 2>&1
                rm -f out.bin
                echo "-- CPU time by thread and function (top 12):"
                { perf report -i cpu.data --stdio --sort pid,sym 2>/dev/null \
                    | grep -v '^#' | grep -v '^$' | head -n 12; } || true
                rm -f cpu.data
            fi
        done
    done
done
