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
    API. A replay that times out (the owner is down) is retried on the next
    follow_tick.

    The API is the authority, the stream a hint: a stream message whose
    topic does not name its type, or that its type's decoder refuses, is
    logged and dropped; an announced sequence the owner's replay does not
    bear out is forgotten; a stream silent for FOLLOW_SILENCE_MSEC is
    subscribed to again (libzmq gives an endpoint up after a protocol error
    such as an oversize frame).

    The owner of the follower polls follow_socket() in its own loop and
    calls follow_handle() when it is readable, and follow_tick() at least
    every second. Delivery is by callback, on the caller's thread. */
#ifndef RATIFY_FOLLOW_H
#define RATIFY_FOLLOW_H

#include <czmq.h>
#include <msgpack.h>
#include <stdbool.h>
#include <stdint.h>

/* Called for each new item, in sequence order. `item` is the item's map (a
   stream message, or one element of a replay batch: read fields by name).
   Returns 0 when handled; -1 stops delivery (the item will be offered again
   on the next tick). */
typedef int(follow_deliver_fn)(void *ctx, int64_t seq, const msgpack_object *item);

typedef struct {
    const char *name;            /* for logs: "registry events" */
    const char *api_endpoint;    /* where "since" requests go */
    const char *stream_endpoint; /* the PUB socket */
    const char *topic;           /* item topic, e.g. "event"; heartbeats are always taken */
    const char *since_type;      /* request type, e.g. "events.since" */
    const char *array_key;       /* key of the batch array in the reply, e.g. "events" */
    const char *seq_key;         /* key of the sequence in each item, e.g. "seq" */
    int timeout_ms;              /* per replay request */
} follow_config_t;

typedef struct _follow_t follow_t;

/* Returns a follower that has delivered everything up to last_seq (0: from
   the start), or NULL when the sockets cannot be created. Strings in cfg are
   copied. Caller destroys it. Nothing is delivered before follow_tick. */
follow_t *follow_new(const follow_config_t *cfg, int64_t last_seq, follow_deliver_fn *deliver,
                     void *ctx);

/* Destroys the follower; accepts NULL and sets *self_p to NULL. */
void follow_destroy(follow_t **self_p);

/* Returns the SUB socket to poll. Borrowed. */
zsock_t *follow_socket(follow_t *self);

/* Reads and handles what arrived on the SUB socket (non-blocking: several
   messages may be handled). Returns 0, or -1 when delivery failed. */
int follow_handle(follow_t *self);

/* Replays from the API when behind (at start, after a gap, after a failed
   replay). Returns 0 when up to date with what the owner announced, 1 when
   still behind (the owner did not answer: try again later), -1 when
   delivery failed. */
int follow_tick(follow_t *self);

/* Returns the last sequence delivered. */
int64_t follow_last_seq(const follow_t *self);

/* Returns the highest sequence the owner announced (heartbeat, item or
   replay), which may exceed follow_last_seq while catching up. */
int64_t follow_known_seq(const follow_t *self);

/* Returns the number of replay requests made so far (for tests and logs). */
int64_t follow_replays(const follow_t *self);

#endif
