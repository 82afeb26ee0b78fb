#!/usr/bin/env bash
# bench/trace-e2e.sh: the end-to-end part of `make bench`, traced with perf:
# prints where each sample's time goes, between the three commits on the
# path, and for the slowest samples which WAL checkpoints overlapped them and
# what else held a CPU or wrote to the disk meanwhile (see bench/trace_e2e.py).
# A profiling aid for bench/RESULTS.md, not a figure of the benchmark: the
# tracing itself costs a few microseconds a syscall.
#
# Usage: bench/trace-e2e.sh [--help]
# Needs perf (Debian: linux-perf), python3, and the right to trace every
# process (root, or kernel.perf_event_paranoid at -1). The trace is written
# to /dev/shm, off the disk the services commit to. The environment of
# bench/run.sh applies (RATIFY_BENCH_E2E_SAMPLES, RATIFY_BENCH_BUILD, ...).
set -u
case ${1:-} in
  -h | --help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  "") ;;
  *) echo "trace-e2e: unknown argument '$1' (try --help)" >&2; exit 2 ;;
esac
root=$(cd "$(dirname "$0")/.." && pwd)
command -v perf >/dev/null || { echo "trace-e2e: perf is not installed (apt-get install linux-perf)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "trace-e2e: python3 is not installed" >&2; exit 1; }
samples=${RATIFY_BENCH_E2E_SAMPLES:-1000}
work=$(mktemp -d /dev/shm/ratify-trace.XXXXXX)
bench_pid=
cleanup() {
  # run.sh stops its services on TERM once its foreground program has ended
  [ -n "$bench_pid" ] && kill -TERM -- "-$bench_pid" 2>/dev/null && wait "$bench_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# run.sh in a session of its own: the processes traced are found in it,
# never those of another stack on the machine (tests, a second bench), and
# the whole of it is stopped on the way out
RATIFY_BENCH_PARTS=e2e setsid "$root/bench/run.sh" >"$work/bench.out" 2>"$work/bench.err" &
bench_pid=$!
# the measured run is the first bench-e2e with --samples (the preparation
# included: its sends come before the measured ones)
e2e=
for _ in $(seq 1 1200); do
  e2e=$(pgrep -s "$bench_pid" -f 'bench-e2e --samples') && break
  kill -0 "$bench_pid" 2>/dev/null || break
  sleep 0.05
done
if [ -z "$e2e" ]; then
  echo "trace-e2e: bench-e2e did not start: $(tail -n 3 "$work/bench.err")" >&2
  exit 1
fi
pids=()
for s in registry threshold notifier; do
  p=$(pgrep -s "$bench_pid" -x "ratify-${s:0:8}") || { echo "trace-e2e: ratify-$s is not running" >&2; exit 1; }
  pids+=("$p")
done
echo "# tracing bench-e2e (pid $e2e) and the services (pids ${pids[*]})" >&2
perf record -q -a -o "$work/perf.data" \
  -e syscalls:sys_enter_fdatasync,syscalls:sys_exit_fdatasync \
  -e syscalls:sys_enter_fsync,syscalls:sys_exit_fsync \
  -e syscalls:sys_enter_sendto,syscalls:sys_exit_recvfrom \
  -e sched:sched_switch -e block:block_rq_issue \
  -- tail --pid="$e2e" -f /dev/null 2>"$work/perf.err" \
  || { echo "trace-e2e: perf record failed: $(tail -n 2 "$work/perf.err")" >&2; exit 1; }
wait "$bench_pid"
bench_pid=
grep -E '^(e2e_p50_us|e2e_p99_us|e2e_max_us):' "$work/bench.out" | sed 's/^/# bench-e2e, traced: /'
perf script -i "$work/perf.data" -F comm,pid,tid,cpu,time,event,trace 2>/dev/null \
  | python3 "$root/bench/trace_e2e.py" "$samples" "$e2e" "${pids[@]}"
