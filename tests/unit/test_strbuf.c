/*  test_strbuf: the spill mode of the reporter's string buffer (strbuf.h;
    the in-memory mode is tested in test_report_formats.c).

    With a tiny mem_max in a fresh directory: text up to mem_max stays in
    memory, the next byte spills; many small appends, a few large ones
    (past the write buffer, some straight to the file) and appendf (short
    and longer than its stack buffer) after the spill give a file whose
    bytes are the text exactly, of strbuf_len bytes, mode 0600, handed
    over positioned at its start, with no name left in the directory;
    strbuf_data and strbuf_detach refuse a spilled buffer and leave it
    intact; after strbuf_detach_fd the buffer is empty, in memory and
    spills again into a new file. mem_max 0 spills at the first byte and
    an empty buffer never spills. A directory that does not exist fails
    the buffer (ENOENT), sticky, until strbuf_reset; a write that fails
    (a file size limit, RLIMIT_FSIZE: EFBIG, after a short write) fails it
    too, and so does passing STRBUF_SPILL_MAX_BYTES. The reserve: on a
    tmpfs of 256 MiB + 256 KiB (mounted in a mount namespace of the test's
    own: needs root, skipped elsewhere) a spilled buffer takes the 256 KiB
    and fails with ENOSPC, leaving STRBUF_SPILL_RESERVE_BYTES free, and the
    space is back once it is destroyed. Given a PARENT directory on a file
    system without O_TMPFILE (test_reporter_notmpfile.sh, FUSE), the same
    checks run there, and each spill file must have had a .ratify-spill-
    name, unlinked at once (FUSE's own .fuse_hidden* names, kept until the
    file is closed, are not counted). No descriptor leaks:
    /proc/self/fd counts the same before and after destroy and reset of
    spilled buffers, failed or not. */
#define _GNU_SOURCE /* unshare */
#include "check.h"
#include "strbuf.h"

#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#define S_MEM_MAX 100

/* Returns the number of open descriptors (entries of /proc/self/fd). */
static int
s_open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

/* Returns the number of entries in dir, "." and ".." excluded, and the
   ".fuse_hidden*" names under which a FUSE file system keeps a file that
   was unlinked while open, until it is closed (FUSE's, not strbuf's). */
static int
s_dir_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0
            && strncmp(e->d_name, ".fuse_hidden", sizeof ".fuse_hidden" - 1) != 0)
            n++;
    closedir(d);
    return n;
}

/* Reads fd from its current position to the end. Returns a malloc'd
   buffer (its length in *len) the caller frees, or NULL. */
static char *
s_read_all(int fd, size_t *len)
{
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (n == cap) {
            char *more = realloc(buf, cap * 2);
            if (!more) {
                free(buf);
                return NULL;
            }
            buf = more;
            cap *= 2;
        }
        const ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            free(buf);
            return NULL;
        }
        if (r == 0)
            break;
        n += (size_t) r;
    }
    *len = n;
    return buf;
}

/* Set when the spill files must be named and unlinked (the mkostemp
   fallback: a file system without O_TMPFILE, test_reporter_notmpfile.sh). */
static bool s_expect_named;

/* Detaches the file of buf and checks that it holds exactly want (the
   text of a plain buffer), from its start, mode 0600; and, under
   s_expect_named, that it had a .ratify-spill- name, now unlinked. */
static void
s_check_file(strbuf_t *buf, strbuf_t *want)
{
    int fd = -1;
    size_t len = 0;
    CHECK_INT(strbuf_detach_fd(buf, &fd, &len), 0);
    CHECK(fd >= 0);
    CHECK_INT(len, strbuf_len(want));
    if (fd < 0)
        return;
    if (s_expect_named) {
        char link[64], target[4096] = "";
        snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
        const ssize_t n = readlink(link, target, sizeof target - 1);
        if (n > 0)
            target[n] = '\0';
        CHECK(strstr(target, "/.ratify-spill-") != NULL);
    }
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && (st.st_mode & 0777) == 0600 && st.st_nlink == 0);
    CHECK_INT(st.st_size, strbuf_len(want));
    size_t got_len = 0;
    char *got = s_read_all(fd, &got_len);
    CHECK(got != NULL);
    CHECK_INT(got_len, strbuf_len(want));
    CHECK(got && got_len == strbuf_len(want) && memcmp(got, strbuf_data(want), got_len) == 0);
    free(got);
    close(fd);
}

