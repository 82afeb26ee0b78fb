#!/usr/bin/env bash
# The HTTP endpoint escapes every string it renders. With a custom catalog
# (RATIFY_CATALOG) whose participant is named "<script>alert(1)</script>" and
# whose instrument's titles hold markup, every HTML page, the SVG chart and
# the Markdown show the markup as text: no raw tag reaches the browser, and
# the escaped form is there. The formats that are not markup (text, CSV,
# JSON) keep the name intact, behind nosniff and their own media type.
source "$(dirname "$0")/lib.sh"
command -v curl >/dev/null || { echo "SKIP: curl is not installed (deploy/packages-build.txt)"; exit 77; }
source "$(dirname "$0")/reporter_lib.sh"

catalog=$TEST_DIR/catalog
mkdir -p "$catalog"
cat >"$catalog/instruments.ini" <<'EOF'
[EVIL]
reference = E-1
title = Convention on <b>Bold</b> & "Quoted" Things <img src=x onerror=alert(2)>
short_title = <i>Evil</i> Convention
threshold = 2
delay_days = 30
denunciation_months = 12
EOF
printf 'id\tkind\tiso3\tiso2\tname\n%s\n%s\n%s\n' \
  $'P01\tstate\t-\t-\t<script>alert(1)</script>' \
  $'P02\tstate\t-\t-\tComma, "Quote" & <Co>' \
  $'P03\tstate\t-\t-\tPipe | Land' >"$catalog/participants.tsv"
export RATIFY_CATALOG=$catalog/instruments.ini

start_service registry
start_service reporter
ctl deposit EVIL P01 signature 2002-01-10 >/dev/null
ctl deposit EVIL P01 ratification 2003-01-15 >/dev/null
ctl deposit EVIL P02 accession 2003-02-20 >/dev/null
ctl deposit EVIL P03 signature 2003-03-01 >/dev/null
wait_reporter_seq 4

# markup formats: never the raw tags, always the escaped text
for path in /reports/annex.html /reports/status/EVIL.html /reports/status/e-1.html / \
  "/?as_of=2003-07-02" /reports/progress.html /reports/progress.svg; do
  code=$(http_get "$path" | cut -d' ' -f1)
  assert_eq "$code" 200 "$path"
  b=$TEST_DIR/body
  for raw in '<script' '<b>' '<i>' '<img' '<Co>'; do
    grep -qiF -- "$raw" "$b" && fail "$path holds the raw '$raw'"
  done
  grep -qF '&lt;i&gt;Evil&lt;/i&gt; Convention' "$b" || fail "$path: the escaped short title"
  case "$path" in /reports/annex.html | /reports/status/*) # the pages with names
    grep -qF '&lt;script&gt;alert(1)&lt;/script&gt;' "$b" || fail "$path: the escaped name" ;;
  esac
  echo "ok - $path escapes every name and title"
done
http_get /reports/annex.html >/dev/null
grep -qF 'Convention on &lt;b&gt;Bold&lt;/b&gt; &amp; &quot;Quoted&quot; Things &lt;img src=x onerror=alert(2)&gt;' "$TEST_DIR/body" || fail "the escaped title"
grep -qF 'Comma, &quot;Quote&quot; &amp; &lt;Co&gt;' "$TEST_DIR/body" || fail "the escaped second name"
assert_eq "$(grep -c '<script' "$TEST_DIR/body" || true)" 0 "no script element at all"

# Markdown escapes what CommonMark would read as HTML or a table cell break
assert_eq "$(http_get /reports/annex.md)" "200 text/markdown; charset=utf-8" "markdown"
grep -qF '\<script\>alert(1)\</script\>' "$TEST_DIR/body" || fail "markdown: the escaped name"
grep -qE '(^|[^\\])<(script|b>|i>|img)' "$TEST_DIR/body" && fail "markdown: a tag not escaped"
http_get /reports/status/EVIL.md >/dev/null # the status table lists the signatory too
grep -qF 'Pipe \| Land' "$TEST_DIR/body" || fail "markdown: the escaped pipe"

# text, CSV, JSON: the name as is, under its own media type and nosniff
assert_eq "$(http_get /reports/annex.txt)" "200 text/plain; charset=utf-8" "text"
grep -qF '<script>alert(1)</script>' "$TEST_DIR/body" || fail "text keeps the name"
assert_eq "$(header X-Content-Type-Options)" nosniff "text: nosniff"
assert_eq "$(http_get /reports/status/EVIL.csv)" "200 text/csv; charset=utf-8" "csv"
grep -qF '"Comma, ""Quote"" & <Co>"' "$TEST_DIR/body" || fail "csv quotes the name"
assert_eq "$(http_get /reports/annex.json)" "200 application/json" "json"
grep -qF '"name": "<script>alert(1)</script>"' "$TEST_DIR/body" || fail "json keeps the name"

# an instrument in the path that holds markup: a plain-text 404
assert_eq "$(http_get '/reports/status/%3Cscript%3Ealert(1)%3C%2Fscript%3E.html')" "404 text/plain; charset=utf-8" "markup in the path"
assert_eq "$(header X-Content-Type-Options)" nosniff "404: nosniff"

stop_service reporter
stop_service registry
