/*  db: open with durable pragmas and a preallocated WAL (db.h says why);
    WAL checkpoints on a thread of their own.

    SQLite's automatic checkpoint runs inside the COMMIT that takes the WAL
    past 1,000 pages: that commit then also writes every changed page into
    the database file and fsyncs it twice, on the thread that is about to
    publish or acknowledge. Here the connection's WAL hook only notes the
    WAL's size; past S_CKPT_PAGES it wakes a checkpointer thread, started on
    first need, which runs a PASSIVE checkpoint on its own connection (a
    PASSIVE checkpoint never blocks the writer); only a WAL four times that
    size, when writes never pause long enough for the thread to reach its
    end, is checkpointed in the commit. The hook's argument is the
    checkpointer itself, which is how db_close finds it again: sqlite3_wal_hook
    returns the previous argument. */
#include "db.h"
#include "log.h"
#include "service.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define S_CKPT_PAGES 1000 /* SQLite's own default threshold */
/* A writer that never pauses can keep a PASSIVE checkpoint from ever
   reaching the WAL's end, and the WAL is only restarted from its beginning
   once one has: past this size the committing thread checkpoints itself,
   as SQLite would have, so the WAL stays bounded under any load. */
#define S_CKPT_INLINE_PAGES (4 * S_CKPT_PAGES)
/* The WAL db_open preallocates: the pages the checkpointer lets it reach
   between two checkpoints, and some for the commits that cross the mark.
   The sizes are SQLite's WAL format's (https://sqlite.org/fileformat.html). */
#define S_WAL_PAGES        (S_CKPT_PAGES + 64LL)
#define S_WAL_HEADER       32
#define S_WAL_FRAME_HEADER 24
/* A database db_open creates is its owner's alone (db.h) */
#define S_DB_MODE 0600

typedef struct {
    char *path;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t thread;
    bool started; /* the thread runs (started on the first checkpoint due) */
    bool failed;  /* it could not start: checkpoint inline, as SQLite would */
    bool due;     /* a checkpoint is asked for */
    bool stop;
} s_ckpt_t;

/* The checkpointer thread: waits for a request, runs a PASSIVE checkpoint
   on its own connection (opened on the first one), until asked to stop. A
   busy or failed checkpoint is simply tried again at the next request. */
static void *
s_ckpt_run(void *arg)
{
    s_ckpt_t *self = arg;
    sqlite3 *db = NULL;
    pthread_mutex_lock(&self->lock);
    while (!self->stop) {
        if (!self->due) {
            pthread_cond_wait(&self->wake, &self->lock);
            continue;
        }
        self->due = false;
        pthread_mutex_unlock(&self->lock);
        if (!db
            && sqlite3_open_v2(self->path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL)
                   != SQLITE_OK) {
            sqlite3_close(db);
            db = NULL;
        }
        if (db) {
            sqlite3_busy_timeout(db, 1000);
            /* a connection that has read nothing yet does not know the
               file is in WAL mode, and its checkpoint would do nothing */
            sqlite3_exec(db, "PRAGMA schema_version", NULL, NULL, NULL);
            sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        }
        pthread_mutex_lock(&self->lock);
    }
    pthread_mutex_unlock(&self->lock);
    sqlite3_close(db);
    return NULL;
}

/* The WAL hook: called by SQLite after each commit with the WAL's size in
   pages. Returns SQLITE_OK (a hook's error would be the commit's). */
static int
s_ckpt_hook(void *arg, sqlite3 *db, const char *schema, int pages)
{
    s_ckpt_t *self = arg;
    if (pages < S_CKPT_PAGES)
        return SQLITE_OK;
    pthread_mutex_lock(&self->lock);
    if (!self->started && !self->failed) {
        sigset_t old; /* the thread takes no SIGINT or SIGTERM */
        service_block_stop_signals(&old);
        if (pthread_create(&self->thread, NULL, s_ckpt_run, self) == 0)
            self->started = true;
        else
            self->failed = true;
        pthread_sigmask(SIG_SETMASK, &old, NULL);
    }
    const bool inline_ = self->failed || pages >= S_CKPT_INLINE_PAGES;
    if (!inline_) {
        self->due = true;
        pthread_cond_signal(&self->wake);
    }
    pthread_mutex_unlock(&self->lock);
    if (inline_)
        sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    return SQLITE_OK;
}

/* Returns a checkpointer for the database at path (no thread yet), or NULL
   when out of memory. */
static s_ckpt_t *
s_ckpt_new(const char *path)
{
    s_ckpt_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->path = strdup(path);
    if (!self->path) {
        free(self);
        return NULL;
    }
    pthread_mutex_init(&self->lock, NULL);
    pthread_cond_init(&self->wake, NULL);
    return self;
}

/* Stops the thread (after the checkpoint it is running, if any) and frees
   the checkpointer; accepts NULL. */
