# Shared helpers for the integration tests (sourced, not run).
#
# Each test runs the real binaries from $RATIFY_BIN on loopback ports from
# $RATIFY_TEST_PORT_BASE, with a fresh $RATIFY_DATA_DIR that is removed at
# exit (kept, with the service logs printed, when the test fails).
set -euo pipefail

: "${RATIFY_BIN:?RATIFY_BIN must point at build/bin}"
: "${RATIFY_SOURCE_DIR:?}"
RATIFY_TOOLS=${RATIFY_TOOLS:-$RATIFY_BIN/../tests}
base=${RATIFY_TEST_PORT_BASE:-17000}
export RATIFY_REGISTRY_API=tcp://127.0.0.1:$((base + 1))
export RATIFY_REGISTRY_EVENTS=tcp://127.0.0.1:$((base + 2))
export RATIFY_THRESHOLD_API=tcp://127.0.0.1:$((base + 3))
export RATIFY_THRESHOLD_EVENTS=tcp://127.0.0.1:$((base + 4))
export RATIFY_NOTIFIER_API=tcp://127.0.0.1:$((base + 5))
export RATIFY_NOTIFIER_ALERTS=tcp://127.0.0.1:$((base + 6))
export RATIFY_REPORTER_API=tcp://127.0.0.1:$((base + 7))
export RATIFY_REPORTER_HTTP=127.0.0.1:$((base + 8))
TEST_DIR=$(mktemp -d /tmp/ratify-test.XXXXXX) # logs and scratch files
export RATIFY_DATA_DIR=$TEST_DIR                # a test may point this elsewhere
export RATIFY_TODAY=${RATIFY_TODAY:-2003-07-02}
unset RATIFY_CATALOG
# the services reach each other and the test endpoints on loopback: no proxy
unset http_proxy https_proxy HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY
FIXTURE=$RATIFY_SOURCE_DIR/data/fixtures/a58-165.csv

declare -A SERVICE_PIDS=()
TEST_FAILED=1

ctl() { "$RATIFY_BIN/ratifyctl" "$@"; }

log() { echo "# $*"; }

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# assert_eq ACTUAL EXPECTED WHAT
assert_eq() {
  [ "$1" == "$2" ] || fail "$3: got '$1', want '$2'"
  echo "ok - $3"
}

# start_service NAME: starts ratify-NAME and waits until it answers ping.
start_service() {
  local name=$1
  "$RATIFY_BIN/ratify-$name" >>"$TEST_DIR/$name.log" 2>&1 &
  SERVICE_PIDS[$name]=$!
  for _ in $(seq 1 100); do
    if ctl ping "$name" --timeout 0.2 >/dev/null 2>&1; then return 0; fi
    kill -0 "${SERVICE_PIDS[$name]}" 2>/dev/null || fail "ratify-$name exited at start"
  done
  fail "ratify-$name did not answer ping within 20 s"
}

# stop_service NAME [SIGNAL]: signals the service (TERM by default) and waits.
stop_service() {
  local name=$1 sig=${2:-TERM} pid=${SERVICE_PIDS[$1]:-}
  [ -n "$pid" ] || return 0
  kill -"$sig" "$pid" 2>/dev/null || true
  local rc=0
  wait "$pid" 2>/dev/null || rc=$?
  unset "SERVICE_PIDS[$name]"
  # a clean stop must exit 0 (under ASan this is also the leak check)
  if [ "$sig" = TERM ] && [ "$rc" -ne 0 ]; then
    fail "ratify-$name exited with $rc on SIGTERM (see $TEST_DIR/$name.log)"
  fi
}

# last_seq NAME: the last sequence number in the service's pong ("" when it
# does not answer within 2 s).
last_seq() { ctl ping "$1" --json --timeout 2 2>/dev/null | sed -n 's/.*"last_seq":\([0-9]*\).*/\1/p'; }

# wait_seq NAME MIN: until the service's last sequence number is at least MIN
# (10 s at most, then the test fails); prints it.
wait_seq() {
  local n=""
  for _ in $(seq 1 100); do
    n=$(last_seq "$1")
    [ "${n:-0}" -ge "$2" ] && { echo "$n"; return 0; }
    sleep 0.1
  done
  fail "ratify-$1 is at sequence ${n:-(no answer)}, want at least $2"
}

# db_query DBFILE SQL: runs a read-only query on a service's database.
db_query() { sqlite3 -readonly "$RATIFY_DATA_DIR/$1" "$2"; }

s_cleanup() {
  local rc=$?
  for name in "${!SERVICE_PIDS[@]}"; do
    kill -TERM "${SERVICE_PIDS[$name]}" 2>/dev/null || true
    wait "${SERVICE_PIDS[$name]}" 2>/dev/null || true
  done
  declare -F test_cleanup >/dev/null && test_cleanup
  # 77: skipped, nothing to look at
  if [ $rc -ne 0 ] && [ $rc -ne 77 ]; then
    for f in "$TEST_DIR"/*.log; do
      [ -f "$f" ] || continue
      echo "---- $f (last 40 lines)" >&2
      tail -n 40 "$f" >&2
    done
    echo "data kept in $TEST_DIR" >&2
  else
    rm -rf "$TEST_DIR"
  fi
}
trap s_cleanup EXIT
