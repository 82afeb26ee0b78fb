/*  store: the registry's append-only event log in SQLite.

    One row per event, never updated or deleted: a correction is a
    retraction event that names the erroneous one. A row is on disk
    (WAL, synchronous=FULL) before store_append returns, or with a group
    before store_commit returns (the registry groups the deposits that come
    together), which is what lets the registry say "accepted". The lookups the validation needs (the same
    action already stored, a participant's standing consent) are answered
    from an index in memory, built when the log is opened: each costs
    O(the events of that participant for that instrument), whatever the
    size of the log, and a commit writes only the log's last pages. */
#ifndef RATIFY_REGISTRY_STORE_H
#define RATIFY_REGISTRY_STORE_H

#include "event.h"

#include <stddef.h>
#include <stdint.h>

typedef struct _store_t store_t;

/* Opens or creates the log at path. Returns the store, or NULL with a
   reason in err. Caller destroys it. */
store_t *store_open(const char *path, char *err, size_t errlen);

/* Closes the store; accepts NULL and sets *self_p to NULL. */
void store_destroy(store_t **self_p);

/* Returns the last sequence number stored, 0 for an empty log. */
int64_t store_last_seq(store_t *self);

/* Reads event `seq` into *out. Returns 1 when found, 0 when there is no
   such event, -1 on a storage error. */
int store_get(store_t *self, int64_t seq, event_t *out);

/* Returns 1 and fills *out with the live (not retracted) event having the
   same instrument, participant, action and date as `like`; 0 when there is
   none; -1 on error. */
int store_find_same(store_t *self, const event_t *like, event_t *out);

/* Returns 1 and fills *out with the newest live event of `participant` for
   `instrument` whose action is one of `actions` (a bitmask of 1 << action,
   deposit actions only: a retraction is never found this way)
   and whose date is on or before `on_or_before` (RDATE_NONE: any date); 0
   when there is none; -1 on error. */
int store_find_latest(store_t *self, const char *instrument, const char *participant,
                      unsigned actions, rdate_t on_or_before, event_t *out);

/* Returns 1 and fills *out with the retraction of event `seq`; 0 when it is
   not retracted; -1 on error. */
int store_find_retraction(store_t *self, int64_t seq, event_t *out);

/* Appends the event: committed at once, or with the open transaction when
   store_begin was called. On success sets ev->seq and returns 0; returns -1
   with the SQLite reason in err (nothing stored: a full disk or a read-only
   directory lands here). */
int store_append(store_t *self, event_t *ev, char *err, size_t errlen);

/* Group commit: store_begin opens a write transaction; the appends that
   follow are durable only after store_commit returns 0. When commit fails
   (full disk, read-only directory), call store_rollback: every append since
   store_begin is undone and store_last_seq goes back. Each returns 0 or -1
   with the SQLite reason in err. */
int store_begin(store_t *self, char *err, size_t errlen);
int store_commit(store_t *self, char *err, size_t errlen);
void store_rollback(store_t *self);

/* Reads up to `cap` events with seq >= from into out[], in sequence order.
   Returns how many, or -1 on error. */
int store_since(store_t *self, int64_t from, event_t *out, size_t cap);

#endif
