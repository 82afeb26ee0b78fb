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
#   RATIFY_TEST_IMAGE       the image tag to build (ratify:e2e); the run uses a
#                           copy tagged with the project name, removed at the end,
#                           so runs side by side do not swap images under each other
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
  [ -z "${run_image:-}" ] || docker rmi "$run_image" >/dev/null 2>&1
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
dc build --force-rm registry >"$work/build.log" 2>&1 || fail "building the image failed (see above)"
run_image=ratify:$project
docker tag "$RATIFY_IMAGE" "$run_image"
export RATIFY_IMAGE=$run_image
build_s=$(($(date +%s) - t0))
image_size=$(docker image inspect -f '{{.Size}}' "$RATIFY_IMAGE")
figure "image ${RATIFY_TEST_IMAGE:-ratify:e2e} built in $build_s s (with the layer cache as it was)"
figure "image size $((image_size / 1000000)) MB ($image_size bytes)"
[ "$(docker image inspect -f '{{.Config.User}}' "$RATIFY_IMAGE")" = "10001:10001" ] ||
  fail "the image does not run as 10001:10001"
ok "image runs as the numeric user 10001:10001"
# Earlier builds' layers (the classic builder leaves the build stage as an
# untagged image): tag this build's build stage, the layer cache of the next
# run, and drop the dangling images of earlier runs.
stage=$(awk '/^ ---> [0-9a-f]+$/ { id = $2 } /^Step [0-9]+\/[0-9]+ : FROM / && n++ { print id; exit }' "$work/build.log")
if [ -n "$stage" ]; then
  docker tag "$stage" ratify-build:cache 2>/dev/null || true
  docker image prune -f --filter label=org.ratify.stage=build >/dev/null 2>&1 || true
  docker image prune -f --filter label=org.ratify.image=ratify >/dev/null 2>&1 || true
fi

# ---- the image holds every binary
services=(registry threshold notifier reporter)
bins=$(docker run --rm --entrypoint ls "$RATIFY_IMAGE" /usr/bin)
for b in "${services[@]/#/ratify-}" ratifyctl; do
  grep -qx "$b" <<<"$bins" || fail "the image has no $b"
done
ok "the image holds ratify-registry, ratify-threshold, ratify-notifier, ratify-reporter, ratifyctl"

# ---- start, wait until healthy
health() { # SERVICE -> healthy | starting | unhealthy | exited | absent
  local id
  id=$(dc ps -q "$1" 2>/dev/null)
  [ -n "$id" ] || { echo absent; return; }
  docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$id"
}
wait_healthy() { # SECONDS SERVICE...
  local limit=$1 s
  shift
  local deadline=$(($(date +%s) + limit))
  for s in "$@"; do
    until [ "$(health "$s")" = healthy ]; do
      [ "$(date +%s)" -lt "$deadline" ] || fail "$s is $(health "$s") after $limit s, not healthy"
      sleep 1
    done
  done
}
t0=$(date +%s)
dc up -d --no-build >"$work/up.log" 2>&1 || fail "up -d failed: $(cat "$work/up.log")"
wait_healthy 180 "${services[@]}"
figure "stack healthy $(($(date +%s) - t0)) s after up"
running=$(for s in "${services[@]}" ratifyctl; do [ -z "$(dc ps -q "$s" 2>/dev/null)" ] || echo "$s"; done | tr '\n' ' ')
[ "$running" = "registry threshold notifier reporter " ] || fail "up -d started: $running"
ok "up -d starts the four services (not ratifyctl) and each turns healthy"

for id in $(dc ps -q "${services[@]}"); do
  [ "$(docker inspect -f '{{.Config.User}} {{.HostConfig.RestartPolicy.Name}}' "$id")" = "10001:10001 unless-stopped" ] ||
    fail "container $id: not 10001:10001 with restart unless-stopped"
done
ok "containers run as 10001:10001 with restart: unless-stopped"

memory() { # WHEN: each service's resident memory (VmRSS) and its cgroup's count (docker stats)
  local s id rss stats ids
  mapfile -t ids < <(dc ps -q "${services[@]}")
  stats=$(docker stats --no-stream --format '{{.ID}} {{.MemUsage}}' "${ids[@]}")
  for s in "${services[@]}"; do
    id=$(dc ps -q "$s")
    rss=$(docker exec "$id" sed -n 's/^VmRSS:[[:space:]]*//p' /proc/1/status)
    figure "memory at rest ($1): $s rss $rss, docker stats $(awk -v id="$id" 'index(id, $1) == 1 { print $2 }' <<<"$stats")"
  done
}
memory "empty"

