#!/usr/bin/env bash
# The seed fixture through registry -> threshold -> notifier: a subscriber
# started after the load (--from 0) prints every alert once, in sequence
# order, the UNTOC threshold.reached alert among them with entry into force
# on 2003-09-29; a subscriber connected before the load (only new alerts) and
# one connected during it (--from 1: replay merged with live) print the same
# alerts with the same ids. Without a webhook the notifier never loads
# OpenSSL. A notifier that starts on a fresh database while the threshold
# service holds every milestone stores the whole replay in one commit and
# publishes the same alerts.
source "$(dirname "$0")/lib.sh"
start_service registry
start_service threshold
start_service notifier

ids() { sed -n 's/^{"specversion":"1.0","id":"\([^"]*\)".*/\1/p' "$1"; }
seqs() { sed -n 's/.*,"sequence":"\([0-9]*\)",.*/\1/p' "$1" | tr '\n' ' '; }
# settled: the threshold service has read every registry event, the notifier
# has alerted every milestone, and nothing moved for 1 s
state() {
  echo "$(last_seq registry)/$(ctl request threshold '{"type":"status"}' 2>/dev/null |
    sed -n 's/.*"registry_seq":\([0-9]*\).*/\1/p')/$(last_seq threshold)/$(last_seq notifier)"
}
settled() {
  local a b
  a=$(state); sleep 1; b=$(state)
  IFS=/ read -r reg seen mil alerts <<<"$b"
  [ "$a" = "$b" ] && [ "$reg" = "$seen" ] && [ "$mil" = "$alerts" ] && [ "$alerts" -gt 0 ]
}
d=$RATIFY_DATA_DIR

ctl subscribe --json --timeout 10 >"$d/before.json" 2>"$d/before.err" &
before=$!
sleep 0.5 # the subscriber has asked for the last sequence and subscribed
ctl load "$FIXTURE" >"$d/load.out" &
load=$!
sleep 0.3
ctl subscribe --from 1 --json --timeout 10 >"$d/during.json" 2>"$d/during.err" &
during=$!
wait "$load" || fail "the load failed: $(cat "$d/load.out")"
for _ in $(seq 1 30); do settled && break; done
settled || fail "the notifier did not catch up with the threshold service"

ctl subscribe --from 0 --json --timeout 2 >"$d/after.json" || fail "subscribe --from 0 exited $?"
n=$(last_seq notifier)
assert_eq "$(wc -l <"$d/after.json")" "$n" "subscribe --from 0 prints every stored alert"
assert_eq "$(ids "$d/after.json" | sort | uniq -d | wc -l)" 0 "each alert printed once"
assert_eq "$(seqs "$d/after.json")" "$(seq -s ' ' 1 "$n") " "in sequence order, from 1"
reached=$(grep '"id":"UNTOC/threshold.reached/2003-07-01"' "$d/after.json") || fail "no UNTOC threshold.reached alert"
for want in '"type":"org.ratify.threshold.reached"' '"subject":"UNTOC"' '"specversion":"1.0"' \
  '"source":"/ratify/threshold"' '"datacontenttype":"application/json"' \
  '"entry_into_force":"2003-09-29"' '"threshold_date":"2003-07-01"' '"threshold":40,"count":40' \
  '"waiting_for":null' '"participant":"ARM","name":"Armenia"' '"reference":"XVIII-12"'; do
  [[ "$reached" == *"$want"* ]] || fail "threshold.reached alert lacks $want: $reached"
done
echo "ok - the UNTOC threshold.reached alert: $reached"
grep -q '"id":"UNTOC/entry_into_force.scheduled/2003-09-29"' "$d/after.json" || fail "no entry_into_force.scheduled alert"
echo "ok - entry_into_force.scheduled alert"
assert_eq "$(ctl subscribe --from 0 --timeout 1 | wc -l)" "$n" "the human form prints one line per alert"

wait "$before" || fail "the subscriber started before the load exited $?: $(cat "$d/before.err")"
wait "$during" || fail "the subscriber started during the load exited $?: $(cat "$d/during.err")"
assert_eq "$(ids "$d/before.json" | tr '\n' ' ')" "$(ids "$d/after.json" | tr '\n' ' ')" "subscriber from before the load: same alerts, same ids, same order"
assert_eq "$(ids "$d/during.json" | tr '\n' ' ')" "$(ids "$d/after.json" | tr '\n' ' ')" "subscriber from during the load: same alerts, same ids, same order"
cmp -s "$d/during.json" "$d/after.json" || fail "replayed and live alerts differ in bytes"
echo "ok - live and replayed alerts are byte-identical"

# filters and limits
ctl subscribe --from 0 --json --type org.ratify.entry_into_force. --timeout 1 >"$d/eif.json"
assert_eq "$(ids "$d/eif.json" | tr '\n' ' ')" "UNTOC/entry_into_force.scheduled/2003-09-29 " "--type filters by type prefix"
assert_eq "$(ctl subscribe --from 0 --json --count 2 --timeout 5 | wc -l)" 2 "--count stops after N alerts"
assert_eq "$(ctl subscribe --from 3 --json --count 1 | ids /dev/stdin)" "$(ids "$d/after.json" | sed -n 3p)" "--from SEQ starts at SEQ"
start=$(date +%s%N)
out=$(ctl subscribe --json --timeout 0.5)
assert_eq "$out" "" "without --from only new alerts are printed"
[ $(( ($(date +%s%N) - start) / 1000000 )) -lt 3000 ] || fail "--timeout 0.5 took too long"
set +e
ctl subscribe --type threshold --timeout 0.1 2>/dev/null; rc=$?
set -e
assert_eq "$rc" 2 "a type prefix outside org.ratify. is a usage error"

# the notifier restarts with its alerts and serves the same stream
stop_service notifier
start_service notifier
ctl subscribe --from 0 --json --timeout 1 >"$d/restart.json"
cmp -s "$d/restart.json" "$d/after.json" || fail "the stream changed across a restart"
echo "ok - same stream after a restart, nothing alerted twice"
assert_eq "$(last_seq notifier)" "$n" "no new alert after a restart"
assert_eq "$(db_query notifier.db "PRAGMA integrity_check")" ok "integrity check"
assert_eq "$(grep -c "libssl\|libcrypto" "/proc/${SERVICE_PIDS[notifier]}/maps")" 0 "without a webhook OpenSSL is not loaded"

# a fresh database: the replay of every milestone is one group, one commit
stop_service notifier
rm -f "$d"/notifier.db*
start_service notifier
for _ in $(seq 1 100); do [ "$(last_seq notifier)" = "$n" ] && break; sleep 0.1; done
assert_eq "$(last_seq notifier)" "$n" "a fresh notifier alerts every milestone again"
grep -q "\"stored alerts 1\.\.$n: $n in one commit" "$TEST_DIR/notifier.log" \
  || fail "the replayed milestones were not stored in one commit: $(grep -c 'in one commit' "$TEST_DIR/notifier.log") group commits"
echo "ok - $n replayed milestones stored in one commit"
ctl subscribe --from 0 --json --timeout 1 >"$d/fresh.json"
assert_eq "$(ids "$d/fresh.json" | tr '\n' ' ')" "$(ids "$d/after.json" | tr '\n' ' ')" "the same alerts, same ids, same order"
assert_eq "$(db_query notifier.db "PRAGMA integrity_check")" ok "integrity check"
stop_service notifier
stop_service threshold
stop_service registry
