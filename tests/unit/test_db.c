/*  test_db: db_open's durable settings, WAL checkpoints that run on the
    checkpointer thread, never in the commit that crosses the mark, and the
    statement-table helpers, on a real SQLite file. */
#include "check.h"
#include "db.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BLOB_BYTES (64 * 1024) /* 16 pages and more a commit */
#define ROUND      80          /* commits a round: ~1,300 pages of WAL */

static long long
s_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long long) st.st_size : -1;
}

static int
s_round(sqlite3 *db)
{
    static unsigned char blob[BLOB_BYTES];
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "INSERT INTO t (b) VALUES (?)", -1, &st, NULL) != SQLITE_OK)
        return -1;
    int rc = 0;
    for (int i = 0; i < ROUND && rc == 0; i++) {
        blob[i % BLOB_BYTES] ^= 1; /* every row different */
        sqlite3_bind_blob(st, 1, blob, sizeof blob, SQLITE_STATIC);
        rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1; /* autocommit: one commit */
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return rc;
}

/* Waits (up to 20 s) until the database file holds at least `bytes`:
   the pages reached it from the WAL, which only a checkpoint does. */
static int
s_wait_size(const char *path, long long bytes)
{
    for (int i = 0; i < 2000; i++) {
        if (s_size(path) >= bytes)
            return 0;
        nanosleep(&(struct timespec){.tv_nsec = 10 * 1000 * 1000}, NULL);
    }
    return -1;
}

