/*  view: the event mirror in SQLite and memory, and report building.

    The array holds `count` visible events followed by `staged` ones that
    only the loop's thread reads; growing it (realloc) and publishing a
    commit happen under the mutex, so a reader holding the mutex sees a
    stable array of `count` events. The cursor lives in a one-row table
    beside the events, written in the same transaction, so an event skipped
    as unreadable is not asked for again after a restart. */
#include "view.h"

#include "db.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define VIEW_INITIAL_CAP 1024

static const char *s_schema =
    "CREATE TABLE IF NOT EXISTS events ("
    "  seq INTEGER PRIMARY KEY,"
    "  action TEXT NOT NULL,"
    "  instrument TEXT NOT NULL,"
    "  participant TEXT NOT NULL,"
    "  date TEXT,"
    "  retracts INTEGER,"
    "  reason TEXT,"
    "  recorded_ms INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS cursor ("
    "  id INTEGER PRIMARY KEY CHECK (id = 1),"
    "  seq INTEGER NOT NULL);";

enum { ST_INSERT, ST_CURSOR, ST_BEGIN, ST_COMMIT, ST_ROLLBACK, ST_COUNT };

static const char *s_sql[ST_COUNT] = {
    [ST_INSERT] = "INSERT OR IGNORE INTO events (seq, action, instrument, participant, date,"
                  " retracts, reason, recorded_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    [ST_CURSOR] = "INSERT OR REPLACE INTO cursor (id, seq) VALUES (1, ?1)",
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
};

struct _view_t {
    const catalog_t *catalog;
    sqlite3 *db;
    sqlite3_stmt *st[ST_COUNT];
    pthread_mutex_t lock;
    bool lock_ready;
    event_t *events; /* [0, count) visible, [count, count + staged) staged */
    size_t count, staged, cap;
    int64_t last_seq;   /* committed cursor */
    int64_t staged_seq; /* cursor including what is staged */
    bool in_tx;
};

static int64_t
s_clock_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Runs a statement without results. Returns 0 or -1 with err. */
static int
s_step(view_t *self, int which, char *err, size_t errlen)
{
    sqlite3_stmt *st = self->st[which];
    const int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        snprintf(err, errlen, "%s", sqlite3_errmsg(self->db));
        return -1;
    }
    return 0;
}

/* Reads one stored row into *ev. Returns 0, or -1 when it is malformed. */
static int
s_read_row(sqlite3_stmt *st, event_t *ev)
{
    memset(ev, 0, sizeof *ev);
    ev->seq = sqlite3_column_int64(st, 0);
    const char *action = (const char *) sqlite3_column_text(st, 1);
    const char *instrument = (const char *) sqlite3_column_text(st, 2);
    const char *participant = (const char *) sqlite3_column_text(st, 3);
    const char *date = (const char *) sqlite3_column_text(st, 4);
    const char *reason = (const char *) sqlite3_column_text(st, 6);
    ev->action = action ? action_parse(action) : ACTION_NONE;
    if (ev->seq < 1 || ev->action == ACTION_NONE || !instrument || !participant
        || strlen(instrument) >= sizeof ev->instrument
        || strlen(participant) >= sizeof ev->participant)
        return -1;
    snprintf(ev->instrument, sizeof ev->instrument, "%s", instrument);
    snprintf(ev->participant, sizeof ev->participant, "%s", participant);
    ev->date = RDATE_NONE;
    if (date && rdate_parse(date, &ev->date) != 0)
        return -1;
    ev->retracts = sqlite3_column_int64(st, 5);
    if (reason)
        snprintf(ev->reason, sizeof ev->reason, "%s", reason);
    ev->recorded_ms = sqlite3_column_int64(st, 7);
    return 0;
}

/* Makes room for one more event. Returns 0 or -1 (out of memory). */
static int
s_reserve(view_t *self)
{
    if (self->count + self->staged < self->cap)
        return 0;
    const size_t cap = self->cap ? self->cap * 2 : VIEW_INITIAL_CAP;
    pthread_mutex_lock(&self->lock);
    event_t *grown = realloc(self->events, cap * sizeof *grown);
    if (grown) {
        self->events = grown;
        self->cap = cap;
    }
    pthread_mutex_unlock(&self->lock);
    return grown ? 0 : -1;
}

