#!/usr/bin/env bash
# End-to-end test of the docker compose deployment (docker-compose.yml,
# deploy/Dockerfile, deploy/base-images.sh), against a real Docker Engine:
#
#   builds the base images when missing, builds the image, starts the stack
#   under a project name of its own, waits until every service is healthy,
#   loads the seed fixture with `ratifyctl` in a container of its own while
#   a subscriber in another container receives the UNTOC threshold.reached
#   alert, fetches the annex over HTTP from this host; then kills the
#   notifier and starts it again (a subscriber replaying from 0 still gets
#   every alert exactly once), restarts the registry (the event count is
#   unchanged), and `down -v` leaves nothing behind.
#
# Prints the figures the README quotes: base-image and image build times,
# image size, each service's memory at rest, the test's run time.
#
# Exits 77 (CTest's SKIP_RETURN_CODE) when no Docker Engine is reachable or
# no compose tool is installed. Cleans up (down -v) whatever happens.
#
# Environment:
#   RATIFY_SOURCE_DIR       the repository (default: two levels up)
#   RATIFY_COMPOSE          the compose command (default: `docker compose`
#                           when the v2 plugin exists, else docker-compose)
#   RATIFY_TEST_IMAGE       the image tag to build and run (ratify:e2e)
#   RATIFY_COMPOSE_PARTIAL  1: accept an image without every service and test
#                           what it has (a tree where a service has not landed)
set -euo pipefail

