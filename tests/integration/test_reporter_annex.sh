#!/usr/bin/env bash
# From the seed fixture, `ratifyctl report annex --format text --as-of
# 2003-07-02` reproduces the seed's annex tables A to E (compared with
# tests/fixtures/a58-165-annex.txt under the unit tests' normalisation).
# Then: the other kinds and formats through ratifyctl, an earlier date,
# ratifyctl's exit codes, a restart that resumes from reporter.db and
# catches up on a deposit made while the reporter was down, and a
# retraction that shows in the next report.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/reporter_lib.sh"

start_service registry
ctl load "$FIXTURE" >/dev/null || fail "loading the fixture"
start_service reporter
wait_reporter_seq 527

annex=$TEST_DIR/annex.txt
ctl report annex --format text --as-of 2003-07-02 >"$annex" || fail "report annex exited $?"
annex_tables "$SEED_ANNEX" >"$TEST_DIR/want.txt"
annex_tables "$annex" >"$TEST_DIR/got.txt"
diff -u "$TEST_DIR/want.txt" "$TEST_DIR/got.txt" || fail "the annex differs from the seed's tables"
echo "ok - the annex as at 2 July 2003 reproduces the seed's tables A to E"

assert_eq "$(head -1 "$annex")" "Annex" "the annex starts with its heading"
assert_eq "$(sed -n 3p "$annex")" "Status of ratifications of the United Nations Convention against Transnational Organized Crime and the Protocols thereto as at 2 July 2003" "the title carries the as-at date"
grep -qx $'40. Armenia\t1 July 2003' "$annex" || fail "Armenia is the 40th party"
assert_eq "$(grep -c $'^[23]\. Serbia and Montenegro ^a\t6 September 2001$' "$annex")" 3 "Serbia and Montenegro under its 2003 name with a mark, in tables B, C and D"
assert_eq "$(grep -c '^\^a On 4 February 2003, the Federal Republic of Yugoslavia changed its name to Serbia and Montenegro\.$' "$annex")" 3 "the footnote on the change of name, once per table"

# defaults: kind annex, format text, as at today (RATIFY_TODAY=2003-07-02)
ctl report >"$TEST_DIR/default.txt"
cmp -s "$TEST_DIR/default.txt" "$annex" || fail "ratifyctl report defaults to the text annex as at today"
ctl report annex -o "$TEST_DIR/file.txt" >"$TEST_DIR/stdout.txt"
cmp -s "$TEST_DIR/file.txt" "$annex" || fail "-o FILE holds the report"
assert_eq "$(wc -c <"$TEST_DIR/stdout.txt")" 0 "-o FILE prints nothing"

# the other kinds and formats (grep reads all: a -q on a pipe would cut it)
has() { # has WHAT FIXED-STRING CMD...: CMD's output holds the string
  local what=$1 want=$2 out
  shift 2
  out=$("$@") || fail "$what: exited $?"
  grep -qF -- "$want" <<<"$out" || fail "$what: no '$want'"
}
has "markdown annex" '| 40. | Armenia | 1 July 2003 |' ctl report annex --format md
has "csv annex" $'B,UNTOC,40,ARM,Armenia,2003-07-01,ratification,' ctl report annex --format csv
has "html annex" '<td>Armenia</td>' ctl report annex --format html
has "status by UNTC reference, any case" $'\nArmenia' ctl report status --instrument xviii-12
has "csv status" $'\nARM,Armenia,' ctl report status --instrument UNTOC --format csv
has "json status" '"entry_into_force": "2003-09-29"' ctl report status --instrument UNTOC --format json
has "text progress" 'Organized Crime Convention (XVIII-12)' ctl report progress
has "json progress" '"stage": "scheduled"' ctl report progress --format json
has "svg chart" '<path d="M' ctl report progress --format svg
echo "ok - every kind in every format"

earlier=$(ctl report annex --as-of 2002-12-31)
grep -qx $'28. Romania\t4 December 2002' <<<"$earlier" || fail "28 parties at the end of 2002"
grep -q $'^3. Yugoslavia\t6 September 2001$' <<<"$earlier" || fail "the old name before the change, no footnote"
echo "ok - an earlier date"

# exit codes: 2 for usage errors (nothing sent), 1 when the reporter refuses
code() { set +e; "$@" >"$TEST_DIR/stdout" 2>"$TEST_DIR/stderr"; echo $?; set -e; }
assert_eq "$(code ctl report status)" 2 "status without --instrument"
assert_eq "$(code ctl report annex --format pdf)" 2 "unknown format"
assert_eq "$(code ctl report annex --as-of 2003-13-45)" 2 "malformed date"
assert_eq "$(code ctl report yearly)" 2 "unknown kind"
assert_eq "$(code ctl report annex --instrument UNTOC)" 2 "--instrument outside status"
assert_eq "$(code ctl report annex --format svg)" 2 "svg outside progress"
assert_eq "$(code ctl report status --instrument ATLANTIS)" 1 "unknown instrument: refused"
grep -q "unknown instrument 'ATLANTIS' (known: UNTOC, TIP, SOM, FIREARMS)" "$TEST_DIR/stderr" || fail "the refusal names the known instruments"
assert_eq "$(code ctl request reporter '{"type":"report","kind":"annex","as_of":"2003-13-45"}')" 1 "a bad date sent raw is refused"
grep -qF '"code":"bad_request","message":"as_of must be a date YYYY-MM-DD: '"'2003-13-45'"'"}' "$TEST_DIR/stdout" || fail "with a clear message"
assert_eq "$(code ctl request reporter '{"type":"report","kind":"annex","format":"html","instrument":"UNTOC"}')" 1 "a contradictory request is refused"
assert_eq "$(code ctl report annex -o /nonexistent/dir/file.txt)" 4 "an unwritable -o FILE"
assert_eq "$(RATIFY_REPORTER_API=tcp://127.0.0.1:1 code ctl report --timeout 0.3)" 3 "no reporter"
grep -q '^Examples:' <<<"$(ctl report --help)" || fail "--help has examples"

# restart: the mirror is kept, a deposit made meanwhile is caught up on
stop_service reporter
assert_eq "$(db_query reporter.db 'SELECT COUNT(*) FROM events')" 527 "reporter.db holds the events"
ctl deposit FIREARMS Armenia ratification 2003-07-02 >/dev/null
start_service reporter
wait_reporter_seq 528
grep -qx 'ratify_reporter_events_processed_total 1' <<<"$(curl -sS "$REPORTER_URL/metrics")" || fail "a restart replays only what it missed"
grep -qx $'5. Armenia\t2 July 2003' <<<"$(ctl report annex)" || fail "the new deposit is in the annex"
ctl retract 528 --reason "recorded for the test" >/dev/null
wait_reporter_seq 529
grep -q $'Armenia\t2 July 2003' <<<"$(ctl report annex)" && fail "a retracted deposit is left out"
echo "ok - restart, catch-up, retraction"

stop_service reporter
stop_service registry