# ctl_sh SCRIPT ARGS...: a shell script in a one-off ratifyctl container
ctl_sh() { dc run --rm -T --entrypoint sh ratifyctl -c "$@" </dev/null; }
ctl_sh 'for s in "$@"; do ratifyctl ping "$s" --json || exit; done' sh "${services[@]}" \
  >"$work/ping.jsonl" 2>"$work/ping.log" ||
  fail "ratifyctl ping (every service) from a container failed: $(cat "$work/ping.jsonl" "$work/ping.log")"
[ "$(grep -c '"status":"ready"' "$work/ping.jsonl")" -eq ${#services[@]} ] ||
  fail "not every service says ready: $(cat "$work/ping.jsonl")"
ok "ratifyctl ping from a one-off container reaches every service by name"

# ---- load the seed while a subscriber in another container waits for the alert
# (--from 1: the notifier holds no alert yet, so this is every alert to come,
# whether the subscriber connects before the first or after)
dc run --rm -T ratifyctl subscribe --from 1 --type org.ratify.threshold.reached --count 1 \
  --timeout 120 --json </dev/null >"$work/subscriber.jsonl" 2>"$work/subscriber.log" &
sub_pid=$!
ctl load "$FIXTURE" >"$work/load.out" 2>"$work/load.log" ||
  fail "ratifyctl load $FIXTURE failed: $(tail -5 "$work/load.out" "$work/load.log")"
want="$FIXTURE: $FIXTURE_ROWS rows: $FIXTURE_ROWS accepted, 0 duplicate, 0 rejected"
[ "$(head -1 "$work/load.out")" = "$want" ] || fail "load said '$(head -1 "$work/load.out")', not '$want'"
ok "ratifyctl load $FIXTURE in a one-off container (the path as written): $FIXTURE_ROWS accepted"

wait "$sub_pid" || fail "the subscriber exited with $?: $(cat "$work/subscriber.log")"
reached=$(grep -c . "$work/subscriber.jsonl" || true)
[ "$reached" -eq 1 ] || fail "the subscriber printed $reached alerts, not the one threshold.reached"
alert=$(cat "$work/subscriber.jsonl")
for want in '"id":"UNTOC/threshold.reached/2003-07-01"' '"type":"org.ratify.threshold.reached"' \
  '"subject":"UNTOC"' '"threshold_date":"2003-07-01"' '"entry_into_force":"2003-09-29"' \
  '"participant":"ARM","name":"Armenia"'; do
  [[ "$alert" == *"$want"* ]] || fail "the threshold.reached alert lacks $want: $alert"
done
ok "a subscriber in another container received the UNTOC threshold.reached alert (Armenia, 2003-07-01, in force 2003-09-29)"

# settle: the threshold service and the reporter hold every registry event,
# the notifier has alerted every milestone, and nothing moved for 1 s.
# Prints "registry/threshold-read/milestones/alerts/reporter" (last sequences).
SETTLE='
last() { ratifyctl ping "$1" --json 2>/dev/null | sed -n "s/.*\"last_seq\":\([0-9]*\).*/\1/p"; }
state() {
  seen=$(ratifyctl request threshold "{\"type\":\"status\"}" 2>/dev/null |
    sed -n "s/.*\"registry_seq\":\([0-9]*\).*/\1/p")
  echo "$(last registry)/$seen/$(last threshold)/$(last notifier)/$(last reporter)"
}
i=0
while [ $i -lt 60 ]; do
  a=$(state); sleep 1; b=$(state)
  reg=${b%%/*}; rest=${b#*/}; seen=${rest%%/*}; rest=${rest#*/}
  mil=${rest%%/*}; rest=${rest#*/}; alerts=${rest%%/*}; rep=${rest#*/}
  if [ "$a" = "$b" ] && [ "$reg" = "$seen" ] && [ "$reg" = "$rep" ] && [ "$mil" = "$alerts" ] &&
    [ -n "$alerts" ] && [ "$alerts" -gt 0 ]; then echo "$b"; exit 0; fi
  i=$((i + 1))
done
echo "$b"
exit 1'
state=$(ctl_sh "$SETTLE" 2>/dev/null) ||
  fail "the stack did not settle in 120 s (registry/threshold read/milestones/alerts/reporter: $state)"
IFS=/ read -r events _ _ alert_count _ <<<"$state"
[ "$events" -eq "$FIXTURE_ROWS" ] || fail "the registry's last sequence is $events, the fixture has $FIXTURE_ROWS rows"
ok "settled: registry/threshold read/milestones/alerts/reporter = $state"

# check_alerts FILE WHAT: N alerts, sequences 1..N, no id twice, one UNTOC threshold.reached
check_alerts() {
  python3 - "$1" "$alert_count" "$2" <<'PY' || fail "$2"
import json, sys
path, n, what = sys.argv[1], int(sys.argv[2]), sys.argv[3]
alerts = [json.loads(line) for line in open(path) if line.strip()]
ids = [a["id"] for a in alerts]
seqs = [int(a["sequence"]) for a in alerts]
problems = []
if len(alerts) != n:
    problems.append(f"{len(alerts)} alerts, not {n}")
if seqs != list(range(1, len(seqs) + 1)):
    problems.append(f"sequences {seqs}")
if len(set(ids)) != len(ids):
    problems.append("an id twice")
if ids.count("UNTOC/threshold.reached/2003-07-01") != 1:
    problems.append("not one UNTOC threshold.reached")
if problems:
    print(f"{what}: " + "; ".join(problems), file=sys.stderr)
    sys.exit(1)
PY
}
ctl subscribe --from 0 --json --timeout 3 >"$work/alerts-before.jsonl" 2>"$work/alerts-before.log" ||
  fail "subscribe --from 0 exited $?: $(cat "$work/alerts-before.log")"
check_alerts "$work/alerts-before.jsonl" "the alerts replayed from 0"
ok "a replay from 0 gives the $alert_count alerts once each, in sequence"

# ---- the annex over HTTP, from this host
hostport=$(dc port reporter 8080 | tail -1)
[ -n "$hostport" ] || fail "the reporter's port 8080 is not published"
url=http://$hostport
code=$(curl -s -o "$work/healthz.txt" -w '%{http_code}' --max-time 10 "$url/healthz" || true)
[ "$code" = 200 ] || fail "GET $url/healthz: $code $(cat "$work/healthz.txt" 2>/dev/null)"
ok "GET /healthz from the host ($url): 200"
annex="$url/reports/annex.txt?as_of=2003-07-02"
curl -fsS --max-time 20 -D "$work/annex.headers" "$annex" -o "$work/annex.txt" || fail "GET $annex failed"
# the seed's tables: summary A as printed, then every numbered row of B to E
# (the seed's page-break header repeats and blank lines left out)
tables() {
  sed -n '/^A\. Summary/,/^B\. /p' "$1" | sed 's/[[:space:]]*$//' | grep -v '^$' | grep -v '^B\. '
  grep -E '^[0-9]+\. ' "$1" | sed 's/[[:space:]]*$//'
}
tables "$root/tests/fixtures/a58-165-annex.txt" >"$work/annex.want"
tables "$work/annex.txt" >"$work/annex.got"
diff -u "$work/annex.want" "$work/annex.got" >"$work/annex.diff" ||
  fail "the annex from the host differs from tests/fixtures/a58-165-annex.txt: $(head -20 "$work/annex.diff")"
grep -qx $'40. Armenia\t1 July 2003' "$work/annex.txt" || fail "the annex does not list Armenia 40th"
ok "GET /reports/annex.txt from the host: the A/58/165 annex's tables ($(grep -c . "$work/annex.want") rows, Armenia 40th)"

# ---- kill the notifier, start it again: a replay from 0 gets every alert once
docker kill "$(dc ps -q notifier)" >/dev/null
dc start notifier >/dev/null 2>&1 || true # restart: unless-stopped may have done it already
wait_healthy 90 notifier
ok "the notifier, killed (SIGKILL) and started, is healthy again"
ctl subscribe --from 0 --json --timeout 3 >"$work/alerts-after.jsonl" 2>"$work/alerts-after.log" ||
  fail "subscribe --from 0 after the kill exited $?: $(cat "$work/alerts-after.log")"
check_alerts "$work/alerts-after.jsonl" "the alerts replayed from 0 after the kill"
cmp -s "$work/alerts-before.jsonl" "$work/alerts-after.jsonl" ||
  fail "the alerts after the kill differ from before: $(diff "$work/alerts-before.jsonl" "$work/alerts-after.jsonl" | head -6)"
ok "after the kill, a subscriber replaying from 0 gets every alert exactly once ($alert_count, byte-identical)"

# ---- restart the registry: the event count is unchanged
event_count() { ctl events --json 2>/dev/null | grep -c '"seq"' || true; }
before=$(event_count)
[ "$before" -eq "$events" ] || fail "the registry lists $before events, not $events"
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
