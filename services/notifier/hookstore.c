/*  hookstore: subscriptions and deliveries. Statements are prepared once;
    each helper binds, steps and resets. */
#include "hookstore.h"

#include "db.h"
#include "notifydb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOOK_COLS                                                                                  \
    "w.id, w.url, w.type_prefix, w.status, w.created_ms,"                                          \
    " (SELECT COUNT(*) FROM deliveries d WHERE d.webhook_id = w.id AND d.status = 'pending'),"     \
    " (SELECT COUNT(*) FROM deliveries d WHERE d.webhook_id = w.id AND d.status = 'delivered'),"   \
    " (SELECT COUNT(*) FROM deliveries d WHERE d.webhook_id = w.id AND d.status = 'dead')"
#define DELIVERY_COLS                                                                              \
    "d.id, d.webhook_id, w.url, a.id, a.seq, a.type, d.status, d.attempts, d.last_code,"           \
    " d.last_error, d.next_attempt_ms, d.updated_ms, w.status"
#define DELIVERY_FROM                                                                              \
    " FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id"                                    \
    " JOIN alerts a ON a.seq = d.alert_seq"

enum {
    ST_BEGIN,
    ST_COMMIT,
    ST_ROLLBACK,
    ST_ADD,
    ST_HOOK,
    ST_HOOKS,
    ST_REMOVE,
    ST_DEAD,
    ST_DELIVERY,
    ST_REDELIVER,
    ST_ACTIVE,
    ST_DUE,
    ST_NEXT_DUE,
    ST_ATTEMPT,
    ST_RELEASE,
    ST_FINISH,
    ST_GONE_HOOK,
    ST_GONE_REST,
    ST_COUNT
};

static const char *const s_sql[ST_COUNT] = {
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    [ST_ADD] = "INSERT INTO webhooks (url, type_prefix, secret, status, created_ms)"
               " VALUES (?1, ?2, ?3, 'active', ?4)",
    [ST_HOOK] = "SELECT " HOOK_COLS " FROM webhooks w WHERE w.id = ?1",
    [ST_HOOKS] = "SELECT " HOOK_COLS " FROM webhooks w ORDER BY w.id LIMIT ?1",
    [ST_REMOVE] = "DELETE FROM webhooks WHERE id = ?1",
    [ST_DEAD] = "SELECT " DELIVERY_COLS DELIVERY_FROM " WHERE d.status = 'dead'"
                " ORDER BY d.id LIMIT ?1",
    [ST_DELIVERY] = "SELECT " DELIVERY_COLS DELIVERY_FROM " WHERE d.id = ?1",
    [ST_REDELIVER] = "UPDATE deliveries SET status = 'pending', attempts = 0,"
                     " next_attempt_ms = ?2, updated_ms = ?2 WHERE id = ?1 AND status = 'dead'",
    [ST_ACTIVE] = "SELECT id FROM webhooks WHERE status = 'active' ORDER BY id LIMIT ?1",
    [ST_DUE] = "SELECT d.id, d.webhook_id, d.attempts, w.url, w.secret, a.id, a.body" DELIVERY_FROM
               " WHERE d.webhook_id = ?1 AND d.status = 'pending'"
               " AND d.next_attempt_ms <= ?2 AND w.status = 'active'"
               " ORDER BY d.next_attempt_ms, d.id LIMIT ?3",
    [ST_NEXT_DUE] = "SELECT MIN(d.next_attempt_ms) FROM deliveries d"
                    " JOIN webhooks w ON w.id = d.webhook_id"
                    " WHERE d.status = 'pending' AND w.status = 'active'",
    [ST_ATTEMPT] = "UPDATE deliveries SET attempts = attempts + 1, next_attempt_ms = ?2,"
                   " updated_ms = ?3 WHERE id = ?1 AND status = 'pending'",
    [ST_RELEASE] = "UPDATE deliveries SET attempts = max(attempts - 1, 0), next_attempt_ms = ?2"
                   " WHERE id = ?1 AND status = 'pending'",
    [ST_FINISH] = "UPDATE deliveries SET status = ?2, last_code = ?3, last_error = ?4,"
                  " next_attempt_ms = ?5, updated_ms = ?6 WHERE id = ?1 AND status = 'pending'",
    [ST_GONE_HOOK] = "UPDATE webhooks SET status = 'gone' WHERE id = ?1",
    [ST_GONE_REST] = "UPDATE deliveries SET status = 'gone', updated_ms = ?2"
                     " WHERE webhook_id = ?1 AND status = 'pending'",
};

