#!/usr/bin/env bash
# The seed fixture loads into an empty registry with no rejection, gives the
# seed's counts, and loading it again adds nothing.
source "$(dirname "$0")/lib.sh"
start_service registry

rows=$(($(grep -c . "$FIXTURE") - 1))
out=$(ctl load "$FIXTURE") || fail "first load exited $?: $out"
echo "$out"
assert_eq "$(echo "$out" | head -1)" "$FIXTURE: $rows rows: $rows accepted, 0 duplicate, 0 rejected" "first load accepts every row"

count() { db_query registry.db "SELECT COUNT(*) FROM events WHERE instrument='$1' AND action $2"; }
consent="IN ('ratification','acceptance','approval','accession','succession')"
for pair in UNTOC:147:40 TIP:117:28 SOM:112:27 FIREARMS:52:4; do
  IFS=: read -r inst sigs cons <<<"$pair"
  assert_eq "$(count "$inst" "= 'signature'")" "$sigs" "$inst signatures"
  assert_eq "$(count "$inst" "$consent")" "$cons" "$inst instruments of consent"
done

last=$(db_query registry.db "SELECT MAX(seq) FROM events")
assert_eq "$last" "$rows" "one event per row"
out=$(ctl load "$FIXTURE") || fail "second load exited $?"
assert_eq "$(echo "$out" | head -1)" "$FIXTURE: $rows rows: 0 accepted, $rows duplicate, 0 rejected" "second load: all duplicates"
assert_eq "$(db_query registry.db "SELECT MAX(seq) FROM events")" "$last" "second load adds nothing"

assert_eq "$(ctl events --json | wc -l)" "$rows" "events --json prints every event"
ctl events --json >"$RATIFY_DATA_DIR/events.json"
grep -q '"participant":"ARM","date":"2003-07-01"' "$RATIFY_DATA_DIR/events.json" || fail "Armenia's deposit is in the log"
ctl events >"$RATIFY_DATA_DIR/events.txt"
grep -q "UNTOC     Armenia .*ratification" "$RATIFY_DATA_DIR/events.txt" || fail "events names the participant"
echo "ok - events"

# a load with a rejected row still stores the good rows and exits 1
bad=$RATIFY_DATA_DIR/bad.csv
printf 'date,action,state,instrument,notes\n2003-01-01,ratification,Atlantis,UNTOC,x\n2002-01-01,signature,Chad,UNTOC,\n' >"$bad"
set +e
out=$(ctl load "$bad"); rc=$?
set -e
echo "$out"
assert_eq "$rc" 1 "a load with a rejected row exits 1"
echo "$out" | grep -q "line 2: rejected (unknown_participant)" || fail "rejected line is listed"
assert_eq "$(db_query registry.db "SELECT COUNT(*) FROM events WHERE participant='TCD' AND instrument='UNTOC'")" 1 "the good row is stored"

# a file without the required columns is a usage error and sends nothing
printf 'instrument,who,when\n' >"$bad"
set +e; ctl load "$bad" 2>/dev/null; rc=$?; set -e
assert_eq "$rc" 2 "missing columns is a usage error"
stop_service registry
