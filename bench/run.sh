#!/usr/bin/env bash
# bench/run.sh: what `make bench` runs. Builds Ratify with optimisation
# (Release) into its own tree, starts the services natively on loopback with
# fresh data directories under a temporary directory, measures, stops them,
# and prints one line per figure, `name: value unit`, then a block comparing
# each figure with its target. Lines starting with '#' are commentary.
# It prints figures; it is not a test: it exits 0 even when a target is
# missed (non-zero only when something could not be measured at all).
#
# Usage: bench/run.sh [--help]
# Environment (all optional):
#   RATIFY_BENCH_BUILD      build tree              (default: <repo>/build-bench)
#   RATIFY_BENCH_PORT_BASE  first of the ports used (default: 24100, below the
#                           kernel's ephemeral range, where an outgoing connection
#                           can take a port a service is about to bind; a stack
#                           takes 8 ports from base+1, base+11, ...: a stack whose
#                           port is taken moves 100 ports up, up to 5 times)
#   RATIFY_BENCH_CLIENTS    pipelining deposit clients          (default: 8)
#   RATIFY_BENCH_WINDOW     requests in flight per client       (default: 32)
#   RATIFY_BENCH_SERIAL_CLIENTS  one-request-at-a-time clients  (default: 64)
#   RATIFY_BENCH_E2E_SAMPLES     end-to-end samples             (default: 1000)
#   RATIFY_BENCH_READY_RUNS      start-ups per service          (default: 5)
#   RATIFY_BENCH_KEEP=1     keep the temporary directory (logs, databases)
#   RATIFY_BENCH_PARTS      the parts to run, space- or comma-separated, out of
#                           floor ready load e2e engine (default: all of them;
#                           a target whose figures were not measured prints
#                           NOT MEASURED)
# The services run without CURVE (RATIFY_CURVE=0), as by default.
set -u
case ${1:-} in
  -h | --help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  "") ;;
  *) echo "bench: unknown argument '$1' (try --help)" >&2; exit 2 ;;
esac
root=$(cd "$(dirname "$0")/.." && pwd)
build=${RATIFY_BENCH_BUILD:-$root/build-bench}
base=${RATIFY_BENCH_PORT_BASE:-24100}
clients=${RATIFY_BENCH_CLIENTS:-8}
window=${RATIFY_BENCH_WINDOW:-32}
serial_clients=${RATIFY_BENCH_SERIAL_CLIENTS:-64}
e2e_samples=${RATIFY_BENCH_E2E_SAMPLES:-1000}
ready_runs=${RATIFY_BENCH_READY_RUNS:-5}
services="registry threshold notifier reporter"
parts=" $(echo "${RATIFY_BENCH_PARTS:-floor ready load e2e engine}" | tr ',' ' ') "
for p in $parts; do
  case $p in floor | ready | load | e2e | engine) ;;
    *) echo "bench: unknown part '$p' in RATIFY_BENCH_PARTS (floor ready load e2e engine)" >&2; exit 2 ;;
  esac
done
part() { case $parts in *" $1 "*) return 0 ;; esac; return 1; }

echo "# building $build (Release)" >&2
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null \
  && cmake --build "$build" -j "$(nproc)" >/dev/null \
  || { echo "bench: build failed" >&2; exit 1; }
bin=$build/bin
bb=$build/bench

tmp=$(mktemp -d /tmp/ratify-bench.XXXXXX)
figures=$tmp/figures
: >"$figures"
declare -A PIDS=() cpu_before=()

