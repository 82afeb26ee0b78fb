#!/usr/bin/env bash
# Webhooks against real HTTP servers on loopback (tests/tools/hookserver.c):
# every alert arrives as a signed CloudEvents JSON document that verifies; an
# endpoint answering 500 twice gets it on the third attempt; one answering
# 410 is called once and never again; one that always fails ends on the
# dead-letter list, from which redeliver sends it again; a slow endpoint
# delays neither the ZeroMQ stream nor the other endpoints; a type prefix
# filters; subscriptions survive a restart; bad requests are refused.
export RATIFY_WEBHOOK_ATTEMPTS=3
export RATIFY_WEBHOOK_BACKOFF_MS=50
export RATIFY_WEBHOOK_BACKOFF_MAX_MS=200
source "$(dirname "$0")/lib.sh"
d=$RATIFY_DATA_DIR
SECRET=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
declare -A HOOK_PIDS=()

# hook NAME N ARGS...: starts an endpoint on port base+N logging to $d/hook-NAME.log
hook() {
  local name=$1 port=$2; shift 2
  rm -f "$d/hook-$name.log"
  "$RATIFY_TOOLS/ratify-hookserver" --port "$((base + port))" --log "$d/hook-$name.log" --secret "$SECRET" "$@" \
    2>>"$d/hookserver.err" &
  HOOK_PIDS[$name]=$!
  for _ in $(seq 1 100); do [ -f "$d/hook-$name.log" ] && return 0; sleep 0.05; done
  fail "hook server $name did not start"
}
unhook() { kill -TERM "${HOOK_PIDS[$1]}" 2>/dev/null || true; wait "${HOOK_PIDS[$1]}" 2>/dev/null || true; }
trap 'rc=$?; set +e; for n in "${!HOOK_PIDS[@]}"; do unhook "$n"; done; (exit $rc); s_cleanup' EXIT
requests() { grep -c . "$d/hook-$1.log" || true; }
# wait_for N NAME: until endpoint NAME has logged N requests (20 s at most)
wait_for() {
  for _ in $(seq 1 200); do [ "$(requests "$2")" -ge "$1" ] && return 0; sleep 0.1; done
  fail "endpoint $2 got $(requests "$2") requests, want $1"
}
url() { echo "http://127.0.0.1:$((base + $1))/hooks/$2"; }
ids() { sed -n 's/^{"specversion":"1.0","id":"\([^"]*\)".*/\1/p' "$1"; }
hook_ids() { sed -n 's/.*"id":"\([^"]*\)","timestamp".*/\1/p' "$d/hook-$1.log"; }

start_service registry
start_service threshold
start_service notifier
hook ok 10
hook fail2 11 --fail-first 2
hook gone 12 --status 410
hook dead 13 --status 503
hook slow 14 --delay-ms 2500
hook reached 15
hook later 17 --fail-first 1 --retry-after 2
ctl webhook add "$(url 10 ok)" --secret "$SECRET" | grep -q "^webhook 1 added" || fail "add"
ctl webhook add "$(url 11 fail2)" --secret "$SECRET" >/dev/null
ctl webhook add "$(url 12 gone)" --secret "$SECRET" >/dev/null
ctl webhook add "$(url 13 dead)" --secret "$SECRET" >/dev/null
ctl webhook add "$(url 14 slow)" --secret "$SECRET" >/dev/null
ctl webhook add "$(url 15 reached)" --secret "$SECRET" --type org.ratify.threshold.reached >/dev/null
ctl webhook add "$(url 17 later)" --secret "$SECRET" --type org.ratify.threshold.reached >/dev/null
out=$(ctl webhook add "$(url 16 none)") || fail "add without a secret"
[[ "$out" == *"secret: whsec_"* ]] || fail "a generated secret is printed: $out"
echo "ok - eight webhooks added, one with a generated secret"
assert_eq "$(ctl webhook list --json | wc -l)" 8 "webhook list --json: one line per webhook"

