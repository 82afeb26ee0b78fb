#!/usr/bin/env bash
# The same annex from data that names the participant "Serbia", as UNTC does
# today and as ../shared/data/ does: the signatures come from the separate
# signatures file (428 rows, "Serbia" among them), the instruments of
# consent from the fixture with "Serbia and Montenegro" written "Serbia".
# Events carry the participant's id, so the report as at 2 July 2003 still
# prints the name of 2003, "Serbia and Montenegro", with the footnote on the
# change, and reproduces the seed's tables; as at 2010 it prints "Serbia"
# with both footnotes, and as at 2002 "Yugoslavia" with none.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/reporter_lib.sh"

signatures=$RATIFY_SOURCE_DIR/data/fixtures/signatures-to-2003-07-02.csv
consents=$TEST_DIR/consents-serbia.csv
{
  head -1 "$FIXTURE"
  tail -n +2 "$FIXTURE" | grep -v ',signature,' | sed 's/,Serbia and Montenegro,/,Serbia,/'
} >"$consents"
assert_eq "$(grep -c ',Serbia,' "$consents")" 3 "the consents name Serbia"
assert_eq "$(grep -c 'Montenegro' "$consents")" 0 "and never Serbia and Montenegro"
assert_eq "$(grep -c ',Serbia,' "$signatures")" 3 "so do the signatures"

start_service registry
start_service reporter
ctl load "$signatures" >/dev/null || fail "loading the signatures"
ctl load "$consents" >/dev/null || fail "loading the consents"
wait_reporter_seq 527

annex=$TEST_DIR/annex.txt
ctl report annex --format text --as-of 2003-07-02 >"$annex"
annex_tables "$SEED_ANNEX" >"$TEST_DIR/want.txt"
annex_tables "$annex" >"$TEST_DIR/got.txt"
diff -u "$TEST_DIR/want.txt" "$TEST_DIR/got.txt" || fail "the annex from 'Serbia' data differs from the seed's tables"
echo "ok - the annex from 'Serbia' data reproduces the seed's tables A to E"
assert_eq "$(grep -c 'Serbia and Montenegro ^a' "$annex")" 3 "printed as Serbia and Montenegro for 2003, with a mark"
assert_eq "$(grep -cF -e $'. Serbia\t' -e '. Serbia ^' "$annex" || true)" 0 "never as Serbia alone"
assert_eq "$(grep -c '^\^a On 4 February 2003, the Federal Republic of Yugoslavia changed its name to Serbia and Montenegro\.$' "$annex")" 3 "with the footnote"

later=$(ctl report annex --as-of 2010-01-01)
assert_eq "$(grep -c $'^[23]\\. Serbia ^a,b\t6 September 2001$' <<<"$later")" 3 "as at 2010: Serbia, with two marks"
grep -q '^\^b On 3 June 2006, Serbia informed the Secretary-General' <<<"$later" || fail "the 2006 footnote"
earlier=$(ctl report annex --as-of 2002-12-31)
assert_eq "$(grep -c $'^[23]\\. Yugoslavia\t6 September 2001$' <<<"$earlier")" 3 "as at 2002: Yugoslavia, unmarked"

# the status table and the JSON say the same
status=$(ctl report status --instrument UNTOC --format csv --as-of 2003-07-02)
grep -q '^SRB,Serbia and Montenegro,2000-12-12,2001-09-06,ratification,' <<<"$status" || fail "status row: $(grep SRB <<<"$status")"
json=$(ctl report annex --format json --as-of 2003-07-02)
grep -q '"name": "Serbia and Montenegro"' <<<"$json" || fail "the JSON names Serbia and Montenegro"
echo "ok - status and JSON"

stop_service reporter
stop_service registry
