#!/usr/bin/env bash
# The seed fixture through the real registry and threshold services, as at
# 2003-07-02: `ratifyctl status` gives UNTOC 40 parties, threshold reached
# 2003-07-01, entry into force 2003-09-29, scheduled, and the three
# Protocols pending with 28, 27 and 4; exactly one threshold.reached and one
# entry_into_force.scheduled are published, both for UNTOC, and what a
# subscriber receives, what the replay API returns, what a follower (as the
# notifier consumes it) delivers and what threshold.db holds are the same.
source "$(dirname "$0")/lib.sh"
mt() { "$RATIFY_TOOLS/ratify-milestones" "$@"; }
# wait_threshold: until the threshold service has processed every registry event
wait_threshold() {
  local want got=-1; want=$(db_query registry.db "SELECT COALESCE(MAX(seq),0) FROM events")
  for _ in $(seq 1 300); do
    got=$(db_query threshold.db "SELECT COALESCE(MAX(seq),0) FROM events" 2>/dev/null || echo -1)
    [ "$got" = "$want" ] && return 0
    sleep 0.1
  done
  fail "threshold stuck at registry seq $got, want $want"
}
ids_of() { jq -r .id; }

start_service registry
start_service threshold
"$RATIFY_TOOLS/ratify-milestones" listen --for 120000 --ready "$TEST_DIR/listening" \
  >"$TEST_DIR/listened.jsonl" &
listener=$!
# stop the listener too when the test fails (s_cleanup reads the exit status)
trap 'rc=$?; set +e; kill "$listener" 2>/dev/null; (exit $rc); s_cleanup' EXIT
for _ in $(seq 1 100); do [ -e "$TEST_DIR/listening" ] && break; sleep 0.1; done
[ -e "$TEST_DIR/listening" ] || fail "the subscriber got no heartbeat"
ctl load "$FIXTURE" >/dev/null || fail "load"
wait_threshold

# ---- status --json
ctl status --json >"$TEST_DIR/status.jsonl"
cat "$TEST_DIR/status.jsonl"
field() { jq -r "select(.instrument==\"$1\") | .$2" "$TEST_DIR/status.jsonl"; }
assert_eq "$(wc -l <"$TEST_DIR/status.jsonl")" 4 "one JSON object per instrument"
assert_eq "$(field UNTOC parties)" 40 "UNTOC parties"
assert_eq "$(field UNTOC counted)" 40 "UNTOC counted"
assert_eq "$(field UNTOC signatures)" 147 "UNTOC signatures"
assert_eq "$(field UNTOC threshold)" 40 "UNTOC threshold"
assert_eq "$(field UNTOC threshold_date)" 2003-07-01 "UNTOC threshold date"
assert_eq "$(field UNTOC entry_into_force)" 2003-09-29 "UNTOC entry into force"
assert_eq "$(field UNTOC stage)" scheduled "UNTOC stage"
assert_eq "$(field UNTOC reference)" XVIII-12 "UNTOC reference"
for pair in TIP:28 SOM:27 FIREARMS:4; do
  IFS=: read -r inst n <<<"$pair"
  assert_eq "$(field "$inst" parties)" "$n" "$inst parties"
  assert_eq "$(field "$inst" stage)" pending "$inst stage"
  assert_eq "$(field "$inst" threshold_date)" null "$inst threshold date is null"
  assert_eq "$(field "$inst" entry_into_force)" null "$inst entry into force is null"
done

# ---- the human line, one instrument, by reference
line=$(ctl status XVIII-12 | tr -s ' ')
assert_eq "$line" "UNTOC XVIII-12 signatures 147 parties 40/40 threshold 2003-07-01 in force 2003-09-29 scheduled" "status XVIII-12"
assert_eq "$(ctl status | wc -l)" 4 "one line per instrument"