struct _hookstore_t {
    sqlite3 *db;
    sqlite3_stmt *st[ST_COUNT];
};

static int
s_done(sqlite3_stmt *st, int rc)
{
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

hookstore_t *
hookstore_new(sqlite3 *db, char *err, size_t errlen)
{
    hookstore_t *self = calloc(1, sizeof *self);
    if (!self) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    self->db = db;
    if (db_prepare(db, s_sql, self->st, ST_COUNT, err, errlen) != 0)
        hookstore_destroy(&self);
    return self;
}

void
hookstore_destroy(hookstore_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    hookstore_t *self = *self_p;
    db_finalize(self->st, ST_COUNT);
    free(self);
    *self_p = NULL;
}

/* ---- management --------------------------------------------------------- */

static void
s_read_hook(sqlite3_stmt *st, alert_hook_t *h)
{
    memset(h, 0, sizeof *h);
    h->id = sqlite3_column_int64(st, 0);
    db_column_copy(st, 1, h->url, sizeof h->url);
    db_column_copy(st, 2, h->type_prefix, sizeof h->type_prefix);
    db_column_copy(st, 3, h->status, sizeof h->status);
    alert_time_format(sqlite3_column_int64(st, 4), h->created);
    h->pending = sqlite3_column_int64(st, 5);
    h->delivered = sqlite3_column_int64(st, 6);
    h->dead = sqlite3_column_int64(st, 7);
}

/* Returns 1 with *out filled, 0 when there is no such webhook, -1. */
static int
s_get_hook(hookstore_t *self, int64_t id, alert_hook_t *out)
{
    sqlite3_stmt *st = self->st[ST_HOOK];
    sqlite3_bind_int64(st, 1, id);
    const int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        s_read_hook(st, out);
    return s_done(st, rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1);
}

int
hookstore_add(hookstore_t *self, const char *url, const char *type_prefix, const char *secret,
              int64_t now_ms, alert_hook_t *out)
{
    sqlite3_stmt *st = self->st[ST_ADD];
    sqlite3_bind_text(st, 1, url, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, type_prefix, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, secret, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, now_ms);
    if (db_run(st, NULL, 0) != 0)
        return -1;
    if (s_get_hook(self, sqlite3_last_insert_rowid(self->db), out) != 1)
        return -1;
    snprintf(out->secret, sizeof out->secret, "%s", secret);
    return 0;
}

int
hookstore_list(hookstore_t *self, alert_hook_t *out, size_t cap)
{
    sqlite3_stmt *st = self->st[ST_HOOKS];
    sqlite3_bind_int64(st, 1, (sqlite3_int64) cap);
    int n = 0, rc = SQLITE_DONE;
    while ((size_t) n < cap && (rc = sqlite3_step(st)) == SQLITE_ROW)
        s_read_hook(st, &out[n++]);
    if ((size_t) n < cap && rc != SQLITE_DONE)
        n = -1;
    return s_done(st, n);
}

int
hookstore_remove(hookstore_t *self, int64_t id, alert_hook_t *out)
{
    const int found = s_get_hook(self, id, out);
    if (found != 1)
        return found;
    sqlite3_stmt *st = self->st[ST_REMOVE];
    sqlite3_bind_int64(st, 1, id);
    return db_run(st, NULL, 0) == 0 ? 1 : -1;
}

static void
s_read_delivery(sqlite3_stmt *st, alert_delivery_t *d)
{
    memset(d, 0, sizeof *d);
    d->id = sqlite3_column_int64(st, 0);
    d->webhook = sqlite3_column_int64(st, 1);
    db_column_copy(st, 2, d->url, sizeof d->url);
    db_column_copy(st, 3, d->alert, sizeof d->alert);
    d->sequence = sqlite3_column_int64(st, 4);
    db_column_copy(st, 5, d->alert_type, sizeof d->alert_type);
    db_column_copy(st, 6, d->status, sizeof d->status);
    d->attempts = sqlite3_column_int64(st, 7);
    d->last_code = sqlite3_column_int64(st, 8);
    db_column_copy(st, 9, d->last_error, sizeof d->last_error);
    if (strcmp(d->status, "pending") == 0)
        alert_time_format(sqlite3_column_int64(st, 10), d->next_attempt);
    alert_time_format(sqlite3_column_int64(st, 11), d->updated);
}

int
hookstore_dead(hookstore_t *self, alert_delivery_t *out, size_t cap)
{
    sqlite3_stmt *st = self->st[ST_DEAD];
    sqlite3_bind_int64(st, 1, (sqlite3_int64) cap);
    int n = 0, rc = SQLITE_DONE;
    while ((size_t) n < cap && (rc = sqlite3_step(st)) == SQLITE_ROW)
        s_read_delivery(st, &out[n++]);
    if ((size_t) n < cap && rc != SQLITE_DONE)
        n = -1;
    return s_done(st, n);
}

/* Returns 1 with *out and the webhook's status, 0 when absent, -1. */
static int
s_get_delivery(hookstore_t *self, int64_t id, alert_delivery_t *out, char *hook_status, size_t cap)
{
    sqlite3_stmt *st = self->st[ST_DELIVERY];
    sqlite3_bind_int64(st, 1, id);
    const int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        s_read_delivery(st, out);
        db_column_copy(st, 12, hook_status, cap);
    }
    return s_done(st, rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1);
}

