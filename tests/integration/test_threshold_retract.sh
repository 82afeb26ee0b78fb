#!/usr/bin/env bash
# A retraction of Armenia's deposit (the Convention's 40th) publishes
# entry_into_force.revised (to "none") and the status goes back to 39 and
# pending; Armenia depositing again publishes a revision back to 2003-09-29
# (no second threshold.reached: that id was published); retracting and
# depositing once more publishes both revisions again, under their ids'
# second repetition (/2), and subscribers get all four; and when today
# reaches 2003-09-29, entry_into_force.effective is published once.
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
ids() { db_query threshold.db "SELECT id FROM milestones ORDER BY seq"; }
untoc() { ctl status UNTOC --json | jq -c "[$1]"; }

start_service registry
start_service threshold
ctl load "$FIXTURE" >/dev/null || fail "load"
wait_threshold
assert_eq "$(untoc .counted,.stage)" '[40,"scheduled"]' "before: 40, scheduled"

armenia=$(db_query registry.db "SELECT seq FROM events WHERE instrument='UNTOC' AND participant='ARM' AND action='ratification'")
ctl retract "$armenia" --reason "recorded in error" >/dev/null || fail "retract"
wait_threshold
assert_eq "$(ids | tail -1)" "UNTOC/entry_into_force.revised/none" "the retraction publishes a revision to none"
assert_eq "$(ids | wc -l)" 5 "and nothing else"
revised=$(mt replay --from 5)
echo "$revised"
assert_eq "$(echo "$revised" | jq -c '[.kind,.count,.threshold_date,.entry_into_force,.stage,.seq]')" \
  '["entry_into_force.revised",39,null,null,"pending",5]' "the revision's fields"
assert_eq "$(untoc .counted,.parties,.stage,.threshold_date,.entry_into_force)" '[39,39,"pending",null,null]' "status: 39, pending"
assert_eq "$(ctl status UNTOC | tr -s ' ')" "UNTOC XVIII-12 signatures 147 parties 39/40 threshold - in force - pending" "status line"
assert_eq "$(ctl status UNTOC --parties | grep -c '^ARM ')" 0 "Armenia is no longer listed as a party"

# deposited again (the same date): revised back, no new reached
ctl deposit UNTOC Armenia ratification 2003-07-01 >/dev/null || fail "deposit again"
wait_threshold
assert_eq "$(ids | tail -1)" "UNTOC/entry_into_force.revised/2003-09-29" "deposited again: revised to 2003-09-29"
assert_eq "$(db_query threshold.db "SELECT COUNT(*) FROM milestones WHERE kind='threshold.reached'")" 1 "still one threshold.reached"
assert_eq "$(untoc .counted,.stage)" '[40,"scheduled"]' "40, scheduled again"

# retracted again: "none" again is news (subscribers last heard
# 2003-09-29), published under the id's second repetition, and the
# notifier's subscribers get it; numbering goes on across a restart
start_service notifier
again=$(db_query registry.db "SELECT MAX(seq) FROM events WHERE instrument='UNTOC' AND participant='ARM' AND action='ratification'")
ctl retract "$again" --reason "recorded in error again" >/dev/null || fail "retract again"
wait_threshold
assert_eq "$(ids | tail -1)" "UNTOC/entry_into_force.revised/none/2" "retracted again: a second revision to none"
assert_eq "$(untoc .counted,.stage)" '[39,"pending"]' "39, pending again"
stop_service threshold
start_service threshold
ctl deposit UNTOC Armenia ratification 2003-07-01 >/dev/null || fail "deposit a third time"
wait_threshold
assert_eq "$(ids | tail -1)" "UNTOC/entry_into_force.revised/2003-09-29/2" "deposited again after a restart: 2003-09-29's second revision"
wait_seq notifier 8 >/dev/null
assert_eq "$(ctl subscribe --from 0 --json --timeout 2 | jq -r .id | grep revised | tr '\n' ' ')" \
  "UNTOC/entry_into_force.revised/none UNTOC/entry_into_force.revised/2003-09-29 UNTOC/entry_into_force.revised/none/2 UNTOC/entry_into_force.revised/2003-09-29/2 " \
  "subscribers get every revision, in order"
stop_service notifier

# the day comes: effective, once, also across a restart
stop_service threshold
RATIFY_TODAY=2003-09-29 start_service threshold
assert_eq "$(ids | tail -1)" "UNTOC/entry_into_force.effective/2003-09-29" "effective on 2003-09-29"
assert_eq "$(RATIFY_TODAY=2003-09-29 ctl status UNTOC --json | jq -r .stage)" in_force "stage in force"
stop_service threshold
RATIFY_TODAY=2003-09-30 start_service threshold
assert_eq "$(ids | grep -c effective)" 1 "effective published once"
assert_eq "$(ids | wc -l)" 9 "nine milestones in all"
stop_service threshold
stop_service registry
