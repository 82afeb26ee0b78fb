#!/usr/bin/env bash
# A slow subscriber does not slow the pipeline or grow any service's memory
# without bound, and when it reads again it sees the gap and replays.
#
# Half of a synthetic history is loaded (four concurrent loaders) to measure
# the pipeline's pace. Then two subscribers stop reading (ratify-slowsub),
# one on the registry's events and one on the notifier's alerts, each with a
# small receive queue, for RATIFY_SLOW_SECONDS (15; 60 with RATIFY_CHAOS=long,
# `make chaos`), while the other half loads. (The publisher keeps at most
# SOCK_PUB_SNDHWM_MSGS = 10,000 messages and a 256 KiB kernel buffer for a
# subscriber that does not read and drops the rest: the second half's
# 13,200 events are more.) Meanwhile every service's VmRSS is sampled each
# second.
# Checked:
#   - the second half loads at no less than a third of the first half's pace,
#     and the threshold service and the notifier keep up with it;
#   - no service's resident memory grows by more than 64 MiB beyond what the
#     same load grew it by without slow subscribers: a PUB queue for a
#     subscriber that reads nothing is bounded;
#   - when the events subscriber reads again it sees the gap (the owner
#     dropped what it could not deliver), replays it through events.since
#     and ends with every event after its start exactly once, in order; the
#     alerts subscriber likewise ends with every alert exactly once.
export RATIFY_TODAY=2021-12-31 # the synthetic history runs to 2020
source "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || { echo "SKIP: jq is not installed"; exit 77; }
if [ "${RATIFY_CHAOS:-short}" = long ]; then
  slow=${RATIFY_SLOW_SECONDS:-60} instruments=400 events=160000
else
  slow=${RATIFY_SLOW_SECONDS:-15} instruments=66 events=26400
fi
rss_bound_kb=$((64 * 1024))
# Under ASan, freed memory waits in a quarantine of up to 256 MB before
# reuse, which shows as resident growth on any busy service: keep it small
# so that the bound measures what the services hold (plain builds ignore it).
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=8
d=$RATIFY_DATA_DIR
mkdir -p "$d/synth"
"$RATIFY_TOOLS/ratify-synth" --instruments "$instruments" --events "$events" --seed 5 "$d/synth" >/dev/null
export RATIFY_CATALOG=$d/synth/instruments.ini
# halves by instrument parity, each in four slices: disjoint, each in file order
for h in 0 1; do
  for k in 0 1 2 3; do
    awk -F, -v h="$h" -v k="$k" 'NR == 1 || (NR > 1 && substr($1, 4) % 2 == h && int(substr($1, 4) / 2) % 4 == k)' \
      "$d/synth/events.csv" >"$d/half$h.$k.csv"
  done
done

start_service registry
start_service threshold
start_service notifier
start_service reporter

registry_seq() { ctl request threshold '{"type":"status","instrument":"SYN001"}' 2>/dev/null | jq -r .registry_seq; }
caught_up() {
  local reg mil
  reg=$(last_seq registry) mil=$(last_seq threshold)
  [ "$(registry_seq)" = "$reg" ] && [ "$(last_seq notifier)" = "$mil" ] &&
    [ "$(last_seq reporter)" = "$reg" ]
}
# load HALF: four loaders at once; prints the rows per second
load() {
  local t0 rows pids=() k
  rows=$(cat "$d"/half"$1".?.csv | grep -vc '^instrument,')
  t0=$(date +%s%N)
  for k in 0 1 2 3; do
    "$RATIFY_TOOLS/ratify-chaosload" --acks "$d/acks$1.$k" "$d/half$1.$k.csv" >/dev/null 2>"$d/load$1.$k.err" &
    pids+=($!)
  done
  for k in 0 1 2 3; do wait "${pids[k]}" || fail "load $1.$k: $(cat "$d/load$1.$k.err")"; done
  echo $((rows * 1000000000 / ($(date +%s%N) - t0)))
}
# settle_time: seconds until every consumer has caught up
settle_time() {
  local t0=$SECONDS
  for _ in $(seq 1 300); do
    caught_up && { echo $((SECONDS - t0)); return 0; }
    sleep 0.2
  done
  fail "the pipeline did not catch up within 60 s"
}

# every service's VmRSS (kB)
rss() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status" 2>/dev/null || echo 0; }
declare -A rss0=() rss1=()
for name in registry threshold notifier reporter; do rss0[$name]=$(rss "${SERVICE_PIDS[$name]}"); done
rate0=$(load 0)
settle_time >/dev/null
log "first half: $rate0 rows/s without a slow subscriber"

