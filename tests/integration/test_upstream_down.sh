#!/usr/bin/env bash
# A service whose upstream is down keeps answering its own API: the
# threshold service and the reporter without the registry, the notifier
# without the threshold service. Their followers ask for a replay and never
# wait for it (a replay to an owner that is down used to hold the service's
# loop for its whole timeout, 1 to 2 s of every 1 to 2 s). Each answers
# every ping of 3.5 s of pings, each within 300 ms, through several replay
# timeouts; the notifier also answers a subscriber's replay of its alerts.
# When the upstream comes, they catch up without a restart.
# (Docker health checks ping each service: a service must not look down
# because another one is.)
source "$(dirname "$0")/lib.sh"

# every_ping_answered SECONDS SERVICE...: pings each service every 100 ms
every_ping_answered() {
  local end=$((SECONDS + $1)) n=0 s
  shift
  while [ "$SECONDS" -lt "$end" ]; do
    for s in "$@"; do
      ctl ping "$s" --timeout 0.3 >/dev/null 2>&1 || fail "ratify-$s did not answer ping $n within 300 ms"
    done
    n=$((n + 1))
    sleep 0.1
  done
  echo "ok - $* answered $n pings each, every one within 300 ms"
}

# 1. nothing upstream: no registry at all
start_service threshold
start_service reporter
start_service notifier
every_ping_answered 4 threshold reporter notifier
grep -q 'replay from 1 failed: no reply' "$TEST_DIR/threshold.log" || fail "the threshold service never asked the registry"
ctl status --json >/dev/null || fail "the threshold service does not answer status"
out=$(ctl subscribe --from 1 --json --timeout 0.5) || fail "the notifier does not replay alerts: $out"
assert_eq "$out" "" "the notifier answers a subscriber's replay (no alert yet)"

# 2. the registry comes: everything catches up, nothing restarted
start_service registry
ctl load "$FIXTURE" >/dev/null || fail "load"
alerts=$(ctl subscribe --from 1 --count 4 --timeout 20 --json) || fail "the alerts did not come"
assert_eq "$(echo "$alerts" | grep -c '"type":"org.ratify.')" 4 "the seed's four alerts, once the registry is up"
echo "$alerts" | grep -q '"type":"org.ratify.threshold.reached"' || fail "no threshold.reached alert: $alerts"

# 3. the threshold service goes, and the notifier restarts meanwhile (so it
#    has a replay to ask for): it answers, its stored alerts included
stop_service threshold
stop_service notifier
start_service notifier
every_ping_answered 4 notifier reporter registry
grep -q 'threshold milestones: replay from .* failed: no reply' "$TEST_DIR/notifier.log" \
  || fail "the notifier never asked the stopped threshold service"
n=$(ctl subscribe --from 1 --json --timeout 0.5 | wc -l)
[ "$n" -ge 4 ] || fail "the notifier replayed $n alerts while the threshold service is down"
echo "ok - the notifier replays its $n alerts while the threshold service is down"

stop_service notifier
stop_service reporter
stop_service registry
