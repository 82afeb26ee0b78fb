/*  notifier: what the notifier does with each milestone and each request,
    without sockets.

    notifier_ingest turns one threshold milestone into an alert and adds it
    to the open group (alertlog); notifier_commit stores the group in one
    transaction and only then hands each of its alerts to the publisher, in
    sequence order. The caller commits at the end of each burst (what the
    follower delivered in one call; a lone milestone is a group of one, so
    it is committed and published at once) and whenever notifier_group_full
    says so. notifier_handle answers one API request: ping,
    alerts.since, and the webhook management requests (webhook.add, .list,
    .remove, .dead, .redeliver). Keeping this apart from the socket loop
    (main.c) lets unit tests drive it against a real SQLite file. */
#ifndef RATIFY_NOTIFIER_H
#define RATIFY_NOTIFIER_H

#include "alert.h"
#include "alertlog.h"
#include "hookstore.h"
#include "msg.h"

#include <msgpack.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NOTIFIER_GROUP_MAX       256           /* milestones per transaction */
#define NOTIFIER_GROUP_MAX_BYTES (1024 * 1024) /* of alert bodies held until the commit */

typedef struct _notifier_t notifier_t;

/* One alert of a committed group, as handed to the publisher; every
   pointer is borrowed for the call. */
typedef struct {
    int64_t sequence;      /* the alert's stream sequence */
    int64_t milestone_seq; /* the threshold milestone it came from */
    const char *type;      /* its CloudEvents type: the stream topic */
    const char *id;        /* its id */
    const void *body;      /* its msgpack form, as stored */
    size_t size;
    int queued; /* webhook deliveries queued with it */
    bool last;  /* the group's last: its log lines and webhook wake-up follow */
} notifier_alert_t;

/* Publishes one committed alert. */
typedef void(notifier_publish_fn)(void *ctx, const notifier_alert_t *alert);

/* Returns a notifier over an alert log and a subscription store (both
   borrowed: they must outlive it), or NULL when out of memory. Caller
   destroys it. */
notifier_t *notifier_new(alertlog_t *log, hookstore_t *hooks);

/* Destroys the notifier; accepts NULL and sets *self_p to NULL. */
void notifier_destroy(notifier_t **self_p);

/* Consumes milestone `seq` of the threshold stream (`item`, its map) at
   now_ms into the open group (opened when none is). Returns 1 when a new
   alert joined it (published by the next notifier_commit). Returns 0 when
   there is nothing to publish: the alert is already stored or in the
   group, or the milestone cannot become an alert (logged and skipped; the
   cursor moves at the commit). Returns -1 when it could not be stored
   (logged): the whole group is rolled back, resume after
   alertlog_cursor. With `refuse_unreadable` (a stream item, which the
   follower has not checked: follow.h deliver_reads), a milestone that does
   not decode is not skipped: returns NOTIFIER_UNREADABLE, having taken
   nothing. */
#define NOTIFIER_UNREADABLE 2
int notifier_ingest(notifier_t *self, int64_t seq, const msgpack_object *item, int64_t now_ms,
                    bool refuse_unreadable);

/* Returns true when the open group should be committed before the next
   milestone (NOTIFIER_GROUP_MAX milestones or NOTIFIER_GROUP_MAX_BYTES). */
bool notifier_group_full(const notifier_t *self);

/* Commits the open group in one transaction, then calls publish for each
   of its new alerts in sequence order. Returns the number of webhook
   deliveries the group queued (wake the delivery thread when > 0), 0 when
   no group is open, or -1 when the commit failed (logged): nothing of the
   group is stored or published, resume after alertlog_cursor. */
int notifier_commit(notifier_t *self, notifier_publish_fn *publish, void *ctx);

/* Handles one request frame at now_ms and appends the reply ("pong",
   "alerts", "webhook", "webhooks", "deliveries", "delivery" or "error").
   Returns 1 when deliveries may have become due (wake the delivery
   thread), 0 otherwise. */
int notifier_handle(notifier_t *self, const msg_in_t *in, int64_t now_ms, msgpack_sbuffer *reply);

#endif
