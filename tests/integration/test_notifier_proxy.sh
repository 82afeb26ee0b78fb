#!/usr/bin/env bash
# Webhooks through an HTTP proxy (tests/integration/proxy.py, which asks for
# credentials), named as curl reads it: https through https_proxy (a CONNECT
# tunnel with the proxy's credentials, then TLS with the endpoint, whose
# certificate is checked against the endpoint's name, not the proxy's); http
# through http_proxy ("host:port", no scheme: http://; the whole URL in the
# request line), whose missing credentials (407) are retried as a failure of
# the way there, not taken as the endpoint's answer; a host in a no_proxy
# CIDR block directly. An unusable proxy URL does not stop the notifier: its
# deliveries wait, and the log names the variable without its password.
export RATIFY_WEBHOOK_ATTEMPTS=2
export RATIFY_WEBHOOK_BACKOFF_MS=50
export RATIFY_WEBHOOK_BACKOFF_MAX_MS=100
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tls_lib.sh"
d=$RATIFY_DATA_DIR
SECRET=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
declare -A PIDS=()
make_certs "$d" # the test CA, the only one trusted
trap 'rc=$?; set +e; for n in "${!PIDS[@]}"; do kill -TERM "${PIDS[$n]}"; wait "${PIDS[$n]}"; done 2>/dev/null; (exit $rc); s_cleanup' EXIT
# wait_file FILE WHAT: until FILE exists (5 s)
wait_file() {
  for _ in $(seq 1 100); do [ -f "$1" ] && return 0; sleep 0.05; done
  fail "$2 did not start"
}
# hook NAME N [ARGS]: an endpoint on port base+N logging to $d/hook-NAME.log
hook() {
  local name=$1 port=$2; shift 2
  "$RATIFY_TOOLS/ratify-hookserver" --port "$((base + port))" --log "$d/hook-$name.log" \
    --secret "$SECRET" "$@" 2>>"$d/hookserver.err" &
  PIDS[$name]=$!
  wait_file "$d/hook-$name.log" "hook server $name"
}
count() { grep -c -- "$1" "$2" || true; }
# notifier_logged PATTERN WHAT: waits (5 s) for the notifier's log to hold the
# pattern; its deliverer writes its proxy lines after the notifier answers ping
notifier_logged() {
  for _ in $(seq 1 50); do grep -q -- "$1" "$TEST_DIR/notifier.log" && return 0; sleep 0.1; done
  fail "$2: $(tail -n 3 "$TEST_DIR/notifier.log")"
}
# dead_errors WEBHOOK: the last error of each of its dead deliveries
dead_errors() { ctl webhook dead --json | grep "\"webhook\":$1," | sed -n 's/.*"last_error":"\([^"]*\)".*/\1/p'; }

python3 "$(dirname "$0")/proxy.py" "$((base + 10))" "$d/proxy.log" u:p 2>>"$d/proxy.err" &
PIDS[proxy]=$!
wait_file "$d/proxy.log" "the proxy"
export https_proxy="http://u:p@127.0.0.1:$((base + 10))"
export http_proxy="127.0.0.1:$((base + 10))" # no scheme, no credentials
export no_proxy="example.org, 127.0.0.0/8"
hook tls 11 --tls-cert "$d/srv.pem" --tls-key "$d/srv.key"
hook plain 12
hook direct 13
hook wrongname 14 --tls-cert "$d/other.pem" --tls-key "$d/other.key"
start_service registry
start_service threshold
start_service notifier
notifier_logged "https webhooks go through the proxy 127.0.0.1:$((base + 10)) (no_proxy: example.org, 127.0.0.0/8)" \
  "the notifier does not log its https proxy"
ctl webhook add "https://localhost:$((base + 11))/hooks/tls" --secret "$SECRET" >/dev/null
ctl webhook add "http://localhost:$((base + 12))/hooks/plain?q=1" --secret "$SECRET" >/dev/null
ctl webhook add "http://127.0.0.1:$((base + 13))/hooks/direct" --secret "$SECRET" >/dev/null
ctl webhook add "https://localhost:$((base + 14))/hooks/wrongname" --secret "$SECRET" >/dev/null
ctl load "$FIXTURE" >/dev/null
n=$(wait_seq notifier 4) # the seed's four alerts
for _ in $(seq 1 200); do
  [ "$(count '"status":200' "$d/hook-tls.log")" -ge "$n" ] && [ "$(count '"status":200' "$d/hook-direct.log")" -ge "$n" ] \
    && [ "$(dead_errors 2 | wc -l)" -ge "$n" ] && [ "$(dead_errors 4 | wc -l)" -ge "$n" ] && break
  sleep 0.1
