/*  store: SQLite event log. Statements are prepared once at open. */
#include "store.h"

#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *s_schema =
    "CREATE TABLE IF NOT EXISTS events ("
    "  seq INTEGER PRIMARY KEY,"
    "  action TEXT NOT NULL,"
    "  instrument TEXT NOT NULL,"
    "  participant TEXT NOT NULL,"
    "  date TEXT NOT NULL,"
    "  retracts INTEGER,"
    "  reason TEXT,"
    "  recorded_ms INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS events_by_party ON events(instrument, participant);"
    "CREATE INDEX IF NOT EXISTS events_by_retracts ON events(retracts) WHERE retracts IS NOT NULL;";

#define COLS "seq, action, instrument, participant, date, retracts, reason, recorded_ms"
#define LIVE "NOT EXISTS (SELECT 1 FROM events r WHERE r.retracts = e.seq)"

enum { ST_LAST, ST_GET, ST_SAME, ST_LATEST, ST_RETRACTION, ST_INSERT, ST_SINCE, ST_COUNT };

static const char *s_sql[ST_COUNT] = {
    [ST_LAST] = "SELECT COALESCE(MAX(seq), 0) FROM events",
    [ST_GET] = "SELECT " COLS " FROM events e WHERE seq = ?1",
    [ST_SAME] = "SELECT " COLS " FROM events e WHERE instrument = ?1 AND participant = ?2"
                " AND action = ?3 AND date = ?4 AND " LIVE " ORDER BY seq LIMIT 1",
    [ST_LATEST] = "SELECT " COLS " FROM events e WHERE instrument = ?1 AND participant = ?2"
                  " AND ((?3 >> (CASE action WHEN 'signature' THEN 1 WHEN 'ratification' THEN 2"
                  " WHEN 'acceptance' THEN 3 WHEN 'approval' THEN 4 WHEN 'accession' THEN 5"
                  " WHEN 'succession' THEN 6 WHEN 'denunciation' THEN 7 ELSE 8 END)) & 1) = 1"
                  " AND (?4 IS NULL OR date <= ?4) AND " LIVE
                  " ORDER BY date DESC, seq DESC LIMIT 1",
    [ST_RETRACTION] = "SELECT " COLS " FROM events e WHERE retracts = ?1 ORDER BY seq LIMIT 1",
    [ST_INSERT] = "INSERT INTO events (action, instrument, participant, date, retracts, reason,"
                  " recorded_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [ST_SINCE] = "SELECT " COLS " FROM events e WHERE seq >= ?1 ORDER BY seq LIMIT ?2",
};

struct _store_t {
    sqlite3 *db;
    sqlite3_stmt *st[ST_COUNT];
    int64_t last_seq;
    int64_t last_seq_at_begin; /* restored by store_rollback */
};

store_t *
store_open(const char *path, char *err, size_t errlen)
{
    store_t *self = calloc(1, sizeof *self);
    if (!self) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
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
    sqlite3_stmt *st = self->st[ST_LAST];
    if (sqlite3_step(st) != SQLITE_ROW) {
        snprintf(err, errlen, "cannot read the log: %s", sqlite3_errmsg(self->db));
        sqlite3_reset(st);
        goto fail;
    }
    self->last_seq = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return self;
fail:
    store_destroy(&self);
    return NULL;
}

void
store_destroy(store_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    store_t *self = *self_p;
    for (int i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(self->st[i]);
    db_close(&self->db);
    free(self);
    *self_p = NULL;
}

int64_t
store_last_seq(store_t *self)
{
    return self->last_seq;
}

static void
s_copy_text(sqlite3_stmt *st, int col, char *buf, size_t cap)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    snprintf(buf, cap, "%s", t ? (const char *) t : "");
}

static void
s_read_row(sqlite3_stmt *st, event_t *ev)
{
    char text[32];
    memset(ev, 0, sizeof *ev);
    ev->seq = sqlite3_column_int64(st, 0);
    s_copy_text(st, 1, text, sizeof text);
    ev->action = action_parse(text);
    s_copy_text(st, 2, ev->instrument, sizeof ev->instrument);
    s_copy_text(st, 3, ev->participant, sizeof ev->participant);
    s_copy_text(st, 4, text, sizeof text);
    if (rdate_parse(text, &ev->date) != 0)
        ev->date = RDATE_NONE;
    ev->retracts = sqlite3_column_int64(st, 5);
    s_copy_text(st, 6, ev->reason, sizeof ev->reason);
    ev->recorded_ms = sqlite3_column_int64(st, 7);
}

