#!/usr/bin/env bash
# Webhooks over https against real TLS servers on loopback
# (tests/tools/hookserver.c --tls-cert), with a test CA given to the
# notifier in SSL_CERT_FILE: deliveries to a host name (looked up on the
# resolver thread) and to an IP address (checked against the certificate's
# IP entry) verify and arrive signed; an endpoint whose certificate no
# trusted CA signed, one whose certificate names another host, and a host
# that does not resolve are never sent an alert and end on the dead-letter
# list with the reason; OpenSSL is mapped only once an https delivery is
# due, not when a webhook is added.
export RATIFY_WEBHOOK_ATTEMPTS=2
export RATIFY_WEBHOOK_BACKOFF_MS=50
export RATIFY_WEBHOOK_BACKOFF_MAX_MS=100
export RATIFY_WEBHOOK_TIMEOUT_MS=3000
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tls_lib.sh"
d=$RATIFY_DATA_DIR
SECRET=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
declare -A HOOK_PIDS=()
make_certs "$d" # the test CA, the only one trusted

# hook NAME N CERT: an https endpoint on port base+N logging to $d/hook-NAME.log
hook() {
  local name=$1 port=$2 cert=$3
  "$RATIFY_TOOLS/ratify-hookserver" --port "$((base + port))" --log "$d/hook-$name.log" \
    --secret "$SECRET" --tls-cert "$d/$cert.pem" --tls-key "$d/$cert.key" 2>>"$d/hookserver.err" &
  HOOK_PIDS[$name]=$!
  for _ in $(seq 1 100); do [ -f "$d/hook-$name.log" ] && return 0; sleep 0.05; done
  fail "hook server $name did not start: $(cat "$d/hookserver.err")"
}
trap 'rc=$?; set +e; for n in "${!HOOK_PIDS[@]}"; do kill -TERM "${HOOK_PIDS[$n]}"; wait "${HOOK_PIDS[$n]}"; done 2>/dev/null; (exit $rc); s_cleanup' EXIT
requests() { grep -c . "$d/hook-$1.log" || true; }
wait_for() {
  for _ in $(seq 1 200); do [ "$(requests "$2")" -ge "$1" ] && return 0; sleep 0.1; done
  fail "endpoint $2 got $(requests "$2") requests, want $1"
}
openssl_mapped() { grep -c 'libssl\|libcrypto' "/proc/${SERVICE_PIDS[notifier]}/maps" || true; }
# dead_error WEBHOOK: the error of each of its dead deliveries, one per line
dead_errors() { ctl webhook dead --json | grep "\"webhook\":$1," | sed -n 's/.*"last_error":"\([^"]*\)".*/\1/p'; }

start_service registry
start_service threshold
start_service notifier
hook name 10 srv
hook ip 11 srv
hook untrusted 12 self
hook wrongname 13 other
ctl webhook add "https://localhost:$((base + 10))/hooks/name" --secret "$SECRET" >/dev/null
ctl webhook add "https://127.0.0.1:$((base + 11))/hooks/ip" --secret "$SECRET" >/dev/null
ctl webhook add "https://localhost:$((base + 12))/hooks/untrusted" --secret "$SECRET" >/dev/null
ctl webhook add "https://localhost:$((base + 13))/hooks/wrongname" --secret "$SECRET" >/dev/null
ctl webhook add "https://no-such-host.invalid/hooks/x" --secret "$SECRET" \
  --type org.ratify.threshold.reached >/dev/null
assert_eq "$(openssl_mapped)" 0 "adding https webhooks does not load OpenSSL"

ctl load "$FIXTURE" >/dev/null
n=$(wait_seq notifier 4) # the seed's four alerts
wait_for "$n" name
wait_for "$n" ip
assert_eq "$(grep -c '"verified":true,"status":200' "$d/hook-name.log")" "$n" "https to a host name: every alert arrives, signed"
assert_eq "$(grep -c '"verified":true,"status":200' "$d/hook-ip.log")" "$n" "https to an IP address: every alert arrives, signed"
[ "$(openssl_mapped)" -gt 0 ] || fail "OpenSSL is not mapped after https deliveries"
grep -q "an https webhook delivery is due: loaded OpenSSL 3" "$TEST_DIR/notifier.log" \
  || fail "the notifier did not log loading OpenSSL"

# the failures: two attempts each, then the dead-letter list, with the reason
for _ in $(seq 1 100); do
  [ "$(dead_errors 3 | wc -l)" -eq "$n" ] && [ "$(dead_errors 4 | wc -l)" -eq "$n" ] \
    && [ "$(dead_errors 5 | wc -l)" -eq 1 ] && break
  sleep 0.1
done
assert_eq "$(dead_errors 3 | grep -c 'is not trusted: self-signed certificate')" "$n" "an untrusted certificate: every delivery dead, the reason given"
assert_eq "$(dead_errors 4 | grep -c 'is not trusted: hostname mismatch')" "$n" "a certificate for another host: every delivery dead, the reason given"
assert_eq "$(dead_errors 5 | grep -c 'resolv')" 1 "a host that does not resolve: dead, the reason given"
assert_eq "$(requests untrusted)" 0 "no request reached the untrusted endpoint"
assert_eq "$(requests wrongname)" 0 "no request reached the endpoint of another name"
