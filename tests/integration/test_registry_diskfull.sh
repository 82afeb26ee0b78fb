#!/usr/bin/env bash
# A full disk or a read-only data directory: the registry refuses writes with a
# clear error (storage_failed) and acknowledges nothing it did not store.
# Needs root to mount a small tmpfs; skipped (77) elsewhere.
source "$(dirname "$0")/lib.sh"
small=$TEST_DIR/small
mkdir -p "$small"
if [ "$(id -u)" -ne 0 ] || ! mount -t tmpfs -o size=160k tmpfs "$small" 2>/dev/null; then
  echo "SKIP: cannot mount a tmpfs here (needs root)"
  exit 77
fi
test_cleanup() {
  for _ in 1 2; do umount "$small" 2>/dev/null || umount -l "$small" 2>/dev/null || true; done
}
export RATIFY_DATA_DIR=$small
start_service registry

# fill the disk with the fixture: part of it is accepted, then storage_failed
set +e
ctl load "$FIXTURE" --json >"$TEST_DIR/load.json"; rc=$?
set -e
head -c 600 "$TEST_DIR/load.json"; echo
assert_eq "$rc" 1 "a load that fills the disk exits 1"
grep -q '"rejected":1,"rejections":\[{"line":[0-9]*,"code":"storage_failed"' "$TEST_DIR/load.json" || fail "the load stops at the first storage_failed"
accepted=$(sed -n 's/.*"accepted":\([0-9]*\).*/\1/p' "$TEST_DIR/load.json")
[ "$accepted" -gt 0 ] || fail "nothing was accepted before the disk filled"
stored=$(db_query registry.db "SELECT COUNT(*) FROM events")
assert_eq "$stored" "$accepted" "exactly the acknowledged deposits are stored"
grep -q '"level":"error".*commit failed' "$TEST_DIR/registry.log" || fail "the failure is logged"
ctl ping registry >/dev/null || fail "the registry stopped answering"

# once there is room again, the same load goes on: stored rows are duplicates
mount -o remount,size=32m "$small"
out=$(ctl load "$FIXTURE") || fail "load after freeing space: $out"
echo "$out" | head -1
echo "$out" | grep -q " $accepted duplicate, 0 rejected" || fail "resumed load: $out"
total=$(db_query registry.db "SELECT COUNT(*) FROM events")

stop_service registry

# a read-only data directory (a read-only bind mount over it): the registry
# refuses to start, saying why, and so acknowledges nothing
mount --bind "$small" "$small"
mount -o remount,ro,bind "$small"
set +e
"$RATIFY_BIN/ratify-registry" >"$TEST_DIR/ro-start.log" 2>&1; rc=$?
set -e
[ "$rc" -ne 0 ] || fail "the registry started on a read-only directory"
grep -q '"level":"error".*not writable' "$TEST_DIR/ro-start.log" || fail "no clear error: $(cat "$TEST_DIR/ro-start.log")"
echo "ok - refuses to start on a read-only directory: $(grep -o '"msg":"[^"]*"' "$TEST_DIR/ro-start.log" | tail -1)"
umount "$small"
assert_eq "$(db_query registry.db "SELECT COUNT(*) FROM events")" "$total" "the log is intact"
