#!/usr/bin/env bash
# The reporter's spill files (services/reporter/strbuf.h) on a file system
# without O_TMPFILE, as most FUSE file systems are: a bindfs (FUSE)
# mount, where open(O_TMPFILE) fails with EOPNOTSUPP, so strbuf falls back
# to mkostemp and an immediate unlink. test_strbuf's spill checks (the
# bytes, mode 0600, the failures, no descriptor left open) pass there, and
# no name is left behind on the file system underneath. Runs in a mount
# namespace of its own; needs root, unshare and bindfs
# (deploy/packages-test.txt); skipped (77) elsewhere.
if [ "${RATIFY_NOTMPFILE_NS:-}" != 1 ]; then
  if [ "$(id -u)" -ne 0 ] || ! command -v bindfs >/dev/null || [ ! -c /dev/fuse ] \
    || ! unshare --mount --propagation private true 2>/dev/null; then
    echo "SKIP: needs root, unshare, /dev/fuse and bindfs"
    exit 77
  fi
  RATIFY_NOTMPFILE_NS=1 exec unshare --mount --propagation private bash "$0" "$@"
fi
source "$(dirname "$0")/lib.sh"
under=$TEST_DIR/under
fuse=$TEST_DIR/fuse
mkdir -p "$under" "$fuse"
# the umount ends bindfs (a daemon of its own); before TEST_DIR is removed
test_cleanup() {
  if mountpoint -q "$fuse"; then umount "$fuse" 2>/dev/null || umount -l "$fuse" 2>/dev/null || true; fi
}
if ! bindfs "$under" "$fuse" 2>"$TEST_DIR/bindfs.log"; then
  echo "SKIP: bindfs cannot mount here: $(cat "$TEST_DIR/bindfs.log")"
  exit 77
fi

tmpfile=$(python3 -c 'import errno, os, sys
try:
    os.close(os.open(sys.argv[1], os.O_TMPFILE | os.O_RDWR, 0o600))
    print("supported")
except OSError as e:
    print(errno.errorcode.get(e.errno, e.errno))' "$fuse")
# the errors strbuf falls back on (services/reporter/strbuf.c, s_open_anonymous)
case $tmpfile in
  EOPNOTSUPP | ENOTSUP | EISDIR | EINVAL) echo "ok - open(O_TMPFILE) on the bindfs mount fails ($tmpfile)" ;;
  supported)
    echo "SKIP: this FUSE mount supports O_TMPFILE: the fallback cannot be reached"
    exit 77
    ;;
  *)
    echo "SKIP: the bindfs mount is not usable: open(O_TMPFILE) fails with $tmpfile"
    exit 77
    ;;
esac

# (a time limit, so that this script's cleanup always runs, bindfs's umount included)
timeout 120 "$RATIFY_TOOLS/test_strbuf" "$fuse" >"$TEST_DIR/test_strbuf.log" 2>&1 \
  || fail "test_strbuf on the bindfs mount: $(tail -n 20 "$TEST_DIR/test_strbuf.log")"
tail -n 1 "$TEST_DIR/test_strbuf.log"
grep -q '^# every spill file was named .ratify-spill-\* and unlinked' "$TEST_DIR/test_strbuf.log" \
  || fail "test_strbuf did not check the spill files' names: $(cat "$TEST_DIR/test_strbuf.log")"
echo "ok - every spill check passes, each file named and unlinked at once (the mkostemp fallback)"
assert_eq "$(find "$under" -mindepth 1 | wc -l)" 0 "nothing left on the file system underneath"
