/*  alertlog: alerts, cursor and queued deliveries in one transaction per
    group of milestones. */
#include "alertlog.h"

#include "db.h"
#include "notifydb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CURSOR_STREAM "threshold"

enum {
    ST_BEGIN,
    ST_COMMIT,
    ST_ROLLBACK,
    ST_LAST,
    ST_CURSOR,
    ST_INSERT,
    ST_QUEUE,
    ST_SET_CURSOR,
    ST_SINCE,
    ST_COUNT
};

static const char *const s_sql[ST_COUNT] = {
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    [ST_LAST] = "SELECT COALESCE(MAX(seq), 0) FROM alerts",
    [ST_CURSOR] = "SELECT COALESCE(MAX(seq), 0) FROM cursors WHERE stream = '" CURSOR_STREAM "'",
    [ST_INSERT] = "INSERT INTO alerts (seq, id, type, subject, milestone_seq, stored_ms, body)"
                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (id) DO NOTHING",
    /* one delivery per active webhook whose prefix starts the type */
    [ST_QUEUE] = "INSERT INTO deliveries (webhook_id, alert_seq, status, next_attempt_ms,"
                 " updated_ms) SELECT id, ?1, 'pending', ?2, ?2 FROM webhooks"
                 " WHERE status = 'active' AND substr(?3, 1, length(type_prefix)) = type_prefix",
    [ST_SET_CURSOR] = "INSERT INTO cursors (stream, seq) VALUES ('" CURSOR_STREAM "', ?1)"
                      " ON CONFLICT (stream) DO UPDATE SET seq = max(seq, excluded.seq)",
    /* ?3: the last committed sequence (this connection sees an open group's rows) */
    [ST_SINCE] = "SELECT seq, body FROM alerts WHERE seq >= ?1 AND seq <= ?3 ORDER BY seq"
                 " LIMIT ?2",
};

struct _alertlog_t {
    sqlite3 *db;
    sqlite3_stmt *st[ST_COUNT];
    int64_t last_seq;     /* committed */
    int64_t cursor;       /* committed */
    bool open;            /* a group's transaction is open */
    int pending;          /* milestones in it */
    int64_t group_seq;    /* last sequence given out in it */
    int64_t group_cursor; /* the cursor as it will be committed */
};

alertlog_t *
alertlog_new(sqlite3 *db, char *err, size_t errlen)
{
    alertlog_t *self = calloc(1, sizeof *self);
    if (!self) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    self->db = db;
    if (db_prepare(db, s_sql, self->st, ST_COUNT, err, errlen) != 0)
        goto fail;
    if (db_scalar(self->st[ST_LAST], &self->last_seq) != 0
        || db_scalar(self->st[ST_CURSOR], &self->cursor) != 0) {
        snprintf(err, errlen, "cannot read the alert log: %s", sqlite3_errmsg(db));
        goto fail;
    }
    return self;
fail:
    alertlog_destroy(&self);
    return NULL;
}

void
alertlog_destroy(alertlog_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    alertlog_t *self = *self_p;
    db_finalize(self->st, ST_COUNT);
    free(self);
    *self_p = NULL;
}

int64_t
alertlog_last_seq(const alertlog_t *self)
{
    return self->last_seq;
}

int64_t
alertlog_cursor(const alertlog_t *self)
{
    return self->cursor;
}

int
alertlog_pending(const alertlog_t *self)
{
    return self->open ? self->pending : 0;
}

/* Opens the group's transaction unless it is open. Returns 0, or -1 with
   err. */
static int
s_open_group(alertlog_t *self, char *err, size_t errlen)
{
    if (self->open)
        return 0;
    if (db_run(self->st[ST_BEGIN], err, errlen) != 0)
        return -1;
    self->open = true;
    self->pending = 0;
    self->group_seq = self->last_seq;
    self->group_cursor = self->cursor;
    return 0;
}

void
alertlog_rollback(alertlog_t *self)
{
    if (!self->open)
        return;
    /* fails harmlessly when SQLite already rolled back by itself */
    db_run(self->st[ST_ROLLBACK], NULL, 0);
    self->open = false;
    self->pending = 0;
}

int
alertlog_commit(alertlog_t *self, char *err, size_t errlen)
{
    if (!self->open)
        return 0;
    /* the cursor row once per group, in its transaction: an upsert for
       every milestone cost about 6 k instructions each (a sixth of an
       alert's SQL), and only the group's last one counted */
    if (self->group_cursor != self->cursor) {
        sqlite3_bind_int64(self->st[ST_SET_CURSOR], 1, self->group_cursor);
        if (db_run(self->st[ST_SET_CURSOR], err, errlen) != 0) {
            alertlog_rollback(self);
            return -1;
        }
    }
    if (db_run(self->st[ST_COMMIT], err, errlen) != 0) {
        alertlog_rollback(self);
        return -1;
    }
    self->open = false;
    self->pending = 0;
    self->last_seq = self->group_seq;
    self->cursor = self->group_cursor;
    return 0;
}

