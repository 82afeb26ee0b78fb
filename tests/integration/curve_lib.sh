# Shared by the test_curve_*.sh scripts (sourced after lib.sh): CURVE on for
# every service and ratifyctl started afterwards, with a keys directory made
# the way README.md ("Security (CURVE)") tells an operator to.
#
#   $RATIFY_KEYS_DIR/{registry,threshold,notifier,reporter}.key[_secret]
#       each service's certificate; their public halves also in readers/,
#       since the services read each other (and the health checks ping)
#   $RATIFY_KEYS_DIR/client.key[_secret]   ratifyctl's default key, a writer
#   $RATIFY_KEYS_DIR/bob.key[_secret]      a reader only
#   $RATIFY_KEYS_DIR/eve.key[_secret]      made, never admitted
export RATIFY_KEYS_DIR=$TEST_DIR/keys
unset RATIFY_CLIENT_KEY RATIFY_WRITERS_DIR RATIFY_READERS_DIR

curve_make_keys() {
  local s
  for s in registry threshold notifier reporter; do
    RATIFY_CURVE=0 ctl keygen "$s" --reader >/dev/null || fail "keygen $s"
  done
  ctl keygen client --writer >/dev/null || fail "keygen client"
  ctl keygen bob --reader >/dev/null || fail "keygen bob"
  ctl keygen eve >/dev/null || fail "keygen eve"
}

# ctl_as KEY CMD...: runs ratifyctl with the certificate KEY.
ctl_as() {
  local key=$1
  shift
  RATIFY_CLIENT_KEY=$key ctl "$@"
}

# registry_seq: the registry's last sequence, asked with the writer's key.
registry_seq() { ctl ping registry --json | sed -n 's/.*"last_seq":\([0-9]*\).*/\1/p'; }

# expect_rc WANT WHAT CMD...: runs CMD, checks its exit code.
expect_rc() {
  local want=$1 what=$2 rc=0
  shift 2
  "$@" >"$TEST_DIR/last.out" 2>"$TEST_DIR/last.err" || rc=$?
  [ "$rc" -eq "$want" ] || fail "$what: exit $rc, want $want: $(cat "$TEST_DIR/last.out" "$TEST_DIR/last.err")"
  echo "ok - $what (exit $rc)"
}

export RATIFY_CURVE=1
curve_make_keys
