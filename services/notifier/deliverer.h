/*  deliverer: the webhook delivery thread.

    A zactor with its own SQLite connection and its HTTP/1.1 transfers
    (httpc.h): it sends every due delivery as an HTTP POST of the alert's
    CloudEvents JSON form, signed per Standard Webhooks (webhook.h), and
    records each outcome in hookstore (delivered, retry at a later time,
    dead, gone).
    All transfers run concurrently in the one thread, at most
    DELIVERER_INFLIGHT_PER_HOOK per subscription and DELIVERER_INFLIGHT_MAX
    in all, each bounded by the policy's timeout (the host's DNS lookup
    included); so a slow or dead endpoint holds its own slot for at most a
    timeout and never delays the other endpoints, nor the main thread,
    which only tells the actor "WAKE" after it stores an alert. One attempt at a time per subscription sends its
    alerts in sequence order while it answers 2xx, and makes a 410 final:
    no request follows the one answered 410.

    Delivery is at least once: an attempt that succeeded just before a
    crash is sent again after restart (the webhook-id header, the alert id,
    lets a receiver drop the duplicate).

    The actor logs nothing itself (log.c writes a record in several stdio
    calls, so two threads could interleave): it sends each record to the
    main thread, which calls deliverer_handle when the actor's socket is
    readable. */
#ifndef RATIFY_DELIVERER_H
#define RATIFY_DELIVERER_H

#include "webhook.h"

#include <czmq.h>
#include <stddef.h>

#define DELIVERER_INFLIGHT_PER_HOOK 1  /* concurrent attempts per subscription */
#define DELIVERER_INFLIGHT_MAX      64 /* concurrent attempts in all */

typedef struct _deliverer_t deliverer_t;

/* Starts the delivery thread on the notifier database at db_path and
   waits until it is ready (OpenSSL is loaded later, when an https
   delivery first falls due: tlslib.h). Returns the deliverer, or NULL with a reason in
   err. Caller destroys it. */
deliverer_t *deliverer_new(const char *db_path, const webhook_policy_t *policy, char *err,
                           size_t errlen);

/* Stops the thread (in-flight attempts are abandoned and stay pending,
   not counted) and waits for it. Accepts NULL; sets *self_p to NULL. */
void deliverer_destroy(deliverer_t **self_p);

/* Tells the thread that deliveries may be due now (an alert was stored, a
   delivery was redelivered). Never blocks. */
void deliverer_wake(deliverer_t *self);

/* Returns the socket to poll for the thread's log records. Borrowed. */
zsock_t *deliverer_socket(deliverer_t *self);

/* Reads one log record from the thread and writes it to the log. */
void deliverer_handle(deliverer_t *self);

#endif
