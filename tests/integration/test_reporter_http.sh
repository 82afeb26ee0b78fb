#!/usr/bin/env bash
# The reporter's HTTP endpoints with curl: each one's status and Content-Type,
# the security headers on every response, HEAD, 405 for other methods, 400
# for a malformed as_of (with the sentence saying so), 404 for unknown paths,
# formats and instruments, every dashboard link, /healthz before and after
# the reporter has caught up, and /metrics in the Prometheus text format.
# Then garbage on the ZeroMQ API: an error reply each time, and service
# goes on.
source "$(dirname "$0")/lib.sh"
command -v curl >/dev/null || { echo "SKIP: curl is not installed (deploy/packages-build.txt)"; exit 77; }
source "$(dirname "$0")/reporter_lib.sh"

TEXT="text/plain; charset=utf-8"
HTML="text/html; charset=utf-8"
CSP="default-src 'none'; style-src 'unsafe-inline'; img-src data:"

# expect PATH CODE TYPE [CURL ARGS]: the answer, with the security headers
expect() {
  local path=$1 code=$2 type=$3
  shift 3
  assert_eq "$(http_get "$path" "$@")" "$code $type" "$path"
  [ "$(header Content-Security-Policy)" = "$CSP" ] || fail "$path: no or wrong CSP"
  [ "$(header X-Content-Type-Options)" = nosniff ] || fail "$path: no nosniff"
  [ "$(header X-Frame-Options)" = DENY ] || fail "$path: no X-Frame-Options"
}

# before the registry runs: the reporter serves, but says it is not ready
start_service reporter
expect /healthz 503 "$TEXT"
grep -q '^waiting for the registry' "$TEST_DIR/body" || fail "healthz says why: $(cat "$TEST_DIR/body")"
start_service registry
ctl load "$FIXTURE" >/dev/null
wait_reporter_seq 527
expect /healthz 200 "$TEXT"
assert_eq "$(cat "$TEST_DIR/body")" ok "healthz once caught up"

# every endpoint and format
expect / 200 "$HTML"
for ext in txt:"$TEXT" md:"text/markdown; charset=utf-8" csv:"text/csv; charset=utf-8" \
  json:application/json html:"$HTML"; do
  expect "/reports/annex.${ext%%:*}" 200 "${ext#*:}"
  expect "/reports/annex.${ext%%:*}?as_of=2003-07-02" 200 "${ext#*:}"
  expect "/reports/status/UNTOC.${ext%%:*}" 200 "${ext#*:}"
  expect "/reports/progress.${ext%%:*}" 200 "${ext#*:}"
done
expect /reports/progress.svg 200 "image/svg+xml"
expect /reports/status/XVIII-12-a.json 200 application/json # a UNTC reference
expect /reports/status/tip.csv 200 "text/csv; charset=utf-8" # any case
expect /metrics 200 "text/plain; version=0.0.4; charset=utf-8"

# the content is the one ratifyctl gets
http_get "/reports/annex.txt?as_of=2003-07-02" >/dev/null
ctl report annex --as-of 2003-07-02 >"$TEST_DIR/ctl.txt"
cmp -s "$TEST_DIR/body" "$TEST_DIR/ctl.txt" || fail "HTTP and ratifyctl give the same annex"
assert_eq "$(header X-Ratify-Last-Seq)" 527 "the last event included"
http_get /reports/status/UNTOC.json >/dev/null
assert_eq "$(grep -c '"id": ' "$TEST_DIR/body")" 1 "the status JSON holds one instrument"
http_get "/reports/annex.html?as_of=2002-12-31" >/dev/null
grep -qF '<td>Yugoslavia</td>' "$TEST_DIR/body" || fail "as_of selects the date"
expect "/reports/annex.html?as_of=" 200 "$HTML" # empty: today

# 400: a malformed as_of, on every route that takes one
for bad in 2003-13-45 2003-7-2 2003-07-02x 2003-02-29 yesterday 0000-01-01 "%3Cscript%3E"; do
  expect "/reports/annex.html?as_of=$bad" 400 "$TEXT"
done
expect "/reports/annex.txt?as_of=2003-13-45" 400 "$TEXT"
assert_eq "$(cat "$TEST_DIR/body")" "as_of must be a date YYYY-MM-DD: '2003-13-45'" "the 400 says what is wrong"
expect "/?as_of=2003-13-45" 400 "$TEXT"
expect "/reports/status/UNTOC.csv?as_of=31/12/2002" 400 "$TEXT"
expect "/reports/progress.svg?as_of=2003-00-01" 400 "$TEXT"

