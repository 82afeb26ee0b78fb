/*  evmirror: see evmirror.h. */
#include "evmirror.h"

#include "db.h"
#include "rdate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EVMIRROR_FIELDS 8 /* columns bound per event */

struct _evmirror_t {
    sqlite3 *db;
    sqlite3_stmt *one;            /* INSERT OR IGNORE of one event */
    sqlite3_stmt *rows;           /* ... of EVMIRROR_ROWS events */
    event_t queue[EVMIRROR_ROWS]; /* events not inserted yet */
    size_t nqueue;
    char dates[EVMIRROR_ROWS][RDATE_ISO_SIZE]; /* their dates, as bound */
};

/* Prepares `INSERT OR IGNORE ... VALUES` with n rows of parameters into
   *st. Returns 0, or -1 with the reason in err. */
static int
s_prepare(sqlite3 *db, int n, sqlite3_stmt **st, char *err, size_t errlen)
{
    static const char head[] = "INSERT OR IGNORE INTO events (seq, action, instrument, "
                               "participant, date, retracts, reason, recorded_ms) VALUES ";
    static const char row[] = "(?,?,?,?,?,?,?,?),";
    char sql[sizeof head + EVMIRROR_ROWS * (sizeof row - 1)];
    size_t len = sizeof head - 1;
    memcpy(sql, head, len);
    for (int i = 0; i < n; i++, len += sizeof row - 1)
        memcpy(sql + len, row, sizeof row - 1);
    sql[len - 1] = '\0'; /* the last comma */
    if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s", sqlite3_errmsg(db));
        return -1;
    }
    return 0;
}

evmirror_t *
evmirror_new(sqlite3 *db, char *err, size_t errlen)
{
    evmirror_t *self = calloc(1, sizeof *self);
    if (!self) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    self->db = db;
    if (s_prepare(db, 1, &self->one, err, errlen) != 0
        || s_prepare(db, EVMIRROR_ROWS, &self->rows, err, errlen) != 0)
        evmirror_destroy(&self);
    return self;
}

void
evmirror_destroy(evmirror_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    evmirror_t *self = *self_p;
    sqlite3_finalize(self->one);
    sqlite3_finalize(self->rows);
    free(self);
    *self_p = NULL;
}

/* Binds ev's columns to st's parameters base+1 .. base+EVMIRROR_FIELDS,
   its date formatted into date. Nothing is copied: ev and date must
   outlive the step. */
static void
s_bind(sqlite3_stmt *st, int base, const event_t *ev, char *date)
{
    sqlite3_bind_int64(st, base + 1, ev->seq);
    sqlite3_bind_text(st, base + 2, action_name(ev->action), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, base + 3, ev->instrument, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, base + 4, ev->participant, -1, SQLITE_STATIC);
    if (ev->date == RDATE_NONE || !*rdate_format(ev->date, date))
        sqlite3_bind_null(st, base + 5);
    else
        sqlite3_bind_text(st, base + 5, date, -1, SQLITE_STATIC);
    if (ev->action == ACTION_RETRACTION) {
        sqlite3_bind_int64(st, base + 6, ev->retracts);
        sqlite3_bind_text(st, base + 7, ev->reason, -1, SQLITE_STATIC);
    }
    else {
        sqlite3_bind_null(st, base + 6);
        sqlite3_bind_null(st, base + 7);
    }
    sqlite3_bind_int64(st, base + 8, ev->recorded_ms);
}

/* Inserts ev alone. Returns 1 when stored, 0 when its seq was there, -1. */
static int
s_insert_one(evmirror_t *self, const event_t *ev, char *err, size_t errlen)
{
    char date[RDATE_ISO_SIZE];
    s_bind(self->one, 0, ev, date);
    if (db_run(self->one, err, errlen) != 0)
        return -1;
    return sqlite3_changes(self->db) > 0 ? 1 : 0;
}

int
evmirror_flush(evmirror_t *self, char *err, size_t errlen)
{
    const size_t n = self->nqueue;
    self->nqueue = 0;
    if (n == EVMIRROR_ROWS) {
        for (size_t i = 0; i < n; i++)
            s_bind(self->rows, (int) i * EVMIRROR_FIELDS, &self->queue[i], self->dates[i]);
        return db_run(self->rows, err, errlen);
    }
    for (size_t i = 0; i < n; i++)
        if (s_insert_one(self, &self->queue[i], err, errlen) < 0)
            return -1;
    return 0;
}

int
evmirror_insert(evmirror_t *self, const event_t *ev, char *err, size_t errlen)
{
    if (evmirror_flush(self, err, errlen) != 0)
        return -1;
    return s_insert_one(self, ev, err, errlen);
}

int
evmirror_queue(evmirror_t *self, const event_t *ev, char *err, size_t errlen)
{
    self->queue[self->nqueue++] = *ev;
    return self->nqueue == EVMIRROR_ROWS ? evmirror_flush(self, err, errlen) : 0;
}

void
evmirror_drop(evmirror_t *self)
{
    self->nqueue = 0;
}

size_t
evmirror_queued(const evmirror_t *self)
{
    return self->nqueue;
}
