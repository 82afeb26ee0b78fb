# Helpers for the reporter's tests (sourced after lib.sh, not run).
#
# wait_reporter_seq N    waits until the reporter answers ping "ready" with
#                        last sequence N (it has caught up with the registry)
# annex_tables FILE      the tables of a text annex, from "A. Summary" on,
#                        normalised as the unit tests compare them
# http_get PATH [ARGS]   GETs $REPORTER_URL$PATH with curl (ARGS added); the
#                        body goes to $TEST_DIR/body, the headers to
#                        $TEST_DIR/headers; prints "CODE CONTENT-TYPE"
# header NAME            the value of a header of the last http_get

REPORTER_URL=http://$RATIFY_REPORTER_HTTP
NORMALISE=$RATIFY_TOOLS/ratify-annex-normalise
SEED_ANNEX=$RATIFY_SOURCE_DIR/tests/fixtures/a58-165-annex.txt
[ -x "$NORMALISE" ] || fail "$NORMALISE is not built"

wait_reporter_seq() {
  local want=$1 pong=
  for _ in $(seq 1 200); do
    pong=$(ctl ping reporter --json --timeout 1 2>/dev/null || true)
    case "$pong" in *'"status":"ready"'*'"last_seq":'"$want}"*) return 0 ;; esac
    sleep 0.1
  done
  fail "the reporter did not reach registry event $want within 20 s: $pong"
}

annex_tables() { sed -n '/^A\. Summary/,$p' "$1" | "$NORMALISE"; }

http_get() {
  local path=$1
  shift
  curl -sS -o "$TEST_DIR/body" -D "$TEST_DIR/headers" -w '%{http_code} %{content_type}\n' \
    --max-time 20 "$@" "$REPORTER_URL$path"
}

header() {
  grep -i "^$1:" "$TEST_DIR/headers" | head -1 | cut -d: -f2- | sed 's/^ *//; s/\r$//'
}
