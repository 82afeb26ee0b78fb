#!/usr/bin/env bash
# Bad frames get an error reply (or are dropped and logged) and the next valid
# request is served.
source "$(dirname "$0")/lib.sh"
start_service registry
raw() { "$RATIFY_TOOLS/ratify-rawsend" "$@"; }
ep=$RATIFY_REGISTRY_API

# expect_error CODE ARGS...: the raw request gets an error reply with CODE
expect_error() {
  local code=$1; shift
  out=$(raw "$@" "$ep" "${HEX[@]}") || fail "no reply to $*: $out"
  echo "$out" | grep -q "\"type\":\"error\",\"code\":\"$code\"" || fail "want $code, got $out"
  echo "ok - $code for ${HEX[*]:0:1}"
}
HEX=(c1); expect_error bad_frame                                   # not msgpack
HEX=(82a17601a474797065); expect_error bad_frame                     # truncated map
HEX=(ddffffffff00); expect_error bad_frame                           # array declaring 4G entries
HEX=(dfffffffff); expect_error bad_frame                             # map declaring 4G entries
HEX=(dbffffffff41); expect_error bad_frame                           # string declaring 4 GiB
HEX=(93010203); expect_error bad_envelope                            # an array, not a map
HEX=(82a17602a474797065a470696e67); expect_error bad_version         # v = 2
HEX=(82a17601a474797065a5626f677573); expect_error unknown_type      # type "bogus"
HEX=(82a17601a47479706507); expect_error bad_envelope                # type is an integer
# a deposit whose instrument is an integer
HEX=(86a17601a474797065a76465706f736974aa696e737472756d656e7405ab7061727469636970616e74a443686164a6616374696f6ea97369676e6174757265a464617465aa323030302d31322d3132)
expect_error bad_field
HEX=(c1 c1 c1); expect_error bad_frame                               # three garbage frames
HEX=(81a17601); expect_error bad_frame --no-delimiter                # no delimiter frame

# a frame over ZMQ_MAXMSGSIZE: the connection is dropped, no reply, no crash
HEX=()
out=$(raw --timeout 1000 --big 2000000 "$ep" || true)
assert_eq "$out" "no reply" "oversize frame is dropped"

ctl ping registry >/dev/null || fail "registry stopped answering"
ctl deposit UNTOC Chad signature 2000-12-12 >/dev/null || fail "valid request not served"
echo "ok - valid request served after garbage"
grep -q '"level":"warn".*bad request' "$TEST_DIR/registry.log" || fail "bad frames are logged"
stop_service registry
