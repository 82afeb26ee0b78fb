#!/usr/bin/env bash
# The threshold API answers malformed frames and malformed requests with an
# error reply and a stable code, drops an oversize frame, and keeps serving.
source "$(dirname "$0")/lib.sh"
start_service registry
start_service threshold
raw() { "$RATIFY_TOOLS/ratify-rawsend" "$@"; }

# expect_error CODE JSON: the request (sent as written) gets an error with CODE
expect_error() {
  local code=$1 json=$2 out
  set +e
  out=$(ctl request threshold --raw "$json" 2>/dev/null)
  set -e
  echo "$out" | grep -q "\"type\":\"error\",\"code\":\"$code\"" || fail "$json: want $code, got $out"
  echo "ok - $code for $json"
}
expect_error unknown_type '{"v":1,"type":"deposit","instrument":"UNTOC"}'
expect_error bad_field '{"v":1,"type":"status","instrument":5}'
expect_error bad_field '{"v":1,"type":"status","as_of":"2003-02-30"}'
expect_error bad_field '{"v":1,"type":"status","as_of":20030701}'
expect_error unknown_instrument '{"v":1,"type":"status","instrument":"XVIII-99"}'
expect_error missing_field '{"v":1,"type":"parties"}'
expect_error unknown_instrument '{"v":1,"type":"parties","instrument":"nope"}'
expect_error bad_field '{"v":1,"type":"parties","instrument":"UNTOC","as_of":"yesterday"}'
expect_error missing_field '{"v":1,"type":"milestones.since"}'
expect_error bad_field '{"v":1,"type":"milestones.since","from":1,"limit":-1}'
expect_error bad_field '{"v":1,"type":"milestones.since","from":"1"}'
expect_error bad_version '{"v":2,"type":"ping"}'

ep=$RATIFY_THRESHOLD_API
out=$(raw "$ep" c1) || fail "no reply to garbage"
echo "$out" | grep -q '"code":"bad_frame"' || fail "garbage: $out"
echo "ok - bad_frame for garbage"
out=$(raw "$ep" ddffffffff00) || fail "no reply"
echo "$out" | grep -q '"code":"bad_frame"' || fail "4G-entry array: $out"
echo "ok - bad_frame for an array declaring 4G entries"
out=$(raw --timeout 1000 --big 2000000 "$ep" || true)
assert_eq "$out" "no reply" "oversize frame is dropped"

# still serving, and valid requests through `ratifyctl request` work too
ctl ping threshold >/dev/null || fail "threshold stopped answering"
out=$(ctl request threshold '{"type":"status","instrument":"TIP","as_of":"2003-07-02"}')
echo "$out" | grep -q '"type":"status.reply","as_of":"2003-07-02","registry_seq":0' || fail "status request: $out"
out=$(ctl request threshold '{"type":"milestones.since","from":1,"limit":10}')
assert_eq "$out" '{"v":1,"type":"milestones","last_seq":0,"more":false,"milestones":[]}' "empty replay"
grep -q '"level":"warn".*bad request' "$TEST_DIR/threshold.log" || fail "bad frames are logged"
echo "ok - bad frames are logged"
stop_service threshold
stop_service registry
