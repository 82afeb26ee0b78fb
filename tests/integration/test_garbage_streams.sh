#!/usr/bin/env bash
# Garbage in, service up, on the sockets a service reads from another: the
# threshold service and the reporter subscribe to the registry's events, the
# notifier to the threshold service's milestones. Each consumer is pointed
# at a garbage publisher (ratify-garbagepub: bodies that are not msgpack or
# are cut short, maps declaring a million entries, wrong envelopes, unknown
# types and versions, items of the wrong types, items and heartbeats with
# absurd sequence numbers, unreadable items carrying the next sequence
# number, one, three and five frames, frames over the size limit) while
# replays go to the real owner's API. Each consumer logs and drops every
# message, delivers nothing from them, stays up and keeps answering; then
# the real owner is restarted on that same endpoint, the second half of the
# history is loaded, and every consumer catches up live with exactly the
# owner's items: the same events in the mirrors, the alerts of exactly the
# threshold service's milestones, the rule engine's status.
export RATIFY_TODAY=2021-12-31 # the synthetic history runs to 2020
source "$(dirname "$0")/lib.sh"
command -v sqlite3 >/dev/null || { echo "SKIP: sqlite3 is not installed"; exit 77; }
command -v jq >/dev/null || { echo "SKIP: jq is not installed"; exit 77; }
d=$RATIFY_DATA_DIR
mkdir -p "$d/synth"
"$RATIFY_TOOLS/ratify-synth" --instruments 6 --events 1200 --seed 11 "$d/synth" >/dev/null
export RATIFY_CATALOG=$d/synth/instruments.ini
rows=$(($(wc -l <"$d/synth/events.csv") - 1))
half=$((rows / 2))
head -n $((half + 1)) "$d/synth/events.csv" >"$d/part1.csv"
(head -1 "$d/synth/events.csv"; tail -n +$((half + 2)) "$d/synth/events.csv") >"$d/part2.csv"

# the consumers' upstream streams: where the garbage is published first
garbage_events=tcp://127.0.0.1:$((base + 10))
garbage_milestones=tcp://127.0.0.1:$((base + 11))

registry_seq() { ctl request threshold '{"type":"status","instrument":"SYN001"}' 2>/dev/null | jq -r .registry_seq; }
# wait_caught_up: the consumers hold everything the owners have
wait_caught_up() {
  local reg mil
  for _ in $(seq 1 100); do
    reg=$(last_seq registry) mil=$(last_seq threshold)
    [ "$(registry_seq)" = "$reg" ] && [ "$(last_seq notifier)" = "$mil" ] &&
      [ "$(ctl ping reporter --json --timeout 2 | jq -r '.status + ":" + (.last_seq|tostring)')" = "ready:$reg" ] &&
      return 0
    sleep 0.2
  done
  fail "not caught up: registry $reg, threshold read $(registry_seq), milestones $mil," \
    "alerts $(last_seq notifier), reporter $(ctl ping reporter --json --timeout 2)"
}
dump() { sqlite3 -readonly "$1" "SELECT seq, action, instrument, participant, date FROM events ORDER BY seq"; }
# check WHAT: every consumer holds exactly what its owner has
check() {
  assert_eq "$(dump "$d/threshold.db" | md5sum)" "$(dump "$d/registry.db" | md5sum)" "$1: the threshold mirror is the log"
  assert_eq "$(dump "$d/reporter.db" | md5sum)" "$(dump "$d/registry.db" | md5sum)" "$1: the reporter mirror is the log"
  assert_eq "$(sqlite3 -readonly "$d/notifier.db" "SELECT id FROM alerts ORDER BY seq" | md5sum)" \
    "$(sqlite3 -readonly "$d/threshold.db" "SELECT id FROM milestones ORDER BY seq" | md5sum)" \
    "$1: an alert for each milestone, in order"
  assert_eq "$(ctl status --json | md5sum)" "$("$RATIFY_TOOLS/ratify-rulestatus" 2>/dev/null | md5sum)" \
    "$1: the status is the rule engine's"
}

# the owners on their real endpoints, the consumers on the garbage ones
start_service registry
ctl load "$d/part1.csv" >/dev/null
RATIFY_REGISTRY_EVENTS=$garbage_events start_service threshold
RATIFY_REGISTRY_EVENTS=$garbage_events start_service reporter
RATIFY_THRESHOLD_EVENTS=$garbage_milestones start_service notifier
wait_caught_up # by replay: nothing is published where they listen
[ "$(last_seq notifier)" -gt 5 ] || fail "too few milestones in the first half: $(last_seq notifier)"
check "before the garbage"

"$RATIFY_TOOLS/ratify-garbagepub" --for 4000 --big 2000000 --topic event "$garbage_events" &
g1=$!
"$RATIFY_TOOLS/ratify-garbagepub" --for 4000 --big 2000000 --topic milestone "$garbage_milestones" &
g2=$!
wait "$g1" || fail "garbage publisher"
wait "$g2" || fail "garbage publisher"
for name in threshold reporter notifier; do
  kill -0 "${SERVICE_PIDS[$name]}" || fail "$name died of garbage"
  ctl ping "$name" >/dev/null || fail "$name stopped answering"
  log=$TEST_DIR/$name.log
  for what in "dropped a malformed stream message (invalid msgpack" \
    "dropped a malformed stream message (not two frames)" \
    "dropped a malformed stream message (protocol version 2" \
    "dropped an unreadable stream message (a 'bogus' message under another topic)" \
    "dropped an unreadable stream message (field 'seq' must be an integer)" \
    "9223372036854775807 was announced, but the owner's log ends at"; do
    grep -qF "$what" "$log" || fail "$name did not log: $what"
  done
  echo "ok - $name logged and dropped $(grep -c 'dropped a\|was announced' "$log") garbage messages"
done
grep -q '"level":"error"' "$TEST_DIR/threshold.log" "$TEST_DIR/reporter.log" "$TEST_DIR/notifier.log" &&
  fail "an error was logged: $(grep -h '"level":"error"' "$TEST_DIR"/*.log | head -3)"
wait_caught_up
check "after the garbage"

# the real owners take over the endpoints the consumers listen on
stop_service registry
RATIFY_REGISTRY_EVENTS=$garbage_events start_service registry
stop_service threshold
RATIFY_REGISTRY_EVENTS=$garbage_events RATIFY_THRESHOLD_EVENTS=$garbage_milestones start_service threshold
before=$(last_seq notifier)
ctl load "$d/part2.csv" >/dev/null
wait_caught_up
[ "$(last_seq notifier)" -gt "$before" ] || fail "no new alerts from the second half"
check "after the second half, live"
# the frames over the size limit made libzmq give the subscriptions up for
# good; the followers noticed the silence and subscribed again
for name in reporter notifier; do
  grep -q "nothing heard from .* subscribing again" "$TEST_DIR/$name.log" || fail "$name never resubscribed"
  grep -q "hearing from .* again" "$TEST_DIR/$name.log" || fail "$name never heard the real owner"
done
echo "ok - the reporter and the notifier subscribed again after the oversize frames"
for name in notifier reporter threshold registry; do stop_service "$name"; done
