#!/usr/bin/env bash
# The seed's events loaded in reverse date order give the same status and
# the same milestone ids as in file (date) order. Each run has its own
# registry and threshold state. In the reversed file a State's Protocol
# ratification follows its Convention ratification (the registry refuses it
# before), otherwise rows are by date, latest first.
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

# run NAME CSV: loads CSV into fresh services; leaves NAME.status, NAME.ids
run() {
  export RATIFY_DATA_DIR=$TEST_DIR/$1
  mkdir -p "$RATIFY_DATA_DIR"
  start_service registry
  start_service threshold
  out=$(ctl load "$2") || fail "$1: load: $out"
  echo "$out" | head -1
  wait_threshold
  ctl status --json >"$TEST_DIR/$1.status"
  mt replay | jq -r .id | sort >"$TEST_DIR/$1.ids"
  db_query threshold.db "SELECT id FROM milestones" | sort >"$TEST_DIR/$1.dbids"
  stop_service threshold
  stop_service registry
}

reversed=$TEST_DIR/reversed.csv
{
  head -1 "$FIXTURE"
  tail -n +2 "$FIXTURE" | awk -F, '{print $4 "," NR "," $0}' | sort -t, -k1,1r -k2,2nr | cut -d, -f3- |
    awk -F, '
      function consent(a) { return a ~ /^(ratification|acceptance|approval|accession|succession)$/ }
      {
        if ($1 != "XVIII-12" && consent($3) && !($2 in party)) { held[$2] = held[$2] $0 "\n"; next }
        print
        if ($1 == "XVIII-12" && consent($3)) { party[$2] = 1; printf "%s", held[$2]; delete held[$2] }
      }
      END { for (p in held) printf "%s", held[p] }'
} >"$reversed"
assert_eq "$(wc -l <"$reversed")" "$(wc -l <"$FIXTURE")" "the reversed file has every row"
assert_eq "$(sed -n 2p "$reversed" | cut -d, -f4)" "$(tail -n +2 "$FIXTURE" | cut -d, -f4 | sort -r | head -1)" "it starts with the latest date"
assert_eq "$(tail -1 "$reversed" | cut -d, -f4)" "$(tail -n +2 "$FIXTURE" | cut -d, -f4 | sort | head -1)" "it ends with the earliest date"

run forward "$FIXTURE"
run reverse "$reversed"

cat "$TEST_DIR/forward.ids"
assert_eq "$(cat "$TEST_DIR/reverse.status")" "$(cat "$TEST_DIR/forward.status")" "identical status --json"
assert_eq "$(cat "$TEST_DIR/reverse.ids")" "$(cat "$TEST_DIR/forward.ids")" "identical milestone ids"
assert_eq "$(cat "$TEST_DIR/reverse.dbids")" "$(cat "$TEST_DIR/forward.ids")" "threshold.db holds those ids"
assert_eq "$(grep -c . "$TEST_DIR/forward.ids")" 4 "four milestones"
grep -q '"instrument":"UNTOC".*"threshold_date":"2003-07-01","entry_into_force":"2003-09-29","stage":"scheduled"' \
  "$TEST_DIR/reverse.status" || fail "reverse: UNTOC scheduled"
echo "ok - reverse: UNTOC scheduled for 2003-09-29"
