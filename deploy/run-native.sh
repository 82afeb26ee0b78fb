#!/usr/bin/env bash
# Starts every Ratify service found in BINDIR natively, in dependency order,
# with data under $RATIFY_DATA_DIR (default ./var) and logs on this terminal.
# Ctrl-C (or SIGTERM) stops them all. Used by `make run`.
# Usage: deploy/run-native.sh [BINDIR]
set -u
bindir=${1:-build/bin}
export RATIFY_DATA_DIR=${RATIFY_DATA_DIR:-./var}
mkdir -p -m 0750 "$RATIFY_DATA_DIR" # as the services create it
pids=()
stop() {
  trap - INT TERM
  echo "stopping ${#pids[@]} services" >&2
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  wait
  exit 0
}
trap stop INT TERM
for svc in registry threshold notifier reporter; do
  bin="$bindir/ratify-$svc"
  [ -x "$bin" ] || continue
  "$bin" &
  pids+=($!)
  # wait until it answers before starting the ones that consume it
  for _ in $(seq 1 50); do
    "$bindir/ratifyctl" ping "$svc" --timeout 0.2 >/dev/null 2>&1 && break
  done
done
echo "running: ${#pids[@]} services, data in $RATIFY_DATA_DIR; Ctrl-C stops them" >&2
wait
