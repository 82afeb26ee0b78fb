#!/usr/bin/env bash
# Reports rendered into a temporary file (RATIFY_REPORTER_SPILL_KB,
# services/reporter/http.h) are the reports rendered in memory: every
# /reports/ kind and format of the seed, fetched with the default setting
# (8 MiB: nothing spills) and again after a restart with 1 KiB (every one
# spills: the seed's smallest report is 1.9 kB), are byte-identical, with
# the same status and headers (Date aside), for GET, HEAD and several
# reports on one kept-alive connection; the reporter's debug log says which
# were sent from a file. No file is left in the data directory besides the
# services' own databases, and none stays open in the reporter. A spill
# size of 0, a word or more than 64 MiB stops the reporter at start-up with
# the variable named; the ZeroMQ report stays in memory and still answers.
source "$(dirname "$0")/lib.sh"
command -v curl >/dev/null || { echo "SKIP: curl is not installed (deploy/packages-build.txt)"; exit 77; }
source "$(dirname "$0")/reporter_lib.sh"

export RATIFY_DATA_DIR=$TEST_DIR/data # apart from the logs and fetched files
mkdir -p "$RATIFY_DATA_DIR"

paths=()
for ext in txt md csv json html; do
  paths+=("annex.$ext" "status/UNTOC.$ext" "progress.$ext")
done
paths+=(progress.svg "annex.html?as_of=2002-12-31" "status/TIP.json?as_of=2003-07-02")

# fetch_all DIR: every report's body, headers (Date removed) and status line
fetch_all() {
  local dir=$1 i=0
  mkdir -p "$dir"
  for p in "${paths[@]}"; do
    i=$((i + 1))
    http_get "/reports/$p" >"$dir/$i.status"
    mv "$TEST_DIR/body" "$dir/$i.body"
    grep -iv '^date:' "$TEST_DIR/headers" >"$dir/$i.headers"
    http_get "/reports/$p" -I >"$dir/$i.head-status"
    grep -iv '^date:' "$TEST_DIR/headers" >"$dir/$i.head-headers"
    assert_eq "$(curl -sS -I -o /dev/null -w '%{size_download}' "$REPORTER_URL/reports/$p")" 0 "HEAD $p: no body"
  done
  # all of them on one connection (curl keeps it alive)
  local args=()
  i=0
  for p in "${paths[@]}"; do
    i=$((i + 1))
    args+=(-o "$dir/kept.$i" "$REPORTER_URL/reports/$p")
  done
  curl -sS --max-time 20 "${args[@]}" || fail "one connection for all the reports"
}

# only_own_files: the data directory holds the databases and nothing else
only_own_files() {
  local extra
  extra=$(ls -A "$RATIFY_DATA_DIR" | grep -Ev '^(registry|reporter)\.db(-wal|-shm|-journal)?$' || true)
  [ -z "$extra" ] || fail "files left in the data directory: $extra"
  echo "ok - only the databases in the data directory ($1)"
}

start_service registry
ctl load "$FIXTURE" >/dev/null || fail "loading the fixture"
start_service reporter
wait_reporter_seq 527
fetch_all "$TEST_DIR/mem"
stop_service reporter
only_own_files "after the in-memory reports"
n=${#paths[@]}
for i in $(seq 1 "$n"); do
  assert_eq "$(cut -d' ' -f1 "$TEST_DIR/mem/$i.status")" 200 "${paths[$((i - 1))]}: 200"
done

export RATIFY_LOG_LEVEL=debug
RATIFY_REPORTER_SPILL_KB=1 start_service reporter
wait_reporter_seq 527
fetch_all "$TEST_DIR/spill"
only_own_files "while the reporter runs"
# every file was closed once sent: none still open (an unnamed file shows
# as deleted), so their disk space is back
open_files() { find "/proc/${SERVICE_PIDS[reporter]}/fd" -lname '*(deleted)' | wc -l; }
for _ in $(seq 1 50); do [ "$(open_files)" -eq 0 ] && break; sleep 0.1; done
assert_eq "$(open_files)" 0 "no temporary file still open in the reporter"
stop_service reporter
only_own_files "after the spilled reports"

for i in $(seq 1 "$n"); do
  p=${paths[$((i - 1))]}
  size=$(wc -c <"$TEST_DIR/mem/$i.body")
  [ "$size" -gt 1024 ] || fail "$p is $size bytes: not larger than the spill size"
  cmp "$TEST_DIR/mem/$i.body" "$TEST_DIR/spill/$i.body" || fail "$p: the spilled body differs"
  cmp "$TEST_DIR/mem/$i.body" "$TEST_DIR/spill/kept.$i" || fail "$p: the body on a kept-alive connection differs"
  cmp "$TEST_DIR/mem/$i.status" "$TEST_DIR/spill/$i.status" || fail "$p: status or Content-Type differs"
  diff -u "$TEST_DIR/mem/$i.headers" "$TEST_DIR/spill/$i.headers" || fail "$p: the headers differ"
  diff -u "$TEST_DIR/mem/$i.head-headers" "$TEST_DIR/spill/$i.head-headers" || fail "$p: HEAD's headers differ"
  grep -qi "^content-length: $size"$'\r'"$" "$TEST_DIR/spill/$i.head-headers" || fail "$p: HEAD gives the GET's length"
  grep -qF "http GET /reports/${p%%\?*}: 200, $size bytes (spilled to a file)" "$TEST_DIR/reporter.log" \
    || fail "$p was not sent from a file"
done
echo "ok - $n reports identical from memory and from a file (GET, HEAD, one connection)"

# bad settings: named at start-up, exit 1
for bad in 0 -5 abc 8M 65537; do
  out=$(RATIFY_REPORTER_SPILL_KB=$bad timeout 10 "$RATIFY_BIN/ratify-reporter" 2>&1) && rc=0 || rc=$?
  assert_eq "$rc" 1 "RATIFY_REPORTER_SPILL_KB=$bad stops the reporter"
  grep -qF "RATIFY_REPORTER_SPILL_KB=$bad is not an integer from 1 to 65536 (KiB)" <<<"$out" \
    || fail "RATIFY_REPORTER_SPILL_KB=$bad: no clear error: $out"
done
"$RATIFY_BIN/ratify-reporter" --help | grep -q 'RATIFY_REPORTER_SPILL_KB' || fail "--help lists the setting"

# the ZeroMQ report is built in memory whatever the setting
RATIFY_REPORTER_SPILL_KB=1 start_service reporter
wait_reporter_seq 527
ctl report annex --format json >"$TEST_DIR/ctl.json" || fail "report over ZeroMQ"
json=0
for i in $(seq 1 "$n"); do [ "${paths[$((i - 1))]}" = annex.json ] && json=$i; done
cmp "$TEST_DIR/ctl.json" "$TEST_DIR/mem/$json.body" || fail "ratifyctl and HTTP give the same JSON annex"
echo "ok - the ZeroMQ report is unchanged"
stop_service reporter
stop_service registry
only_own_files "at the end"
