/*  view: the event mirror in SQLite and memory, and report building.

    The compact table (evtab.h, 24 bytes an event) holds `count` visible
    events followed by `staged` ones; every change to it (an append, which
    may move it, dropping what is staged, publishing a commit) happens
    under the mutex, so a reader holding the mutex sees a stable table of
    which it reads the first `count` events. An append waits for a report
    being built, as a commit already did; the lock costs some 20 ns an
    event otherwise. The fields a report never reads (the
    retraction's reason, the recording time) stay in the file only.

    The cursor lives in a one-row table beside the events, written in the
    same transaction, so an event skipped as unreadable is not asked for
    again after a restart. An appended event is always new (its seq above
    the cursor), so its row waits in the mirror's queue (evmirror.h:
    several events to an INSERT) until the commit flushes it. */
#include "view.h"

#include "db.h"
#include "evmirror.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* SQLite's page cache for this connection. The file is written in
   sequence order and read once, at open: a small cache loses nothing, and
   the default (2 MB) would stay resident. */
#define VIEW_CACHE_KIB 512

static const char *s_schema = EVMIRROR_SCHEMA "CREATE TABLE IF NOT EXISTS cursor ("
                                              "  id INTEGER PRIMARY KEY CHECK (id = 1),"
                                              "  seq INTEGER NOT NULL);";

enum { ST_CURSOR, ST_BEGIN, ST_COMMIT, ST_ROLLBACK, ST_COUNT };

static const char *s_sql[ST_COUNT] = {
    [ST_CURSOR] = "INSERT OR REPLACE INTO cursor (id, seq) VALUES (1, ?1)",
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
};

