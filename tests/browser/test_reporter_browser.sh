#!/usr/bin/env bash
# The HTML dashboard and annex, opened in headless Chromium (Debian's
# `chromium`), render the tables and the chart: the DOM Chromium builds
# holds the expected rows (Armenia, the 40th party, on 1 July 2003; the four
# instruments with their counts) and the SVG chart's <path> elements; a
# screenshot of the dashboard is saved (docs/dashboard.png is one, shown by
# the README). Skipped (exit 77) when chromium is not installed: it comes
# from deploy/packages-test.txt. The screenshots are copied to
# $RATIFY_SCREENSHOT_DIR when that is set (CTest sets build/screenshots).
source "$(dirname "$0")/../integration/lib.sh"
CHROMIUM=${RATIFY_CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$CHROMIUM" ]; then
  echo "SKIP: chromium is not installed (apt-get install chromium; deploy/packages-test.txt)"
  exit 77
fi
source "$RATIFY_SOURCE_DIR/tests/integration/reporter_lib.sh"

start_service registry
ctl load "$FIXTURE" >/dev/null
start_service reporter
wait_reporter_seq 527

# chrome ARGS... URL: headless, as root in a container, with its own profile
chrome() {
  timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
    --no-first-run --hide-scrollbars --user-data-dir="$TEST_DIR/chromium-profile" \
    "$@" 2>>"$TEST_DIR/chromium.log"
}

# dom_has FILE WHAT FIXED-STRING
dom_has() { grep -qF -- "$3" "$1" || fail "$2: no '$3' in the rendered DOM"; echo "ok - $2"; }

annex=$TEST_DIR/annex.dom
chrome --dump-dom "$REPORTER_URL/reports/annex.html?as_of=2003-07-02" >"$annex" || fail "chromium exited $?"
dom_has "$annex" "annex: Armenia is the 40th party" '<tr><td class="n">40.</td><td>Armenia</td><td>1 July 2003</td></tr>'
dom_has "$annex" "annex: table A" '<td>United Nations Convention against Transnational Organized Crime</td><td class="n">147</td><td class="n">40</td>'
dom_has "$annex" "annex: the footnote mark" '<td>Serbia and Montenegro <sup>a</sup></td>'
dom_has "$annex" "annex: the chart" '<svg xmlns="http://www.w3.org/2000/svg"'
dom_has "$annex" "annex: a series path" '<path d="M'
assert_eq "$(grep -o '<tr><td class="n">[0-9]*\.</td>' "$annex" | wc -l | tr -d ' ')" 99 "annex rows: 40 + 28 + 27 + 4 parties"

dash=$TEST_DIR/dashboard.dom
chrome --dump-dom "$REPORTER_URL/?as_of=2003-07-02" >"$dash" || fail "chromium exited $?"
dom_has "$dash" "dashboard: the as-at date" 'As at <strong>2 July 2003</strong>'
dom_has "$dash" "dashboard: the chart" '<path d="M'
dom_has "$dash" "dashboard: UNTOC's progress row" '<td>Organized Crime Convention</td><td class="n">40</td><td class="n">40</td><td>1 July 2003</td>'
dom_has "$dash" "dashboard: the link to the annex" 'href="reports/annex.html?as_of=2003-07-02"'
assert_eq "$(grep -o '<path d="M' "$dash" | wc -l | tr -d ' ')" "$(grep -o '<path d="M' "$annex" | wc -l | tr -d ' ')" "the dashboard draws the annex's chart"

png=$TEST_DIR/dashboard.png
(cd "$TEST_DIR" && chrome --screenshot="$png" --window-size=1280,2000 "$REPORTER_URL/?as_of=2003-07-02") >/dev/null || fail "chromium could not take the screenshot"
[ -s "$png" ] || fail "no screenshot"
assert_eq "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" 89504e470d0a1a0a "the screenshot is a PNG"
size=$(wc -c <"$png")
[ "$size" -gt 30000 ] || fail "the screenshot is $size bytes: blank?"
echo "ok - screenshot of the dashboard ($size bytes)"
(cd "$TEST_DIR" && chrome --screenshot="$TEST_DIR/annex.png" --window-size=1280,2000 "$REPORTER_URL/reports/annex.html?as_of=2003-07-02") >/dev/null || fail "chromium could not take the annex screenshot"
if [ -n "${RATIFY_SCREENSHOT_DIR:-}" ]; then
  mkdir -p "$RATIFY_SCREENSHOT_DIR"
  cp "$png" "$TEST_DIR/annex.png" "$RATIFY_SCREENSHOT_DIR/"
  echo "# screenshots in $RATIFY_SCREENSHOT_DIR"
fi

stop_service reporter
stop_service registry
