#!/usr/bin/env bash
# Garbage in, service up: every service's request socket (registry,
# threshold, notifier, reporter ROUTERs) gets the same battery of bad frames
# -- not msgpack, truncated, a map declaring a million entries and one
# declaring 4G, wrong msgpack types in the envelope and in a request's
# fields, unknown versions and types, several body frames, no delimiter,
# empty frames, a frame over the size limit -- and answers each with an
# error reply and its stable code (the oversize frame: the connection is
# dropped, no reply), logs them, and then serves a valid request correctly.
# The reporter's HTTP socket gets malformed requests, huge headers and
# paths, bad paths and query values and other methods, and still serves.
source "$(dirname "$0")/lib.sh"
command -v curl >/dev/null || { echo "SKIP: curl is not installed"; exit 77; }
raw() { "$RATIFY_TOOLS/ratify-rawsend" "$@"; }

start_service registry
ctl load "$FIXTURE" >/dev/null
start_service threshold
start_service notifier
start_service reporter

# expect_error SERVICE CODE [RAWSEND ARGS] HEX...: an error reply with CODE
expect_error() {
  local name=$1 code=$2 ep out
  shift 2
  ep=$(ctl ping "$name" | sed 's/.* at //')
  local opts=()
  while [ $# -gt 0 ] && [[ "$1" == --* ]]; do opts+=("$1"); shift; done
  out=$(raw "${opts[@]}" "$ep" "$@") || fail "$name: no reply to ${*:-''}: $out"
  echo "$out" | grep -q "\"type\":\"error\",\"code\":\"$code\"" || fail "$name: ${*:-''}: want $code, got $out"
  echo "ok - $name: $code for ${opts[*]:+${opts[*]} }${*:-''}"
}
# expect_field_error SERVICE JSON: a request with a field of the wrong type
expect_field_error() {
  local out
  out=$(ctl request "$1" --raw "$2" 2>/dev/null || true)
  echo "$out" | grep -q '"type":"error","code":"bad_field"' || fail "$1: $2: want bad_field, got $out"
  echo "ok - $1: bad_field for $2"
}

for name in registry threshold notifier reporter; do
  expect_error "$name" bad_frame c1                                   # not msgpack
  expect_error "$name" bad_frame 82a17601a474797065                   # a map cut short
  expect_error "$name" bad_frame df00100000                           # a map declaring 1M entries
  expect_error "$name" bad_frame dfffffffff                           # ... and 4G entries
  expect_error "$name" bad_frame dd00ffffff00                         # an array declaring 16M
  expect_error "$name" bad_frame dbffffffff41                         # a string declaring 4 GiB
  expect_error "$name" bad_frame 9191919191919191910100               # nested 9 deep
  expect_error "$name" bad_frame d40100                               # an extension type
  expect_error "$name" bad_frame ""                                   # an empty body
  expect_error "$name" bad_envelope 93010203                          # an array, not a map
  expect_error "$name" bad_envelope 82a176a131a474797065a470696e67    # v = "1"
  expect_error "$name" bad_envelope 82a17601a47479706507              # type = 7
  expect_error "$name" bad_envelope 81a474797065a470696e67            # no v
  expect_error "$name" bad_version 82a17602a474797065a470696e67       # v = 2
  expect_error "$name" bad_envelope 82a176cfffffffffffffffffa474797065a470696e67 # v = 2^64-1
  expect_error "$name" unknown_type 82a17601a474797065a5626f677573    # type "bogus"
  expect_error "$name" unknown_type 82a17601a474797065a9686561727462656174 # "heartbeat" is no request
  expect_error "$name" bad_frame c1 c1 c1                             # three body frames
  expect_error "$name" bad_frame 81a17601 81a17601                    # two
  expect_error "$name" bad_frame "" ""                                # two empty frames
  expect_error "$name" bad_frame --no-delimiter 82a17601a474797065a470696e67 # no delimiter
  out=$(raw --timeout 1000 --big 2000000 "$(ctl ping "$name" | sed 's/.* at //')" || true)
  assert_eq "$out" "no reply" "$name: a frame over the size limit is dropped"
done

# a field of the wrong msgpack type in each service's own requests
expect_field_error registry '{"v":1,"type":"events.since","from":"1"}'
expect_field_error registry '{"v":1,"type":"deposit","instrument":5,"participant":"Chad","action":"signature","date":"2000-12-12"}'
expect_field_error threshold '{"v":1,"type":"status","instrument":["UNTOC"]}'
expect_field_error threshold '{"v":1,"type":"milestones.since","from":true}'
expect_field_error notifier '{"v":1,"type":"alerts.since","from":"1"}'
expect_field_error notifier '{"v":1,"type":"webhook.remove","id":{}}'
expect_field_error reporter '{"v":1,"type":"report","kind":5}'
expect_field_error reporter '{"v":1,"type":"report","kind":"annex","as_of":20030702}'

# each logged the bad requests, and serves a valid one correctly
for name in registry threshold notifier reporter; do
  grep -q '"level":"warn".*\(bad request\|malformed request\)' "$TEST_DIR/$name.log" ||
    fail "$name did not log the bad frames"
  kill -0 "${SERVICE_PIDS[$name]}" || fail "$name died"
done
echo "ok - every service logged the garbage and is up"
out=$(ctl deposit UNTOC Chad signature 2000-12-12 --json) || fail "deposit after garbage: $out"
assert_eq "$(echo "$out" | jq -c '[.type, .seq, .duplicate]')" '["accepted",528,false]' "registry: a deposit is stored"
assert_eq "$(ctl events --json | wc -l)" 528 "registry: the log is intact"
for _ in $(seq 1 50); do
  [ "$(ctl status UNTOC --json | jq -r .signatures)" = 148 ] && break
  sleep 0.1
done
assert_eq "$(ctl status UNTOC --json | jq -c '[.signatures,.counted,.stage]')" '[148,40,"scheduled"]' \
  "threshold: the status includes it"
assert_eq "$(ctl subscribe --from 0 --json --timeout 2 | jq -r .id | tr '\n' ' ')" \
  "UNTOC/threshold.approaching/N-5 UNTOC/threshold.approaching/N-1 UNTOC/threshold.reached/2003-07-01 UNTOC/entry_into_force.scheduled/2003-09-29 " \
  "notifier: the seed's four alerts, once each"
ctl report annex --as-of 2003-07-02 -o "$TEST_DIR/annex.txt" || fail "reporter: report after garbage"
grep -q '^Annex' "$TEST_DIR/annex.txt" || fail "reporter: the annex: $(head -3 "$TEST_DIR/annex.txt")"
echo "ok - reporter: the annex report"

# ---- HTTP
url=http://$RATIFY_REPORTER_HTTP
host=${RATIFY_REPORTER_HTTP%:*} port=${RATIFY_REPORTER_HTTP##*:}
code() { curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$@" || true; }
# raw_http BYTES: sends them as they are, prints the status code of the
# answer, or "closed" when the server closed without one
raw_http() {
  timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1"; printf "%b" "$2" >&3; head -c 12 <&3 | sed -n "s/^HTTP\/1\.[01] \([0-9]*\).*/\1/p"' \
    "$host" "$port" "$1" | grep . || echo closed
}
expect_http() { # WHAT WANT... GOT
  local what=$1 got=${*: -1} want
  for want in "${@:2:$#-2}"; do [ "$got" = "$want" ] && { echo "ok - http: $what: $got"; return 0; }; done
  fail "http: $what: got $got, want one of ${*:2:$#-2}"
}
big=$(head -c 100000 /dev/zero | tr '\0' a)
expect_http "a request line that is not HTTP" 400 closed "$(raw_http 'GARBAGE\r\n\r\n')"
expect_http "binary bytes" 400 closed "$(raw_http '\x00\x01\x02\xff\xfe\r\n\r\n')"
expect_http "a 100 kB header" 400 413 431 closed "$(raw_http "GET / HTTP/1.1\r\nHost: x\r\nX-Big: $big\r\n\r\n")"
expect_http "a 100 kB path" 400 404 414 431 closed "$(raw_http "GET /$big HTTP/1.1\r\nHost: x\r\n\r\n")"
expect_http "10 000 headers" 400 413 431 closed \
  "$(raw_http "GET / HTTP/1.1\r\nHost: x\r\n$(for i in $(seq 1 10000); do printf 'X-%d: y\\r\\n' "$i"; done)\r\n")"
expect_http "a request cut short" closed "$(raw_http 'GET /reports/annex.txt HTTP/1.1\r\nHo')"
expect_http "a body shorter than its length" 200 400 405 closed \
  "$(raw_http 'GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\nabc')"
expect_http "HTTP/9.9" 200 400 505 closed "$(raw_http 'GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n')"
expect_http "an unknown report" 404 "$(code "$url/reports/annex.exe")"
expect_http "an unknown instrument" 404 "$(code "$url/reports/status/ATLANTIS.txt")"
expect_http "dot segments" 404 "$(code --path-as-is "$url/reports/../../../etc/passwd")"
expect_http "a NUL in the path" 400 404 "$(code "$url/reports/status/UN%00TOC.txt")"
expect_http "bytes that are not UTF-8" 400 404 "$(code "$url/reports/status/%ff%fe.txt")"
expect_http "a 10 kB path" 404 414 431 "$(code "$url/reports/${big:0:10000}")"
expect_http "a month 13" 400 "$(code "$url/reports/annex.txt?as_of=2003-13-45")"
expect_http "a NUL date" 400 "$(code "$url/reports/annex.txt?as_of=%00")"
expect_http "a five-digit year" 400 "$(code "$url/?as_of=99999-01-01")"
expect_http "a 10 kB date" 400 414 431 "$(code "$url/reports/progress.svg?as_of=${big:0:10000}")"
expect_http "as_of twice" 200 400 "$(code "$url/reports/annex.txt?as_of=2003-07-02&as_of=x")"
for method in POST PUT DELETE PATCH OPTIONS TRACE CONNECTXX; do
  expect_http "$method" 405 400 501 "$(code -X "$method" "$url/reports/annex.txt")"
done
# a client that never finishes its request does not hold the server up
exec 4<>"/dev/tcp/$host/$port"
printf 'GET /reports/annex.txt HTTP/1.1\r\nHost: x\r\n' >&4
expect_http "healthz while a request hangs open" 200 "$(code "$url/healthz")"
exec 4>&-
expect_http "the annex after all this" 200 "$(code "$url/reports/annex.txt?as_of=2003-07-02")"
ctl ping reporter >/dev/null || fail "the reporter's API stopped answering"

for name in reporter notifier threshold registry; do stop_service "$name"; done