int
hookstore_redeliver(hookstore_t *self, int64_t id, int64_t now_ms, alert_delivery_t *out, char *why,
                    size_t whylen)
{
    char hook_status[16];
    int rc = s_get_delivery(self, id, out, hook_status, sizeof hook_status);
    if (rc != 1) {
        if (rc == 0)
            snprintf(why, whylen, "unknown_delivery");
        return rc;
    }
    if (strcmp(hook_status, "active") != 0) {
        snprintf(why, whylen, "webhook_gone");
        return 0;
    }
    if (strcmp(out->status, "dead") != 0) {
        snprintf(why, whylen, "not_dead");
        return 0;
    }
    sqlite3_stmt *st = self->st[ST_REDELIVER];
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, now_ms);
    if (db_run(st, NULL, 0) != 0)
        return -1;
    return s_get_delivery(self, id, out, hook_status, sizeof hook_status) == 1 ? 1 : -1;
}

/* ---- delivery ----------------------------------------------------------- */

void
hookstore_job_clear(hookstore_job_t *job)
{
    free(job->body);
    memset(job, 0, sizeof *job);
}

int
hookstore_active(hookstore_t *self, int64_t *ids, size_t cap)
{
    sqlite3_stmt *st = self->st[ST_ACTIVE];
    sqlite3_bind_int64(st, 1, (sqlite3_int64) cap);
    int n = 0, rc = SQLITE_DONE;
    while ((size_t) n < cap && (rc = sqlite3_step(st)) == SQLITE_ROW)
        ids[n++] = sqlite3_column_int64(st, 0);
    if ((size_t) n < cap && rc != SQLITE_DONE)
        n = -1;
    return s_done(st, n);
}