done
assert_eq "$(count '"verified":true,"status":200' "$d/hook-tls.log")" "$n" "https through the proxy: every alert, signed"
assert_eq "$(count "^CONNECT localhost:$((base + 11)) Basic dTpw$" "$d/proxy.log")" "$n" \
  "one CONNECT tunnel per delivery, with https_proxy's credentials"
assert_eq "$(dead_errors 4 | grep -c 'certificate of localhost is not trusted: hostname mismatch')" "$n" \
  "through the tunnel the certificate is checked against the endpoint's name"
assert_eq "$(count "^POST http://localhost:$((base + 12))/hooks/plain?q=1 -$" "$d/proxy.log")" $((2 * n)) \
  "http: the whole URL to http_proxy (host:port, no scheme); a 407 is retried"
assert_eq "$(dead_errors 2 | grep -c "the proxy 127.0.0.1 asked for credentials: HTTP 407")" "$n" \
  "the proxy's 407 ends on the dead-letter list as the proxy's, after every attempt"
assert_eq "$(count . "$d/hook-plain.log")" 0 "nothing reached the endpoint behind the refusing proxy"
assert_eq "$(count '"verified":true,"status":200' "$d/hook-direct.log")" "$n" "a host in a no_proxy CIDR block: directly"
assert_eq "$(count ":$((base + 13))" "$d/proxy.log")" 0 "nothing for that host went through the proxy"

# dead_ids WEBHOOK: the ids of its dead deliveries
dead_ids() { ctl webhook dead --json | grep "\"webhook\":$1," | sed -n 's/^{"id":\([0-9]*\),.*/\1/p'; }
redeliver_all() { for id in $(dead_ids "$1"); do ctl webhook redeliver "$id" >/dev/null || fail "redeliver $id"; done; }
proxy="127.0.0.1:$((base + 10))"

# HTTP_PROXY alone (upper case): ignored, the http endpoint is reached directly
stop_service notifier
unset https_proxy http_proxy no_proxy
posts=$(count "^POST " "$d/proxy.log")
HTTP_PROXY="http://$proxy" start_service notifier
redeliver_all 2
for _ in $(seq 1 100); do [ "$(count '"status":200' "$d/hook-plain.log")" -ge "$n" ] && break; sleep 0.1; done
assert_eq "$(count '"verified":true,"status":200' "$d/hook-plain.log")" "$n" \
  "HTTP_PROXY is ignored: the redelivered alerts go directly to the http endpoint"
assert_eq "$(count "^POST " "$d/proxy.log")" "$posts" "nothing went through the proxy named by HTTP_PROXY"

# all_proxy alone: https goes through it (a CONNECT tunnel with its credentials)
stop_service notifier
tunnels=$(count "^CONNECT localhost:$((base + 14)) Basic dTpw$" "$d/proxy.log")
all_proxy="http://u:p@$proxy" start_service notifier
# (the log is appended to: this start's line is the one without no_proxy)
notifier_logged "https webhooks go through the proxy $proxy (no_proxy: none)" \
  "all_proxy is not taken for https"
redeliver_all 4
# each one fails again (the endpoint's name does not match): dead once more
for _ in $(seq 1 100); do [ "$(dead_ids 4 | wc -l)" -eq "$n" ] && break; sleep 0.1; done
assert_eq "$(dead_ids 4 | wc -l)" "$n" "the redelivered https deliveries failed again"
assert_eq "$(count "^CONNECT localhost:$((base + 14)) Basic dTpw$" "$d/proxy.log")" $((2 * tunnels)) \
  "all_proxy carries https when https_proxy is unset: as many tunnels as through https_proxy"

# an https:// proxy: the notifier runs, https deliveries wait, the password stays out of the log
stop_service notifier
https_proxy="https://u:s3cret@127.0.0.1:$((base + 10))" start_service notifier
notifier_logged "https webhooks will wait: https_proxy=https://u:\*\*\*@127.0.0.1:$((base + 10)): only http:// proxies are supported" \
  "no reason for the refused proxy"
assert_eq "$(count s3cret "$TEST_DIR/notifier.log")" 0 "the proxy's password is not logged"
