#!/usr/bin/env bash
# Crash anywhere, lose nothing.
#
# A synthetic history (ratify-synth, reproducible from a seed) is loaded by
# four concurrent loaders over disjoint per-instrument slices while a killer
# SIGKILLs a random service (registry, threshold, notifier, reporter) at
# random moments and restarts it. Two slices go through ratify-chaosload,
# which records every "accepted" answer with its sequence number; two go
# through `ratifyctl load --timeout 1`, run again whenever the registry's
# absence stops it (exit 3: stored rows then come back as duplicates).
# Meanwhile a retractor marks acknowledged deposits as erroneous with
# `ratifyctl retract`, so that thresholds move back and entry-into-force
# dates are revised while services die. A `ratifyctl subscribe --from 0`
# started before the load stays connected throughout: ZeroMQ reconnects it,
# and it replays what it missed.
#
# At the end, once everything has caught up:
#   - every answer "accepted" (or "duplicate") is in registry.db under the
#     sequence number it carried, with the same content, retractions too;
#     the log is 1..N without a hole and holds every row of the history
#     exactly once, and nothing else but the retractions;
#   - the threshold service's status of every instrument equals the rule
#     engine's, computed directly from the log (ratify-rulestatus);
#   - the threshold and reporter mirrors hold exactly the registry's events;
#   - the subscriber printed every alert exactly once, in sequence order,
#     and its set of alert ids equals that of a run without kills: a fresh
#     threshold service and notifier replaying the same log;
#   - PRAGMA integrity_check is ok for every database.
#
# Sizes (RATIFY_CHAOS=long for `make chaos`):
#   short (make test)  52 instruments, 20 592 events, at least 30 kills
#   long               256 instruments, 101 376 events, at least 200 kills
# RATIFY_CHAOS_SEED picks the history and the kill schedule (default 7);
# RATIFY_CHAOS_INSTRUMENTS, _EVENTS and _KILLS override the size.
export RATIFY_TODAY=2021-12-31 # the synthetic history runs to 2020
source "$(dirname "$0")/../integration/lib.sh"
command -v sqlite3 >/dev/null || { echo "SKIP: sqlite3 is not installed"; exit 77; }
command -v jq >/dev/null || { echo "SKIP: jq is not installed"; exit 77; }

if [ "${RATIFY_CHAOS:-short}" = long ]; then
  instruments=256 events=102400 min_kills=200 retractions=150
else
  instruments=52 events=20800 min_kills=30 retractions=30
fi
instruments=${RATIFY_CHAOS_INSTRUMENTS:-$instruments}
events=${RATIFY_CHAOS_EVENTS:-$events}
min_kills=${RATIFY_CHAOS_KILLS:-$min_kills}
seed=${RATIFY_CHAOS_SEED:-7}
RANDOM=$seed
d=$RATIFY_DATA_DIR
started=$SECONDS

mkdir -p "$d/synth"
"$RATIFY_TOOLS/ratify-synth" --instruments "$instruments" --events "$events" --seed "$seed" "$d/synth"
export RATIFY_CATALOG=$d/synth/instruments.ini
rows=$(($(wc -l <"$d/synth/events.csv") - 1))

# four slices by instrument number, each loadable in file order
for k in 0 1 2 3; do
  awk -F, -v k="$k" 'NR == 1 || (NR > 1 && substr($1, 4) % 4 == k)' "$d/synth/events.csv" >"$d/slice$k.csv"
done

start_service registry
start_service threshold
start_service notifier
start_service reporter
# not through the ctl function: $! must be ratifyctl itself, for the TERM at the end
"$RATIFY_BIN/ratifyctl" subscribe --from 0 --json --timeout 3600 >"$d/live.json" 2>"$d/live.err" &
live=$!
test_cleanup() { kill "$live" 2>/dev/null || true; }

