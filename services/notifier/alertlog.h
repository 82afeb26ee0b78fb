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

    Group commit: the milestones of one burst (what the follower delivers in
    one call) share one transaction. The first append or skip opens it,
    alertlog_commit ends it; only then are the group's alerts stored, and
    only then may they be published. Until the commit, alertlog_last_seq and
    alertlog_cursor still report what is committed; a failure rolls the
    whole group back, so the caller resumes from alertlog_cursor.

    Costs: one write transaction (one fsync, synchronous=FULL) per group,
    whatever its size; a replay reads the stored bytes by primary key,
    O(batch). */
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

/* Returns the last sequence committed, 0 when there is none. */
int64_t alertlog_last_seq(const alertlog_t *self);

/* Returns the last threshold-stream sequence consumed and committed, 0 at
   first. */
int64_t alertlog_cursor(const alertlog_t *self);

/* Adds `alert`, made from milestone `milestone_seq`, at now_ms (Unix ms)
   to the open group (opening it when none is). Returns 1 when added:
   alert->sequence and alert->time are set, the bytes to publish are
   appended to body, *queued is the number of webhook deliveries queued;
   none of it is stored before alertlog_commit. Returns 0 when an alert
   with the same id is already stored or in the group (only the cursor
   moves: nothing to publish). Returns -1 with a reason in err when it
   could not be added: the whole group is rolled back. */
int alertlog_append(alertlog_t *self, alert_t *alert, int64_t milestone_seq, int64_t now_ms,
                    msgpack_sbuffer *body, int *queued, char *err, size_t errlen);

/* Moves the group's cursor past milestone_seq without storing an alert
   (for a milestone that cannot be turned into one), in the open group
   (opening it when none is); alertlog_commit stores it. Returns 0, or -1
   with err when no group could be opened. */
int alertlog_skip(alertlog_t *self, int64_t milestone_seq, char *err, size_t errlen);

/* Returns the number of milestones (alerts, duplicates and skips) in the
   open group, 0 when none is open. */
int alertlog_pending(const alertlog_t *self);

/* Commits the open group (nothing to do when none is open), with the
   cursor past its last milestone. Returns 0: its alerts are stored and may
   be published, alertlog_last_seq and alertlog_cursor include them.
   Returns -1 with err: the group is rolled back, nothing of it is
   stored. */
int alertlog_commit(alertlog_t *self, char *err, size_t errlen);

/* Rolls the open group back (nothing to do when none is open): nothing of
   it is stored. */
void alertlog_rollback(alertlog_t *self);

/* Appends the "alerts" reply for the alerts with sequence >= from: at most
   `limit` (0 or more than ALERT_BATCH_MAX: ALERT_BATCH_MAX) and about
   ALERT_BATCH_MAX_BYTES, but always at least one when there is one.
   Returns 0, or -1 on a storage error (nothing appended). */
int alertlog_since(alertlog_t *self, int64_t from, int64_t limit, msgpack_sbuffer *reply);

#endif