ctl subscribe --json --timeout 10 >"$d/zmq.json" &
sub=$!
sleep 0.5
ctl load "$FIXTURE" >/dev/null
n=$(wait_seq notifier 4) # the seed's four alerts
wait_for "$n" ok
slow_then=$(requests slow)
[ "$slow_then" -lt "$n" ] || fail "the slow endpoint was not slow"
echo "ok - the fast endpoint got all $n alerts while the slow one had received $slow_then"
wait "$sub"
assert_eq "$(wc -l <"$d/zmq.json")" "$n" "the ZeroMQ subscriber got them all too"

# the fast endpoint: every alert, once, in order, signed, as CloudEvents JSON
assert_eq "$(hook_ids ok | tr '\n' ' ')" "$(ids "$d/zmq.json" | tr '\n' ' ')" "endpoint ok got every alert once, in order"
assert_eq "$(grep -c '"verified":true' "$d/hook-ok.log")" "$n" "every signature verifies"
assert_eq "$(grep -c '"method":"POST","path":"/hooks/ok",.*"content_type":"application/cloudevents+json"' "$d/hook-ok.log")" "$n" "POST with Content-Type application/cloudevents+json"
reached=$(grep '"id":"UNTOC/threshold.reached/2003-07-01"' "$d/hook-ok.log") || fail "no threshold.reached delivery"
for want in '"body":{"specversion":"1.0","id":"UNTOC/threshold.reached/2003-07-01"' \
  '"type":"org.ratify.threshold.reached"' '"entry_into_force":"2003-09-29"' '"signature":"v1,'; do
  [[ "$reached" == *"$want"* ]] || fail "the threshold.reached delivery lacks $want"
done
echo "ok - the threshold.reached delivery carries the alert"

# 500 twice, then 200: three attempts each, delivered
wait_for $((3 * n)) fail2
sleep 0.3
assert_eq "$(requests fail2)" $((3 * n)) "endpoint fail2: three attempts per alert"
assert_eq "$(grep -c '"status":200' "$d/hook-fail2.log")" "$n" "endpoint fail2: each alert delivered on the third attempt"
assert_eq "$(grep -c '"verified":true' "$d/hook-fail2.log")" $((3 * n)) "endpoint fail2: every retry is signed afresh"

# 410: called once, then never again, and the subscription is gone
wait_for 1 gone
sleep 1
assert_eq "$(requests gone)" 1 "endpoint gone is called once"
ctl webhook list | grep -q "^   3  gone " || fail "webhook 3 is not listed as gone: $(ctl webhook list)"
echo "ok - webhook 3 listed as gone"

# the type prefix
wait_for 1 reached
sleep 0.3
assert_eq "$(hook_ids reached)" "UNTOC/threshold.reached/2003-07-01" "--type org.ratify.threshold.reached gets only that alert"

# Retry-After: 2 is honoured although the back-off is 50 ms
wait_for 2 later
gap=$(sed -n 's/.*"received_ms":\([0-9]*\),.*/\1/p' "$d/hook-later.log" | sed -n '1h;2{G;s/\n/ - /p}')
[ $((gap)) -ge 1900 ] || fail "the retry came $((gap)) ms after a Retry-After: 2"
echo "ok - the retry waited $((gap)) ms, as Retry-After: 2 asked"

# 503 on every attempt: the dead-letter list
wait_for $((3 * n)) dead
for _ in $(seq 1 50); do [ "$(ctl webhook dead --json | grep -c '"webhook":4,')" -eq "$n" ] && break; sleep 0.1; done
assert_eq "$(ctl webhook dead --json | grep -c '"webhook":4,')" "$n" "after 3 attempts every delivery to webhook 4 is dead"
ctl webhook dead | grep -q "HTTP 503" || fail "webhook dead shows the last error"
dead_id=$(ctl webhook dead --json | grep '"webhook":4,.*"alert":"UNTOC/threshold.reached/2003-07-01"' | sed -n 's/^{"id":\([0-9]*\),.*/\1/p')
[ -n "$dead_id" ] || fail "no dead delivery for the threshold.reached alert"
unhook dead
hook dead 13
ctl webhook redeliver "$dead_id" | grep -q "pending again" || fail "redeliver"
wait_for 1 dead
assert_eq "$(hook_ids dead)" "UNTOC/threshold.reached/2003-07-01" "redeliver sends the dead delivery again"
grep -q '"verified":true,"status":200' "$d/hook-dead.log" || fail "the redelivery is signed"
sleep 0.3
assert_eq "$(ctl webhook dead --json | grep -c '"webhook":4,')" $((n - 1)) "one dead delivery fewer"
set +e
ctl webhook redeliver "$dead_id" 2>"$d/err"; rc=$?
set -e
assert_eq "$rc" 1 "redelivering a delivered one is refused"
grep -q "rejected (not_dead)" "$d/err" || fail "not_dead: $(cat "$d/err")"