/* Appends the same text to buf and to want (a plain buffer). */
static void
s_both(strbuf_t *buf, strbuf_t *want, const char *text, size_t len)
{
    CHECK_INT(strbuf_appendn(buf, text, len), 0);
    strbuf_appendn(want, text, len);
}

static void
s_test_spill(const char *dir)
{
    const int fds = s_open_fds();
    strbuf_t *buf = strbuf_new_spill(dir, S_MEM_MAX);
    strbuf_t *want = strbuf_new();
    CHECK(buf && want);
    CHECK(!strbuf_spilled(buf));
    CHECK_INT(strbuf_detach_fd(buf, &(int){0}, &(size_t){0}), -1); /* not spilled */

    /* up to mem_max in memory */
    char line[S_MEM_MAX];
    memset(line, 'a', sizeof line);
    s_both(buf, want, line, S_MEM_MAX - 1);
    s_both(buf, want, "b", 1);
    CHECK(!strbuf_spilled(buf));
    CHECK_INT(strbuf_len(buf), S_MEM_MAX);
    CHECK_INT(s_open_fds(), fds);
    CHECK(strncmp(strbuf_data(buf), line, S_MEM_MAX - 1) == 0);

    /* one more byte spills */
    s_both(buf, want, "c", 1);
    CHECK(strbuf_spilled(buf));
    CHECK_INT(s_open_fds(), fds + 1);
    CHECK_INT(s_dir_entries(dir), 0); /* anonymous */
    CHECK(strbuf_data(buf) == NULL);
    CHECK(strbuf_detach(buf) == NULL);
    CHECK(strbuf_spilled(buf) && !strbuf_failed(buf)); /* left intact */

    /* many small appends, across write buffers */
    int rc = 0;
    for (int i = 0; i < 30000; i++) {
        rc |= strbuf_appendf(buf, "%d,", i);
        strbuf_appendf(want, "%d,", i);
        if (i % 1000 == 0) {
            rc |= strbuf_putc(buf, '\n');
            strbuf_putc(want, '\n');
        }
    }
    CHECK_INT(rc, 0);
    /* a few large ones: smaller than, as large as and larger than the
       write buffer, and much larger */
    const size_t sizes[] = {STRBUF_SPILL_WRITE_BYTES - 7, STRBUF_SPILL_WRITE_BYTES,
                            STRBUF_SPILL_WRITE_BYTES + 1, 5 * STRBUF_SPILL_WRITE_BYTES + 3};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        char *big = malloc(sizes[i]);
        CHECK(big != NULL);
        if (!big)
            continue;
        for (size_t j = 0; j < sizes[i]; j++)
            big[j] = (char) ('A' + (i * 7 + j) % 26);
        s_both(buf, want, big, sizes[i]);
        s_both(buf, want, "|", 1);
        free(big);
    }
    /* appendf after the spill, short and longer than its stack buffer */
    char wide[600];
    memset(wide, 'w', sizeof wide - 1);
    wide[sizeof wide - 1] = '\0';
    for (int i = 0; i < 50; i++) {
        CHECK_INT(strbuf_appendf(buf, "<%d:%s>", i, i % 10 ? "x" : wide), 0);
        strbuf_appendf(want, "<%d:%s>", i, i % 10 ? "x" : wide);
    }
    CHECK_INT(strbuf_append(buf, "end\n"), 0);
    strbuf_append(want, "end\n");
    CHECK(!strbuf_failed(buf));
    CHECK_INT(strbuf_len(buf), strbuf_len(want));
    CHECK_INT(strbuf_errno(buf), 0);

    s_check_file(buf, want);
    CHECK_INT(s_open_fds(), fds);
    CHECK(!strbuf_spilled(buf));
    CHECK_INT(strbuf_len(buf), 0);
    CHECK_STR(strbuf_data(buf), "");

    /* empty and in memory again; spills again into a new file */
    strbuf_reset(want);
    s_both(buf, want, "again", 5);
    CHECK(!strbuf_spilled(buf));
    CHECK_STR(strbuf_data(buf), "again");
    s_both(buf, want, line, S_MEM_MAX);
    CHECK(strbuf_spilled(buf));
    /* a long appendf that crosses the threshold itself */
    strbuf_reset(buf);
    strbuf_reset(want);
    CHECK(!strbuf_spilled(buf));
    CHECK_INT(s_open_fds(), fds); /* reset closed the file */
    CHECK_INT(strbuf_appendf(buf, "[%s]", wide), 0);
    strbuf_appendf(want, "[%s]", wide);
    CHECK(strbuf_spilled(buf));
    s_check_file(buf, want);

    /* destroy without detach closes the file */
    s_both(buf, want, line, S_MEM_MAX);
    s_both(buf, want, line, S_MEM_MAX);
    CHECK(strbuf_spilled(buf));
    CHECK_INT(s_open_fds(), fds + 1);
    strbuf_destroy(&buf);
    CHECK(buf == NULL);
    CHECK_INT(s_open_fds(), fds);
    strbuf_destroy(&want);
    CHECK_INT(s_dir_entries(dir), 0);
}