# ratify-chaosload: resends until answered, records every acknowledgement
chaosload() {
  "$RATIFY_TOOLS/ratify-chaosload" --timeout 1000 --deadline 120 --acks "$d/acks$1" \
    "$d/slice$1.csv" >"$d/load$1.json" 2>"$d/load$1.err"
}
# ratifyctl load, run again after each stop for want of a registry
ctlload() {
  local run=0 rc
  while :; do
    run=$((run + 1))
    rc=0
    ctl load --json --timeout 1 "$d/slice$1.csv" >"$d/load$1.json" 2>>"$d/load$1.err" || rc=$?
    [ $rc -eq 3 ] && [ $run -lt 200 ] || break
  done
  echo "$run" >"$d/runs$1"
  return $rc
}
# the retractor: about each second, an acknowledged deposit of slice 0 is
# retracted (sent again while the registry is away: a retraction is
# idempotent too); each answer is recorded as "SEQ RETRACTED"
retractor() {
  local n=0 lines seq out rc
  while [ $n -lt "$retractions" ]; do
    sleep 1
    lines=$(wc -l <"$d/acks0")
    [ "$lines" -gt 0 ] || continue
    seq=$(sed -n "$((RANDOM % lines + 1))p" "$d/acks0" | cut -d' ' -f2)
    for _ in $(seq 1 30); do
      rc=0
      out=$(ctl retract "$seq" --reason "chaos test" --json --timeout 1 2>>"$d/retract.err") || rc=$?
      [ $rc -eq 3 ] || break
    done
    [ $rc -eq 0 ] || { echo "retract $seq: exit $rc" >>"$d/retract.err"; return 1; }
    echo "$out" | jq -r '"\(.seq) \(.event.retracts)"' >>"$d/retractions"
    n=$((n + 1))
  done
}
chaosload 0 & loaders=($!)
chaosload 1 & loaders+=($!)
ctlload 2 & loaders+=($!)
ctlload 3 & loaders+=($!)
retractor & loaders+=($!)
log "loading $rows events in 4 slices (seed $seed) while killing services"

loading() {
  local p
  for p in "${loaders[@]}"; do kill -0 "$p" 2>/dev/null && return 0; done
  return 1
}
services=(registry threshold notifier reporter)
declare -A killed=([registry]=0 [threshold]=0 [notifier]=0 [reporter]=0)
kills=0
while loading || [ $kills -lt "$min_kills" ]; do
  sleep "$((RANDOM % 2)).$((RANDOM % 10))$((RANDOM % 10))"
  victim=${services[RANDOM % 4]}
  stop_service "$victim" KILL
  kills=$((kills + 1))
  killed[$victim]=$((killed[$victim] + 1))
  [ $((RANDOM % 4)) -eq 0 ] && sleep "0.$((RANDOM % 10))" # now and then, let work pile up
  # and now and then keep the registry down long enough for `ratifyctl load
  # --timeout 1` to give up (three silent tries: exit 3, run again)
  [ "$victim" = registry ] && [ $((RANDOM % 3)) -eq 0 ] && sleep 3.5
  start_service "$victim"
done
log "$kills SIGKILLs (registry ${killed[registry]}, threshold ${killed[threshold]}," \
  "notifier ${killed[notifier]}, reporter ${killed[reporter]}) in $((SECONDS - started)) s"
for k in 0 1 2 3; do
  wait "${loaders[k]}" || fail "loader $k: $(cat "$d/load$k.json" "$d/load$k.err" | tail -5)"
done
wait "${loaders[4]}" || fail "retractor: $(tail -5 "$d/retract.err")"

# ---- settle: every service has caught up, and nothing moves for a second
last_seq() { ctl ping "$1" --json --timeout 2 2>/dev/null | jq -r .last_seq; }
state() {
  echo "$(last_seq registry)/$(ctl request threshold '{"type":"status","instrument":"SYN001"}' \
    2>/dev/null | jq -r .registry_seq)/$(last_seq threshold)/$(last_seq notifier)/$(
    ctl ping reporter --json --timeout 2 2>/dev/null | jq -r '.status + ":" + (.last_seq|tostring)')"
}
wait_settled() {
  local a b
  for _ in $(seq 1 120); do
    a=$(state)
    sleep 1
    b=$(state)
    IFS=/ read -r reg seen mil alerts rep <<<"$b"
    [ "$a" = "$b" ] && [ "$reg" = "$seen" ] && [ "$mil" = "$alerts" ] && [ "$rep" = "ready:$reg" ] &&
      return 0
  done
  fail "the services did not settle: registry/threshold-seen/milestones/alerts/reporter = $b"
}
wait_settled
log "settled in $((SECONDS - started)) s: $(state)"

