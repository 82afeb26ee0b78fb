/*  hookstore: webhook subscriptions and their deliveries, in SQLite.

    A subscription is a URL, an alert type prefix ("" = every alert) and a
    Standard Webhooks secret; it is "active" until removed, or "gone" once
    its endpoint answered 410 Gone (no delivery is queued or sent to it
    again). A delivery is one alert for one subscription: "pending" with a
    next_attempt time until it is "delivered", "dead" (the dead-letter list:
    retries exhausted, or a response that retrying cannot fix) or "gone".
    Deliveries are queued by alertlog_append in the alert's own transaction,
    so a pending delivery survives any crash.

    The main thread uses the management half (add, list, remove, dead,
    redeliver); the delivery thread uses the delivery half on its own
    connection. Each call is one short statement or transaction; listing
    costs O(webhooks + deliveries of the listed rows) through the
    (webhook_id, status, next_attempt_ms) index. */
#ifndef RATIFY_HOOKSTORE_H
#define RATIFY_HOOKSTORE_H

#include "alert.h"

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

typedef struct _hookstore_t hookstore_t;

/* Returns a store over an open notifier database (borrowed: it must
   outlive the store), or NULL with a reason in err. Caller destroys it. */
hookstore_t *hookstore_new(sqlite3 *db, char *err, size_t errlen);

/* Destroys the store (not the database); accepts NULL, sets *self_p NULL. */
void hookstore_destroy(hookstore_t **self_p);

/* ---- management --------------------------------------------------------- */

/* Adds an active subscription. Returns 0 and fills *out (secret
   included), or -1 on a storage error. Arguments are not validated here. */
int hookstore_add(hookstore_t *self, const char *url, const char *type_prefix, const char *secret,
                  int64_t now_ms, alert_hook_t *out);

/* Fills out[0..cap) with the subscriptions by id (secret left ""), with
   their delivery counts. Returns how many, or -1 on error. */
int hookstore_list(hookstore_t *self, alert_hook_t *out, size_t cap);

/* Deletes subscription `id` and all its deliveries. Returns 1 and fills
   *out with what was removed, 0 when there is no such subscription, -1 on
   error. */
int hookstore_remove(hookstore_t *self, int64_t id, alert_hook_t *out);

/* Fills out[0..cap) with the dead deliveries by id. Returns how many, or
   -1 on error. */
int hookstore_dead(hookstore_t *self, alert_delivery_t *out, size_t cap);

/* Makes dead delivery `id` pending again, due now, with a fresh count of
   attempts. Returns 1 and fills *out; 0 when refused, with a stable code
   in why ("unknown_delivery", "not_dead", "webhook_gone"); -1 on error. */
int hookstore_redeliver(hookstore_t *self, int64_t id, int64_t now_ms, alert_delivery_t *out,
                        char *why, size_t whylen);

/* ---- delivery ----------------------------------------------------------- */

/* One attempt to make: what the delivery thread needs to send it. */
typedef struct {
    int64_t delivery_id;
    int64_t webhook_id;
    int64_t attempts; /* made before this one */
    char url[ALERT_URL_MAX];
    char secret[ALERT_SECRET_MAX];
    char alert_id[ALERT_ID_MAX];
    void *body; /* the alert's msgpack bytes, owned: hookstore_job_clear */
    size_t body_size;
} hookstore_job_t;

/* Frees the body and zeroes the job. */
void hookstore_job_clear(hookstore_job_t *job);

/* Fills ids[0..cap) with the active subscriptions' ids. Returns how many,
   or -1 on error. */
int hookstore_active(hookstore_t *self, int64_t *ids, size_t cap);

/* Fills out[0..cap) with webhook_id's pending deliveries due at now_ms,
   oldest first. Returns how many (each to clear), or -1 on error. */
int hookstore_due(hookstore_t *self, int64_t webhook_id, int64_t now_ms, hookstore_job_t *out,
                  size_t cap);

/* Returns the earliest next_attempt of a pending delivery to an active
   subscription (Unix ms), INT64_MAX when none, or -1 on error. */
int64_t hookstore_next_due(hookstore_t *self);

/* Records that an attempt starts: attempts + 1, and a lease until
   lease_until_ms during which the delivery is not due again (a crash
   mid-attempt retries it after the lease). Returns 1, 0 when the delivery
   is no longer pending (removed meanwhile), -1 on error. */
int hookstore_begin(hookstore_t *self, int64_t delivery_id, int64_t lease_until_ms, int64_t now_ms);

/* Undoes hookstore_begin for an attempt abandoned at shut-down: the
   attempt does not count and the delivery is due now. Returns 0 or -1. */
int hookstore_release(hookstore_t *self, int64_t delivery_id, int64_t now_ms);

/* Records an attempt's outcome. status is "delivered", "pending" (retry at
   next_attempt_ms) or "dead"; code the HTTP status (0: none), error a
   reason or NULL. Returns 0 or -1. */
int hookstore_finish(hookstore_t *self, int64_t delivery_id, const char *status, long code,
                     const char *error, int64_t next_attempt_ms, int64_t now_ms);

/* Marks subscription webhook_id "gone" and its pending deliveries "gone",
   delivery_id's with code and error; one transaction. Returns 0 or -1. */
int hookstore_gone(hookstore_t *self, int64_t webhook_id, int64_t delivery_id, long code,
                   const char *error, int64_t now_ms);

#endif
