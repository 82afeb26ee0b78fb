#!/usr/bin/env bash
# Only the authorised may write (RATIFY_CURVE=1, keys made by ratifyctl
# keygen): a writer deposits and retracts; a reader is refused
# ("unauthorized", exit 1) but reads the log; an unknown key, a client
# without CURVE, and a client expecting another server key get no answer at
# all (exit 3); none of them changes the store. Revoking: a writer moved to
# readers/ is refused at once; a removed one cannot connect again; one put
# back writes again. A service without its certificate, or with a bad
# RATIFY_CURVE, refuses to start. Then the same data with CURVE off: as
# before, and a CURVE client is the one left out.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/curve_lib.sh"
k=$RATIFY_KEYS_DIR

# ---- refusals at start-up
rc=0
RATIFY_KEYS_DIR=$TEST_DIR "$RATIFY_BIN/ratify-registry" >"$TEST_DIR/nokey.log" 2>&1 || rc=$?
assert_eq "$rc" 1 "the registry refuses to start without its certificate"
grep -q 'ratifyctl keygen registry' "$TEST_DIR/nokey.log" || fail "no hint: $(cat "$TEST_DIR/nokey.log")"
rc=0
RATIFY_CURVE=yes "$RATIFY_BIN/ratify-registry" >"$TEST_DIR/badcurve.log" 2>&1 || rc=$?
assert_eq "$rc" 1 "the registry refuses RATIFY_CURVE=yes"
grep -q 'RATIFY_CURVE must be 0 or 1' "$TEST_DIR/badcurve.log" || fail "$(cat "$TEST_DIR/badcurve.log")"
expect_rc 4 "ratifyctl without its certificate fails" ctl_as nobody ping registry --timeout 1
grep -q 'nobody.key_secret' "$TEST_DIR/last.err" || fail "$(cat "$TEST_DIR/last.err")"
expect_rc 0 "commands that open no socket need no certificate" ctl_as nobody catalog instruments --ids

start_service registry
grep -q '"CURVE on: certificate registry' "$TEST_DIR/registry.log" || fail "no CURVE line in the log"

# ---- a writer
expect_rc 0 "the writer deposits" ctl deposit UNTOC Armenia ratification 2003-07-01
expect_rc 0 "the writer deposits again" ctl deposit UNTOC Mexico ratification 2003-03-04
assert_eq "$(registry_seq)" 2 "two events stored"

# ---- a reader: refused, reads
expect_rc 1 "the reader's deposit is refused" ctl_as bob deposit UNTOC Peru ratification 2002-01-23
grep -q 'rejected (unauthorized)' "$TEST_DIR/last.err" || fail "not 'unauthorized': $(cat "$TEST_DIR/last.err")"
expect_rc 1 "the reader's retraction is refused" ctl_as bob retract 1 --reason "not mine to retract"
grep -q 'rejected (unauthorized)' "$TEST_DIR/last.err" || fail "not 'unauthorized': $(cat "$TEST_DIR/last.err")"
expect_rc 1 "the reader's raw deposit is refused" ctl_as bob request registry \
  '{"type":"deposit","instrument":"UNTOC","participant":"Peru","action":"ratification","date":"2002-01-23"}'
grep -q '"code":"unauthorized"' "$TEST_DIR/last.out" || fail "$(cat "$TEST_DIR/last.out")"
expect_rc 0 "the reader reads the log" ctl_as bob events --json
assert_eq "$(grep -c '"seq"' "$TEST_DIR/last.out")" 2 "the reader sees both events"
expect_rc 0 "the reader pings" ctl_as bob ping registry
assert_eq "$(registry_seq)" 2 "the reader changed nothing"
grep -q 'refused a deposit from key' "$TEST_DIR/registry.log" || fail "the refusal is not logged"

# ---- no answer: an unknown key, no CURVE, the wrong server key
expect_rc 3 "an unknown key's deposit gets no answer" ctl_as eve deposit UNTOC Peru ratification 2002-01-23 --timeout 1
grep -q 'a key the registry does not admit' "$TEST_DIR/last.err" || fail "no CURVE hint: $(cat "$TEST_DIR/last.err")"
expect_rc 3 "an unknown key's ping gets no answer" ctl_as eve ping registry --timeout 1
expect_rc 3 "a client without CURVE gets no answer" env RATIFY_CURVE=0 "$RATIFY_BIN/ratifyctl" deposit UNTOC Peru ratification 2002-01-23 --timeout 1
expect_rc 3 "a client without CURVE cannot even ping" env RATIFY_CURVE=0 "$RATIFY_BIN/ratifyctl" ping registry --timeout 1
mkdir "$TEST_DIR/fake"
cp "$k/client.key" "$k/client.key_secret" "$TEST_DIR/fake/"
cp "$k/eve.key" "$TEST_DIR/fake/registry.key" # a man in the middle's key
expect_rc 3 "a writer expecting another server key does not talk to this one" \
  env RATIFY_KEYS_DIR="$TEST_DIR/fake" "$RATIFY_BIN/ratifyctl" deposit UNTOC Peru ratification 2002-01-23 --timeout 1
assert_eq "$(registry_seq)" 2 "none of them changed the store"
assert_eq "$(db_query registry.db 'select count(*) from events')" 2 "registry.db holds two events"
grep -q 'refused a CURVE handshake from 127.0.0.1, key' "$TEST_DIR/registry.log" || fail "the unknown key is not logged"

# ---- admitting, demoting, revoking
ctl keygen mallory --writer >/dev/null
expect_rc 0 "a new writer deposits at once" ctl_as mallory deposit UNTOC Peru ratification 2002-01-23
mv "$k/writers/mallory.key" "$k/readers/mallory.key"
expect_rc 1 "moved to readers/, it is refused" ctl_as mallory deposit UNTOC Spain ratification 2002-08-01
grep -q 'rejected (unauthorized)' "$TEST_DIR/last.err" || fail "$(cat "$TEST_DIR/last.err")"
expect_rc 0 "but still reads" ctl_as mallory ping registry
rm "$k/readers/mallory.key"
expect_rc 3 "revoked, it cannot connect again" ctl_as mallory ping registry --timeout 1
expect_rc 3 "nor deposit" ctl_as mallory deposit UNTOC Spain ratification 2002-08-01 --timeout 1
assert_eq "$(registry_seq)" 3 "only the admitted deposit was stored"
cp "$k/mallory.key" "$k/writers/"
expect_rc 0 "put back, it writes again" ctl_as mallory deposit UNTOC Spain ratification 2002-08-01
expect_rc 0 "the writer retracts" ctl retract 4 --reason "entered in error"
assert_eq "$(registry_seq)" 5 "five events"
stop_service registry

# ---- CURVE off: the same data, as before
export RATIFY_CURVE=0
start_service registry
expect_rc 0 "CURVE off: ratifyctl deposits with no key" \
  env -u RATIFY_KEYS_DIR "$RATIFY_BIN/ratifyctl" deposit UNTOC Croatia ratification 2003-01-24
assert_eq "$(registry_seq)" 6 "CURVE off: six events"
expect_rc 3 "CURVE off: a CURVE client is the one left out" env RATIFY_CURVE=1 "$RATIFY_BIN/ratifyctl" ping registry --timeout 1
stop_service registry
