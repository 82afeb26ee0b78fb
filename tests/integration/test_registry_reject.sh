#!/usr/bin/env bash
# Every rejection rule, through the running service: exit code 1, the stable
# error code on stderr, and the store unchanged afterwards.
source "$(dirname "$0")/lib.sh"
start_service registry

ctl deposit UNTOC Chad signature 2000-12-12 >/dev/null
ctl deposit UNTOC Chad ratification 2003-01-10 >/dev/null
ctl deposit UNTOC Peru ratification 2002-01-23 >/dev/null

last() { db_query registry.db "SELECT COUNT(*) FROM events"; }

# expect_reject CODE ARGS...: the deposit is rejected with CODE, nothing stored
expect_reject() {
  local code=$1; shift
  local before; before=$(last)
  set +e
  err=$(ctl "$@" 2>&1 >/dev/null); rc=$?
  set -e
  [ "$rc" -eq 1 ] || fail "ratifyctl $* exited $rc, want 1 ($err)"
  echo "$err" | grep -q "rejected ($code)" || fail "ratifyctl $*: want $code, got: $err"
  assert_eq "$(last)" "$before" "$code: ratifyctl $* stores nothing"
}

expect_reject unknown_instrument deposit XVIII-99 Chad ratification 2003-01-01
expect_reject unknown_participant deposit UNTOC Atlantis ratification 2003-01-01
expect_reject unknown_action deposit UNTOC Chad ratified 2003-01-01
expect_reject bad_date deposit UNTOC Mali ratification 2003-02-29
expect_reject bad_date deposit UNTOC Mali ratification 1/7/2003
expect_reject future_date deposit UNTOC Mali ratification 2003-07-03
expect_reject outside_signature_period deposit UNTOC Mali signature 2003-01-01
expect_reject outside_signature_period deposit FIREARMS Mali signature 2001-06-29
expect_reject already_signed deposit UNTOC Chad signature 2001-01-12
expect_reject already_party deposit UNTOC Chad accession 2003-05-01
expect_reject no_parent_consent deposit TIP Mali ratification 2003-01-01
expect_reject no_parent_consent deposit TIP Peru ratification 2002-01-22
expect_reject not_a_party deposit UNTOC Mali denunciation 2003-01-01
expect_reject unknown_event retract 999 --reason "no such event"
ctl deposit TIP Peru ratification 2002-01-23 >/dev/null   # same day as its Convention: valid
echo "ok - same-day Protocol deposit accepted"

# the suggestion for a misspelt name
err=$(ctl deposit UNTOC Armenai ratification 2003-07-01 2>&1 || true)
echo "$err" | grep -q "did you mean 'Armenia'" || fail "no suggestion: $err"
echo "ok - suggestion"

# names in any form: former names, codes, UNTC spellings, references
ctl deposit XVIII-12 "Serbia and Montenegro" ratification 2001-09-06 >/dev/null
ctl deposit xviii-12-a srb ratification 2001-09-06 >/dev/null
assert_eq "$(db_query registry.db "SELECT COUNT(*) FROM events WHERE participant='SRB'")" 2 "former names and codes resolve"

# retraction: a retracted action can be deposited again; retracting twice is a duplicate
seq=$(db_query registry.db "SELECT seq FROM events WHERE participant='TCD' AND action='ratification'")
ctl retract "$seq" --reason "wrong date" >/dev/null
ctl retract "$seq" --reason "wrong date" | grep -q duplicate || fail "second retract is a duplicate"
expect_reject cannot_retract retract "$(last)" --reason "retract a retraction"
ctl deposit UNTOC Chad ratification 2003-01-11 >/dev/null
echo "ok - deposit after retraction"

# a denunciation ends a participation; a new instrument may follow it, never overlap it
ctl deposit UNTOC Peru denunciation 2003-06-01 >/dev/null
expect_reject already_party deposit UNTOC Peru accession 2003-01-01
ctl deposit UNTOC Peru accession 2003-06-02 >/dev/null
echo "ok - accession after a denunciation accepted"
expect_reject already_party deposit UNTOC Peru accession 2003-06-03

# usage errors exit 2 and send nothing
set +e; ctl deposit UNTOC Chad 2>/dev/null; rc=$?; set -e
assert_eq "$rc" 2 "too few arguments is a usage error"
set +e; ctl retract 3 2>/dev/null; rc=$?; set -e
assert_eq "$rc" 2 "retract without --reason is a usage error"
stop_service registry