int
hookstore_due(hookstore_t *self, int64_t webhook_id, int64_t now_ms, hookstore_job_t *out,
              size_t cap)
{
    sqlite3_stmt *st = self->st[ST_DUE];
    sqlite3_bind_int64(st, 1, webhook_id);
    sqlite3_bind_int64(st, 2, now_ms);
    sqlite3_bind_int64(st, 3, (sqlite3_int64) cap);
    int n = 0, rc = SQLITE_DONE;
    while ((size_t) n < cap && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        hookstore_job_t *job = &out[n];
        memset(job, 0, sizeof *job);
        job->delivery_id = sqlite3_column_int64(st, 0);
        job->webhook_id = sqlite3_column_int64(st, 1);
        job->attempts = sqlite3_column_int64(st, 2);
        db_column_copy(st, 3, job->url, sizeof job->url);
        db_column_copy(st, 4, job->secret, sizeof job->secret);
        db_column_copy(st, 5, job->alert_id, sizeof job->alert_id);
        const void *blob = sqlite3_column_blob(st, 6);
        const int size = sqlite3_column_bytes(st, 6);
        job->body = size > 0 ? malloc((size_t) size) : NULL;
        if (!job->body) {
            rc = SQLITE_NOMEM;
            break;
        }
        memcpy(job->body, blob, (size_t) size);
        job->body_size = (size_t) size;
        n++;
    }
    if ((size_t) n < cap && rc != SQLITE_DONE) {
        for (int i = 0; i < n; i++)
            hookstore_job_clear(&out[i]);
        n = -1;
    }
    return s_done(st, n);
}

int64_t
hookstore_next_due(hookstore_t *self)
{
    sqlite3_stmt *st = self->st[ST_NEXT_DUE];
    const int rc = sqlite3_step(st);
    int64_t next = -1;
    if (rc == SQLITE_ROW)
        next = sqlite3_column_type(st, 0) == SQLITE_NULL ? INT64_MAX : sqlite3_column_int64(st, 0);
    s_done(st, 0);
    return next;
}

int
hookstore_begin(hookstore_t *self, int64_t delivery_id, int64_t lease_until_ms, int64_t now_ms)
{
    sqlite3_stmt *st = self->st[ST_ATTEMPT];
    sqlite3_bind_int64(st, 1, delivery_id);
    sqlite3_bind_int64(st, 2, lease_until_ms);
    sqlite3_bind_int64(st, 3, now_ms);
    if (db_run(st, NULL, 0) != 0)
        return -1;
    return sqlite3_changes(self->db) == 1 ? 1 : 0;
}

int
hookstore_release(hookstore_t *self, int64_t delivery_id, int64_t now_ms)
{
    sqlite3_stmt *st = self->st[ST_RELEASE];
    sqlite3_bind_int64(st, 1, delivery_id);
    sqlite3_bind_int64(st, 2, now_ms);
    return db_run(st, NULL, 0);
}

static void
s_bind_finish(sqlite3_stmt *st, int64_t delivery_id, const char *status, long code,
              const char *error, int64_t next_attempt_ms, int64_t now_ms)
{
    sqlite3_bind_int64(st, 1, delivery_id);
    sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, code);
    if (error && *error)
        sqlite3_bind_text(st, 4, error, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 4);
    sqlite3_bind_int64(st, 5, next_attempt_ms);
    sqlite3_bind_int64(st, 6, now_ms);
}

int
hookstore_finish(hookstore_t *self, int64_t delivery_id, const char *status, long code,
                 const char *error, int64_t next_attempt_ms, int64_t now_ms)
{
    sqlite3_stmt *st = self->st[ST_FINISH];
    s_bind_finish(st, delivery_id, status, code, error, next_attempt_ms, now_ms);
    return db_run(st, NULL, 0);
}

int
hookstore_gone(hookstore_t *self, int64_t webhook_id, int64_t delivery_id, long code,
               const char *error, int64_t now_ms)
{
    if (db_run(self->st[ST_BEGIN], NULL, 0) != 0)
        return -1;
    sqlite3_stmt *fin = self->st[ST_FINISH];
    s_bind_finish(fin, delivery_id, "gone", code, error, now_ms, now_ms);
    sqlite3_stmt *hook = self->st[ST_GONE_HOOK];
    sqlite3_bind_int64(hook, 1, webhook_id);
    sqlite3_stmt *rest = self->st[ST_GONE_REST];
    sqlite3_bind_int64(rest, 1, webhook_id);
    sqlite3_bind_int64(rest, 2, now_ms);
    if (db_run(fin, NULL, 0) != 0 || db_run(hook, NULL, 0) != 0 || db_run(rest, NULL, 0) != 0
        || db_run(self->st[ST_COMMIT], NULL, 0) != 0) {
        db_run(self->st[ST_ROLLBACK], NULL, 0);
        return -1;
    }
    return 0;
}
