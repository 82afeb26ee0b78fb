/*  notifier: what the notifier does with each milestone and each request,
    without sockets.

    notifier_ingest turns one threshold milestone into an alert and stores
    it (alertlog); notifier_handle answers one API request: ping,
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
#include <stdint.h>

typedef struct _notifier_t notifier_t;

/* Returns a notifier over an alert log and a subscription store (both
   borrowed: they must outlive it), or NULL when out of memory. Caller
   destroys it. */
notifier_t *notifier_new(alertlog_t *log, hookstore_t *hooks);

/* Destroys the notifier; accepts NULL and sets *self_p to NULL. */
void notifier_destroy(notifier_t **self_p);

/* Consumes milestone `seq` of the threshold stream (`item`, its map) at
   now_ms. Returns 1 when a new alert was stored: *alert (caller clears it)
   and its published bytes appended to body, *queued webhook deliveries.
   Returns 0 when there is nothing to publish: the alert was already
   stored, or the milestone cannot become an alert (logged and skipped).
   Returns -1 when nothing could be stored (logged): offer it again. */
int notifier_ingest(notifier_t *self, int64_t seq, const msgpack_object *item, int64_t now_ms,
                    alert_t *alert, msgpack_sbuffer *body, int *queued);

/* Handles one request frame at now_ms and appends the reply ("pong",
   "alerts", "webhook", "webhooks", "deliveries", "delivery" or "error").
   Returns 1 when deliveries may have become due (wake the delivery
   thread), 0 otherwise. */
int notifier_handle(notifier_t *self, const msg_in_t *in, int64_t now_ms,
                    msgpack_sbuffer *reply);

#endif
