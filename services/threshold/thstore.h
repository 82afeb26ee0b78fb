/*  thstore: the threshold service's own SQLite file (threshold.db).

    Two tables:
      events      a mirror of the registry events processed, same columns
                  as the registry's log; MAX(seq) is the cursor the service
                  resumes from, and at start the rule engines are rebuilt
                  from this table alone, without asking the registry for
                  everything again;
      milestones  every milestone published: seq (the threshold stream's
                  sequence), the deterministic id (UNIQUE), kind,
                  instrument, level (approaching), the date it is about,
                  and the encoded frame as published, replayed byte for
                  byte.

    The service writes an event and the milestones it caused in one
    transaction (thstore_begin .. thstore_commit) and publishes after the
    commit, so a milestone on the wire is always on disk, and an event is
    never half processed. WAL, synchronous=FULL (db.h). Costs: inserts and
    the cursor are O(log n); the load at start is one scan of each table. */
#ifndef RATIFY_THRESHOLD_THSTORE_H
#define RATIFY_THRESHOLD_THSTORE_H

#include "event.h"
#include "milestone.h"

#include <stddef.h>
#include <stdint.h>

typedef struct _thstore_t thstore_t;

/* Opens or creates the file at path. Returns the store, or NULL with a
   reason in err. Caller destroys it. */
thstore_t *thstore_open(const char *path, char *err, size_t errlen);

/* Closes the store (rolling back an open transaction); accepts NULL and
   sets *self_p to NULL. */
void thstore_destroy(thstore_t **self_p);

/* Starts a write transaction. Returns 0, or -1 with the reason in err. */
int thstore_begin(thstore_t *self, char *err, size_t errlen);

/* Commits the open transaction (durable on return). Returns 0, or -1
   with the reason in err; the transaction is then rolled back. A
   transaction in which thstore_add_event failed is never committed. */
int thstore_commit(thstore_t *self, char *err, size_t errlen);

/* Rolls back the open transaction, if any. */
void thstore_rollback(thstore_t *self);

/* Returns the last registry sequence mirrored (0 when none), or -1 on a
   storage error. */
int64_t thstore_cursor(thstore_t *self);

/* Returns the last milestone sequence (0 when none), or -1 on error. */
int64_t thstore_last_milestone(thstore_t *self);

/* Mirrors one registry event. Inside a transaction the row may be
   written only at the commit (several to a statement). Returns 1 when
   stored, 0 when an event with that seq is already there, -1 with the
   reason in err: then events this transaction was told were stored may
   be lost, and its commit is refused (roll it back). */
int thstore_add_event(thstore_t *self, const event_t *ev, char *err, size_t errlen);

/* Calls fn for each mirrored event in sequence order; stops early when fn
   returns non-zero. Returns 0, fn's non-zero value, or -1 on a storage
   error. */
typedef int(thstore_event_fn)(void *ctx, const event_t *ev);
int thstore_each_event(thstore_t *self, thstore_event_fn *fn, void *ctx);

/* Stores one milestone: its sequence, id, kind, instrument, level (stored
   for MILESTONE_APPROACHING only), the date it is about (RDATE_NONE stores
   NULL) and the encoded frame. Returns 0, or -1 with the reason in err (an
   id already stored is an error). */
int thstore_add_milestone(thstore_t *self, int64_t seq, const char *id, milestone_kind_t kind,
                          const char *instrument, int level, rdate_t date, const void *body,
                          size_t size, char *err, size_t errlen);

/* Calls fn for each stored milestone in sequence order, with its id, kind,
   instrument, level (0 when none) and date; stops early when fn returns
   non-zero. Returns as thstore_each_event. */
typedef int(thstore_milestone_fn)(void *ctx, int64_t seq, const char *id, milestone_kind_t kind,
                                  const char *instrument, int level, rdate_t date);
int thstore_each_milestone(thstore_t *self, thstore_milestone_fn *fn, void *ctx);

/* Calls fn with the encoded frame of each milestone with seq >= from, in
   order, at most limit of them; `data` is valid only during the call.
   Stops early when fn returns non-zero. Returns the number of frames
   given to fn (the one that stopped excluded), or -1 on error. */
typedef int(thstore_body_fn)(void *ctx, int64_t seq, const void *data, size_t size);
int thstore_milestones_since(thstore_t *self, int64_t from, size_t limit, thstore_body_fn *fn,
                             void *ctx);

#endif
