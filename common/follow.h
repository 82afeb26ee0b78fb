/*  follow: a consumer that never misses a message of a sequenced stream
    (the Clone pattern of the ZeroMQ Guide).

    A stream owner (the registry for events, the threshold service for
    milestones, the notifier for alerts) publishes items with consecutive
    sequence numbers on a PUB socket, sends heartbeats carrying its last
    sequence, and answers a "since" request on its API with a batch of items
    from a given sequence ({"last_seq", "more", <array key>: [...]}).

    The follower subscribes first, then replays from its own last sequence,
    so nothing falls between the two. Each item is delivered exactly once and
    in order: an item at or below the last delivered is dropped; one beyond
    the next expected (a gap: the PUB dropped messages, or we connected late),
    or a heartbeat announcing more than we have, triggers a replay from the
    API. A replay is a request like any other: the follower never waits for
    its reply, which is read when it arrives, so the owner of the follower
    keeps answering its own API while the stream's owner is down or slow. A
    replay unanswered within the configured timeout is given up (its socket
    closed, so a late reply is never taken for another's) and asked again
    at the next follow_tick.

    The API is the authority, the stream a hint: a stream message whose
    topic does not name its type, or that its type's decoder refuses, is
    logged and dropped; an announced sequence the owner's replay does not
    bear out is forgotten; a stream silent for FOLLOW_SILENCE_MSEC is
    subscribed to again (libzmq gives an endpoint up after a protocol error
    such as an oversize frame).

    The owner of the follower adds the follower's sockets to its poller with
    follow_attach(), calls follow_handle() when zpoller_wait returns one of
    them (follow_owns), and follow_tick() at least every second (a loop
    that polls nothing else may call follow_tick alone, after each wait:
    it reads what came). Delivery is by callback, on the caller's thread. */
#ifndef RATIFY_FOLLOW_H
#define RATIFY_FOLLOW_H

#include <czmq.h>
#include <msgpack.h>
#include <stdbool.h>
#include <stdint.h>

/* Called for each new item, in sequence order. `item` is the item's map (a
   stream message, or one element of a replay batch: read fields by name).
   Returns 0 when handled; -1 stops delivery (the item will be offered again
   on the next tick); FOLLOW_UNREADABLE (a follower configured with
   `deliver_reads` only) when a stream item cannot be read and nothing was
   taken from it. */
typedef int(follow_deliver_fn)(void *ctx, int64_t seq, const msgpack_object *item);

/* What a deliver callback returns for a stream item its type's decoder
   refuses (see follow_config_t.deliver_reads): the follower drops it, as it
   drops any unreadable stream message, and waits for the owner's real item
   (by replay, when the next one shows the gap). */
#define FOLLOW_UNREADABLE 1

typedef struct {
    const char *name;            /* for logs: "registry events" */
    const char *api_endpoint;    /* where "since" requests go */
    const char *stream_endpoint; /* the PUB socket */
    const char *topic;           /* item topic, e.g. "event": the items' type, or ending with
                                    a dot, their family ("org.ratify."); heartbeats are
                                    always taken, no other type */
    const char *since_type;      /* request type, e.g. "events.since" */
    const char *array_key;       /* key of the batch array in the reply, e.g. "events" */
    const char *seq_key;         /* key of the sequence in each item, e.g. "seq" */
    int timeout_ms;              /* per replay request */
    /* The deliver callback reads each item with its type's decoder (the one
       codec_check runs) and, when that decoder refuses a stream item (not
       follow_replaying), returns FOLLOW_UNREADABLE having taken nothing;
       a replayed item it cannot read it skips, as the owner's log holds it
       so. Then the follower does not decode the next stream item (the one
       it delivers at once, not behind) a second time to check it (the
       check was 8% of a follower's instructions); any other stream message
       it still checks. false: the follower checks every stream message, and
       FOLLOW_UNREADABLE is a failure like -1. */
    bool deliver_reads;
} follow_config_t;

/* The replayable streams, by their owner as PROTOCOL names them (sections
   6, 10, 11) and as `ratifyctl watch` takes them. */
typedef enum {
    FOLLOW_REGISTRY = 0, /* the registry's events: topic "event", events.since */
    FOLLOW_THRESHOLD,    /* the threshold service's milestones: "milestone", milestones.since */
    FOLLOW_ALERTS        /* the notifier's alerts: "org.ratify.", alerts.since */
} follow_stream_t;

/* Returns the configuration that follows `stream` (one of follow_stream_t):
   its API and PUB endpoints from config.h, topic, since type, array key and
   sequence key, with the caller's `name` for logs and `timeout_ms` per
   replay. The strings are static, the environment's or the caller's: the
   caller frees nothing, and follow_new copies them. */
follow_config_t follow_config(follow_stream_t stream, const char *name, int timeout_ms);

typedef struct _follow_t follow_t;

/* Returns a follower that has delivered everything up to last_seq (0: from
   the start), or NULL when the sockets cannot be created. Strings in cfg are
   copied. Caller destroys it. The first replay is asked for by follow_tick (or follow_handle). */
follow_t *follow_new(const follow_config_t *cfg, int64_t last_seq, follow_deliver_fn *deliver,
                     void *ctx);

/* Destroys the follower; accepts NULL and sets *self_p to NULL. Its
   sockets are not taken out of the poller it was attached to: destroy
   that poller first, or never wait on it again. */
void follow_destroy(follow_t **self_p);

/* Adds the follower's sockets (the stream, and the replay request's while
   one is out) to the owner's poller, and keeps them there as they change.
   Once per follower. Returns 0, or -1 when the poller refused them. */
int follow_attach(follow_t *self, zpoller_t *poller);

/* Returns whether `which` (what the owner's zpoller_wait returned) is one
   of the follower's sockets: then call follow_handle. */
bool follow_owns(const follow_t *self, void *which);

/* Reads and handles what arrived: stream messages, and a replay's reply
   (its items are delivered; when more is to come, or the follower is
   behind, the next request goes at once). Non-blocking. Returns 0, or -1
   when delivery failed. */
int follow_handle(follow_t *self);

/* Takes the follower back to last_seq, below what it delivered (the owner
   lost what it was given after it: a failed commit): the items after it
   are replayed, and delivered again. */
void follow_rewind(follow_t *self, int64_t last_seq);

/* Handles what is ready (as follow_handle), gives up a replay unanswered
   for too long, and asks for one when behind (at start, after a gap or a
   failed replay) and none is out. Never waits. Returns 0 when up to date
   with what the owner announced, 1 when still behind (a replay is out or
   failed: the items come with follow_handle), -1 when delivery failed. */
int follow_tick(follow_t *self);

/* Returns true while the item being delivered comes from a replay (the
   owner's answer, the authority), false for a stream item. For a deliver
   callback. */
bool follow_replaying(const follow_t *self);

/* Returns the last sequence delivered. */
int64_t follow_last_seq(const follow_t *self);

/* Returns the highest sequence the owner announced (heartbeat, item or
   replay), which may exceed follow_last_seq while catching up. */
int64_t follow_known_seq(const follow_t *self);

/* Returns whether the follower is behind what the owner announced, or has
   not yet heard the owner's answer to its first replay. */
bool follow_behind(const follow_t *self);

/* Returns the number of replay requests made so far (for tests and logs). */
int64_t follow_replays(const follow_t *self);

#endif
