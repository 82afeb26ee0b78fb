/*  thstore: SQLite mirror and milestones. Statements are prepared once at
    open; every function resets its statement before returning.

    Inside a transaction, an event whose seq is above every seq held is
    new, so it is counted as stored at once and queued in the mirror
    (evmirror.h: several events to an INSERT), which is flushed before the
    COMMIT; any other event is inserted at once, after the queue, and the
    table says whether it was new, as before. Nothing stays queued across
    a COMMIT or ROLLBACK. A failed mirror write may have dropped queued
    events the caller was told were stored, so it marks the transaction
    failed: its COMMIT is refused and it must be rolled back. The file has
    one writer, this store, so the largest seq, read at the first event, is
    kept from one transaction to the next (read again after a rollback). */
#include "thstore.h"

#include "db.h"
#include "evmirror.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *s_schema = EVMIRROR_SCHEMA "CREATE TABLE IF NOT EXISTS milestones ("
                                              "  seq INTEGER PRIMARY KEY,"
                                              "  id TEXT NOT NULL UNIQUE,"
                                              "  kind TEXT NOT NULL,"
                                              "  instrument TEXT NOT NULL,"
                                              "  level INTEGER,"
                                              "  date TEXT,"
                                              "  body BLOB NOT NULL);";

/* The page cache holds what the service touches after start: the events
   table's last pages (appends) and the milestones table and its id index
   (appends, replays from a recent seq). The start-up scan reads each page
   once, so a larger cache would only keep those pages resident: SQLite's
   default (2 MB) was a tenth of the service's heap. */
#define THSTORE_CACHE_KIB 512

enum {
    ST_BEGIN,
    ST_COMMIT,
    ST_ROLLBACK,
    ST_CURSOR,
    ST_LAST_MILESTONE,
    ST_EVENTS,
    ST_ADD_MILESTONE,
    ST_MILESTONES,
    ST_SINCE,
    ST_COUNT
};

static const char *s_sql[ST_COUNT] = {
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    [ST_CURSOR] = "SELECT COALESCE(MAX(seq), 0) FROM events",
    [ST_LAST_MILESTONE] = "SELECT COALESCE(MAX(seq), 0) FROM milestones",
    [ST_EVENTS] = "SELECT seq, action, instrument, participant, date, retracts, reason,"
                  " recorded_ms FROM events ORDER BY seq",
    [ST_ADD_MILESTONE] = "INSERT INTO milestones (seq, id, kind, instrument, level, date, body)"
                         " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [ST_MILESTONES] = "SELECT seq, id, kind, instrument, level, date FROM milestones"
                      " ORDER BY seq",
    [ST_SINCE] = "SELECT seq, body FROM milestones WHERE seq >= ?1 ORDER BY seq LIMIT ?2",
};

struct _thstore_t {
    sqlite3 *db;
    sqlite3_stmt *st[ST_COUNT];
    evmirror_t *mirror;
    int64_t max_seq; /* the largest seq held, queued ones included; -1: not read yet */
    bool failed;     /* a mirror write of this transaction failed */
};

thstore_t *
thstore_open(const char *path, char *err, size_t errlen)
{
    thstore_t *self = calloc(1, sizeof *self);
    if (!self) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    self->max_seq = -1;
    self->db = db_open_cached(path, s_schema, THSTORE_CACHE_KIB, err, errlen);
    if (!self->db || db_prepare(self->db, s_sql, self->st, ST_COUNT, err, errlen) != 0
        || !(self->mirror = evmirror_new(self->db, err, errlen)))
        goto fail;
    return self;
fail:
    thstore_destroy(&self);
    return NULL;
}

void
thstore_destroy(thstore_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    thstore_t *self = *self_p;
    if (self->db && !sqlite3_get_autocommit(self->db))
        thstore_rollback(self);
    db_finalize(self->st, ST_COUNT);
    evmirror_destroy(&self->mirror);
    db_close(&self->db);
    free(self);
    *self_p = NULL;
}

int
thstore_begin(thstore_t *self, char *err, size_t errlen)
{
    self->failed = false;
    return db_run(self->st[ST_BEGIN], err, errlen);
}

int
thstore_commit(thstore_t *self, char *err, size_t errlen)
{
    if (self->failed)
        snprintf(err, errlen, "an event of this transaction could not be written");
    else if (evmirror_flush(self->mirror, err, errlen) == 0
             && db_run(self->st[ST_COMMIT], err, errlen) == 0)
        return 0;
    thstore_rollback(self);
    return -1;
}

void
thstore_rollback(thstore_t *self)
{
    if (self->mirror) /* NULL when thstore_open failed */
        evmirror_drop(self->mirror);
    self->max_seq = -1;
    self->failed = false;
    if (!sqlite3_get_autocommit(self->db))
        db_run(self->st[ST_ROLLBACK], NULL, 0);
}

/* Returns the statement's one integer, or -1 when it could not be read. */
static int64_t
s_scalar(thstore_t *self, int which)
{
    int64_t v;
    return db_scalar(self->st[which], &v) == 0 ? v : -1;
}

int64_t
thstore_cursor(thstore_t *self)
{
    /* the queued events are above every seq in the table */
    return evmirror_queued(self->mirror) > 0 ? self->max_seq : s_scalar(self, ST_CURSOR);
}

int64_t
thstore_last_milestone(thstore_t *self)
{
    return s_scalar(self, ST_LAST_MILESTONE);
}