static void
s_test_zero_and_caps(const char *dir)
{
    const int fds = s_open_fds();
    /* mem_max 0: the first byte spills, an empty buffer never does */
    strbuf_t *buf = strbuf_new_spill(dir, 0);
    CHECK_INT(strbuf_append(buf, ""), 0);
    CHECK(!strbuf_spilled(buf));
    CHECK_INT(strbuf_putc(buf, 'x'), 0);
    CHECK(strbuf_spilled(buf));
    CHECK_INT(strbuf_len(buf), 1);

    /* past STRBUF_SPILL_MAX_BYTES fails (the text is never read) */
    CHECK_INT(strbuf_appendn(buf, "y", (size_t) STRBUF_SPILL_MAX_BYTES), -1);
    CHECK(strbuf_failed(buf));
    CHECK_INT(strbuf_errno(buf), EFBIG); /* the cap, named as a file size limit */
    CHECK_INT(strbuf_len(buf), 1);
    CHECK_INT(strbuf_putc(buf, 'z'), -1); /* sticky */
    CHECK_INT(strbuf_detach_fd(buf, &(int){0}, &(size_t){0}), -1);
    CHECK(strbuf_spilled(buf)); /* keeps its file until reset or destroy */
    strbuf_reset(buf);
    CHECK(!strbuf_spilled(buf) && !strbuf_failed(buf));
    CHECK_INT(s_open_fds(), fds);

    /* strbuf_fail on a spilled buffer: no file handed over */
    CHECK_INT(strbuf_append(buf, "abc"), 0);
    CHECK(strbuf_spilled(buf));
    strbuf_fail(buf);
    CHECK_INT(strbuf_detach_fd(buf, &(int){0}, &(size_t){0}), -1);
    strbuf_destroy(&buf);
    CHECK_INT(s_open_fds(), fds);

    CHECK(strbuf_new_spill(NULL, 10) == NULL);
    CHECK(!strbuf_spilled(NULL));
    CHECK_INT(strbuf_detach_fd(NULL, &(int){0}, &(size_t){0}), -1);
    CHECK_INT(strbuf_errno(NULL), 0);
}