# each second while the subscribers sleep
sampler() {
  while :; do
    for name in registry threshold notifier reporter; do
      echo "$name $(rss "${SERVICE_PIDS[$name]}")"
    done >>"$d/rss"
    sleep 1
  done
}
for name in registry threshold notifier reporter; do rss1[$name]=$(rss "${SERVICE_PIDS[$name]}"); done
sampler &
sampler_pid=$!
test_cleanup() { kill "$sampler_pid" 2>/dev/null || true; }

"$RATIFY_TOOLS/ratify-slowsub" --stream registry --rcvhwm 16 --sleep $((slow * 1000)) \
  --ready "$d/ready.events" --out "$d/events.seqs" >"$d/slow.events.json" 2>"$d/slow.events.err" &
slow_events=$!
"$RATIFY_TOOLS/ratify-slowsub" --stream alerts --rcvhwm 4 --sleep $((slow * 1000)) \
  --ready "$d/ready.alerts" --out "$d/alerts.seqs" >"$d/slow.alerts.json" 2>"$d/slow.alerts.err" &
slow_alerts=$!
for _ in $(seq 1 100); do
  [ -e "$d/ready.events" ] && [ -e "$d/ready.alerts" ] && break
  sleep 0.2
done
[ -e "$d/ready.events" ] && [ -e "$d/ready.alerts" ] || fail "the slow subscribers did not start"
log "two subscribers stop reading for $slow s"

rate1=$(load 1)
lag=$(settle_time)
log "second half: $rate1 rows/s with the slow subscribers; caught up $lag s after it"
[ $((rate1 * 3)) -ge "$rate0" ] || fail "the slow subscribers slowed the load: $rate1 rows/s, $rate0 before"
echo "ok - the load keeps its pace ($rate1 rows/s against $rate0)"
[ "$lag" -le 10 ] || fail "the pipeline took $lag s to catch up after the load"
echo "ok - the threshold service, the notifier and the reporter keep up"

wait "$slow_events" || fail "events subscriber: $(cat "$d/slow.events.json" "$d/slow.events.err")"
wait "$slow_alerts" || fail "alerts subscriber: $(cat "$d/slow.alerts.json" "$d/slow.alerts.err")"
kill "$sampler_pid" 2>/dev/null || true

# The second half grows what the first half grew (more events held, the
# threshold's and the reporter's state); the slow subscribers may add at
# most rss_bound_kb to that.
for name in registry threshold notifier reporter; do
  max=$(awk -v n="$name" '$1 == n && $2 > m { m = $2 } END { print m + 0 }' "$d/rss")
  first=$((rss1[$name] - rss0[$name])) second=$((max - rss1[$name]))
  [ "$second" -le $((first + rss_bound_kb)) ] ||
    fail "$name grew by $second kB with the slow subscribers, $first kB without"
  echo "ok - $name: VmRSS ${rss0[$name]} kB, then ${rss1[$name]} kB after the first half, at most $max kB in the second"
done

reg=$(last_seq registry) alerts=$(last_seq notifier)
# the summary line (library log lines share stdout)
ev=$(grep '^{"stream"' "$d/slow.events.json") al=$(grep '^{"stream"' "$d/slow.alerts.json")
log "events subscriber: $ev"
log "alerts subscriber: $al"
from=$(echo "$ev" | jq .from)
assert_eq "$(echo "$ev" | jq -c '[.in_order, .duplicates, .last_seq, .delivered]')" \
  "[true,0,$reg,$((reg - from))]" "the events subscriber has every event after $from once, in order"
[ "$(echo "$ev" | jq .gap_after)" -ge "$from" ] || fail "the events subscriber saw no gap: $ev"
[ "$(echo "$ev" | jq .replays)" -ge 1 ] || fail "the events subscriber did not replay: $ev"
echo "ok - it saw the gap after $(echo "$ev" | jq .gap_after) and replayed"
# what the owner kept queued for it is what it read after waking: the rest
# the owner dropped rather than hold
[ "$(echo "$ev" | jq .buffered)" -lt $((reg - from)) ] || fail "the registry kept the whole backlog: $ev"
echo "ok - the registry kept $(echo "$ev" | jq .buffered) of the $((reg - from)) events for it"
assert_eq "$(seq -s ' ' $((from + 1)) "$reg")" "$(tr '\n' ' ' <"$d/events.seqs" | sed 's/ $//')" \
  "the events it delivered, one by one"
from=$(echo "$al" | jq .from)
assert_eq "$(echo "$al" | jq -c '[.in_order, .duplicates, .last_seq, .delivered]')" \
  "[true,0,$alerts,$((alerts - from))]" "the alerts subscriber has every alert after $from once, in order"

for name in reporter notifier threshold registry; do stop_service "$name"; done