SKIP=77
root=${RATIFY_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
started=$(date +%s)

if ! docker info >/dev/null 2>&1; then
  echo "SKIP: no Docker Engine reachable (docker info failed); the compose test did not run"
  exit $SKIP
fi
if [ -n "${RATIFY_COMPOSE:-}" ]; then
  read -r -a compose <<<"$RATIFY_COMPOSE"
elif docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
elif command -v docker-compose >/dev/null 2>&1; then
  compose=(docker-compose)
else
  echo "SKIP: a Docker Engine but neither \`docker compose\` nor docker-compose; the compose test did not run"
  exit $SKIP
fi

project=ratify-e2e-$$-$(date +%s)
work=$(mktemp -d /tmp/ratify-compose.XXXXXX)
export RATIFY_IMAGE=${RATIFY_TEST_IMAGE:-ratify:e2e}
export RATIFY_HTTP_ADDR=127.0.0.1
export RATIFY_HTTP_PORT=0 # Docker picks a free host port; `port` tells which
export RATIFY_TODAY=2003-07-02
export RATIFY_LOG_LEVEL=info
unset COMPOSE_PROJECT_NAME COMPOSE_FILE COMPOSE_PROFILES
FIXTURE=data/fixtures/a58-165.csv
FIXTURE_ROWS=$(($(grep -c . "$root/$FIXTURE") - 1)) # less the header

dc() { "${compose[@]}" -p "$project" -f "$root/docker-compose.yml" --project-directory "$root" "$@"; }
# ctl ARGS...: ratifyctl in a one-off container of the stack's network
ctl() { dc run --rm -T ratifyctl "$@" </dev/null; }
log() { echo "# $*"; }
figure() { echo "# FIGURE $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok - $*"; }

# Everything this project left: containers (one-off runs included), volumes, networks.
leftovers() {
  local f=label=com.docker.compose.project=$project
  docker ps -aq --filter "$f"
  docker volume ls -q --filter "$f"
  docker network ls -q --filter "$f"
}

cleanup() {
  local rc=$?
  set +e
  for pid in $(jobs -p); do kill "$pid" 2>/dev/null; done
  if [ $rc -ne 0 ]; then
    echo "---- ${compose[*]} ps" >&2
    dc ps >&2
    echo "---- service logs (last 40 lines each)" >&2
    dc logs --no-color --tail 40 >&2
    for f in "$work"/*.log "$work"/*.jsonl; do
      [ -s "$f" ] || continue
      echo "---- $f (last 20 lines)" >&2
      tail -n 20 "$f" >&2
    done
  fi
  dc --profile tools down -v --remove-orphans --timeout 5 >/dev/null 2>&1
  # what down could not see (a one-off container still running)
  local f=label=com.docker.compose.project=$project
  docker ps -aq --filter "$f" | xargs -r docker rm -f -v >/dev/null 2>&1
  docker volume ls -q --filter "$f" | xargs -r docker volume rm -f >/dev/null 2>&1
  docker network ls -q --filter "$f" | xargs -r docker network rm >/dev/null 2>&1
  rm -rf "$work"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "compose: ${compose[*]} ($("${compose[@]}" version --short 2>/dev/null || echo '?')), project $project"
dc config -q || fail "${compose[*]} config -q rejects docker-compose.yml"
ok "${compose[*]} config -q accepts docker-compose.yml"

# ---- base images, image
t0=$(date +%s)
if ! docker image inspect debian:bookworm debian:bookworm-slim >/dev/null 2>&1; then
  log "building the base images (deploy/base-images.sh)"
  "$root/deploy/base-images.sh" >"$work/base-images.log" 2>&1 || fail "deploy/base-images.sh failed"
  figure "base images built in $(($(date +%s) - t0)) s"
else
  log "base images debian:bookworm and debian:bookworm-slim exist"
fi
t0=$(date +%s)
dc build registry >"$work/build.log" 2>&1 || fail "building the image failed (see above)"
build_s=$(($(date +%s) - t0))
image_size=$(docker image inspect -f '{{.Size}}' "$RATIFY_IMAGE")
figure "image $RATIFY_IMAGE built in $build_s s (with the layer cache as it was)"
figure "image size $((image_size / 1000000)) MB ($image_size bytes)"
[ "$(docker image inspect -f '{{.Config.User}}' "$RATIFY_IMAGE")" = "10001:10001" ] ||
  fail "the image does not run as 10001:10001"
ok "image runs as the numeric user 10001:10001"
# dangling layers of earlier builds of this tag
docker image prune -f --filter label=org.ratify.image=ratify >/dev/null 2>&1 || true

# ---- which services the image has
all=(registry threshold notifier reporter)
bins=$(docker run --rm --entrypoint ls "$RATIFY_IMAGE" /usr/bin)
services=()
missing=()
for s in "${all[@]}"; do
  if grep -qx "ratify-$s" <<<"$bins"; then services+=("$s"); else missing+=("$s"); fi
done
grep -qx ratifyctl <<<"$bins" || fail "the image has no ratifyctl"
if [ ${#missing[@]} -gt 0 ]; then
  if [ "${RATIFY_COMPOSE_PARTIAL:-0}" != 1 ]; then
    fail "the image has no ratify-${missing[*]} (RATIFY_COMPOSE_PARTIAL=1 tests the rest)"
  fi
  log "PARTIAL: the image has no ratify-${missing[*]}: testing ${services[*]} only"
fi
has() { [[ " ${services[*]} " == *" $1 "* ]]; }

# ---- start, wait until healthy
health() { # SERVICE -> healthy | starting | unhealthy | exited | ...
  local id
  id=$(dc ps -q "$1" 2>/dev/null)
  [ -n "$id" ] || { echo absent; return; }
  docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$id"
}
wait_healthy() { # SECONDS SERVICE...
  local limit=$1 s; shift
  local deadline=$(($(date +%s) + limit))
  for s in "$@"; do
    until [ "$(health "$s")" = healthy ]; do
      [ "$(date +%s)" -lt "$deadline" ] || fail "$s is $(health "$s") after $limit s, not healthy"
      sleep 1
    done
  done
}
t0=$(date +%s)
dc up -d --no-build "${services[@]}" >"$work/up.log" 2>&1 || fail "up -d failed: $(cat "$work/up.log")"
wait_healthy 180 "${services[@]}"
figure "stack healthy $(($(date +%s) - t0)) s after up"
ok "every service is healthy: ${services[*]}"

ids=$(dc ps -q "${services[@]}")
for id in $ids; do
  [ "$(docker inspect -f '{{.Config.User}} {{.HostConfig.RestartPolicy.Name}}' "$id")" = "10001:10001 unless-stopped" ] ||
    fail "container $id: not 10001:10001 with restart unless-stopped"
done
ok "containers run as 10001:10001 with restart: unless-stopped"

memory() { # WHEN: prints each service's memory use
  local s id stats
  stats=$(docker stats --no-stream --format '{{.ID}} {{.MemUsage}}' $(dc ps -q "${services[@]}"))
  for s in "${services[@]}"; do
    id=$(dc ps -q "$s")
    figure "memory at rest ($1): $s $(awk -v id="$id" 'index(id, $1) == 1 { print $2 }' <<<"$stats")"
  done
}
memory "empty"

dc run --rm -T --entrypoint sh ratifyctl -c \
  'for s in "$@"; do ratifyctl ping "$s" --json || exit; done' sh "${services[@]}" \
  </dev/null >"$work/ping.jsonl" 2>"$work/ping.log" ||
  fail "ratifyctl ping (every service) from a container failed: $(cat "$work/ping.jsonl" "$work/ping.log")"
[ "$(grep -c '"status":"ready"' "$work/ping.jsonl")" -eq ${#services[@]} ] ||
  fail "not every service says ready: $(cat "$work/ping.jsonl")"
ok "ratifyctl ping from a one-off container reaches every service"

# ---- load the seed while a subscriber in another container listens
if has notifier; then
  # stops after 20 s without an alert
  dc run --rm -T ratifyctl watch alerts --from 1 --json --timeout 20 </dev/null \
    >"$work/alerts-live.jsonl" 2>"$work/alerts-live.log" &
  sub_pid=$!
  sleep 3 # let it connect; it replays from 1 anyway, so nothing is lost if not
fi
ctl load "$FIXTURE" >"$work/load.out" 2>"$work/load.log" ||
  fail "ratifyctl load $FIXTURE failed: $(tail -5 "$work/load.out" "$work/load.log")"
want="$FIXTURE: $FIXTURE_ROWS rows: $FIXTURE_ROWS accepted, 0 duplicate, 0 rejected"
[ "$(head -1 "$work/load.out")" = "$want" ] || fail "load said '$(head -1 "$work/load.out")', not '$want'"
ok "ratifyctl load $FIXTURE in a one-off container (path as written): $FIXTURE_ROWS accepted"
event_count() { ctl events --json 2>/dev/null | grep -c '"seq"' || true; }
events=$(event_count)
[ "$events" -eq "$FIXTURE_ROWS" ] || fail "the registry holds $events events, the fixture has $FIXTURE_ROWS rows"
ok "the registry holds the fixture's $events events"

# alert_ids FILE: the id of every alert in a `watch --json` output, one a line
alert_ids() {
  python3 -c 'import json, sys
for line in sys.stdin:
    if line.strip():
        print(json.loads(line)["message"]["id"])' <"$1"
}
if has notifier; then
  wait "$sub_pid" || fail "the subscriber exited with $?"
  n=$(grep -c '"org.ratify.threshold.reached"' "$work/alerts-live.jsonl" || true)
  untoc=$(alert_ids "$work/alerts-live.jsonl" | grep -c '^UNTOC/threshold.reached/' || true)
  [ "$untoc" -eq 1 ] || fail "the subscriber got the UNTOC threshold.reached alert $untoc times ($n threshold.reached in all)"
  grep -q '"UNTOC/threshold.reached/2003-07-01"' "$work/alerts-live.jsonl" ||
    fail "the UNTOC alert is not dated 2003-07-01 (Armenia's deposit)"
  alerts=$(alert_ids "$work/alerts-live.jsonl" | sort)
  alert_count=$(grep -c . <<<"$alerts")
  [ "$(sort -u <<<"$alerts" | grep -c .)" -eq "$alert_count" ] || fail "the live subscriber got an alert twice"
  ok "a subscriber in another container received the UNTOC threshold.reached alert ($alert_count alerts in all)"
fi

# ---- the annex over HTTP, from this host
if has reporter; then
  hostport=$(dc port reporter 8080 | tail -1)
  [ -n "$hostport" ] || fail "the reporter's port 8080 is not published"
  url=http://$hostport
  curl -fsS --max-time 10 "$url/healthz" >/dev/null || fail "GET $url/healthz failed"
  ok "GET /healthz from the host ($url)"
  annex_ok=0
  for _ in $(seq 1 30); do
    if curl -fsS --max-time 10 "$url/annex?as_of=2003-07-02" -o "$work/annex.txt" 2>/dev/null &&
      grep -q 'Armenia' "$work/annex.txt"; then
      annex_ok=1
      break
    fi
    sleep 1
  done
  [ "$annex_ok" = 1 ] || fail "GET $url/annex?as_of=2003-07-02 did not give the annex with Armenia"
  ok "GET /annex from the host: $(wc -l <"$work/annex.txt") lines, Armenia's deposit listed"
fi

# ---- kill the notifier, start it again: a replay from 0 gets every alert once
if has notifier; then
  docker kill "$(dc ps -q notifier)" >/dev/null
  dc start notifier >/dev/null 2>&1 || true
  wait_healthy 90 notifier
  ok "the notifier, killed (SIGKILL), is healthy again"
  ctl watch alerts --from 0 --json --timeout 5 >"$work/alerts-replay.jsonl" 2>"$work/alerts-replay.log" ||
    fail "the replaying subscriber exited with an error"
  replay=$(alert_ids "$work/alerts-replay.jsonl")
  replay_sorted=$(sort <<<"$replay")
  [ "$(sort -u <<<"$replay" | grep -c .)" -eq "$(grep -c . <<<"$replay")" ] ||
    fail "the replay after the kill holds an alert twice"
  [ "$replay_sorted" = "$alerts" ] ||
    fail "the replay after the kill differs from the alerts first received: $(diff <(echo "$alerts") <(echo "$replay_sorted") | head -5)"
  ok "after the kill, a subscriber replaying from 0 gets all $alert_count alerts exactly once"
fi

# ---- restart the registry: the event count is unchanged
dc restart registry >/dev/null 2>&1
wait_healthy 90 registry
after=$(event_count)
[ "$after" -eq "$events" ] || fail "after the registry's restart it holds $after events, not $events"
ok "after the registry's restart the event count is unchanged ($after)"
memory "seed loaded"

# ---- down -v leaves nothing
dc --profile tools down -v --remove-orphans >"$work/down.log" 2>&1 || fail "down -v failed"
left=$(leftovers)
[ -z "$left" ] || fail "down -v left: $(echo $left)"
ok "down -v leaves no container, volume or network"
figure "compose test ran in $(($(date +%s) - started)) s"
if [ ${#missing[@]} -gt 0 ]; then
  log "PARTIAL: not tested, no binary in the image: ${missing[*]}"
fi
