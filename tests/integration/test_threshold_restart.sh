#!/usr/bin/env bash
# Restarting the threshold service, deleting its state file and restarting
# it, or killing it with SIGKILL publishes no new threshold.* or
# entry_into_force.* ids; stopped while the registry records more, it
# catches up from its last processed event on start. A subscriber listens
# through all of it: every id it receives is one of the ids the first run
# published, or one the later events made due (it may miss some published
# while it reconnects after a restart: followers replay those).
source "$(dirname "$0")/lib.sh"
mt() { "$RATIFY_TOOLS/ratify-milestones" "$@"; }
wait_threshold() {
  local want got=-1; want=$(db_query registry.db "SELECT COALESCE(MAX(seq),0) FROM events")
  for _ in $(seq 1 300); do
    got=$(db_query threshold.db "SELECT COALESCE(MAX(seq),0) FROM events" 2>/dev/null || echo -1)
    [ "$got" = "$want" ] && return 0
    sleep 0.1
  done
  fail "threshold stuck at registry seq $got, want $want"
}
ids() { db_query threshold.db "SELECT seq || ' ' || id FROM milestones ORDER BY seq"; }

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
first=$(ids)
echo "$first"
assert_eq "$(echo "$first" | wc -l)" 4 "four milestones"
status=$(ctl status --json)

# 1. a clean restart: the engines come back from threshold.db
stop_service threshold
start_service threshold
wait_threshold
assert_eq "$(ids)" "$first" "restart: no new milestone"
assert_eq "$(ctl status --json)" "$status" "restart: same status"
assert_eq "$(ctl ping threshold --json | jq -r .last_seq)" 4 "restart: last seq 4"
grep -q 'ready: .*registry seq 527, last milestone 4' "$TEST_DIR/threshold.log" || fail "restart resumes at 527"
echo "ok - restart resumes after registry event 527"

# 2. the state file deleted: rebuilt from the registry from seq 1, same ids
stop_service threshold
rm -f "$RATIFY_DATA_DIR"/threshold.db "$RATIFY_DATA_DIR"/threshold.db-wal "$RATIFY_DATA_DIR"/threshold.db-shm
start_service threshold
wait_threshold
assert_eq "$(ids)" "$first" "deleted state: the same ids, in the same order"
assert_eq "$(ctl status --json)" "$status" "deleted state: same status"
assert_eq "$(mt replay | jq -r .id)" "$(echo "$first" | cut -d' ' -f2)" "deleted state: replay serves them"

# 3. SIGKILL, then down "for a day" while the registry records 7 more TIP
#    ratifications (28 -> 35: TIP reaches N-5)
stop_service threshold KILL
for state in Algeria "Antigua and Barbuda" Armenia Cyprus Estonia Latvia Mauritius; do
  ctl deposit TIP "$state" ratification 2003-07-02 >/dev/null || fail "deposit TIP $state"
done
start_service threshold
wait_threshold
later=$(ids)
echo "$later"
assert_eq "$(echo "$later" | head -4)" "$first" "after SIGKILL: the first four unchanged"
assert_eq "$(echo "$later" | sed -n 5p)" "5 TIP/threshold.approaching/N-5" "the catch-up announces TIP at N-5"
assert_eq "$(echo "$later" | wc -l)" 5 "and nothing else"
assert_eq "$(ctl status TIP --json | jq -r .counted)" 35 "TIP counted 35"

# 4. once more with the state file deleted: still no new id
stop_service threshold
rm -f "$RATIFY_DATA_DIR"/threshold.db*
start_service threshold
wait_threshold
assert_eq "$(ids)" "$later" "deleted again: the same five ids, in the same order"

sleep 0.3
kill -TERM "$listener" 2>/dev/null || true
wait "$listener" 2>/dev/null || true
heard=$(jq -r .id "$TEST_DIR/listened.jsonl" | sort -u)
echo "$heard"
# a subscriber misses what is published while it reconnects after a restart
# (followers replay it); what it heard is never a new id
assert_eq "$(comm -23 <(echo "$heard") <(echo "$later" | cut -d' ' -f2 | sort))" "" "a subscriber heard no id beyond these"
assert_eq "$(jq -r .id "$TEST_DIR/listened.jsonl" | head -4)" "$(echo "$first" | cut -d' ' -f2)" "it heard the first run's four, live, in order"
stop_service threshold
stop_service registry
