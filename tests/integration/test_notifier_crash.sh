#!/usr/bin/env bash
# SIGKILL of the notifier at random moments while a synthetic history loads
# (about a hundred milestones), restarting it each time: afterwards a
# subscriber replaying from 0 sees every alert exactly once, with
# consecutive sequences, and the set of alert ids equals that of a notifier
# that ran without kills (a fresh notifier.db built from the same
# milestones).
export RATIFY_TODAY=2026-01-01 # the synthetic history runs to 2020
source "$(dirname "$0")/lib.sh"
d=$RATIFY_DATA_DIR
mkdir -p "$d/synth"
"$RATIFY_TOOLS/ratify-synth" --instruments 30 --events 3000 --seed 7 "$d/synth" >/dev/null
export RATIFY_CATALOG=$d/synth/instruments.ini

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
wait_settled() {
  for _ in $(seq 1 60); do settled && return 0; done
  fail "the notifier did not catch up with the threshold service"
}

start_service registry
start_service threshold
start_service notifier
ctl subscribe --from 1 --json --timeout 30 >"$d/live.json" 2>"$d/live.err" &
live=$!
ctl load "$d/synth/events.csv" >"$d/load.out" &
load=$!
kills=0
RANDOM=$$
while kill -0 "$load" 2>/dev/null; do
  sleep "0.$((RANDOM % 4))$((RANDOM % 10))"
  stop_service notifier KILL
  kills=$((kills + 1))
  [ $((RANDOM % 2)) -eq 0 ] && sleep 0.2 # now and then let milestones pile up
  start_service notifier
done
wait "$load" || fail "the load failed: $(tail -3 "$d/load.out")"
# and a few kills while the notifier catches up after the load
for _ in 1 2 3; do
  stop_service notifier KILL
  start_service notifier
  sleep "0.0$((RANDOM % 10))"
  kills=$((kills + 1))
done
log "$kills SIGKILLs"
wait_settled
n=$(last_seq notifier)
[ "$n" -gt 50 ] || fail "only $n alerts: the history should give about a hundred"

ctl subscribe --from 0 --json --timeout 2 >"$d/killed.json"
assert_eq "$(wc -l <"$d/killed.json")" "$n" "replay from 0 prints all $n alerts"
assert_eq "$(ids "$d/killed.json" | sort | uniq -d | tr '\n' ' ')" "" "no alert twice"
assert_eq "$(seqs "$d/killed.json")" "$(seq -s ' ' 1 "$n") " "sequences 1..$n without a gap"
assert_eq "$(db_query notifier.db "SELECT COUNT(*) FROM alerts")" "$n" "one row per alert"
assert_eq "$(db_query notifier.db "PRAGMA integrity_check")" ok "integrity check after $kills SIGKILLs"

# the subscriber that stayed connected through every kill saw the same stream
wait "$live" || fail "the live subscriber exited $?: $(cat "$d/live.err")"
assert_eq "$(ids "$d/live.json" | tr '\n' ' ')" "$(ids "$d/killed.json" | tr '\n' ' ')" "a subscriber connected across the kills saw every alert once, in order"

# the run without kills: a fresh notifier database from the same milestones
stop_service notifier
mv "$d/notifier.db" "$d/notifier-killed.db"
rm -f "$d/notifier.db-wal" "$d/notifier.db-shm"
start_service notifier
wait_settled
ctl subscribe --from 0 --json --timeout 2 >"$d/clean.json"
assert_eq "$(ids "$d/clean.json" | sort | tr '\n' ' ')" "$(ids "$d/killed.json" | sort | tr '\n' ' ')" "the same alert ids as a run without kills"
assert_eq "$(ids "$d/clean.json" | tr '\n' ' ')" "$(ids "$d/killed.json" | tr '\n' ' ')" "in the same order"
stop_service notifier
stop_service threshold
stop_service registry