struct _view_t {
    const catalog_t *catalog;
    sqlite3 *db;
    sqlite3_stmt *st[ST_COUNT];
    evmirror_t *mirror; /* the staged events' rows not inserted yet */
    pthread_mutex_t lock;
    bool lock_ready;
    evtab_t *events; /* [0, count) visible, [count, count + staged) staged */
    size_t count, staged;
    uint64_t activity;  /* commits and reports so far (view_activity) */
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

/* Reads one stored row (seq, action, instrument, participant, date,
   retracts) into *ev: what a report reads; the reason and the recording
   time stay in the file. Returns 0, or -1 when it is malformed. Called
   once a row at start-up: no snprintf, no clearing of the whole event. */
static int
s_read_row(sqlite3_stmt *st, event_t *ev)
{
    ev->seq = sqlite3_column_int64(st, 0);
    const char *action = (const char *) sqlite3_column_text(st, 1);
    const char *instrument = (const char *) sqlite3_column_text(st, 2);
    const char *participant = (const char *) sqlite3_column_text(st, 3);
    const char *date = (const char *) sqlite3_column_text(st, 4);
    ev->action = action ? action_parse(action) : ACTION_NONE;
    if (ev->seq < 1 || ev->action == ACTION_NONE || !instrument || !participant)
        return -1;
    const size_t ilen = strlen(instrument), plen = strlen(participant);
    if (ilen >= sizeof ev->instrument || plen >= sizeof ev->participant)
        return -1;
    memcpy(ev->instrument, instrument, ilen + 1);
    memcpy(ev->participant, participant, plen + 1);
    ev->date = RDATE_NONE;
    if (date && rdate_parse(date, &ev->date) != 0)
        return -1;
    ev->retracts = sqlite3_column_int64(st, 5);
    ev->reason[0] = '\0';
    ev->recorded_ms = 0;
    return 0;
}

/* Loads every stored event and the cursor. Returns 0 or -1 with err.

   The scan reads each row with a step and six column calls. It runs on a
   read-only connection of its own, without mutexes (as db_open's are),
   used by this thread only and closed when done, so that its page cache
   goes with it. */
static int
s_load(view_t *self, const char *path, char *err, size_t errlen)
{
    sqlite3 *scan = NULL;
    sqlite3_stmt *st = NULL;
    int rc = -1;
    if (sqlite3_open_v2(path, &scan, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK
        || sqlite3_prepare_v2(scan,
                              "SELECT seq, action, instrument, participant, date, retracts"
                              " FROM events ORDER BY seq",
                              -1, &st, NULL)
               != SQLITE_OK) {
        snprintf(err, errlen, "cannot read %s: %s", path,
                 scan ? sqlite3_errmsg(scan) : "out of memory");
        goto done;
    }
    int step;
    event_t ev;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (s_read_row(st, &ev) != 0) {
            snprintf(err, errlen,
                     "%s: the row after event %lld is malformed (the file is a cache of the "
                     "registry's log: delete it and the reporter rebuilds it)",
                     path, (long long) self->last_seq);
            goto done;
        }
        /* no reader yet: no mutex needed */
        if (evtab_append(self->events, &ev) != 0) {
            snprintf(err, errlen, "out of memory loading %s", path);
            goto done;
        }
        self->count++;
        self->last_seq = ev.seq;
    }
    if (step != SQLITE_DONE) {
        snprintf(err, errlen, "cannot read %s: %s", path, sqlite3_errmsg(scan));
        goto done;
    }
    sqlite3_finalize(st);
    st = NULL;
    sqlite3_close(scan);
    scan = NULL;
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
    sqlite3_close(scan);
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
    self->events = evtab_new(catalog);
    if (!self->events) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    self->db = db_open(path, s_schema, err, errlen);
    if (!self->db)
        goto fail;
    char why[256];
    if (db_set_cache_kib(self->db, VIEW_CACHE_KIB, why, sizeof why) != 0) {
        snprintf(err, errlen, "cannot size the page cache of %s: %s", path, why);
        goto fail;
    }
    /* a cache of the registry's log that acknowledges nothing: its commits
       are not flushed, so they do not queue on the disk behind (or ahead
       of) the threshold service's, which holds the same event at the same
       moment; after a power cut the lost tail is read again */
    if (db_set_derived(self->db, why, sizeof why) != 0) {
        snprintf(err, errlen, "cannot configure %s: %s", path, why);
        goto fail;
    }
    if (db_prepare(self->db, s_sql, self->st, ST_COUNT, err, errlen) != 0
        || !(self->mirror = evmirror_new(self->db, err, errlen))
        || s_load(self, path, err, errlen) != 0)
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
    if (self->in_tx)
        db_run(self->st[ST_ROLLBACK], NULL, 0);
    db_finalize(self->st, ST_COUNT);
    evmirror_destroy(&self->mirror);
    db_close(&self->db);
    if (self->lock_ready)
        pthread_mutex_destroy(&self->lock);
    evtab_destroy(&self->events);
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

uint64_t
view_activity(view_t *self)
{
    pthread_mutex_lock(&self->lock);
    const uint64_t activity = self->activity;
    pthread_mutex_unlock(&self->lock);
    return activity;
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
    evmirror_drop(self->mirror);
    if (self->in_tx) {
        db_run(self->st[ST_ROLLBACK], NULL, 0);
        /* a failed COMMIT may already have ended the transaction */
        if (!sqlite3_get_autocommit(self->db))
            sqlite3_exec(self->db, "ROLLBACK", NULL, NULL, NULL);
    }
    self->in_tx = false;
    pthread_mutex_lock(&self->lock);
    evtab_truncate(self->events, self->count);
    pthread_mutex_unlock(&self->lock);
    self->staged = 0;
    self->staged_seq = self->last_seq;
}

/* Opens the write transaction when none is. Returns 0 or -1 with err. */
static int
s_begin(view_t *self, char *err, size_t errlen)
{
    if (self->in_tx)
        return 0;
    if (db_run(self->st[ST_BEGIN], err, errlen) != 0)
        return -1;
    self->in_tx = true;
    return 0;
}

int
view_append(view_t *self, const event_t *ev, char *err, size_t errlen)
{
    if (ev->seq <= self->staged_seq)
        return 0;
    if (s_begin(self, err, errlen) != 0 || evmirror_queue(self->mirror, ev, err, errlen) != 0)
        goto fail;
    pthread_mutex_lock(&self->lock);
    const int added = evtab_append(self->events, ev);
    pthread_mutex_unlock(&self->lock);
    if (added != 0) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
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
    if (evmirror_flush(self->mirror, err, errlen) != 0
        || db_run(self->st[ST_CURSOR], err, errlen) != 0
        || db_run(self->st[ST_COMMIT], err, errlen) != 0) {
        s_rollback(self);
        return -1;
    }
    self->in_tx = false;
    pthread_mutex_lock(&self->lock);
    self->count += self->staged;
    self->last_seq = self->staged_seq;
    self->activity++;
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
    report_t *report = report_new_from_table(self->events, self->count, as_of, error);
    self->activity++;
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
