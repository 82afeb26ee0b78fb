#!/usr/bin/env bash
# The notifier's API: it starts and answers without the threshold service
# (catching up once it appears), answers bad frames and bad requests with an
# error and goes on serving, and replays alerts.since in bounded batches.
source "$(dirname "$0")/lib.sh"
raw() { "$RATIFY_TOOLS/ratify-rawsend" "$@"; }
ep=$RATIFY_NOTIFIER_API

start_service notifier # no threshold service yet
out=$(ctl ping notifier) || fail "ping"
[[ "$out" == "notifier: ready (version "*", last sequence 0) at "* ]] || fail "pong: $out"
echo "ok - the notifier answers without the threshold service"

expect_error() {
  local code=$1; shift
  out=$(raw "$ep" "$@") || fail "no reply to $*: $out"
  echo "$out" | grep -q "\"type\":\"error\",\"code\":\"$code\"" || fail "want $code, got $out"
  echo "ok - $code for $1"
}
expect_error bad_frame c1                                      # not msgpack
expect_error bad_frame ddffffffff00                            # an array declaring 4G entries
expect_error bad_envelope 93010203                             # an array, not a map
expect_error unknown_type 82a17601a474797065a5626f677573       # type "bogus"
expect_error unknown_type 82a17601a474797065a56576656e74       # type "event": not the notifier's
expect_req() {
  local code=$1 json=$2
  set +e; out=$(ctl request notifier --raw "$json" 2>&1); set -e
  echo "$out" | grep -q "\"code\":\"$code\"" || fail "want $code for $json, got $out"
  echo "ok - $code for $json"
}
expect_req missing_field '{"v":1,"type":"alerts.since"}'
expect_req bad_field '{"v":1,"type":"alerts.since","from":"one"}'
expect_req bad_field '{"v":1,"type":"alerts.since","from":1,"limit":-1}'
expect_req missing_field '{"v":1,"type":"webhook.add"}'
expect_req bad_field '{"v":1,"type":"webhook.add","url":42}'
expect_req bad_url '{"v":1,"type":"webhook.add","url":"file:///etc/passwd"}'
expect_req missing_field '{"v":1,"type":"webhook.remove"}'
expect_req bad_field '{"v":1,"type":"webhook.redeliver","id":"x"}'
expect_req bad_field '{"v":1,"type":"webhook.list","limit":-3}'
expect_req unknown_type '{"v":1,"type":"org.ratify.threshold.reached"}'
out=$(ctl request notifier '{"type":"alerts.since","from":1}' 2>/dev/null)
assert_eq "$out" '{"v":1,"type":"alerts","last_seq":0,"more":false,"alerts":[]}' "alerts.since on an empty log"
ctl ping notifier >/dev/null || fail "the notifier stopped answering"
grep -q '"level":"warn".*bad request' "$RATIFY_DATA_DIR/notifier.log" || fail "bad frames are logged"
echo "ok - still serving, bad frames logged"

# the threshold service and the history arrive later: the notifier catches up
start_service registry
ctl load "$FIXTURE" >/dev/null
start_service threshold
n=$(wait_seq notifier 4)
echo "ok - caught up with a threshold service started later: $n alerts"

# batches: limit and more
out=$(ctl request notifier '{"type":"alerts.since","from":2,"limit":2}' 2>/dev/null)
[[ "$out" == '{"v":1,"type":"alerts","last_seq":'"$n"',"more":true,"alerts":[{"v":1,"type":"org.ratify.'* ]] || fail "batch: $out"
assert_eq "$(echo "$out" | grep -o '"sequence":[0-9]*' | tr '\n' ' ')" '"sequence":2 "sequence":3 ' "limit 2 from 2 gives 2 and 3"
out=$(ctl request notifier "{\"type\":\"alerts.since\",\"from\":$n}" 2>/dev/null)
[[ "$out" == *'"more":false,'* ]] || fail "the last batch says more: $out"
echo "ok - the last batch says no more"
out=$(ctl request notifier '{"type":"alerts.since","from":0,"limit":0}' 2>/dev/null)
assert_eq "$(echo "$out" | grep -o '"sequence":[0-9]*' | wc -l)" "$n" "from 0, limit 0: everything"
stop_service threshold
stop_service registry
stop_service notifier
