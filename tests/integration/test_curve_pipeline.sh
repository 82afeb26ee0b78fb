#!/usr/bin/env bash
# The whole pipeline with RATIFY_CURVE=1: registry -> threshold -> notifier,
# and the reporter, each authenticating to the others with its own key (all
# four in readers/). A reader subscribed to alerts sees the UNTOC
# threshold.reached alert caused by forty deposits from the writer; the
# reader asks the threshold service and the reporter; an unknown key gets
# nothing from any of them; every service stops cleanly.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/curve_lib.sh"
start_service registry
start_service threshold
start_service notifier
start_service reporter

ctl_as bob subscribe --type org.ratify.threshold.reached --count 1 --timeout 20 --json >"$TEST_DIR/sub.out" 2>"$TEST_DIR/sub.err" &
sub=$!
sleep 0.5
ctl request registry --count 40 --json \
  '{"type":"deposit","instrument":"UNTOC","participant":"{{participant}}","action":"accession","date":"2003-07-01"}' \
  >"$TEST_DIR/replies.out" 2>/dev/null
assert_eq "$(grep -c '"type":"accepted"' "$TEST_DIR/replies.out")" 40 "forty deposits from the writer accepted"
wait "$sub" || fail "the reader's subscribe exited $?: $(cat "$TEST_DIR/sub.err")"
grep -q '"type":"org.ratify.threshold.reached"' "$TEST_DIR/sub.out" || fail "no alert: $(cat "$TEST_DIR/sub.out")"
grep -q '"entry_into_force":"2003-09-29"' "$TEST_DIR/sub.out" || fail "alert without the date: $(cat "$TEST_DIR/sub.out")"
echo "ok - the reader received the alert through registry, threshold and notifier"

expect_rc 0 "the reader asks the threshold service" ctl_as bob status UNTOC --json
grep -q '2003-09-29' "$TEST_DIR/last.out" || fail "status without entry into force: $(cat "$TEST_DIR/last.out")"
for _ in $(seq 1 50); do
  ctl_as bob ping reporter --json 2>/dev/null | grep -q '"status":"ready","version":"[^"]*","last_seq":40' && break
  sleep 0.2
done
expect_rc 0 "the reader asks the reporter" ctl_as bob report progress --format csv
grep -q 'UNTOC' "$TEST_DIR/last.out" || fail "no UNTOC in the report: $(cat "$TEST_DIR/last.out")"
expect_rc 0 "the reader watches the registry stream" ctl_as bob watch registry --from 40 --count 1 --json
grep -q '"seq":40' "$TEST_DIR/last.out" || fail "$(cat "$TEST_DIR/last.out")"

for s in registry threshold notifier reporter; do
  expect_rc 3 "an unknown key gets nothing from the $s" ctl_as eve ping "$s" --timeout 0.5
done
expect_rc 3 "an unknown key cannot subscribe" ctl_as eve subscribe --from 0 --timeout 1 --count 1

stop_service reporter
stop_service notifier
stop_service threshold
stop_service registry
