#!/usr/bin/env bash
# Webhooks through an HTTP proxy (tests/integration/proxy.py), named as curl
# reads it: https through https_proxy (a CONNECT tunnel with the proxy's
# credentials, TLS with the endpoint inside it), http through http_proxy
# ("host:port", no scheme: http://), a host in no_proxy directly; every alert
# arrives signed at each endpoint. An https:// proxy URL stops the notifier at
# start, the variable named.
export RATIFY_WEBHOOK_ATTEMPTS=2
export RATIFY_WEBHOOK_BACKOFF_MS=50
export RATIFY_WEBHOOK_BACKOFF_MAX_MS=100
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tls_lib.sh"
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY
d=$RATIFY_DATA_DIR
SECRET=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
declare -A PIDS=()
make_certs "$d"
export SSL_CERT_FILE=$d/ca.pem
mkdir "$d/no-cas"
export SSL_CERT_DIR=$d/no-cas
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
requests() { grep -c . "$d/$1" || true; }
wait_for() {
  for _ in $(seq 1 200); do [ "$(requests "hook-$2.log")" -ge "$1" ] && return 0; sleep 0.1; done
  fail "endpoint $2 got $(requests "hook-$2.log") requests, want $1"
}

python3 "$(dirname "$0")/proxy.py" "$((base + 10))" "$d/proxy.log" 2>>"$d/proxy.err" &
PIDS[proxy]=$!
wait_file "$d/proxy.log" "the proxy"
export https_proxy="http://u:p@127.0.0.1:$((base + 10))"
export http_proxy="127.0.0.1:$((base + 10))"
export no_proxy="example.org, localhost"
hook tls 11 --tls-cert "$d/srv.pem" --tls-key "$d/srv.key"
hook plain 12
hook direct 13
start_service registry
start_service threshold
start_service notifier
ctl webhook add "https://127.0.0.1:$((base + 11))/hooks/tls" --secret "$SECRET" >/dev/null
ctl webhook add "http://127.0.0.1:$((base + 12))/hooks/plain?q=1" --secret "$SECRET" >/dev/null
ctl webhook add "http://localhost:$((base + 13))/hooks/direct" --secret "$SECRET" >/dev/null
ctl load "$FIXTURE" >/dev/null
n=$(wait_seq notifier 4) # the seed's four alerts
for h in tls plain direct; do
  wait_for "$n" "$h"
  assert_eq "$(grep -c '"verified":true,"status":200' "$d/hook-$h.log")" "$n" "endpoint $h: every alert, signed"
done
assert_eq "$(grep -c "^CONNECT 127.0.0.1:$((base + 11)) Basic dTpw$" "$d/proxy.log")" "$n" \
  "https: one CONNECT tunnel per delivery, with https_proxy's credentials"
assert_eq "$(grep -c "^POST http://127.0.0.1:$((base + 12))/hooks/plain?q=1 -$" "$d/proxy.log")" "$n" \
  "http: the whole URL to http_proxy (host:port, no scheme), no credentials"
assert_eq "$(grep -c "localhost" "$d/proxy.log")" 0 "a host in no_proxy is not sent through the proxy"
grep -q '"path":"/hooks/plain?q=1"\|"path":"/hooks/plain"' "$d/hook-plain.log" \
  || fail "the proxied request reached the endpoint in origin form: $(head -c 300 "$d/hook-plain.log")"

# an https:// proxy: the notifier stops at start and says why
stop_service notifier
set +e
https_proxy="https://127.0.0.1:$((base + 10))" "$RATIFY_BIN/ratify-notifier" >"$d/bad.log" 2>&1
rc=$?
set -e
[ "$rc" -ne 0 ] || fail "the notifier started with an https:// proxy"
grep -q "https_proxy=https://127.0.0.1:$((base + 10)): only http:// proxies are supported" "$d/bad.log" \
  || fail "no reason for the refused proxy: $(tail -n 3 "$d/bad.log")"
echo "ok - an https:// proxy stops the notifier at start (exit $rc), the variable named"