# 404: unknown paths, formats and instruments
for path in /nope /index.html /reports /reports/ /reports/annex /reports/annex.pdf \
  /reports/annex.svg /reports/status/UNTOC.svg /reports/status/.html \
  /reports/status/UNTOC/x.html /reports/summary.txt /healthz/x; do
  expect "$path" 404 "$TEXT"
done
expect /reports/status/ATLANTIS.html 404 "$TEXT"
assert_eq "$(cat "$TEST_DIR/body")" "unknown instrument 'ATLANTIS' (known: UNTOC, TIP, SOM, FIREARMS)" "the 404 names the instruments"
expect /../../etc/passwd 404 "$TEXT" --path-as-is
expect "/reports/$(head -c 400 /dev/zero | tr '\0' a).txt" 404 "$TEXT"

# read-only: 405 for anything but GET and HEAD, with Allow
for method in POST PUT DELETE PATCH OPTIONS; do
  expect /reports/annex.txt 405 "$TEXT" -X "$method"
  assert_eq "$(header Allow)" "GET, HEAD" "$method: Allow"
done
expect / 405 "$TEXT" -X POST --data-binary "@$FIXTURE"
# HEAD: the headers of the GET, no body
length=$(curl -sS "$REPORTER_URL/reports/annex.html" | wc -c)
expect /reports/annex.html 200 "$HTML" -I
assert_eq "$(header Content-Length)" "$length" "HEAD: the GET's length"
assert_eq "$(curl -sS -I -o /dev/null -w '%{size_download}' "$REPORTER_URL/reports/annex.html")" 0 "HEAD: no body"

# every link on the dashboard answers, with the date when one was asked for
http_get "/?as_of=2003-07-02" >/dev/null
mapfile -t links < <(grep -o 'href="[^"]*"' "$TEST_DIR/body" | sed 's/^href="//; s/"$//' | sed 's/&amp;/\&/g')
assert_eq "${#links[@]}" $((5 + 6 + 4 * 5 + 2)) "dashboard links: annex, progress, 4 status tables, health, metrics"
for link in "${links[@]}"; do
  case "$link" in reports/*) [[ "$link" == *"?as_of=2003-07-02" ]] || fail "$link lacks the date" ;; esac
  assert_eq "$(http_get "/$link" | cut -d' ' -f1)" 200 "dashboard link $link"
done
http_get / >/dev/null
grep -q 'href="reports/annex.html"' "$TEST_DIR/body" || fail "links follow today when no date was asked for"
grep -q '<path d="M' "$TEST_DIR/body" || fail "the dashboard has the chart"
grep -qF 'Organized Crime Convention' "$TEST_DIR/body" || fail "the dashboard names the instruments"

# metrics
http_get /metrics >/dev/null
m=$TEST_DIR/body
for line in 'ratify_reporter_events_processed_total 527' 'ratify_reporter_events 527' \
  'ratify_reporter_last_seq 527' 'ratify_reporter_registry_seq 527' 'ratify_reporter_synced 1' \
  '# TYPE ratify_reporter_http_requests_total counter'; do
  grep -qxF "$line" "$m" || fail "metrics: no '$line'"
done
grep -qE '^ratify_reporter_http_requests_total\{route="annex",code="400"\} [1-9]' "$m" || fail "400s counted"
grep -qE '^ratify_reporter_http_requests_total\{route="other",code="404"\} [1-9]' "$m" || fail "404s counted"
grep -qE '^ratify_reporter_http_requests_total\{route="other",code="405"\} [1-9]' "$m" || fail "405s counted"
grep -qE '^ratify_reporter_api_requests_total\{type="report",outcome="ok"\} 1$' "$m" || fail "API requests counted"
grep -qE '^ratify_reporter_report_build_seconds_count [1-9][0-9]*$' "$m" || fail "builds timed"
bad=$(grep -vE '^(# (HELP|TYPE) [a-z_]+ .+|[a-z_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? [0-9]+(\.[0-9]+)?)$' "$m" || true)
[ -z "$bad" ] || fail "metrics lines not in the text format: $bad"
echo "ok - metrics"

# garbage on the ZeroMQ API: an error reply each time, and service goes on
raw() { "$RATIFY_TOOLS/ratify-rawsend" "$@"; }
for hex in c1 93010203 82a17601a474797065a5626f677573 \
  82a17601a474797065a67265706f7274 \
  83a17601a474797065a67265706f7274a46b696e6405; do
  out=$(raw "$RATIFY_REPORTER_API" "$hex") || fail "no reply to $hex"
  grep -q '"type":"error"' <<<"$out" || fail "$hex: want an error, got $out"
done
echo "ok - garbage frames get an error reply"
expect /healthz 200 "$TEXT"
ctl report progress >/dev/null || fail "the API still serves"

stop_service registry
stop_service reporter
