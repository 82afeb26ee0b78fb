/*  threshold: what the threshold service does, without sockets.

    One rule engine (rules.h) per catalog instrument holds that
    instrument's registry events. threshold_apply takes one registry event:
    it mirrors it in threshold.db, adds it to its instrument's engine,
    recomputes that instrument and then its descendants (a Protocol's
    result depends on its Convention's), as at today, and asks the tracker
    (tracker.h) which milestones are now due; a due milestone whose id was
    already published is dropped, the others get the next stream sequence
    and are stored. threshold_commit makes the batch durable and only then
    hands the new milestones to the caller to publish. threshold_handle
    answers the API's requests (status, parties, milestones.since, ping).

    Cost of one event: O(k + p log p) where k is the number of events of
    the instrument and of its descendants and p their participations (see
    rules.h; the engines of every other instrument are not touched), plus
    O(log n) SQLite inserts. A status query as at another date recomputes
    the instruments asked for and their ancestors at that date, O(k) each;
    a status stays cached until an event of the instrument or of an
    ancestor, or a computation at another date, replaces it. An instrument
    no other depends on lets its engine drop the party list once its
    milestones are emitted (a parties query computes it again); a parent
    keeps it for its children. Start-up reads both tables once and
    computes every instrument once: O(n log n) in all events held. */
#ifndef RATIFY_THRESHOLD_H
#define RATIFY_THRESHOLD_H

#include "catalog.h"
#include "event.h"
#include "msg.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct _threshold_t threshold_t;

/* Receives one new milestone after its commit: its stream sequence and its
   encoded "milestone" frame (valid during the call only); `last` is set on
   the batch's last one, after which the milestones' log lines follow. */
typedef void(threshold_publish_fn)(void *ctx, int64_t seq, const void *data, size_t size,
                                   bool last);

/* Opens the state file at path (creating it when missing), rebuilds every
   engine from its mirror of events and the announced state from its
   milestones, and computes every instrument as at today. Milestones that
   became due meanwhile (today moved on, say) are pending: call
   threshold_commit to store and publish them. The catalog is borrowed and
   must outlive the result. Returns the service state (caller destroys it),
   or NULL with a reason in err. */
threshold_t *threshold_new(const catalog_t *catalog, const char *path, rdate_t today, char *err,
                           size_t errlen);

/* Destroys the state (an uncommitted batch is rolled back); accepts NULL
   and sets *self_p to NULL. */
void threshold_destroy(threshold_t **self_p);

/* Returns the last registry sequence processed (committed or pending):
   the follower resumes after it. */
int64_t threshold_cursor(const threshold_t *self);

/* Returns the last milestone sequence committed (what replies and
   heartbeats announce). */
int64_t threshold_last_seq(const threshold_t *self);

/* Returns the date the current statuses are computed as at. */
rdate_t threshold_today(const threshold_t *self);

/* Processes one registry event into the open batch (opened when needed),
   first moving to `today` when it changed (see threshold_set_today).
   An event already processed, for an instrument not in the catalog or
   that the rules refuse is mirrored and otherwise ignored (logged).
   Returns 0, or -1 when storage or memory failed: the batch is then
   spoiled and threshold_commit will discard it. */
int threshold_apply(threshold_t *self, const event_t *ev, rdate_t today);

/* Recomputes every instrument as at `today` when it differs from the date
   in use, into the open batch (entry_into_force.effective falls due
   here). Returns 0, or -1 as threshold_apply. */
int threshold_set_today(threshold_t *self, rdate_t today);

/* Returns the number of milestones waiting for threshold_commit. */
size_t threshold_pending(const threshold_t *self);

/* Commits the open batch, then calls publish for each new milestone in
   sequence order (publish may be NULL). Returns 0 (also when no batch was
   open); -1 when the batch was spoiled or the commit failed: it is rolled
   back and the state reloaded from the file, so threshold_cursor may have
   gone back (take the follower back to it) and a batch of milestones due
   on reload may be pending; -2 when the file can no longer be read (the
   state is unusable: stop the service). */
int threshold_commit(threshold_t *self, threshold_publish_fn *publish, void *ctx);

/* Handles one API request frame and appends the reply to `reply`:
   "status" -> "status.reply", "parties" -> "parties.reply",
   "milestones.since" -> "milestones", "ping" -> "pong", anything else or
   a malformed request -> "error" (codes: unknown_instrument, bad_field,
   missing_field, wrong_type, unknown_type, too_large, internal). Queries
   are answered as at `today` unless they give as_of. Call it with no
   batch open (after threshold_commit). Returns 0, or -1 when the reply
   could not be encoded (out of memory). */
int threshold_handle(threshold_t *self, const msg_in_t *in, msgpack_sbuffer *reply);

#endif
