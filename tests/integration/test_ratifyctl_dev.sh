#!/usr/bin/env bash
# ratifyctl for developers: request, watch, encode/decode.
source "$(dirname "$0")/lib.sh"
start_service registry

# a deposit written as JSON through `request` shows up on `watch registry`
ctl watch registry --count 1 --timeout 10 --json >"$RATIFY_DATA_DIR/watch.out" &
watcher=$!
sleep 0.5 # let the subscription reach the registry before the deposit is published
out=$(ctl request registry '{"type":"deposit","instrument":"UNTOC","participant":"Armenia","action":"signature","date":"2001-11-15"}' --json 2>/dev/null)
[[ "$out" == *'"type":"accepted"'* ]] || fail "request: $out"
wait "$watcher" || fail "watch exited $?"
grep -q '"topic":"event","seq":1,"message":{"v":1,"type":"event","seq":1,"action":"signature","instrument":"UNTOC","participant":"ARM"' \
  "$RATIFY_DATA_DIR/watch.out" || fail "watch did not show the event: $(cat "$RATIFY_DATA_DIR/watch.out")"
echo "ok - request -> watch registry"

# --from replays first, and --count holds for a replay too
for p in Belarus Chile Denmark; do
  ctl deposit UNTOC "$p" signature 2001-11-16 >/dev/null || fail "deposit $p"
done
out=$(ctl watch registry --from 1 --count 1 --json)
[[ "$out" == *'"seq":1'*'"participant":"ARM"'* ]] || fail "watch --from: $out"
assert_eq "$(ctl watch registry --from 2 --count 2 --json 2>"$RATIFY_DATA_DIR/watch.err" | jq -c .seq | tr '\n' ' ')" "2 3 " "watch --from 2 --count 2 prints two"
assert_eq "$(cat "$RATIFY_DATA_DIR/watch.err")" "" "and nothing on stderr"
echo "ok - watch --from replays"

# a reason with control characters: refused; one stored before that rule
# is printed escaped, on one line, by `events`
expect_ctl_rc() { local want=$1; shift; set +e; ctl "$@" >/dev/null 2>&1; local rc=$?; set -e; assert_eq "$rc" "$want" "ratifyctl $*"; }
expect_ctl_rc 1 retract 1 --reason $'line1\nline2'
stop_service registry
sqlite3 "$RATIFY_DATA_DIR/registry.db" "INSERT INTO events (action, instrument, participant, date, retracts, reason, recorded_ms) VALUES ('retraction', 'UNTOC', 'DNK', '2001-11-17', 4, 'old' || char(10) || char(27) || '[31mred' || char(155) || CAST(x'9b' AS TEXT) || ' Türkiye', 0)"
start_service registry
out=$(ctl events --from 5)
assert_eq "$(echo "$out" | wc -l)" 1 "events: one line for it"
[[ "$out" == *'retraction of event 4: old\n\x1b[31mred\xc2\x9b\x9b Türkiye' ]] || fail "events prints the reason escaped (C1 and non-UTF-8 bytes too, UTF-8 as is): $out"
expect_ctl_rc 2 retract 1 --reason "$(printf 'é%.0s' $(seq 1 300))" # 600 bytes
echo "ok - retraction reasons: controls refused, old ones printed escaped"

# settings that cannot work are refused at start, naming the variable
set +e
out=$(RATIFY_REGISTRY_API=127.0.0.1:7101 ctl ping 2>&1); rc=$?
set -e
assert_eq "$rc" 2 "ratifyctl with an endpoint that forgets tcp:// exits 2"
[[ "$out" == *"RATIFY_REGISTRY_API=127.0.0.1:7101 is not a ZeroMQ endpoint: write tcp://HOST:PORT"* ]] || fail "and says why: $out"
set +e
out=$(RATIFY_LOG_LEVEL=loud ctl ping 2>&1); rc=$?
set -e
assert_eq "$rc" 2 "ratifyctl with RATIFY_LOG_LEVEL=loud exits 2"
[[ "$out" == *"RATIFY_LOG_LEVEL=loud is not a level"* ]] || fail "and says why: $out"
for svc in registry threshold notifier reporter; do
  set +e
  out=$(RATIFY_NOTIFIER_ALERTS=localhost:7106 "$RATIFY_BIN/ratify-$svc" 2>&1); rc=$?
  set -e
  assert_eq "$rc" 1 "ratify-$svc with a bad endpoint exits 1"
  [[ "$out" == *"RATIFY_NOTIFIER_ALERTS=localhost:7106 is not a ZeroMQ endpoint"* ]] || fail "ratify-$svc says why: $out"