static void
s_test_no_dir(const char *dir)
{
    const int fds = s_open_fds();
    char missing[512];
    snprintf(missing, sizeof missing, "%s/no/such/dir", dir);
    strbuf_t *buf = strbuf_new_spill(missing, 10);
    CHECK(buf != NULL); /* nothing is opened before the spill */
    CHECK_INT(strbuf_append(buf, "0123456789"), 0);
    CHECK_INT(strbuf_append(buf, "!"), -1);
    CHECK(strbuf_failed(buf));
    CHECK_INT(strbuf_errno(buf), ENOENT);
    CHECK(!strbuf_spilled(buf));
    CHECK_INT(strbuf_len(buf), 10);
    CHECK_INT(strbuf_append(buf, "!"), -1); /* sticky */
    CHECK_INT(strbuf_appendf(buf, "%s", "!"), -1);
    CHECK(strbuf_detach(buf) == NULL);
    CHECK_INT(strbuf_detach_fd(buf, &(int){0}, &(size_t){0}), -1);
    CHECK_INT(s_open_fds(), fds);
    strbuf_reset(buf);
    CHECK(!strbuf_failed(buf));
    CHECK_INT(strbuf_errno(buf), 0);
    CHECK_INT(strbuf_append(buf, "short"), 0);
    CHECK_STR(strbuf_data(buf), "short");
    strbuf_destroy(&buf);

    /* a directory we cannot write (not as root, which may) */
    if (geteuid() != 0) {
        char ro[512];
        snprintf(ro, sizeof ro, "%s/ro", dir);
        CHECK(mkdir(ro, 0500) == 0);
        buf = strbuf_new_spill(ro, 1);
        CHECK_INT(strbuf_append(buf, "12"), -1);
        CHECK_INT(strbuf_errno(buf), EACCES);
        strbuf_destroy(&buf);
        CHECK(rmdir(ro) == 0);
    }
    CHECK_INT(s_open_fds(), fds);
}

/* Appends chunk to buf up to max times, until an append fails; CHECKs
   that one does, leaving buf failed with want_errno. Returns the bytes
   appended before the failure. */
static size_t
s_append_until_failure(strbuf_t *buf, const char *chunk, size_t len, int max, int want_errno)
{
    int rc = 0;
    size_t appended = 0;
    for (int i = 0; i < max && rc == 0; i++) {
        rc = strbuf_appendn(buf, chunk, len);
        if (rc == 0)
            appended += len;
    }
    CHECK_INT(rc, -1);
    CHECK(strbuf_failed(buf));
    CHECK_INT(strbuf_errno(buf), want_errno);
    return appended;
}

/* A write that fails: the file size limit (RLIMIT_FSIZE, with SIGXFSZ
   ignored) makes write(2) short, then EFBIG, as a full disk makes it
   short, then ENOSPC. */
static void
s_test_write_error(const char *dir)
{
    const int fds = s_open_fds();
    struct rlimit old;
    CHECK(getrlimit(RLIMIT_FSIZE, &old) == 0);
    void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
    struct rlimit small = {.rlim_cur = 3 * STRBUF_SPILL_WRITE_BYTES + 10, .rlim_max = old.rlim_max};
    CHECK(setrlimit(RLIMIT_FSIZE, &small) == 0);

    strbuf_t *buf = strbuf_new_spill(dir, 1000);
    char chunk[1000];
    memset(chunk, 'q', sizeof chunk);
    const size_t appended = s_append_until_failure(buf, chunk, sizeof chunk, 1000, EFBIG);
    CHECK(appended > 3 * STRBUF_SPILL_WRITE_BYTES && appended < 5 * STRBUF_SPILL_WRITE_BYTES);
    CHECK_INT(strbuf_detach_fd(buf, &(int){0}, &(size_t){0}), -1);
    strbuf_destroy(&buf);

    /* the last flush fails in strbuf_detach_fd itself: 200 chunks are
       written 65 at a time (the 66th does not fit the write buffer), so
       the writes stop at 195,000 bytes, under the limit, and 5,000 wait */
    buf = strbuf_new_spill(dir, 0);
    int rc = 0;
    for (int i = 0; i < 200; i++)
        rc |= strbuf_appendn(buf, chunk, sizeof chunk);
    CHECK_INT(rc, 0);
    CHECK(!strbuf_failed(buf));
    CHECK_INT(strbuf_len(buf), 200000);
    int fd = -1;
    size_t len = 0;
    CHECK_INT(strbuf_detach_fd(buf, &fd, &len), -1);
    CHECK(fd == -1 && len == 0);
    CHECK(strbuf_failed(buf));
    CHECK_INT(strbuf_errno(buf), EFBIG);
    strbuf_destroy(&buf);

    CHECK(setrlimit(RLIMIT_FSIZE, &old) == 0);
    signal(SIGXFSZ, old_handler);
    CHECK_INT(s_open_fds(), fds);
    CHECK_INT(s_dir_entries(dir), 0);
}