# ---- the registry's log
dump() { sqlite3 -readonly "$1" "SELECT seq, action, instrument, participant, date FROM events ORDER BY seq"; }
dump "$d/registry.db" >"$d/registry.events"
n=$(wc -l <"$d/registry.events")
assert_eq "$(sqlite3 -readonly "$d/registry.db" "SELECT COUNT(*) = MAX(seq) AND MIN(seq) = 1 FROM events")" 1 \
  "the log is 1..$n without a hole"
# A kill between a commit and its reply leaves an event stored but not
# acknowledged: a retraction the retractor then gave up on, or a row a loader
# sends again. A row sent again after its copy was retracted is stored anew (a
# retracted action may be deposited again: that is how a correction is
# undone). So the log may hold more than the history and the acknowledged
# retractions, but never two live copies of one action, and every history row.
sqlite3 -readonly "$d/registry.db" "SELECT retracts FROM events WHERE action = 'retraction'" >"$d/retracted"
# one pass in seq order: an action stored again must follow a retraction of
# its previous copy, and no action may be live twice
bad=$(awk -F'|' -v rfile="$d/retracted" '
  BEGIN { while ((getline r < rfile) > 0) gone[r] = 1 }
  $2 != "retraction" {
    k = $2 "|" $3 "|" $4 "|" $5
    if ((k in last) && !(last[k] in gone)) print "seq " $1 " repeats live seq " last[k] " (" k ")"
    last[k] = $1
  }' "$d/registry.events" | head -5)
assert_eq "$bad" "" "an action stored again only after its earlier copy was retracted ($n events)"
assert_eq "$(sqlite3 -readonly "$d/registry.db" "SELECT DISTINCT action || '|' || instrument || '|' || participant || '|' || date FROM events WHERE action != 'retraction'" | sort | md5sum)" \
  "$(tail -n +2 "$d/synth/events.csv" | awk -F, '{print $3 "|" $1 "|" $2 "|" $4}' | sort | md5sum)" \
  "every row of the history is in the log, and nothing else"
log "the log: $n events, $(grep -c '|retraction|' "$d/registry.events") retractions ($(wc -l <"$d/retractions") acknowledged), $((n - rows - $(grep -c '|retraction|' "$d/registry.events"))) actions stored again after a retraction"
acks=$(cat "$d/acks0" "$d/acks1" | wc -l)
missing=$(cat "$d/acks0" "$d/acks1" | awk -v logfile="$d/registry.events" '
  BEGIN { FS = "|"; while ((getline line < logfile) > 0) { split(line, f, "|"); ev[f[1]] = f[2] " " f[3] " " f[4] " " f[5] } FS = " " }
  { if (ev[$2] != $4 " " $5 " " $6 " " $7) print "line " $1 ": seq " $2 " acknowledged as " $4 " " $5 " " $6 " " $7 ", log has \"" ev[$2] "\"" }')
assert_eq "$missing" "" "each of the $acks acknowledgements is in the log under its seq"
missing=$(while read -r seq of; do
  [ "$(sqlite3 -readonly "$d/registry.db" "SELECT action || ' ' || retracts FROM events WHERE seq = $seq")" = "retraction $of" ] ||
    echo "retraction $seq of $of"
done <"$d/retractions")
assert_eq "$missing" "" "each of the $(wc -l <"$d/retractions") retractions acknowledged is in the log under its seq"
for k in 0 1; do
  assert_eq "$(jq -c '[.rejected, .accepted + .duplicate == .rows]' "$d/load$k.json")" "[0,true]" \
    "ratify-chaosload slice $k: every row acknowledged, none rejected"
done
for k in 2 3; do
  assert_eq "$(jq -c '[.rejected, .accepted + .duplicate == .rows]' "$d/load$k.json")" "[0,true]" \
    "ratifyctl load slice $k (run $(cat "$d/runs$k") times): every row accepted or duplicate"
done

# ---- status: the threshold service against the rule engine run directly
ctl status --json >"$d/status.service"
"$RATIFY_TOOLS/ratify-rulestatus" >"$d/status.rules" 2>"$d/status.err" || fail "ratify-rulestatus: $(cat "$d/status.err")"
assert_eq "$(wc -l <"$d/status.service")" "$instruments" "a status for every instrument"
assert_eq "$(diff "$d/status.service" "$d/status.rules" | head -5)" "" \
  "every instrument's status equals the rule engine's on the log"
log "$(jq -r .stage "$d/status.service" | sort | uniq -c | tr '\n' ' ')"

# ---- the mirrors
assert_eq "$(dump "$d/threshold.db" | md5sum)" "$(md5sum <"$d/registry.events")" "the threshold mirror is the log"
assert_eq "$(dump "$d/reporter.db" | md5sum)" "$(md5sum <"$d/registry.events")" "the reporter mirror is the log"

# ---- the subscriber that stayed connected
alerts=$(last_seq notifier)
for _ in $(seq 1 100); do
  [ "$(grep -c '^{"specversion"' "$d/live.json")" -ge "$alerts" ] && break
  sleep 0.2
done
kill -TERM "$live"
wait "$live" || fail "the live subscriber exited $?: $(tail -3 "$d/live.err")"
# its stdout holds the alerts alone; ratifyctl's follower logs (a replay
# given up while the notifier was down) go to stderr
[ -s "$d/live.err" ] && log "the live subscriber logged: $(cut -c1-200 "$d/live.err" | sort | uniq -c | head -5)"
ids() { jq -r .id "$1"; }
assert_eq "$(wc -l <"$d/live.json")" "$alerts" "the live subscriber printed all $alerts alerts"
assert_eq "$(jq -r .sequence "$d/live.json" | tr '\n' ' ')" "$(seq -s ' ' 1 "$alerts") " \
  "in sequence order, none twice"
assert_eq "$(ids "$d/live.json" | sort | uniq -d | head -3)" "" "no alert id twice"
assert_eq "$(ids "$d/live.json" | sort | md5sum)" \
  "$(sqlite3 -readonly "$d/notifier.db" "SELECT id FROM alerts" | sort | md5sum)" "the notifier's alerts"

# ---- the run without kills: a fresh threshold service and notifier replay the log
stop_service notifier
stop_service threshold
export RATIFY_DATA_DIR=$d/ref
mkdir -p "$RATIFY_DATA_DIR"
start_service threshold
start_service notifier
wait_settled
ctl subscribe --from 0 --json --timeout 2 >"$d/ref.out"
grep '^{"specversion"' "$d/ref.out" >"$d/ref.json" || true
assert_eq "$(wc -l <"$d/ref.json")" "$alerts" "the run without kills has as many alerts"
assert_eq "$(ids "$d/live.json" | sort | md5sum)" "$(ids "$d/ref.json" | sort | md5sum)" \
  "the same alert ids as the run without kills"
assert_eq "$(sqlite3 -readonly "$d/threshold.db" "SELECT id FROM milestones" | sort | md5sum)" \
  "$(sqlite3 -readonly "$d/ref/threshold.db" "SELECT id FROM milestones" | sort | md5sum)" \
  "the same milestone ids as the run without kills"

# ---- every database is intact
for db in registry threshold notifier reporter; do
  assert_eq "$(sqlite3 -readonly "$d/$db.db" "PRAGMA integrity_check")" ok "$db.db integrity after $kills kills"
done
stop_service notifier
stop_service threshold
stop_service reporter
stop_service registry
log "$rows events, $(wc -l <"$d/retractions") retractions acknowledged, $kills kills, $alerts alerts, $(($(cat "$d/runs2") + $(cat "$d/runs3"))) ratifyctl load runs, $((SECONDS - started)) s"
