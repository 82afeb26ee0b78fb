#!/usr/bin/env bash
# A webhook whose host name has two addresses, the first one blackholed (it
# drops the connection's SYNs, as a dead record or a broken route does): the
# notifier gives the first address half of the attempt's time, connects to
# the second, and delivers every alert on its first attempt, each at least
# that half after the alert was stored. A host name with
# only the blackholed address times out and, with one attempt allowed, ends
# dead-lettered: the blackhole is real. The names come from a hosts file of
# the test's own, bound over /etc/hosts in a mount namespace of its own:
# needs root and unshare; skipped (77) elsewhere.
if [ "${RATIFY_FALLBACK_NS:-}" != 1 ]; then
  if [ "$(id -u)" -ne 0 ] || ! unshare --mount --propagation private true 2>/dev/null; then
    echo "SKIP: cannot make a mount namespace here (needs root and unshare)"
    exit 77
  fi
  RATIFY_FALLBACK_NS=1 exec unshare --mount --propagation private bash "$0" "$@"
fi
export RATIFY_WEBHOOK_ATTEMPTS=1
export RATIFY_WEBHOOK_TIMEOUT_MS=3000 # 1.5 s for the blackholed address
source "$(dirname "$0")/lib.sh"
d=$RATIFY_DATA_DIR
port=$((base + 10))
bh=""
hs=""
test_cleanup() {
  for p in $hs $bh; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
}

cat >"$TEST_DIR/hosts" <<'EOF'
127.0.0.1 localhost
127.0.0.1 fallback.ratify.test
127.0.0.2 fallback.ratify.test
127.0.0.1 blackhole.ratify.test
EOF
if ! mount --bind "$TEST_DIR/hosts" /etc/hosts; then
  echo "SKIP: cannot bind a hosts file over /etc/hosts here"
  exit 77
fi
# the addresses as the notifier gets them (getaddrinfo, AF_UNSPEC, no flags);
# a name service that does not read this /etc/hosts (nscd) gives others
resolve() {
  python3 -c 'import socket, sys
print(" ".join(a[4][0] for a in socket.getaddrinfo(sys.argv[1], None, 0, socket.SOCK_STREAM)))' "$1" 2>/dev/null || true
}
order="$(resolve fallback.ratify.test) / $(resolve blackhole.ratify.test)"
if [ "$order" != "127.0.0.1 127.0.0.2 / 127.0.0.1" ]; then
  echo "SKIP: the names resolve to '$order' here, not '127.0.0.1 127.0.0.2 / 127.0.0.1'"
  exit 77
fi

# the blackhole: a listener on 127.0.0.1 whose accept queue is full and
# never emptied, so the kernel drops every further SYN
python3 - "$port" >"$TEST_DIR/blackhole.log" 2>&1 <<'EOF' &
import select, socket, sys, time
port = int(sys.argv[1])
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", port))
listener.listen(0)
held = []
for _ in range(4):
    c = socket.socket()
    c.setblocking(False)
    c.connect_ex(("127.0.0.1", port))
    held.append(c)
select.select([], [held[0]], [], 2)  # the first one is in the accept queue
probe = socket.socket()
probe.settimeout(0.5)
try:
    probe.connect(("127.0.0.1", port))
    print("not blackholed: a connection was accepted", flush=True)
    sys.exit(1)
except socket.timeout:
    print("ready", flush=True)
time.sleep(600)
EOF
bh=$!
for _ in $(seq 1 100); do grep -q . "$TEST_DIR/blackhole.log" 2>/dev/null && break; sleep 0.05; done
if [ "$(cat "$TEST_DIR/blackhole.log")" != ready ]; then
  echo "SKIP: cannot make a listener that drops connections here: $(cat "$TEST_DIR/blackhole.log")"
  exit 77
fi
echo "ok - 127.0.0.1:$port drops connections"

"$RATIFY_TOOLS/ratify-hookserver" --address 127.0.0.2 --port "$port" --log "$d/hook.log" 2>>"$d/hookserver-stderr.log" &
hs=$!
for _ in $(seq 1 100); do [ -f "$d/hook.log" ] && break; sleep 0.05; done
if [ ! -f "$d/hook.log" ]; then
  echo "SKIP: cannot listen on 127.0.0.2 here: $(cat "$d/hookserver-stderr.log")"
  exit 77
fi

start_service registry
start_service threshold
start_service notifier
ctl webhook add "http://fallback.ratify.test:$port/hooks/fb" | grep -q "^webhook 1 added" || fail "add webhook 1"
ctl webhook add "http://blackhole.ratify.test:$port/hooks/bh" | grep -q "^webhook 2 added" || fail "add webhook 2"

# forty deposits: UNTOC's threshold.reached and entry_into_force.scheduled
ctl request registry --count 40 --json \
  '{"type":"deposit","instrument":"UNTOC","participant":"{{participant}}","action":"accession","date":"2003-07-01"}' \
  >"$TEST_DIR/replies.out"
assert_eq "$(grep -c '"type":"accepted"' "$TEST_DIR/replies.out")" 40 "forty deposits accepted"
n=$(wait_seq notifier 2)

for _ in $(seq 1 300); do [ "$(grep -c . "$d/hook.log")" -ge "$n" ] && break; sleep 0.1; done
assert_eq "$(grep -c . "$d/hook.log")" "$n" "the second address got each of the $n alerts once"
# each request came after the blackholed address had its share of the attempt
db_query notifier.db "SELECT id, stored_ms FROM alerts" >"$TEST_DIR/stored.txt"
waited=$(python3 - "$d/hook.log" "$TEST_DIR/stored.txt" <<'EOF'
import json, sys
stored = dict(line.rstrip("\n").split("|") for line in open(sys.argv[2]))
print(min(json.loads(l)["received_ms"] - int(stored[json.loads(l)["body"]["id"]]) for l in open(sys.argv[1])))
EOF
)
[ "$waited" -ge 1400 ] || fail "a delivery came $waited ms after its alert was stored: the blackholed address was not tried first"
echo "ok - each delivery came at least 1.4 s after its alert ($waited ms at least): 127.0.0.1 was tried first"
for _ in $(seq 1 100); do
  [ "$(grep -c 'webhook 1: delivered .* attempt 1)' "$TEST_DIR/notifier.log")" -ge "$n" ] && break
  sleep 0.1
done
assert_eq "$(grep -c 'webhook 1: delivered .* attempt 1)' "$TEST_DIR/notifier.log")" "$n" \
  "each delivered on its first attempt"
assert_eq "$(db_query notifier.db "SELECT COUNT(*) FROM deliveries WHERE webhook_id = 1 AND status = 'delivered' AND attempts = 1")" \
  "$n" "the deliveries table agrees"

# the name with only the blackholed address: one attempt, timed out, dead
for _ in $(seq 1 300); do
  [ "$(db_query notifier.db "SELECT COUNT(*) FROM deliveries WHERE webhook_id = 2 AND status = 'dead'")" -ge "$n" ] && break
  sleep 0.1
done
assert_eq "$(db_query notifier.db "SELECT COUNT(*) FROM deliveries WHERE webhook_id = 2 AND status = 'dead' AND last_error LIKE '%timed out connecting%'")" \
  "$n" "the blackholed name alone times out connecting and is dead-lettered"

stop_service notifier
stop_service threshold
stop_service registry