/* The reserve, on a tmpfs mounted over dir with room for 256 KiB above
   it. Returns after umounting it, or at once when no tmpfs can be mounted
   here (not root: then only a comment line says so; CI runs as root). */
static void
s_test_reserve(const char *dir)
{
    if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0
        || mount("tmpfs", dir, "tmpfs", 0, "size=262400k,mode=0700,huge=never") != 0) {
        printf("# the reserve not tested: cannot mount a tmpfs here (%s)\n", strerror(errno));
        return;
    }
    const int fds = s_open_fds();
    strbuf_t *buf = strbuf_new_spill(dir, 0);
    char chunk[1000];
    memset(chunk, 'r', sizeof chunk);
    const size_t appended = s_append_until_failure(buf, chunk, sizeof chunk, 2000, ENOSPC);
    /* whole write buffers reach the file: 256 KiB at most, and what waits
       in the buffer when the next flush is refused */
    CHECK(appended >= 192 * 1024 && appended <= 256 * 1024 + STRBUF_SPILL_WRITE_BYTES);
    struct statvfs st;
    CHECK(statvfs(dir, &st) == 0);
    const uint64_t avail = (uint64_t) st.f_bavail * st.f_frsize;
    CHECK(avail >= STRBUF_SPILL_RESERVE_BYTES);
    CHECK(avail < STRBUF_SPILL_RESERVE_BYTES + STRBUF_SPILL_WRITE_BYTES); /* it took the rest */
    strbuf_destroy(&buf);
    CHECK_INT(s_open_fds(), fds);

    /* the failed buffer's file is gone with it: the space is back */
    buf = strbuf_new_spill(dir, 0);
    int rc = 0;
    for (int i = 0; i < 200; i++)
        rc |= strbuf_appendn(buf, chunk, sizeof chunk);
    CHECK_INT(rc, 0);
    int fd = -1;
    size_t len = 0;
    CHECK_INT(strbuf_detach_fd(buf, &fd, &len), 0);
    CHECK_INT(len, 200000);
    if (fd >= 0)
        close(fd);
    strbuf_destroy(&buf);
    CHECK_INT(s_open_fds(), fds);
    CHECK_INT(s_dir_entries(dir), 0);
    const bool unmounted = umount(dir) == 0 || umount2(dir, MNT_DETACH) == 0;
    CHECK(unmounted);
}

/* Usage: test_strbuf [PARENT]: the buffers spill into a fresh directory
   under PARENT (default /tmp). PARENT is a file system without O_TMPFILE
   (test_reporter_notmpfile.sh): every spill file must then be named and
   unlinked, and the reserve's tmpfs is not mounted. */
int
main(int argc, char **argv)
{
    char dir[448]; /* the paths made from it have room in 512 bytes */
    const int n = snprintf(dir, sizeof dir, "%s/ratify-strbuf.XXXXXX", argc > 1 ? argv[1] : "/tmp");
    if (n < 0 || (size_t) n >= sizeof dir) {
        fprintf(stderr, "test_strbuf: the directory name is too long\n");
        return 1;
    }
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    s_expect_named = argc > 1;
    s_test_spill(dir);
    s_test_zero_and_caps(dir);
    s_test_no_dir(dir);
    s_test_write_error(dir);
    if (argc <= 1)
        s_test_reserve(dir);
    else
        printf("# the reserve not tested: a PARENT was given\n");
    CHECK_INT(s_dir_entries(dir), 0);
    /* FUSE removes a hidden name when the file's release reaches it, after
       close(2) has returned */
    int rc = rmdir(dir);
    for (int i = 0; i < 100 && rc != 0 && (errno == ENOTEMPTY || errno == EEXIST); i++) {
        usleep(20 * 1000);
        rc = rmdir(dir);
    }
    if (rc != 0)
        fprintf(stderr, "test_strbuf: cannot remove %s: %s\n", dir, strerror(errno));
    CHECK_INT(rc, 0);
    if (s_expect_named)
        printf("# every spill file was named .ratify-spill-* and unlinked\n");
    return check_report("test_strbuf");
}