/* Steps a statement expected to give at most one row. */
static int
s_one(sqlite3_stmt *st, event_t *out)
{
    int rc = sqlite3_step(st);
    int found = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
    if (found == 1 && out)
        s_read_row(st, out);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return found;
}

static void
s_bind_date(sqlite3_stmt *st, int idx, rdate_t date)
{
    char buf[RDATE_ISO_SIZE];
    if (date == RDATE_NONE)
        sqlite3_bind_null(st, idx);
    else
        sqlite3_bind_text(st, idx, rdate_format(date, buf), -1, SQLITE_TRANSIENT);
}

int
store_get(store_t *self, int64_t seq, event_t *out)
{
    sqlite3_stmt *st = self->st[ST_GET];
    sqlite3_bind_int64(st, 1, seq);
    return s_one(st, out);
}

int
store_find_same(store_t *self, const event_t *like, event_t *out)
{
    sqlite3_stmt *st = self->st[ST_SAME];
    sqlite3_bind_text(st, 1, like->instrument, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, like->participant, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, action_name(like->action), -1, SQLITE_STATIC);
    s_bind_date(st, 4, like->date);
    return s_one(st, out);
}

int
store_find_latest(store_t *self, const char *instrument, const char *participant,
                  unsigned actions, rdate_t on_or_before, event_t *out)
{
    sqlite3_stmt *st = self->st[ST_LATEST];
    sqlite3_bind_text(st, 1, instrument, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, participant, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, actions);
    s_bind_date(st, 4, on_or_before);
    return s_one(st, out);
}

int
store_find_retraction(store_t *self, int64_t seq, event_t *out)
{
    sqlite3_stmt *st = self->st[ST_RETRACTION];
    sqlite3_bind_int64(st, 1, seq);
    return s_one(st, out);
}

int
store_append(store_t *self, event_t *ev, char *err, size_t errlen)
{
    sqlite3_stmt *st = self->st[ST_INSERT];
    sqlite3_bind_text(st, 1, action_name(ev->action), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, ev->instrument, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, ev->participant, -1, SQLITE_STATIC);
    s_bind_date(st, 4, ev->date);
    if (ev->action == ACTION_RETRACTION) {
        sqlite3_bind_int64(st, 5, ev->retracts);
        sqlite3_bind_text(st, 6, ev->reason, -1, SQLITE_STATIC);
    }
    else {
        sqlite3_bind_null(st, 5);
        sqlite3_bind_null(st, 6);
    }
    sqlite3_bind_int64(st, 7, ev->recorded_ms);
    /* autocommit: the row is durable when step returns DONE */
    const int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_DONE) {
        snprintf(err, errlen, "%s", sqlite3_errmsg(self->db));
        return -1;
    }
    ev->seq = sqlite3_last_insert_rowid(self->db);
    self->last_seq = ev->seq;
    return 0;
}

int
store_begin(store_t *self, char *err, size_t errlen)
{
    self->last_seq_at_begin = self->last_seq;
    return db_exec(self->db, "BEGIN IMMEDIATE", err, errlen);
}

int
store_commit(store_t *self, char *err, size_t errlen)
{
    return db_exec(self->db, "COMMIT", err, errlen);
}

void
store_rollback(store_t *self)
{
    char why[256];
    if (sqlite3_get_autocommit(self->db) == 0)
        db_exec(self->db, "ROLLBACK", why, sizeof why);
    self->last_seq = self->last_seq_at_begin;
}

int
store_since(store_t *self, int64_t from, event_t *out, size_t cap)
{
    sqlite3_stmt *st = self->st[ST_SINCE];
    sqlite3_bind_int64(st, 1, from);
    sqlite3_bind_int64(st, 2, (sqlite3_int64) cap);
    int n = 0, rc = SQLITE_DONE;
    while ((size_t) n < cap && (rc = sqlite3_step(st)) == SQLITE_ROW)
        s_read_row(st, &out[n++]);
    if ((size_t) n < cap && rc != SQLITE_DONE)
        n = -1;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return n;
}
