#!/usr/bin/env python3
"""Reads `perf sched timehist` (with -s) of one tgseal run and says how the
payload's threads spent the run: on a CPU, asleep (waiting for another
thread: a channel, a lock), or runnable but waiting for a CPU. See
bench/overlap.sh and docs/PERFORMANCE.md ("Does I/O overlap the crypto?").

    overlap.py TIMEHIST_FILE [COMM]      COMM: the program's name (default tgseal)

The I/O thread is the thread of the job (not the CLI's main thread) that
spawned the payload workers, or else the busiest one; workers are the
threads it spawned that ran for more than 5 ms. Times are in ms
over the I/O thread's span (its first to its last time on a CPU).
"""
import re
import sys
from collections import defaultdict

# time [cpu] task wait-time sch-delay run-time state-at-switch-out (--state)
EVENT = re.compile(
    r"^\s*(\d+\.\d+)\s+\[(\d+)\]\s+(\S.*?)\s+(\d+\.\d+)\s+(\d+\.\d+)\s+(\d+\.\d+)\s+(\S)\s*$"
)
SUMMARY = re.compile(r"^\s*(\S+\[(\d+)(?:/(\d+))?\])\s+(\d+)\s+\d+\s+(\d+\.\d+)")
TASK = re.compile(r"^(\S+)\[(\d+)(?:/(\d+))?\]$")


def main(path, comm):
    # perf keeps the first 15 bytes of a thread's name.
    comm = comm[:15]

    runs = defaultdict(list)  # tid -> [(start, end)] in s
    waits = defaultdict(float)  # tid -> asleep, ms
    delays = defaultdict(float)  # tid -> runnable, not running, ms
    # The state a thread left the CPU in says what the next wait was: R means
    # it was preempted (runnable all along), S or D that it slept until woken,
    # and then waited `sch delay` for a CPU.
    last_state = {}
    tasks = set()
    parent = {}
    total_run = {}
    for line in open(path, encoding="utf-8", errors="replace"):
        m = EVENT.match(line)
        if m:
            t, _cpu, task, wait, delay, run, state = m.groups()
            tm = TASK.match(task.strip())
            if not tm or tm.group(1) != comm:
                continue
            tid = int(tm.group(2))
            tasks.add(task.strip())
            end = float(t)
            runs[tid].append((end - float(run) / 1000, end))
            if last_state.get(tid) == "R":
                delays[tid] += float(wait)
            elif tid in last_state:
                waits[tid] += float(wait) - float(delay)
                delays[tid] += float(delay)
            last_state[tid] = state
            continue
        m = SUMMARY.match(line)
        if m and TASK.match(m.group(1)).group(1) == comm:
            tid = int(m.group(2))
            parent[tid] = int(m.group(4))
            total_run[tid] = float(m.group(5))
    if not runs:
        sys.exit(f"no {comm} threads in {path}")
    spawned = defaultdict(list)
    for tid, p in parent.items():
        spawned[p].append(tid)
    # The I/O thread: the one whose children (if any) are the workers, or
    # else the busiest thread.
    # The CLI's main thread (tid == pid) only waits for the job's thread,
    # which does the I/O and, with more than one thread, spawns the workers.
    candidates = sorted(runs, key=lambda t: -sum(e - s for s, e in runs[t]))
    pids = {int(m.group(3)) for m in map(TASK.match, tasks) if m and m.group(3)}
    others = [t for t in candidates if t not in pids] or candidates
    io = next((t for t in others if spawned.get(t)), others[0])
    # Threads it spawned that did real work (rayon's idle Argon2id pool does not).
    workers = [t for t in spawned.get(io, []) if t in runs and sum(e - s for s, e in runs[t]) > 0.005]
    start = min(s for s, _ in runs[io])
    end = max(e for _, e in runs[io])
    span = (end - start) * 1000

    def clip(intervals):
        return [(max(s, start), min(e, end)) for s, e in intervals if e > start and s < end]

    def busy(intervals):
        return sum(e - s for s, e in intervals) * 1000

    def union(intervals):
        out = []
        for s, e in sorted(intervals):
            if out and s <= out[-1][1]:
                out[-1] = (out[-1][0], max(out[-1][1], e))
            else:
                out.append((s, e))
        return out

    def intersect(a, b):
        out, i, j = [], 0, 0
        while i < len(a) and j < len(b):
            s, e = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
            if s < e:
                out.append((s, e))
            if a[i][1] < b[j][1]:
                i += 1
            else:
                j += 1
        return out

    io_runs = union(clip(runs[io]))
    worker_runs = union(clip([iv for w in workers for iv in runs[w]]))
    anything = union(io_runs + worker_runs)
    print(f"span of the I/O thread: {span:.0f} ms; workers: {len(workers)}")
    print(f"{'thread':<12} {'on CPU':>8} {'asleep':>8} {'runnable':>9}   (ms)")
    print(f"{'I/O':<12} {busy(io_runs):8.0f} {waits[io]:8.0f} {delays[io]:9.0f}")
    for n, w in enumerate(workers):
        print(f"{'worker ' + str(n + 1):<12} {busy(union(clip(runs[w]))):8.0f} {waits[w]:8.0f} {delays[w]:9.0f}")
    if workers:
        both = busy(intersect(io_runs, worker_runs))
        print(f"I/O thread on CPU while a worker was: {both:.0f} ms "
              f"({100 * both / max(busy(worker_runs), 1e-9):.0f} % of the workers' busy time)")
        print(f"I/O thread on CPU with no worker on CPU: {busy(io_runs) - both:.0f} ms")
    print(f"no payload thread on CPU: {span - busy(anything):.0f} ms of the span")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "tgseal")