# the slow endpoint gets everything in the end
wait_for "$n" slow
assert_eq "$(grep -c '"verified":true,"status":200' "$d/hook-slow.log")" "$n" "the slow endpoint gets every alert"

# refused requests: exit 1 with a stable code
expect_reject() {
  local code=$1; shift
  set +e; err=$(ctl webhook "$@" 2>&1 >/dev/null); rc=$?; set -e
  [ "$rc" -eq 1 ] || fail "ratifyctl webhook $* exited $rc, want 1 ($err)"
  [[ "$err" == *"rejected ($code)"* ]] || fail "ratifyctl webhook $*: want $code, got $err"
  echo "ok - $code: webhook $*"
}
expect_reject bad_url add ftp://127.0.0.1/x
expect_reject bad_url add "not a url"
expect_reject bad_secret add http://127.0.0.1:1/x --secret hunter2
expect_reject bad_secret add http://127.0.0.1:1/x --secret whsec_c2hvcnQ=
expect_reject bad_field add http://127.0.0.1:1/x --type threshold
expect_reject unknown_webhook remove 99
expect_reject unknown_delivery redeliver 9999
set +e; ctl webhook remove 2>/dev/null; rc=$?; set -e
assert_eq "$rc" 2 "remove without an id is a usage error"

# the secrets' database is its owner's only: created so, and narrowed at
# start when it is not (a database from an older notifier, or copied in)
assert_eq "$(stat -c %a "$d/notifier.db") $(stat -c %a "$d/notifier.db-wal")" "600 600" "notifier.db and its WAL are created mode 0600"
# subscriptions and their state survive a restart; remove drops one
stop_service notifier
chmod 0644 "$d/notifier.db"
start_service notifier
assert_eq "$(stat -c %a "$d/notifier.db")" 600 "a notifier.db others could read is made 0600 at start"
grep -q '"level":"warn".*notifier.db holds the webhooks.* secrets and could be read by others' "$d/notifier.log" \
  || fail "the narrowing is logged as a warning"
echo "ok - notifier.db and its WAL are readable by their owner only"
assert_eq "$(ctl webhook list --json | wc -l)" 8 "eight webhooks after a restart"
ctl webhook list | grep -q "^   3  gone " || fail "webhook 3 still gone after a restart"
ctl webhook remove 8 | grep -q "webhook 8 removed" || fail "remove"
assert_eq "$(ctl webhook list --json | wc -l)" 7 "seven webhooks after remove"

# a password in a webhook URL is kept for the deliveries, never shown
out=$(ctl webhook add "http://user:s3cret@127.0.0.1:$((base + 18))/hooks/auth" --secret "$SECRET") || fail "add with a password"
[[ "$out" == *"http://user:***@127.0.0.1:"* && "$out" != *s3cret* ]] || fail "the add reply hides the password: $out"
out=$(ctl webhook list; ctl webhook list --json)
[[ "$out" == *"user:***@"* && "$out" != *s3cret* ]] || fail "webhook list hides the password: $out"
assert_eq "$(db_query notifier.db "SELECT url FROM webhooks WHERE url LIKE '%auth'")" "http://user:s3cret@127.0.0.1:$((base + 18))/hooks/auth" "stored as given"
out=$(ctl webhook remove 9) || fail "remove 9"
[[ "$out" != *s3cret* ]] || fail "the remove reply hides the password: $out"
! grep -q s3cret "$d/notifier.log" || fail "the log shows the password"
echo "ok - a webhook URL's password is not shown in replies or the log"
stop_service notifier
stop_service threshold
stop_service registry