# ---- what was published
db_ids=$(db_query threshold.db "SELECT id FROM milestones ORDER BY seq")
echo "$db_ids"
assert_eq "$(db_query threshold.db "SELECT COUNT(*) FROM milestones WHERE kind='threshold.reached'")" 1 "one threshold.reached"
assert_eq "$(db_query threshold.db "SELECT COUNT(*) FROM milestones WHERE kind='entry_into_force.scheduled'")" 1 "one entry_into_force.scheduled"
assert_eq "$(db_query threshold.db "SELECT DISTINCT instrument FROM milestones WHERE kind IN ('threshold.reached','entry_into_force.scheduled')")" UNTOC "both for UNTOC"
assert_eq "$db_ids" "$(printf '%s\n' UNTOC/threshold.approaching/N-5 UNTOC/threshold.approaching/N-1 UNTOC/threshold.reached/2003-07-01 UNTOC/entry_into_force.scheduled/2003-09-29)" "milestone ids in order"

assert_eq "$(mt replay | ids_of)" "$db_ids" "replay API returns them"
assert_eq "$(mt follow --for 1500 | ids_of)" "$db_ids" "a follower receives them"
sleep 0.3
kill -TERM "$listener" 2>/dev/null || true
wait "$listener" 2>/dev/null || true
assert_eq "$(ids_of <"$TEST_DIR/listened.jsonl")" "$db_ids" "a subscriber received each once, live"

# the reached milestone carries what the notifier needs
reached=$(mt replay | jq -c 'select(.kind=="threshold.reached")')
echo "$reached"
for kv in instrument:UNTOC reference:XVIII-12 threshold:40 count:40 threshold_date:2003-07-01 \
  entry_into_force:2003-09-29 waiting_for:null stage:scheduled seq:3; do
  assert_eq "$(echo "$reached" | jq -r ".${kv%%:*}")" "${kv#*:}" "reached.${kv%%:*}"
done
assert_eq "$(echo "$reached" | jq -r '.title')" "United Nations Convention against Transnational Organized Crime" "reached.title"
assert_eq "$(echo "$reached" | jq -c '[.participants[].participant]')" '["ARM"]' "reached.participants: Armenia crossed the line"
assert_eq "$(ctl ping threshold --json | jq -r .last_seq)" 4 "ping reports the last milestone seq"

# ---- as at other dates, parties
assert_eq "$(ctl status UNTOC --as-of 2003-06-30 --json | jq -c '[.counted,.stage,.threshold_date]')" '[39,"pending",null]' "as at 2003-06-30"
assert_eq "$(ctl status UNTOC --as-of 2003-09-29 --json | jq -r .stage)" in_force "as at 2003-09-29"
assert_eq "$(ctl status UNTOC --as-of 2003-09-29 | tr -s ' ' | sed 's/.* //')" force "human stage 'in force'"
assert_eq "$(ctl status UNTOC --parties | wc -l)" 40 "40 parties"
assert_eq "$(ctl status UNTOC --parties --json | jq -c 'select(.participant=="ARM") | [.name,.action,.deposit,.entry_into_force,.end]')" \
  '["Armenia","ratification","2003-07-01","2003-09-29",null]' "Armenia's party entry"
ctl status UNTOC --parties | grep -q "^ARM  *Armenia  *ratification  *2003-07-01  *in force 2003-09-29$" || fail "Armenia's party line"
echo "ok - parties line"
assert_eq "$(ctl status TIP --parties | wc -l)" 28 "28 TIP parties"

# ---- usage and refusals
set +e
ctl status NOPE 2>"$TEST_DIR/err"; rc=$?
set -e
assert_eq "$rc" 1 "unknown instrument exits 1"
grep -q "rejected (unknown_instrument)" "$TEST_DIR/err" || fail "unknown_instrument on stderr"
set +e
ctl status --as-of 2003-02-30 2>/dev/null; rc1=$?
ctl status --parties 2>/dev/null; rc2=$?
ctl status UNTOC TIP 2>/dev/null; rc3=$?
set -e
assert_eq "$rc1$rc2$rc3" 222 "usage errors exit 2"
ctl status --help | grep -q -- "--as-of DATE" || fail "status --help"
echo "ok - status --help"

stop_service threshold
set +e
ctl status --timeout 0.3 2>/dev/null; rc=$?
set -e
assert_eq "$rc" 3 "threshold down: exit 3"
stop_service registry