static void
s_ckpt_destroy(s_ckpt_t **self_p)
{
    s_ckpt_t *self = *self_p;
    if (!self)
        return;
    pthread_mutex_lock(&self->lock);
    self->stop = true;
    pthread_cond_signal(&self->wake);
    const bool started = self->started;
    pthread_mutex_unlock(&self->lock);
    if (started)
        pthread_join(self->thread, NULL);
    pthread_cond_destroy(&self->wake);
    pthread_mutex_destroy(&self->lock);
    free(self->path);
    free(self);
    *self_p = NULL;
}

/* The WAL's size in bytes, or -1 when it cannot be read (errno set). */
static long long
s_file_size(int fd)
{
    struct stat sb;
    return fstat(fd, &sb) == 0 ? (long long) sb.st_size : -1;
}

/* Writes zeros at the end of the open WAL fd until it holds `target`
   bytes, then flushes them. Returns 0, or -1 with errno set and the file
   cut back to its size before (a full disk keeps its room for the
   commits). */
static int
s_zero_fill(int fd, long long target)
{
    static const char zeros[64 * 1024];
    const long long before = s_file_size(fd);
    if (before < 0)
        return -1;
    for (long long at = before; at < target;) {
        const long long left = target - at;
        const size_t n = left < (long long) sizeof zeros ? (size_t) left : sizeof zeros;
        const ssize_t w = pwrite(fd, zeros, n, (off_t) at);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            const int saved = w < 0 ? errno : ENOSPC;
            if (ftruncate(fd, (off_t) before) != 0) {
                /* the zeros stay: SQLite ignores them */
            }
            errno = saved;
            return -1;
        }
        at += w;
    }
    return before < target ? fdatasync(fd) : 0;
}

/* Preallocates the WAL of the open database at path (see db.h). Returns 0
   when the WAL holds its preallocated size or more, -1 with a reason in err
   when it could not (the database works without), or -2 when the
   connection is left unusable. */
static int
s_wal_preallocate(sqlite3 *db, const char *path, char *err, size_t errlen)
{
    char wal[4096];
    if (snprintf(wal, sizeof wal, "%s-wal", path) >= (int) sizeof wal) {
        snprintf(err, errlen, "path too long");
        return -1;
    }
    sqlite3_stmt *st = NULL;
    long long page = 0;
    if (sqlite3_prepare_v2(db, "PRAGMA page_size", -1, &st, NULL) == SQLITE_OK
        && sqlite3_step(st) == SQLITE_ROW)
        page = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (page <= 0) {
        snprintf(err, errlen, "cannot read the page size: %s", sqlite3_errmsg(db));
        return -1;
    }
    const long long target = S_WAL_HEADER + S_WAL_PAGES * (page + S_WAL_FRAME_HEADER);
    const int fd = open(wal, O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open it: %s", strerror(errno));
        return -1;
    }
    int rc = 0;
    if (s_file_size(fd) < target) {
        /* the write lock: no connection appends a frame while the zeros go
           in after the file's end (a frame's place there is only taken
           under this lock) */
        char why[192];
        if (db_exec(db, "BEGIN IMMEDIATE", why, sizeof why) != 0) {
            snprintf(err, errlen, "%s", why);
            rc = -1;
        }
        else {
            if (s_zero_fill(fd, target) != 0) {
                snprintf(err, errlen, "cannot write it: %s", strerror(errno));
                rc = -1;
            }
            /* it wrote nothing; a transaction left open would hold the
               write lock for ever */
            if (db_exec(db, "ROLLBACK", why, sizeof why) != 0 && !sqlite3_get_autocommit(db)) {
                snprintf(err, errlen, "cannot end its transaction: %s", why);
                rc = -2;
            }
        }
    }
    close(fd);
    return rc;
}