static long long
s_count(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    long long n = -1;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM t", -1, &st, NULL) == SQLITE_OK
        && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static void
test_pragmas_and_close(const char *dir)
{
    char path[512], err[256];
    snprintf(path, sizeof path, "%s/p.db", dir);
    sqlite3 *db = db_open(path, "CREATE TABLE IF NOT EXISTS t (b BLOB)", err, sizeof err);
    CHECK(db != NULL);
    sqlite3_stmt *st = NULL;
    CHECK_INT(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
    CHECK_INT(sqlite3_step(st), SQLITE_ROW);
    CHECK_STR((const char *) sqlite3_column_text(st, 0), "wal");
    sqlite3_finalize(st);
    CHECK_INT(sqlite3_prepare_v2(db, "PRAGMA synchronous", -1, &st, NULL), SQLITE_OK);
    CHECK_INT(sqlite3_step(st), SQLITE_ROW);
    CHECK_INT(sqlite3_column_int(st, 0), 2); /* FULL */
    sqlite3_finalize(st);
    /* a capped page cache (negative: KiB) */
    CHECK_INT(db_set_cache_kib(db, 512, err, sizeof err), 0);
    CHECK_INT(sqlite3_prepare_v2(db, "PRAGMA cache_size", -1, &st, NULL), SQLITE_OK);
    CHECK_INT(sqlite3_step(st), SQLITE_ROW);
    CHECK_INT(sqlite3_column_int(st, 0), -512);
    sqlite3_finalize(st);

    /* a derived database: commits are not flushed */
    CHECK_INT(db_set_derived(db, err, sizeof err), 0);
    CHECK_INT(sqlite3_prepare_v2(db, "PRAGMA synchronous", -1, &st, NULL), SQLITE_OK);
    CHECK_INT(sqlite3_step(st), SQLITE_ROW);
    CHECK_INT(sqlite3_column_int(st, 0), 1); /* NORMAL */
    sqlite3_finalize(st);
    db_close(&db); /* no checkpoint ever due: no thread to stop */
    CHECK(db == NULL);
    db_close(&db); /* NULL is accepted */
    db_close(NULL);

    /* a bad schema: NULL and a reason */
    err[0] = '\0';
    CHECK(db_open(path, "CREATE NONSENSE", err, sizeof err) == NULL);
    CHECK(strstr(err, "schema") != NULL);
}

/* The mode bits of path, or -1 when it cannot be read. */
static int
s_mode(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (int) (st.st_mode & 07777) : -1;
}

/* A database db_open creates is its owner's only, with its WAL and shm,
   whatever the umask; an existing one keeps its mode until
   db_make_private narrows it. */
static void
test_private_files(const char *dir)
{
    char path[512], wal[520], shm[520], err[256];
    snprintf(path, sizeof path, "%s/m.db", dir);
    snprintf(wal, sizeof wal, "%s-wal", path);
    snprintf(shm, sizeof shm, "%s-shm", path);
    const mode_t old = umask(0); /* a umask that would leave it open to all */
    sqlite3 *db = db_open(path, "CREATE TABLE IF NOT EXISTS t (b BLOB)", err, sizeof err);
    CHECK(db != NULL);
    CHECK_INT(db_exec(db, "INSERT INTO t VALUES (x'00')", err, sizeof err), 0);
    CHECK_INT(s_mode(path), 0600);
    CHECK_INT(s_mode(wal), 0600);
    CHECK_INT(s_mode(shm), 0600);
    CHECK_INT(db_make_private(path, err, sizeof err), 0); /* nothing to narrow */
    db_close(&db);

    /* an existing database keeps its mode; db_make_private narrows it and
       its WAL and shm, which SQLite then keeps */
    CHECK_INT(chmod(path, 0664), 0);
    db = db_open(path, NULL, err, sizeof err);
    CHECK(db != NULL);
    CHECK_INT(s_mode(path), 0664);
    CHECK_INT(s_mode(wal), 0664);
    CHECK_INT(db_make_private(path, err, sizeof err), 3);
    CHECK_INT(s_mode(path), 0600);
    CHECK_INT(s_mode(wal), 0600);
    CHECK_INT(s_mode(shm), 0600);
    CHECK_INT(db_exec(db, "INSERT INTO t VALUES (x'01')", err, sizeof err), 0);
    db_close(&db);
    CHECK_INT(s_mode(path), 0600);
    umask(old);

    /* no database yet: nothing changed; an unreadable directory: a reason */
    snprintf(path, sizeof path, "%s/none.db", dir);
    CHECK_INT(db_make_private(path, err, sizeof err), 0);
    snprintf(path, sizeof path, "%s/no-such-dir/x.db", dir);
    err[0] = '\0';
    CHECK(db_open(path, NULL, err, sizeof err) == NULL);
    CHECK(strstr(err, "cannot create") != NULL && strstr(err, "x.db") != NULL);
}

static void
test_checkpoint_off_the_commit(const char *dir)
{
    char path[512], wal[520], err[256];
    snprintf(path, sizeof path, "%s/c.db", dir);
    snprintf(wal, sizeof wal, "%s-wal", path);
    sqlite3 *db = db_open(path, "CREATE TABLE IF NOT EXISTS t (b BLOB)", err, sizeof err);
    CHECK(db != NULL);
    if (!db)
        return;
    const long long before = s_size(path);

    /* past 1,000 pages of WAL, with the connection kept open and nobody
       asking for a checkpoint: the pages still reach the database file */
    CHECK_INT(s_round(db), 0);
    CHECK_INT(s_wait_size(path, before + (long long) ROUND * BLOB_BYTES), 0);
    CHECK(s_size(wal) > 0);

    /* a writer that never pauses, ~10,000 pages more: the WAL stays bounded
       near 4,000 pages (a few commits more when the thread is checkpointing
       at that moment), whether or not the thread's checkpoints reach its end */
    for (int r = 0; r < 8; r++)
        CHECK_INT(s_round(db), 0);
    CHECK(s_size(wal) <= 6000LL * (4096 + 24) + 32);
    CHECK_INT(s_count(db), 9 * ROUND);

    /* closing stops the thread (ASan/LSan: nothing leaks) and, as the last
       connection, checkpoints and removes the WAL */
    db_close(&db);
    CHECK(db == NULL);
    CHECK(access(wal, F_OK) != 0);

    /* everything is there on reopening */
    db = db_open(path, NULL, err, sizeof err);
    CHECK(db != NULL);
    CHECK_INT(s_count(db), 9 * ROUND);
    db_close(&db);
}

/* Inserts n small rows, each in a commit of its own. Returns 0 or -1. */
static int
s_insert_small(sqlite3 *db, int n)
{
    for (int i = 0; i < n; i++)
        if (sqlite3_exec(db, "INSERT INTO t (b) VALUES (x'0102')", NULL, NULL, NULL) != SQLITE_OK)
            return -1;
    return 0;
}

/* A process that opens the database at path, commits n small rows and ends
   without closing it (as if killed: its WAL is left as it is). Returns 0
   when it did, -1 otherwise. */
static int
s_killed_after_inserts(const char *path, int n)
{
    const pid_t child = fork();
    if (child == 0) {
        char err[256];
        sqlite3 *db = db_open(path, NULL, err, sizeof err);
        _exit(db && s_insert_small(db, n) == 0 ? 0 : 1); /* no close */
    }
    int status = -1;
    if (child < 0 || waitpid(child, &status, 0) != child)
        return -1;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static void
test_wal_preallocated(const char *dir)
{
    /* the size db.c preallocates: 1,064 frames of a 4 KiB page and its
       24-byte header, after the WAL's 32-byte header */
    const long long prealloc = 32 + 1064LL * (4096 + 24);
    char path[512], wal[520], err[256];
    snprintf(path, sizeof path, "%s/w.db", dir);
    snprintf(wal, sizeof wal, "%s-wal", path);

    /* a new database: its WAL has the room for its first commits already,
       and they do not make it longer */
    sqlite3 *db = db_open(path, "CREATE TABLE IF NOT EXISTS t (b BLOB)", err, sizeof err);
    CHECK(db != NULL);
    if (!db)
        return;
    CHECK_INT(s_size(wal), prealloc);
    CHECK_INT(s_insert_small(db, 50), 0);
    CHECK_INT(s_size(wal), prealloc);
    CHECK_INT(s_count(db), 50);

    /* a second connection to it (the notifier's deliverer has one) neither
       waits for the first nor writes the zeros again */
    sqlite3 *other = db_open(path, NULL, err, sizeof err);
    CHECK(other != NULL);
    CHECK_INT(s_count(other), 50);
    db_close(&other);

    /* a process killed after its commits, the WAL not checkpointed and
       zeros after its last frame: the next db_open finds every commit */
    CHECK_INT(s_killed_after_inserts(path, 25), 0);
    db_close(&db); /* the last connection: checkpoints, removes the WAL */
    CHECK(access(wal, F_OK) != 0);

    db = db_open(path, NULL, err, sizeof err);
    CHECK(db != NULL);
    if (!db)
        return;
    CHECK_INT(s_count(db), 75);
    CHECK_INT(db_integrity_ok(db), 0);
    CHECK_INT(s_size(wal), prealloc); /* written again */

    /* a process killed with its WAL holding frames then zeros, and no
       other connection: the recovery at the next open reads the frames
       and stops at the zeros */
    db_close(&db);
    CHECK_INT(s_killed_after_inserts(path, 10), 0);
    CHECK_INT(s_size(wal), prealloc);
    db = db_open(path, NULL, err, sizeof err);
    CHECK(db != NULL);
    if (!db)
        return;
    CHECK_INT(s_count(db), 85);
    CHECK_INT(db_integrity_ok(db), 0);
    db_close(&db);
}

/* A store's statement table through db_prepare, db_run, db_scalar,
   db_column_copy and db_finalize, on a file from db_open_cached. */
static void
test_statement_table(const char *dir)
{
    enum { T_CACHE, T_ADD, T_ROWS, T_NAME, T_COUNT };
    static const char *const sql[T_COUNT] = {
        [T_CACHE] = "PRAGMA cache_size",
        [T_ADD] = "INSERT INTO k (name) VALUES (?1)",
        [T_ROWS] = "SELECT count(*) FROM k",
        [T_NAME] = "SELECT name FROM k WHERE id = ?1",
    };
    char path[512], err[256];
    snprintf(path, sizeof path, "%s/s.db", dir);
    sqlite3 *db = db_open_cached(path,
                                 "CREATE TABLE IF NOT EXISTS k (id INTEGER PRIMARY KEY,"
                                 " name TEXT UNIQUE)",
                                 256, err, sizeof err);
    CHECK(db != NULL);
    if (!db)
        return;
    sqlite3_stmt *st[T_COUNT];
    CHECK_INT(db_prepare(db, sql, st, T_COUNT, err, sizeof err), 0);
    int64_t n = 0;
    CHECK_INT(db_scalar(st[T_CACHE], &n), 0);
    CHECK_INT(n, -256); /* db_open_cached capped it (negative: KiB) */

    /* db_run clears the bindings after the step: run again unbound, the
       row's name is NULL */
    sqlite3_bind_text(st[T_ADD], 1, "a fairly long name", -1, SQLITE_STATIC);
    CHECK_INT(db_run(st[T_ADD], err, sizeof err), 0);
    CHECK_INT(db_run(st[T_ADD], err, sizeof err), 0);
    CHECK_INT(db_scalar(st[T_ROWS], &n), 0);
    CHECK_INT(n, 2);
    /* a step that fails: -1 with SQLite's reason, or without one */
    sqlite3_bind_text(st[T_ADD], 1, "a fairly long name", -1, SQLITE_STATIC);
    err[0] = '\0';
    CHECK_INT(db_run(st[T_ADD], err, sizeof err), -1);
    CHECK(strstr(err, "UNIQUE") != NULL);
    sqlite3_bind_text(st[T_ADD], 1, "a fairly long name", -1, SQLITE_STATIC);
    CHECK_INT(db_run(st[T_ADD], NULL, 0), -1);
    CHECK_INT(db_scalar(st[T_ROWS], &n), 0); /* reset after the failures: usable */
    CHECK_INT(n, 2);

    /* db_scalar with no row: -1, *out as it was */
    sqlite3_bind_int64(st[T_NAME], 1, 99);
    CHECK_INT(db_scalar(st[T_NAME], &n), -1);
    CHECK_INT(n, 2);

    /* db_column_copy: cut to the buffer, and NULL as "" */
    char small[8], name[64] = "x";
    sqlite3_bind_int64(st[T_NAME], 1, 1);
    CHECK_INT(sqlite3_step(st[T_NAME]), SQLITE_ROW);
    db_column_copy(st[T_NAME], 0, small, sizeof small);
    CHECK_STR(small, "a fairl");
    db_column_copy(st[T_NAME], 0, name, sizeof name);
    CHECK_STR(name, "a fairly long name");
    sqlite3_reset(st[T_NAME]);
    sqlite3_bind_int64(st[T_NAME], 1, 2);
    CHECK_INT(sqlite3_step(st[T_NAME]), SQLITE_ROW);
    db_column_copy(st[T_NAME], 0, name, sizeof name);
    CHECK_STR(name, "");
    sqlite3_reset(st[T_NAME]);

    db_finalize(st, T_COUNT);
    CHECK(st[T_CACHE] == NULL && st[T_NAME] == NULL);
    db_finalize(st, T_COUNT); /* twice: harmless */

    /* a statement that does not compile: its index and SQLite's reason,
       and what was prepared before it is the caller's to finalise */
    static const char *const bad[2] = {"SELECT 1", "SELECT x FROM nowhere"};
    sqlite3_stmt *half[2] = {NULL, NULL};
    CHECK_INT(db_prepare(db, bad, half, 2, err, sizeof err), -1);
    CHECK(strstr(err, "statement 1") != NULL && strstr(err, "nowhere") != NULL);
    CHECK(half[0] != NULL && half[1] == NULL);
    db_finalize(half, 2);
    db_close(&db);
}

int
main(void)
{
    char dir[] = "/tmp/ratify-test-db-XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    test_pragmas_and_close(dir);
    test_private_files(dir);
    test_checkpoint_off_the_commit(dir);
    test_wal_preallocated(dir);
    test_statement_table(dir);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", dir);
    return check_report("db");
}