/* Moves the group's cursor past milestone_seq; alertlog_commit stores it. */
static void
s_set_cursor(alertlog_t *self, int64_t milestone_seq)
{
    if (milestone_seq > self->group_cursor)
        self->group_cursor = milestone_seq;
}

int
alertlog_append(alertlog_t *self, alert_t *alert, int64_t milestone_seq, int64_t now_ms,
                msgpack_sbuffer *body, int *queued, char *err, size_t errlen)
{
    *queued = 0;
    const size_t body_start = body->size;
    if (s_open_group(self, err, errlen) != 0)
        goto fail;
    alert->sequence = self->group_seq + 1;
    alert_time_format(now_ms, alert->time);
    if (alert_encode(alert, body) != 0) {
        snprintf(err, errlen, "out of memory encoding alert %s", alert->id);
        goto fail_rollback;
    }
    sqlite3_stmt *ins = self->st[ST_INSERT];
    sqlite3_bind_int64(ins, 1, alert->sequence);
    sqlite3_bind_text(ins, 2, alert->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 3, alert->type, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 4, alert->instrument, -1, SQLITE_STATIC);
    sqlite3_bind_int64(ins, 5, milestone_seq);
    sqlite3_bind_int64(ins, 6, now_ms);
    sqlite3_bind_blob(ins, 7, body->data + body_start, (int) (body->size - body_start),
                      SQLITE_STATIC);
    if (db_run(ins, NULL, 0) != 0)
        goto fail_sql;
    const int stored = sqlite3_changes(self->db) == 1;
    if (stored) {
        sqlite3_stmt *q = self->st[ST_QUEUE];
        sqlite3_bind_int64(q, 1, alert->sequence);
        sqlite3_bind_int64(q, 2, now_ms);
        sqlite3_bind_text(q, 3, alert->type, -1, SQLITE_STATIC);
        if (db_run(q, NULL, 0) != 0)
            goto fail_sql;
        *queued = sqlite3_changes(self->db);
    }
    s_set_cursor(self, milestone_seq);
    self->pending++;
    if (!stored) {
        body->size = body_start; /* nothing to publish */
        alert->sequence = 0;
        return 0;
    }
    self->group_seq = alert->sequence;
    return 1;

fail_sql:
    snprintf(err, errlen, "%s", sqlite3_errmsg(self->db));
fail_rollback:
    alertlog_rollback(self);
fail:
    body->size = body_start;
    alert->sequence = 0;
    *queued = 0;
    return -1;
}

int
alertlog_skip(alertlog_t *self, int64_t milestone_seq, char *err, size_t errlen)
{
    if (s_open_group(self, err, errlen) != 0)
        return -1;
    s_set_cursor(self, milestone_seq);
    self->pending++;
    return 0;
}

int
alertlog_since(alertlog_t *self, int64_t from, int64_t limit, msgpack_sbuffer *reply)
{
    if (limit <= 0 || limit > ALERT_BATCH_MAX)
        limit = ALERT_BATCH_MAX;
    sqlite3_stmt *st = self->st[ST_SINCE];
    sqlite3_bind_int64(st, 1, from > 0 ? from : 1);
    sqlite3_bind_int64(st, 2, limit);
    sqlite3_bind_int64(st, 3, self->last_seq);
    msgpack_sbuffer items;
    msgpack_sbuffer_init(&items);
    size_t *ends = calloc((size_t) limit, sizeof *ends);
    alert_bytes_t *bytes = calloc((size_t) limit, sizeof *bytes);
    size_t n = 0;
    int64_t last = 0;
    int rc = ends && bytes ? SQLITE_ROW : SQLITE_NOMEM;
    while (rc == SQLITE_ROW && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const void *blob = sqlite3_column_blob(st, 1);
        const size_t size = (size_t) sqlite3_column_bytes(st, 1);
        if (n > 0 && items.size + size > ALERT_BATCH_MAX_BYTES)
            break;
        wire_err_t werr;
        if (!blob || wire_check(blob, size, &werr) != 0
            || msgpack_sbuffer_write(&items, blob, size) != 0) {
            rc = SQLITE_CORRUPT;
            break;
        }
        last = sqlite3_column_int64(st, 0);
        ends[n++] = items.size;
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    int status = -1;
    if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
        for (size_t i = 0; i < n; i++) {
            const size_t start = i ? ends[i - 1] : 0;
            bytes[i].data = items.data + start;
            bytes[i].size = ends[i] - start;
        }
        const bool more = n > 0 && last < self->last_seq;
        status = alert_encode_batch(self->last_seq, more, bytes, n, reply);
    }
    free(ends);
    free(bytes);
    msgpack_sbuffer_destroy(&items);
    return status;
}
