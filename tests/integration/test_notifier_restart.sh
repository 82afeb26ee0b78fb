#!/usr/bin/env bash
# Pending webhook deliveries survive a restart: with the endpoint down, the
# alerts wait as pending deliveries; after a SIGKILL and a restart, once the
# endpoint is up, each is delivered, signed. A SIGTERM while attempts are in
# flight to a slow endpoint stops the notifier at once (exit 0, no leak under
# ASan) and the abandoned attempts are made again after the restart.
export RATIFY_WEBHOOK_ATTEMPTS=100
export RATIFY_WEBHOOK_BACKOFF_MS=100
export RATIFY_WEBHOOK_BACKOFF_MAX_MS=300
source "$(dirname "$0")/lib.sh"
d=$RATIFY_DATA_DIR
SECRET=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
declare -A HOOK_PIDS=()
hook() {
  local name=$1 port=$2; shift 2
  rm -f "$d/hook-$name.log"
  "$RATIFY_TOOLS/ratify-hookserver" --port "$((base + port))" --log "$d/hook-$name.log" \
    --secret "$SECRET" "$@" 2>>"$d/hookserver.err" &
  HOOK_PIDS[$name]=$!
  for _ in $(seq 1 100); do [ -f "$d/hook-$name.log" ] && return 0; sleep 0.05; done
  fail "hook server $name did not start"
}
unhook() { kill -TERM "${HOOK_PIDS[$1]}" 2>/dev/null || true; wait "${HOOK_PIDS[$1]}" 2>/dev/null || true; }
trap 'rc=$?; set +e; for n in "${!HOOK_PIDS[@]}"; do unhook "$n"; done; (exit $rc); s_cleanup' EXIT
requests() { grep -c . "$d/hook-$1.log" || true; }
wait_for() {
  for _ in $(seq 1 200); do [ "$(requests "$2")" -ge "$1" ] && return 0; sleep 0.1; done
  fail "endpoint $2 got $(requests "$2") requests, want $1"
}
q() { db_query notifier.db "$1"; }
# until SQL answers WANT (20 s at most)
wait_sql() {
  for _ in $(seq 1 200); do [ "$(q "$1")" = "$2" ] && return 0; sleep 0.1; done
  fail "$1 gives $(q "$1"), want $2"
}

start_service registry
start_service threshold
start_service notifier
ctl webhook add "http://127.0.0.1:$((base + 10))/later" --secret "$SECRET" >/dev/null
ctl load "$FIXTURE" >/dev/null
wait_sql "SELECT COUNT(*) > 0 FROM alerts" 1
sleep 1
n=$(q "SELECT COUNT(*) FROM alerts")
wait_sql "SELECT COUNT(*) FROM deliveries WHERE status = 'pending' AND attempts >= 2" "$n"
echo "ok - $n deliveries pending, retried while the endpoint is down"

stop_service notifier KILL
hook later 10
sleep 0.5
assert_eq "$(requests later)" 0 "nothing is sent while the notifier is down"
start_service notifier
wait_for "$n" later
sleep 0.5
assert_eq "$(requests later)" "$n" "after a SIGKILL and a restart each pending delivery is sent once"
assert_eq "$(grep -c '"verified":true,"status":200' "$d/hook-later.log")" "$n" "signed and delivered"
assert_eq "$(q "SELECT COUNT(*) FROM deliveries WHERE status = 'delivered'")" "$n" "recorded as delivered"

# SIGTERM with attempts in flight to a slow endpoint
hook slow 11 --delay-ms 4000
ctl webhook add "http://127.0.0.1:$((base + 11))/slow" --secret "$SECRET" >/dev/null
ctl retract "$(db_query registry.db "SELECT seq FROM events WHERE participant = 'ARM' AND instrument = 'UNTOC' AND action = 'ratification'")" \
  --reason "test: the 40th deposit withdrawn" >/dev/null
wait_for 1 slow
t0=$(date +%s%N)
stop_service notifier
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ "$ms" -lt 3000 ] || fail "SIGTERM took $ms ms with an attempt in flight"
echo "ok - SIGTERM with an attempt in flight: exit 0 in $ms ms"
pending=$(q "SELECT COUNT(*) FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE w.url LIKE '%/slow' AND d.status = 'pending'")
[ "$pending" -ge 1 ] || fail "the abandoned attempt is no longer pending"
assert_eq "$(q "SELECT COUNT(*) FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE w.url LIKE '%/slow' AND d.attempts > 0 AND d.status = 'pending'")" 0 "an abandoned attempt does not count"
start_service notifier
total=$(q "SELECT COUNT(*) FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE w.url LIKE '%/slow'")
wait_sql "SELECT COUNT(*) FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE w.url LIKE '%/slow' AND d.status = 'delivered'" "$total"
echo "ok - after the restart the slow endpoint gets its $total deliveries"
stop_service notifier
stop_service threshold
stop_service registry