/* Loads every stored event and the cursor. Returns 0 or -1 with err. */
static int
s_load(view_t *self, const char *path, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    int rc = -1;
    if (sqlite3_prepare_v2(self->db,
                           "SELECT seq, action, instrument, participant, date, retracts, reason,"
                           " recorded_ms FROM events ORDER BY seq",
                           -1, &st, NULL)
        != SQLITE_OK) {
        snprintf(err, errlen, "cannot read %s: %s", path, sqlite3_errmsg(self->db));
        goto done;
    }
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (s_reserve(self) != 0) {
            snprintf(err, errlen, "out of memory loading %s", path);
            goto done;
        }
        event_t *ev = &self->events[self->count];
        if (s_read_row(st, ev) != 0) {
            snprintf(err, errlen,
                     "%s: the row after event %lld is malformed (the file is a cache of the "
                     "registry's log: delete it and the reporter rebuilds it)",
                     path, (long long) self->last_seq);
            goto done;
        }
        self->count++;
        self->last_seq = ev->seq;
    }
    if (step != SQLITE_DONE) {
        snprintf(err, errlen, "cannot read %s: %s", path, sqlite3_errmsg(self->db));
        goto done;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (sqlite3_prepare_v2(self->db, "SELECT seq FROM cursor WHERE id = 1", -1, &st, NULL)
        != SQLITE_OK) {
        snprintf(err, errlen, "cannot read %s: %s", path, sqlite3_errmsg(self->db));
        goto done;
    }
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) > self->last_seq)
        self->last_seq = sqlite3_column_int64(st, 0);
    self->staged_seq = self->last_seq;
    rc = 0;
done:
    sqlite3_finalize(st);
    return rc;
}

view_t *
view_open(const char *path, const catalog_t *catalog, char *err, size_t errlen)
{
    view_t *self = calloc(1, sizeof *self);
    if (!self) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    self->catalog = catalog;
    if (pthread_mutex_init(&self->lock, NULL) != 0) {
        snprintf(err, errlen, "cannot create a mutex");
        goto fail;
    }
    self->lock_ready = true;
    self->db = db_open(path, s_schema, err, errlen);
    if (!self->db)
        goto fail;
    for (int i = 0; i < ST_COUNT; i++)
        if (sqlite3_prepare_v3(self->db, s_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &self->st[i],
                               NULL)
            != SQLITE_OK) {
            snprintf(err, errlen, "cannot prepare statement %d: %s", i, sqlite3_errmsg(self->db));
            goto fail;
        }
    if (s_load(self, path, err, errlen) != 0)
        goto fail;
    return self;
fail:
    view_destroy(&self);
    return NULL;
}

