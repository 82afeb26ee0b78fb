#!/usr/bin/env bash
# The README's developer example: forty deposits in one `request --count`
# line, and the threshold.reached alert they cause, seen by a subscriber.
source "$(dirname "$0")/lib.sh"
start_service registry
start_service threshold
start_service notifier
ctl subscribe --type org.ratify.threshold.reached --count 1 --timeout 20 --json >"$TEST_DIR/sub.out" &
sub=$!
sleep 0.5
ctl request registry --count 40 --json \
  '{"type":"deposit","instrument":"UNTOC","participant":"{{participant}}","action":"accession","date":"2003-07-01"}' \
  >"$TEST_DIR/replies.out" 2>/dev/null
assert_eq "$(grep -c '"type":"accepted"' "$TEST_DIR/replies.out")" 40 "forty deposits accepted"
wait "$sub" || fail "subscribe exited $?"
grep -q '"type":"org.ratify.threshold.reached"' "$TEST_DIR/sub.out" || fail "no alert: $(cat "$TEST_DIR/sub.out")"
grep -q '"entry_into_force":"2003-09-29"' "$TEST_DIR/sub.out" || fail "alert without the date: $(cat "$TEST_DIR/sub.out")"
echo "ok - the alert arrived"
stop_service notifier
stop_service threshold
stop_service registry