done
set +e
out=$(RATIFY_LOG_LEVEL=loud "$RATIFY_BIN/ratify-registry" 2>&1); rc=$?
set -e
assert_eq "$rc" 1 "a service with RATIFY_LOG_LEVEL=loud exits 1"
[[ "$out" == *"RATIFY_LOG_LEVEL=loud is not a level"* ]] || fail "and says why: $out"
echo "ok - bad endpoints and log levels are refused, naming the variable"

# subscribe --timeout bounds the wait for a notifier that is not there
t0=$(date +%s%N)
set +e
RATIFY_NOTIFIER_API=tcp://127.0.0.1:$((base + 19)) ctl subscribe --timeout 0.5 >/dev/null 2>&1; rc=$?
set -e
elapsed_ms=$((($(date +%s%N) - t0) / 1000000))
assert_eq "$rc" 3 "subscribe exits 3 when the notifier does not answer"
[ "$elapsed_ms" -lt 4000 ] || fail "subscribe --timeout 0.5 waited $elapsed_ms ms for the notifier (the default is 5 s)"
echo "ok - subscribe --timeout 0.5 gave the notifier up after $elapsed_ms ms"

# --raw with missing fields: the service's error reply, exit code 1 (rejected)
set +e
out=$(ctl request registry --raw '{"v":1,"type":"deposit","instrument":"UNTOC"}' --json 2>/dev/null); rc=$?
set -e
assert_eq "$rc" 1 "request --raw with missing fields exits 1"
[[ "$out" == '{"v":1,"type":"error","code":"missing_field",'* ]] || fail "error reply: $out"
echo "ok - error reply printed as JSON"

# without --raw the message is checked before sending: a usage error
set +e; ctl request registry '{"type":"deposit"}' 2>/dev/null; rc=$?; set -e
assert_eq "$rc" 2 "an invalid message is not sent"

# --count with {{n}}
out=$(ctl request registry '{"type":"events.since","from":{{n}},"limit":1}' --count 3 --json 2>/dev/null)
assert_eq "$(echo "$out" | wc -l)" 3 "--count 3 sends three requests"

# decode round-trips every vector: hex -> JSON -> hex gives the same bytes
n=0
for v in "$RATIFY_SOURCE_DIR"/proto/vectors/*.hex; do
  want=$(grep -v '^#' "$v" | tr -d ' \n\r\t')
  json=$(ctl decode --json <"$v") || fail "decode $v"
  got=$(ctl encode "$json") || fail "encode $(basename "$v"): $json"
  assert_eq "$got" "$want" "decode/encode round-trip of $(basename "$v")"
  n=$((n + 1))
done
[ "$n" -gt 5 ] || fail "only $n vectors found"
# a bad frame names the error and the offset
set +e; err=$(echo 82a17601a474 | ctl decode 2>&1); rc=$?; set -e
assert_eq "$rc" 1 "decode of a truncated frame exits 1"
[[ "$err" == *"at byte"* ]] || fail "decode error has no offset: $err"
stop_service registry

# bash completion: commands, streams, instruments, participants, actions
export PATH="$RATIFY_BIN:$PATH"
source "$RATIFY_SOURCE_DIR/cli/ratifyctl.bash"
complete_words() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _ratifyctl; echo "${COMPREPLY[*]}"; }
assert_eq "$(complete_words ratifyctl depo)" "deposit" "completes commands"
assert_eq "$(complete_words ratifyctl watch th)" "threshold" "completes streams"
assert_eq "$(complete_words ratifyctl deposit FIRE)" "FIREARMS" "completes instruments"
[[ "$(complete_words ratifyctl deposit UNTOC Arm)" == *"Armenia"* ]] || fail "completes participants"
assert_eq "$(complete_words ratifyctl deposit UNTOC Chad rat)" "ratification" "completes actions"

# every command has --help with at least one example
commands=$(ctl --help | sed -n 's/^  \([a-z]*\) .*/\1/p' | grep -v '^RATIFY')
[ "$(echo "$commands" | wc -l)" -ge 14 ] || fail "ratifyctl --help lists too few commands: $commands"
for c in $commands; do
  out=$(ctl help "$c") || fail "ratifyctl help $c exited $?"
  [[ "$out" == *"Example"* ]] || fail "ratifyctl help $c has no example"
  ctl "$c" --help >/dev/null || fail "ratifyctl $c --help exited $?"
done
echo "ok - every command has --help with an example"