int
db_exec(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errlen, "%s", msg ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

/* Turns SQLite's memory statistics off, before its first use in the
   process (sqlite3_config is refused once SQLite is initialised: then
   they stay on, and nothing else changes). Nothing here reads them, and
   they take a process-wide mutex at every allocation and free. */
static void
s_sqlite_setup(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/* Creates the database file at path, empty and readable by its owner
   only, when there is none (SQLite reads an empty file as an empty
   database, and gives its WAL and shared-memory files the database's
   mode). Returns 0, or -1 with errno set; an existing file is left as it
   is. */
static int
s_create_private(const char *path)
{
    const int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, S_DB_MODE);
    if (fd < 0)
        return errno == EEXIST ? 0 : -1;
    close(fd);
    return 0;
}

int
db_make_private(const char *path, char *err, size_t errlen)
{
    static const char *const suffix[] = {"", "-wal", "-shm"};
    int changed = 0;
    for (size_t i = 0; i < sizeof suffix / sizeof *suffix; i++) {
        char file[4096];
        if (snprintf(file, sizeof file, "%s%s", path, suffix[i]) >= (int) sizeof file) {
            snprintf(err, errlen, "path too long");
            return -1;
        }
        struct stat sb;
        if (stat(file, &sb) != 0) {
            if (errno == ENOENT)
                continue;
            snprintf(err, errlen, "cannot read the mode of %s: %s", file, strerror(errno));
            return -1;
        }
        if ((sb.st_mode & 077) == 0)
            continue;
        if (chmod(file, sb.st_mode & 0700) != 0) {
            snprintf(err, errlen, "cannot make %s readable by its owner only (mode %04o): %s", file,
                     (unsigned) (sb.st_mode & 07777), strerror(errno));
            return -1;
        }
        changed++;
    }
    return changed;
}

sqlite3 *
db_open(const char *path, const char *schema, char *err, size_t errlen)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, s_sqlite_setup);
    sqlite3 *db = NULL;
    if (s_create_private(path) != 0) {
        snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
        return NULL;
    }
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL)
        != SQLITE_OK) {
        snprintf(err, errlen, "cannot open %s: %s", path,
                 db ? sqlite3_errmsg(db) : "out of memory");
        goto fail;
    }
    sqlite3_busy_timeout(db, 5000);
    sqlite3_extended_result_codes(db, 1);
    char why[256];
    if (db_exec(db,
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=FULL;"
                "PRAGMA foreign_keys=ON;",
                why, sizeof why)
        != 0) {
        snprintf(err, errlen, "cannot configure %s: %s", path, why);
        goto fail;
    }
    if (schema && db_exec(db, schema, why, sizeof why) != 0) {
        snprintf(err, errlen, "cannot create the schema in %s: %s", path, why);
        goto fail;
    }
    const int pre = s_wal_preallocate(db, path, why, sizeof why);
    if (pre == -2) {
        snprintf(err, errlen, "cannot open %s: %s", path, why);
        goto fail;
    }
    if (pre != 0)
        log_warn("cannot preallocate the write-ahead log of %s (%s): its first commits will "
                 "append to it, at a higher cost",
                 path, why);
    s_ckpt_t *ckpt = s_ckpt_new(path);
    if (!ckpt) {
        snprintf(err, errlen, "cannot open %s: out of memory", path);
        goto fail;
    }
    sqlite3_wal_hook(db, s_ckpt_hook, ckpt); /* replaces the automatic checkpoint */
    return db;
fail:
    sqlite3_close(db);
    return NULL;
}

sqlite3 *
db_open_cached(const char *path, const char *schema, int cache_kib, char *err, size_t errlen)
{
    sqlite3 *db = db_open(path, schema, err, errlen);
    char why[256];
    if (db && db_set_cache_kib(db, cache_kib, why, sizeof why) != 0) {
        snprintf(err, errlen, "cannot size the page cache: %s", why);
        db_close(&db);
    }
    return db;
}

int
db_set_cache_kib(sqlite3 *db, int kib, char *err, size_t errlen)
{
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA cache_size = -%d;", kib);
    return db_exec(db, sql, err, errlen);
}

int
db_set_derived(sqlite3 *db, char *err, size_t errlen)
{
    return db_exec(db, "PRAGMA synchronous=NORMAL;", err, errlen);
}

void
db_close(sqlite3 **db_p)
{
    if (!db_p || !*db_p)
        return;
    /* the previous hook argument is our checkpointer (db_open set it) */
    s_ckpt_t *ckpt = sqlite3_wal_hook(*db_p, NULL, NULL);
    s_ckpt_destroy(&ckpt);
    sqlite3_close(*db_p);
    *db_p = NULL;
}

int
db_prepare(sqlite3 *db, const char *const *sql, sqlite3_stmt **st, int count, char *err,
           size_t errlen)
{
    for (int i = 0; i < count; i++)
        if (sqlite3_prepare_v3(db, sql[i], -1, SQLITE_PREPARE_PERSISTENT, &st[i], NULL)
            != SQLITE_OK) {
            snprintf(err, errlen, "cannot prepare statement %d: %s", i, sqlite3_errmsg(db));
            return -1;
        }
    return 0;
}

void
db_finalize(sqlite3_stmt **st, int count)
{
    for (int i = 0; i < count; i++) {
        sqlite3_finalize(st[i]);
        st[i] = NULL;
    }
}

int
db_run(sqlite3_stmt *st, char *err, size_t errlen)
{
    const int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_DONE) {
        /* the reset keeps the step's error for sqlite3_errmsg */
        if (err)
            snprintf(err, errlen, "%s", sqlite3_errmsg(sqlite3_db_handle(st)));
        return -1;
    }
    return 0;
}

int
db_scalar(sqlite3_stmt *st, int64_t *out)
{
    const int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 0 : -1;
}

void
db_column_copy(sqlite3_stmt *st, int col, char *buf, size_t cap)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    size_t n = t ? (size_t) sqlite3_column_bytes(st, col) : 0;
    if (n >= cap)
        n = cap - 1;
    if (n)
        memcpy(buf, t, n);
    buf[n] = '\0';
}

int
db_integrity_ok(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    int ok = -1;
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK
        && sqlite3_step(st) == SQLITE_ROW) {
        const unsigned char *r = sqlite3_column_text(st, 0);
        ok = r && strcmp((const char *) r, "ok") == 0 ? 0 : -1;
    }
    sqlite3_finalize(st);
    return ok;
}