static void
s_bind_date(sqlite3_stmt *st, int idx, rdate_t date)
{
    char buf[RDATE_ISO_SIZE];
    if (date == RDATE_NONE || !*rdate_format(date, buf))
        sqlite3_bind_null(st, idx);
    else
        sqlite3_bind_text(st, idx, buf, -1, SQLITE_TRANSIENT);
}

static rdate_t
s_column_date(sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    rdate_t d = RDATE_NONE;
    if (!t || rdate_parse((const char *) t, &d) != 0)
        return RDATE_NONE;
    return d;
}

int
thstore_add_event(thstore_t *self, const event_t *ev, char *err, size_t errlen)
{
    if (sqlite3_get_autocommit(self->db)) { /* no transaction: nothing may wait */
        if (evmirror_queued(self->mirror) > 0) {
            /* SQLite ended the transaction (an I/O error) and nobody
               rolled it back: its queued events are not in the file */
            evmirror_drop(self->mirror);
            snprintf(err, errlen, "the transaction ended before its events were written");
            return -1;
        }
        self->max_seq = -1; /* read again in the next transaction */
        return evmirror_insert(self->mirror, ev, err, errlen);
    }
    int rc;
    if (self->max_seq < 0 && (self->max_seq = s_scalar(self, ST_CURSOR)) < 0) {
        snprintf(err, errlen, "cannot read the last event mirrored: %s", sqlite3_errmsg(self->db));
        rc = -1;
    }
    else if (ev->seq > self->max_seq) { /* new: it may wait in the queue */
        self->max_seq = ev->seq;
        rc = evmirror_queue(self->mirror, ev, err, errlen) == 0 ? 1 : -1;
    }
    else /* at or below a seq held: the table says whether it is there */
        rc = evmirror_insert(self->mirror, ev, err, errlen);
    if (rc < 0)
        self->failed = true;
    return rc;
}

int
thstore_each_event(thstore_t *self, thstore_event_fn *fn, void *ctx)
{
    char err[256];
    if (evmirror_flush(self->mirror, err, sizeof err) != 0) {
        self->failed = true;
        return -1;
    }
    sqlite3_stmt *st = self->st[ST_EVENTS];
    int rc, result = 0;
    char action[32];
    event_t ev;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        memset(&ev, 0, sizeof ev);
        ev.seq = sqlite3_column_int64(st, 0);
        db_column_copy(st, 1, action, sizeof action);
        ev.action = action_parse(action);
        db_column_copy(st, 2, ev.instrument, sizeof ev.instrument);
        db_column_copy(st, 3, ev.participant, sizeof ev.participant);
        ev.date = s_column_date(st, 4);
        ev.retracts = sqlite3_column_int64(st, 5);
        db_column_copy(st, 6, ev.reason, sizeof ev.reason);
        ev.recorded_ms = sqlite3_column_int64(st, 7);
        if ((result = fn(ctx, &ev)) != 0)
            break;
    }
    if (result == 0 && rc != SQLITE_DONE)
        result = -1;
    sqlite3_reset(st);
    return result;
}

int
thstore_add_milestone(thstore_t *self, int64_t seq, const char *id, milestone_kind_t kind,
                      const char *instrument, int level, rdate_t date, const void *body,
                      size_t size, char *err, size_t errlen)
{
    sqlite3_stmt *st = self->st[ST_ADD_MILESTONE];
    sqlite3_bind_int64(st, 1, seq);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, milestone_kind_name(kind), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, instrument, -1, SQLITE_STATIC);
    if (kind == MILESTONE_APPROACHING)
        sqlite3_bind_int(st, 5, level);
    s_bind_date(st, 6, date);
    sqlite3_bind_blob(st, 7, body, (int) size, SQLITE_STATIC);
    return db_run(st, err, errlen);
}

int
thstore_each_milestone(thstore_t *self, thstore_milestone_fn *fn, void *ctx)
{
    sqlite3_stmt *st = self->st[ST_MILESTONES];
    int rc, result = 0;
    char id[MILESTONE_ID_MAX], kind[32], instrument[EVENT_INSTRUMENT_MAX];
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        db_column_copy(st, 1, id, sizeof id);
        db_column_copy(st, 2, kind, sizeof kind);
        db_column_copy(st, 3, instrument, sizeof instrument);
        if ((result = fn(ctx, sqlite3_column_int64(st, 0), id, milestone_kind_parse(kind),
                         instrument, sqlite3_column_int(st, 4), s_column_date(st, 5)))
            != 0)
            break;
    }
    if (result == 0 && rc != SQLITE_DONE)
        result = -1;
    sqlite3_reset(st);
    return result;
}

int
thstore_milestones_since(thstore_t *self, int64_t from, size_t limit, thstore_body_fn *fn,
                         void *ctx)
{
    sqlite3_stmt *st = self->st[ST_SINCE];
    sqlite3_bind_int64(st, 1, from);
    sqlite3_bind_int64(st, 2, (sqlite3_int64) limit);
    int rc, n = 0;
    bool stopped = false;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const void *data = sqlite3_column_blob(st, 1);
        const int size = sqlite3_column_bytes(st, 1);
        if (fn(ctx, sqlite3_column_int64(st, 0), data, (size_t) (size > 0 ? size : 0)) != 0) {
            stopped = true;
            break;
        }
        n++;
    }
    if (!stopped && rc != SQLITE_DONE)
        n = -1;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return n;
}