stop_service() { # NAME: SIGTERM, then wait for the process to go
  local pid=${PIDS[$1]:-}
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null
  for _ in $(seq 1 500); do kill -0 "$pid" 2>/dev/null || break; sleep 0.01; done
  kill -KILL "$pid" 2>/dev/null
  unset "PIDS[$1]"
}
stop_all() { for s in reporter notifier threshold registry; do stop_service "$s"; done; }
hook_pid=
cleanup() {
  stop_all
  [ -n "$hook_pid" ] && kill -TERM "$hook_pid" 2>/dev/null && wait "$hook_pid" 2>/dev/null
  if [ "${RATIFY_BENCH_KEEP:-0}" = 1 ]; then echo "# kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# figure NAME VALUE UNIT: prints and records one figure
figure() {
  echo "$1: $2 $3"
  echo "$1 $2" >>"$figures"
}
# fig NAME: a recorded figure's value
fig() { awk -v n="$1" '$1 == n { v = $2 } END { print v }' "$figures"; }
# relay: prints a bench program's `name: value unit` lines and records them
relay() {
  while IFS= read -r line; do
    echo "$line"
    case $line in
      *:\ *) echo "${line%%:*} $(echo "${line#*: }" | awk '{print $1}')" >>"$figures" ;;
    esac
  done
}

# stack_env PORT_OFFSET DATA_DIR [CATALOG]: points the services and clients at one deployment
stack_env() {
  local b=$((base + $1))
  export RATIFY_REGISTRY_API=tcp://127.0.0.1:$((b + 1))
  export RATIFY_REGISTRY_EVENTS=tcp://127.0.0.1:$((b + 2))
  export RATIFY_THRESHOLD_API=tcp://127.0.0.1:$((b + 3))
  export RATIFY_THRESHOLD_EVENTS=tcp://127.0.0.1:$((b + 4))
  export RATIFY_NOTIFIER_API=tcp://127.0.0.1:$((b + 5))
  export RATIFY_NOTIFIER_ALERTS=tcp://127.0.0.1:$((b + 6))
  export RATIFY_REPORTER_API=tcp://127.0.0.1:$((b + 7))
  export RATIFY_REPORTER_HTTP=127.0.0.1:$((b + 8))
  export RATIFY_DATA_DIR=$2
  export RATIFY_TODAY=2021-12-31
  export RATIFY_CURVE=0 # the default deployment; the bench clients hold no keys
  if [ -n "${3:-}" ]; then export RATIFY_CATALOG=$3; else unset RATIFY_CATALOG; fi
  mkdir -p "$RATIFY_DATA_DIR"
}
api_of() {
  case $1 in
    registry) echo "$RATIFY_REGISTRY_API" ;; threshold) echo "$RATIFY_THRESHOLD_API" ;;
    notifier) echo "$RATIFY_NOTIFIER_API" ;; reporter) echo "$RATIFY_REPORTER_API" ;;
  esac
}
# start NAME [LABEL]: starts ratify-NAME, waits for its pong; prints ready_ms_LABEL.
# Returns 1 when it did not start. Never call it in a pipeline: it records
# the pid in PIDS.
start() {
  local name=$1 label=${2:-$1}
  if ! "$bb/bench-ready" "$label" "$(api_of "$name")" "$RATIFY_DATA_DIR/$name.log" \
    "$tmp/$name.pid" "$bin/ratify-$name"; then
    echo "bench: ratify-$name did not start: $(tail -n 1 "$RATIFY_DATA_DIR/$name.log")" >&2
    return 1
  fi
  PIDS[$name]=$(cat "$tmp/$name.pid")
}
# start_stack OFFSET DATA_DIR CATALOG LABEL_SUFFIX [SERVICES]: the services
# (all four unless named), fresh; when a port is taken the whole stack moves
# 100 ports up and starts again
start_stack() {
  local offset=$1 attempt s wanted=${5:-$services}
  for attempt in 1 2 3 4 5; do
    : >"$tmp/starts" # the ready_ms lines of this attempt
    rm -rf "$2"
    stack_env "$offset" "$2" "$3"
    for s in $wanted; do
      start "$s" "$s$4" >>"$tmp/starts" || break
    done
    [ ${#PIDS[@]} -eq "$(echo $wanted | wc -w)" ] && return 0
    stop_all
    offset=$((offset + 100))
  done
  echo "bench: cannot start the services" >&2
  exit 1
}
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
rss_parts() { awk '/^(RssAnon|RssFile):/ { printf "%s %s kB ", $1, $2 }' "/proc/$1/status"; }
hz=$(getconf CLK_TCK)
cpu_ms() { awk -v hz="$hz" '{ print int(($14 + $15) * 1000 / hz) }' "/proc/$1/stat"; }
# commit_stats LOG: deposits per commit and commits, from the registry's log
commit_stats() {
  grep -o '"msg":"stored events [0-9]*\.\.[0-9]*: [0-9]* in one commit' "$1" \
    | awk '{ n += $4; c++ } END { if (c) printf "%.1f %d\n", n / c, c }'
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# ---- the machine ----------------------------------------------------------
echo "# machine: $(nproc) CPUs, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)," \
  "kernel $(uname -r)"
echo "# load average before the run: $(cut -d ' ' -f 1-3 /proc/loadavg)"
echo "# disk of $tmp: $(df -hT "$tmp" | awk 'NR == 2 { print $1 ", " $2 ", " $3 " total, " $5 " free" }')"
echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null)" \
  "$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null | grep -q . \
    && echo '(with uncommitted changes)')"

# ---- floor: one durable commit, one hop -----------------------------------
if part floor; then
mkdir -p "$tmp/floor"
"$bb/bench-floor" "$tmp/floor" | relay || exit 1
fi

# ---- ready: exec to pong, fresh data, shipped catalog ---------------------
# dependency order, as deploy/run-native.sh starts them (each consumer
# finds its producer running); the median of several start-ups
if part ready; then
for run in $(seq 1 "$ready_runs"); do
  start_stack 0 "$tmp/ready/$run" "" ""
  for s in $services; do awk -v n="ready_ms_$s:" '$1 == n { print $2 }' "$tmp/starts" >>"$tmp/ready-$s"; done
  stop_all
done
for s in $services; do
  figure "ready_ms_$s" "$(median <"$tmp/ready-$s")" ms
  echo "#   ready_ms_$s over $ready_runs start-ups: $(sort -n "$tmp/ready-$s" | tr '\n' ' ')"
done
fi

# ---- deposits: a synthetic history of 100,000 events ----------------------
if part load; then
mkdir -p "$tmp/synth"
"$build/tests/ratify-synth" --instruments 500 --events 100000 --seed 1 "$tmp/synth" >&2 || exit 1
csv=$tmp/synth/events.csv
head -n 20001 "$csv" >"$tmp/synth/first.csv"
{ head -n 1 "$csv"; tail -n +20002 "$csv"; } >"$tmp/synth/rest.csv"
# for the https webhook figure below: an instrument no row touches, and a
# CA and the certificate it signs for the endpoint
cat >>"$tmp/synth/instruments.ini" <<'INI'

[BENCHHOOK]
reference = BENCH-HOOK
title = One deposit after the history, for the https webhook figure
signature_open = 1990-01-01
signature_close = 2030-12-31
threshold = 1
delay_days = 90
later_party_days = 30
INI
mkdir -p "$tmp/tls"
(cd "$tmp/tls" \
  && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ca.key \
  && openssl req -x509 -key ca.key -days 2 -subj /CN=ratify-bench-ca -out ca.pem \
  && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out srv.key \
  && openssl req -new -key srv.key -subj /CN=localhost -out srv.csr \
  && printf 'subjectAltName=DNS:localhost\n' >srv.ext \
  && openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
    -extfile srv.ext -out srv.pem) >/dev/null 2>&1 \
  || echo "bench: cannot make the test certificates (openssl)" >&2
export SSL_CERT_FILE=$tmp/tls/ca.pem
start_stack 10 "$tmp/load" "$tmp/synth/instruments.ini" _synth
# the first 20,000 rows by clients that wait for each reply (as ratifyctl)
"$bb/bench-deposits" "$tmp/synth/first.csv" "$serial_clients" \
  | sed 's/^deposits_per_s:/deposits_per_s_serial:/; s/^deposits_total:/deposits_total_serial:/' | relay
"$bb/bench-settle" settle_ms_20k | relay
# the other 80,000 by pipelining clients, every service running
for s in $services; do cpu_before[$s]=$(cpu_ms "${PIDS[$s]}"); done
commits_before=$(commit_stats "$RATIFY_DATA_DIR/registry.log" | awk '{ print $2 }')
"$bb/bench-deposits" "$tmp/synth/rest.csv" "$clients" "$window" | relay
"$bb/bench-settle" catchup_after_load_ms | relay
for s in $services; do
  figure "cpu_ms_$s" $(($(cpu_ms "${PIDS[$s]}") - ${cpu_before[$s]})) ms
done
echo "#   cpu_ms_<service>: CPU time (user + system) each service spent on the 80,000 deposits, until caught up"
commits=$(($(commit_stats "$RATIFY_DATA_DIR/registry.log" | awk '{ print $2 }') - ${commits_before:-0}))
[ "$commits" -gt 0 ] && figure deposits_per_commit "$(awk -v c="$commits" 'BEGIN { printf "%.1f", 80000 / c }')" deposits
echo "#   catchup_after_load_ms: from the last acknowledged deposit until the threshold service, the notifier and the reporter have caught up"
# memory of the services that took the 100,000 events, at rest
sleep 2
for s in $services; do figure "rss_kb_$s" "$(rss_kb "${PIDS[$s]}")" kB; done
for s in $services; do
  echo "#   rss_kb_$s: $(rss_parts "${PIDS[$s]}")"
done
# the notifier once it has delivered to an https webhook: OpenSSL loaded
# (services/notifier/tlslib.h), its CA store read, two TLS connections made;
# the endpoint is ratify-hookserver with a certificate from a CA made here,
# given to the notifier in SSL_CERT_FILE (exported before the stack started);
# one deposit for the extra instrument BENCHHOOK (threshold 1, no other
# deposits) makes two alerts, threshold.reached and entry_into_force.scheduled
hook_port=$((${RATIFY_REPORTER_HTTP##*:} + 1))
"$build/tests/ratify-hookserver" --port "$hook_port" --log "$tmp/tls/hook.log" \
  --tls-cert "$tmp/tls/srv.pem" --tls-key "$tmp/tls/srv.key" 2>>"$tmp/tls/hook.err" &
hook_pid=$!
for _ in $(seq 1 100); do [ -f "$tmp/tls/hook.log" ] && break; sleep 0.05; done
if "$bin/ratifyctl" webhook add "https://localhost:$hook_port/ratify-bench" >/dev/null \
  && "$bin/ratifyctl" deposit BENCHHOOK Armenia accession 2021-06-30 >/dev/null; then
  for _ in $(seq 1 100); do [ "$(grep -c . "$tmp/tls/hook.log")" -ge 2 ] && break; sleep 0.1; done
  sleep 2
  if [ "$(grep -c '"status":200' "$tmp/tls/hook.log")" -ge 2 ]; then
    figure rss_kb_notifier_webhook "$(rss_kb "${PIDS[notifier]}")" kB
    echo "#   rss_kb_notifier_webhook: $(rss_parts "${PIDS[notifier]}")"
  else
    echo "bench: the https webhook got $(grep -c . "$tmp/tls/hook.log") deliveries, not 2: $(tail -n 2 "$RATIFY_DATA_DIR/notifier.log")" >&2
  fi
fi
kill -TERM "$hook_pid" 2>/dev/null && wait "$hook_pid" 2>/dev/null
hook_pid=
stop_all
# restarts on the state of 100,000 events, in dependency order; the
# threshold service's start-up is its rebuild: every instrument's state from
# threshold.db, every instrument computed
for s in $services; do start "$s" "${s}_100k" >"$tmp/line" || exit 1; relay <"$tmp/line"; done
figure rebuild_ms "$(fig ready_ms_threshold_100k)" ms
stop_all
# the batched-commit ceiling: the registry alone (no follower taking CPU),
# the same 80,000 deposits into a fresh log
start_stack 30 "$tmp/alone" "$tmp/synth/instruments.ini" _alone registry
"$bb/bench-deposits" "$tmp/synth/rest.csv" "$clients" "$window" \
  | sed 's/^deposits_per_s:/deposits_per_s_registry_alone:/; s/^deposits_total:/deposits_total_registry_alone:/' | relay
per=$(commit_stats "$RATIFY_DATA_DIR/registry.log" | awk '{ print $1 }')
[ -n "$per" ] && figure deposits_per_commit_registry_alone "$per" deposits
stop_all
fi

# ---- end to end: deposit to alert ------------------------------------------
if part e2e; then
# the same path with nothing of Ratify on it, just before the real one
mkdir -p "$tmp/path-floor"
RATIFY_CURVE=0 "$bb/bench-path-floor" "$tmp/path-floor" "$e2e_samples" | relay
echo "#   path_floor_<pct>_us: the path's shape alone (three processes that each commit one row as the services commit, then publish; client DEALER -> ROUTER, PUB/SUB after), timed end to end at the e2e rate: its distribution, tail included, where e2e_floor_us adds up medians (for comparison)"
"$bb/bench-e2e" --write-catalog "$tmp" $((e2e_samples + 100)) || exit 1
start_stack 20 "$tmp/e2e" "$tmp/instruments.ini" _e2e
"$bb/bench-e2e" --samples "$e2e_samples" --warmup 100 | relay
stop_all
# where a sample's time goes, on a fresh stack (two more subscribers: apart
# from the figures above)
start_stack 40 "$tmp/e2e-stages" "$tmp/instruments.ini" _e2e_stages
"$bb/bench-e2e" --samples 300 --warmup 50 --stages | grep '^e2e_stage' | relay
echo "#   e2e_stage_<service>: registry = deposit sent to its event received; threshold = event to the threshold.reached milestone; notifier = milestone to alert (each ends with a hop to the bench, as the path's does to the next service; 300 samples on a fresh stack with two more subscribers)"
stop_all
fi

# ---- the threshold service's own code: rebuild and recompute by history size
if part engine; then "$bb/bench-threshold-rebuild" | relay; fi

# ---- derived figures and targets --------------------------------------------
commit=$(fig floor_commit_us) hop=$(fig floor_hop_us)
if [ -n "$commit" ] && [ -n "$hop" ]; then
figure e2e_floor_us "$(awk -v c="$commit" -v h="$hop" 'BEGIN { printf "%.0f", 3 * c + 4 * h }')" us
echo "#   e2e_floor_us = 3 x floor_commit_us + 4 x floor_hop_us: commits in the registry, the threshold service and the notifier; hops client->registry, registry->threshold, threshold->notifier, notifier->subscriber"
figure e2e_floor_idle_us "$(awk -v c="$(fig floor_commit_idle_us)" -v h="$(fig floor_hop_idle_us)" 'BEGIN { printf "%.0f", 3 * c + 4 * h }')" us
echo "#   e2e_floor_idle_us: the same path with commits and hops as they cost after a pause (floor_commit_idle_us, floor_hop_idle_us), as a deposit at a low rate meets them"
figure e2e_floor_prealloc_us "$(awk -v c="$(fig floor_commit_prealloc_us)" -v h="$hop" 'BEGIN { printf "%.0f", 3 * c + 4 * h }')" us
echo "#   e2e_floor_prealloc_us: the floor with commits as they cost in a preallocated WAL (floor_commit_prealloc_us), as the services commit; for comparison, the targets are against e2e_floor_us"
figure e2e_floor_prealloc_idle_us "$(awk -v c="$(fig floor_commit_prealloc_idle_us)" -v h="$(fig floor_hop_idle_us)" 'BEGIN { printf "%.0f", 3 * c + 4 * h }')" us
fi
if part e2e; then
  # set and not 0 (a percentile of no sample is 0)
  measured() { for v in "$@"; do awk -v v="$v" 'BEGIN { exit !(v != "" && v + 0 > 0) }' || return 1; done; }
  pf50=$(fig path_floor_p50_us) pf99=$(fig path_floor_p99_us) ef=$(fig e2e_floor_us)
  e50=$(fig e2e_p50_us) e99=$(fig e2e_p99_us)
  if measured "$pf50" "$pf99" "$e50" "$e99"; then
    echo "# e2e against the path floor (comparison, not a target):" \
      "$(awk -v a="$e50" -v b="$pf50" -v c="$e99" -v d="$pf99" \
        'BEGIN { printf "p50 %.2fx (%d vs %d us), p99 %.2fx (%d vs %d us)", a / b, a, b, c / d, c, d }')"
  else
    echo "# e2e against the path floor (comparison, not a target): NOT MEASURED"
  fi
  if measured "$pf50" "$pf99" "$ef"; then
    echo "# the path floor against the e2e targets' bars (what the path alone reaches here):" \
      "$(awk -v b="$pf50" -v d="$pf99" -v f="$ef" \
        'BEGIN { printf "p50 %d vs %.0f us (%.2fx the bar), p99 %d vs %.0f us (%.2fx the bar)", b, 1.5 * f, b / (1.5 * f), d, 2 * f, d / (2 * f) }')"
  else
    echo "# the path floor against the e2e targets' bars: NOT MEASURED (needs the floor part too)"
  fi
fi

echo
echo "# targets"
# target NAME VALUE OP LIMIT TEXT: OP is le (at most) or ge (at least)
target() {
  awk -v n="$1" -v v="$2" -v op="$3" -v l="$4" -v t="$5" 'BEGIN {
    if (v == "" || l == "" || l == 0) { printf "target %s: %s: NOT MEASURED\n", n, t; exit }
    ok = op == "le" ? v <= l : v >= l
    if (ok) printf "target %s: %s: %s vs %s: ok\n", n, t, v, l
    else printf "target %s: %s: %s vs %s: MISSED by %.2fx\n", n, t, v, l, op == "le" ? v / l : l / v
  }'
}
floor=$(fig e2e_floor_us)
target e2e_p99_us "$(fig e2e_p99_us)" le "$(awk -v f="$floor" 'BEGIN { print 2 * f }')" "at most 2 x e2e_floor_us"
target e2e_p50_us "$(fig e2e_p50_us)" le "$(awk -v f="$floor" 'BEGIN { print 1.5 * f }')" "at most 1.5 x e2e_floor_us"
ten_floors=$(awk -v f="$(fig floor_commits_per_s)" 'BEGIN { print 10 * f }')
target deposits_per_s "$(fig deposits_per_s)" ge "$ten_floors" "at least 10 x floor_commits_per_s (every service running)"
target deposits_per_s_registry_alone "$(fig deposits_per_s_registry_alone)" ge "$ten_floors" "the same, the registry alone: the batched-commit ceiling (for comparison)"
target rebuild_ms "$(fig rebuild_ms)" le 999 "under 1000 ms (the threshold service restarted on 100,000 events, 500 instruments, until it answers)"
small=$(fig 'recompute_one_us[events=9993,instruments=50]') big=$(fig 'recompute_one_us[events=99956,instruments=500]')
[ -n "$small" ] || small=$(awk '$1 ~ /^recompute_one_us\[/ { print $2; exit }' "$figures")
[ -n "$big" ] || big=$(awk '$1 ~ /^recompute_one_us\[/ { v = $2 } END { print v }' "$figures")
target recompute_one_us "$big" le "$(awk -v s="$small" 'BEGIN { print 2 * s }')" "one deposit with 10x the history at most 2 x the cost with 1x"
for s in $services; do target "rss_kb_$s" "$(fig "rss_kb_$s")" le 16384 "under 16 MB resident at rest after 100,000 events"; done
target rss_kb_notifier_webhook "$(fig rss_kb_notifier_webhook)" le 16384 "the same, the notifier once it has delivered to an https webhook (OpenSSL loaded)"
for s in $services; do target "ready_ms_$s" "$(fig "ready_ms_$s")" le 99.9 "ready under 100 ms"; done
exit 0
