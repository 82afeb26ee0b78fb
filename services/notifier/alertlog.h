/*  alertlog: the notifier's stream of alerts, stored before it is
    published.

    Each milestone consumed from the threshold stream becomes at most one
    alert row, keyed by the milestone's deterministic id (UNIQUE): a
    milestone seen again -- a replay after a crash, the threshold service
    re-emitting -- is not stored or published again. In the same
    transaction the alert gets the next sequence of the notifier's stream,
    the cursor over the threshold stream moves past the milestone, and one
    pending delivery is queued per active webhook whose type prefix matches;
    so the cursor never runs ahead of what is stored, nor behind it by more
    than a replay that UNIQUE absorbs.

    Costs: one write transaction (one fsync, synchronous=FULL) per
    milestone; a replay reads the stored bytes by primary key, O(batch). */
#ifndef RATIFY_ALERTLOG_H
#define RATIFY_ALERTLOG_H

#include "alert.h"

#include <msgpack.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

typedef struct _alertlog_t alertlog_t;

/* Returns the alert log over an open notifier database (borrowed: it must
   outlive the log), or NULL with a reason in err. Caller destroys it. */
alertlog_t *alertlog_new(sqlite3 *db, char *err, size_t errlen);

/* Destroys the log (not the database); accepts NULL, sets *self_p NULL. */
void alertlog_destroy(alertlog_t **self_p);

/* Returns the last sequence stored, 0 when there is none. */
int64_t alertlog_last_seq(const alertlog_t *self);

/* Returns the last threshold-stream sequence consumed, 0 at first. */
int64_t alertlog_cursor(const alertlog_t *self);

/* Stores `alert`, made from milestone `milestone_seq`, at now_ms (Unix
   ms). Returns 1 when stored: alert->sequence and alert->time are set,
   the published bytes are appended to body, *queued is the number of
   webhook deliveries queued. Returns 0 when an alert with the same id is
   already stored (only the cursor moved: nothing to publish). Returns -1
   with a reason in err when nothing could be stored (rolled back). */
int alertlog_append(alertlog_t *self, alert_t *alert, int64_t milestone_seq, int64_t now_ms,
                    msgpack_sbuffer *body, int *queued, char *err, size_t errlen);

/* Moves the cursor past milestone_seq without storing an alert (for a
   milestone that cannot be turned into one). Returns 0, or -1 with err. */
int alertlog_skip(alertlog_t *self, int64_t milestone_seq, char *err, size_t errlen);

/* Appends the "alerts" reply for the alerts with sequence >= from: at most
   `limit` (0 or more than ALERT_BATCH_MAX: ALERT_BATCH_MAX) and about
   ALERT_BATCH_MAX_BYTES, but always at least one when there is one.
   Returns 0, or -1 on a storage error (nothing appended). */
int alertlog_since(alertlog_t *self, int64_t from, int64_t limit, msgpack_sbuffer *reply);

#endif
