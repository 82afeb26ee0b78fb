#!/usr/bin/env bash
# SIGKILL the threshold service while it processes the seed (at a different
# moment each round), restart it: the file is intact, and the milestones are
# exactly those of an undisturbed run, same ids, same sequence numbers, none
# lost and none twice. An event and its milestones are one transaction, and a
# milestone is published only after its commit.
source "$(dirname "$0")/lib.sh"
wait_threshold() {
  local want got=-1; want=$(db_query registry.db "SELECT COALESCE(MAX(seq),0) FROM events")
  for _ in $(seq 1 300); do
    got=$(db_query threshold.db "SELECT COALESCE(MAX(seq),0) FROM events" 2>/dev/null || echo -1)
    [ "$got" = "$want" ] && return 0
    sleep 0.1
  done
  fail "threshold stuck at registry seq $got, want $want"
}
want=$(printf '%s\n' "1 UNTOC/threshold.approaching/N-5" "2 UNTOC/threshold.approaching/N-1" \
  "3 UNTOC/threshold.reached/2003-07-01" "4 UNTOC/entry_into_force.scheduled/2003-09-29")

for delay in 0.05 0.3 0.6 0.8 0.9 1.0 1.2; do
  export RATIFY_DATA_DIR=$TEST_DIR/round-$delay
  mkdir -p "$RATIFY_DATA_DIR"
  start_service registry
  start_service threshold
  ctl load "$FIXTURE" >/dev/null &
  loader=$!
  sleep "$delay"
  processed=$(db_query threshold.db "SELECT COALESCE(MAX(seq),0) FROM events" 2>/dev/null || echo "?")
  stop_service threshold KILL
  wait "$loader" || fail "load (round $delay)"
  start_service threshold
  wait_threshold
  assert_eq "$(db_query threshold.db "PRAGMA integrity_check")" ok "round $delay: integrity (killed near event $processed)"
  assert_eq "$(db_query threshold.db "SELECT seq || ' ' || id FROM milestones ORDER BY seq")" "$want" "round $delay: the undisturbed run's milestones"
  assert_eq "$(ctl status UNTOC --json | jq -c '[.counted,.stage]')" '[40,"scheduled"]' "round $delay: status"
  stop_service threshold
  stop_service registry
done