void
view_destroy(view_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    view_t *self = *self_p;
    if (self->in_tx) {
        char err[256];
        s_step(self, ST_ROLLBACK, err, sizeof err);
    }
    for (int i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(self->st[i]);
    db_close(&self->db);
    if (self->lock_ready)
        pthread_mutex_destroy(&self->lock);
    free(self->events);
    free(self);
    *self_p = NULL;
}

int64_t
view_last_seq(view_t *self)
{
    pthread_mutex_lock(&self->lock);
    const int64_t seq = self->last_seq;
    pthread_mutex_unlock(&self->lock);
    return seq;
}

size_t
view_count(view_t *self)
{
    pthread_mutex_lock(&self->lock);
    const size_t count = self->count;
    pthread_mutex_unlock(&self->lock);
    return count;
}

size_t
view_pending(const view_t *self)
{
    return self->staged;
}

/* Drops everything staged. */
static void
s_rollback(view_t *self)
{
    if (self->in_tx) {
        char err[256];
        s_step(self, ST_ROLLBACK, err, sizeof err);
        /* a failed COMMIT may already have ended the transaction */
        if (!sqlite3_get_autocommit(self->db))
            sqlite3_exec(self->db, "ROLLBACK", NULL, NULL, NULL);
    }
    self->in_tx = false;
    self->staged = 0;
    self->staged_seq = self->last_seq;
}

/* Opens the write transaction when none is. Returns 0 or -1 with err. */
static int
s_begin(view_t *self, char *err, size_t errlen)
{
    if (self->in_tx)
        return 0;
    if (s_step(self, ST_BEGIN, err, errlen) != 0)
        return -1;
    self->in_tx = true;
    return 0;
}

int
view_append(view_t *self, const event_t *ev, char *err, size_t errlen)
{
    if (ev->seq <= self->staged_seq)
        return 0;
    char date[RDATE_ISO_SIZE];
    sqlite3_stmt *st = self->st[ST_INSERT];
    if (s_begin(self, err, errlen) != 0)
        goto fail;
    if (s_reserve(self) != 0) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    sqlite3_bind_int64(st, 1, ev->seq);
    sqlite3_bind_text(st, 2, action_name(ev->action), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, ev->instrument, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, ev->participant, -1, SQLITE_TRANSIENT);
    if (ev->date == RDATE_NONE || !rdate_format(ev->date, date)[0])
        sqlite3_bind_null(st, 5);
    else
        sqlite3_bind_text(st, 5, date, -1, SQLITE_TRANSIENT);
    if (ev->action == ACTION_RETRACTION) {
        sqlite3_bind_int64(st, 6, ev->retracts);
        sqlite3_bind_text(st, 7, ev->reason, -1, SQLITE_TRANSIENT);
    }
    else {
        sqlite3_bind_null(st, 6);
        sqlite3_bind_null(st, 7);
    }
    sqlite3_bind_int64(st, 8, ev->recorded_ms);
    const int rc = s_step(self, ST_INSERT, err, errlen);
    sqlite3_clear_bindings(st);
    if (rc != 0)
        goto fail;
    /* Only the loop's thread reads staged slots, and s_reserve made room:
       no lock needed to fill one. */
    self->events[self->count + self->staged] = *ev;
    self->staged++;
    self->staged_seq = ev->seq;
    return 0;
fail:
    s_rollback(self);
    return -1;
}

int
view_skip(view_t *self, int64_t seq, char *err, size_t errlen)
{
    if (seq <= self->staged_seq)
        return 0;
    if (s_begin(self, err, errlen) != 0) {
        s_rollback(self);
        return -1;
    }
    self->staged_seq = seq;
    return 0;
}

int
view_commit(view_t *self, char *err, size_t errlen)
{
    if (!self->in_tx)
        return 0;
    sqlite3_bind_int64(self->st[ST_CURSOR], 1, self->staged_seq);
    if (s_step(self, ST_CURSOR, err, errlen) != 0 || s_step(self, ST_COMMIT, err, errlen) != 0) {
        s_rollback(self);
        return -1;
    }
    self->in_tx = false;
    pthread_mutex_lock(&self->lock);
    self->count += self->staged;
    self->last_seq = self->staged_seq;
    pthread_mutex_unlock(&self->lock);
    self->staged = 0;
    return 0;
}

report_t *
view_report(view_t *self, rdate_t as_of, int64_t *last_seq, int *error)
{
    pthread_mutex_lock(&self->lock);
    if (last_seq)
        *last_seq = self->last_seq;
    report_t *report = report_new(self->catalog, self->events, self->count, as_of, error);
    pthread_mutex_unlock(&self->lock);
    return report;
}

int
view_render(view_t *self, const reportreq_t *req, strbuf_t *out, view_info_t *info, char *err,
            size_t errlen)
{
    view_info_t local = {0};
    int error = REPORT_OK;
    const int64_t started = s_clock_us();
    report_t *report = view_report(self, req->as_of, &local.last_seq, &error);
    const int64_t built = s_clock_us();
    local.build_us = built - started;
    int rc = REPORTREQ_EINTERNAL;
    if (!report)
        snprintf(err, errlen, "the report model could not be built (%s)",
                 error == REPORT_ENOMEM    ? "out of memory"
                 : error == REPORT_EENGINE ? "the catalog's rules are inconsistent"
                                           : "bad date");
    else
        rc = reportreq_render(req, report, out, err, errlen);
    local.render_us = s_clock_us() - built;
    report_destroy(&report);
    if (info)
        *info = local;
    return rc;
}
