/*  msg: the protocol's messages and their typed codecs.

    Every message is one msgpack map whose first two keys are "v" (the
    protocol version, MSG_VERSION) and "type" (a name such as "deposit"),
    followed by the fields of that type in a fixed order, so encoding is
    deterministic and proto/vectors/ can hold byte-exact examples.
    proto/PROTOCOL.md documents every type below.

    Decoding happens in two steps: msg_in_parse validates the raw frame
    (wire_check), unpacks it and reads the envelope; then the typed
    msg_decode_xxx for the announced type fills a plain struct, naming any
    missing or mistyped field in the error. Unknown keys are ignored, so a
    newer peer may add fields. */
#ifndef RATIFY_MSG_H
#define RATIFY_MSG_H

#include "event.h"
#include "wire.h"

#include <msgpack.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#define MSG_VERSION          1
#define MSG_EVENTS_MAX_BATCH 1000 /* events per "events" reply */

typedef enum {
    MSG_UNKNOWN = 0,
    MSG_PING,              /* any API: are you there? */
    MSG_PONG,              /* reply to ping */
    MSG_ERROR,             /* reply to any request that failed */
    MSG_DEPOSIT,           /* registry API: record an action */
    MSG_RETRACT,           /* registry API: mark an event erroneous */
    MSG_ACCEPTED,          /* registry reply: stored (or already stored) */
    MSG_EVENTS_SINCE,      /* registry API: replay the log */
    MSG_EVENTS,            /* reply: a batch of events */
    MSG_EVENT,             /* registry stream: one stored event */
    MSG_HEARTBEAT,         /* any stream: I am alive, my last sequence is N */
    MSG_REPORT,            /* reporter API: render a report (codecs: report_msg.h) */
    MSG_REPORT_REPLY,      /* reply to report */
    MSG_ALERTS_SINCE,      /* notifier API: replay the alerts (codecs: alert.h) */
    MSG_ALERTS,            /* reply: a batch of alerts */
    MSG_WEBHOOK_ADD,       /* notifier API: subscribe a URL to alerts */
    MSG_WEBHOOK_LIST,      /* notifier API: list the subscriptions */
    MSG_WEBHOOK_REMOVE,    /* notifier API: remove a subscription */
    MSG_WEBHOOK_DEAD,      /* notifier API: list the dead-letter deliveries */
    MSG_WEBHOOK_REDELIVER, /* notifier API: send a dead delivery again */
    MSG_WEBHOOK,           /* reply: one subscription */
    MSG_WEBHOOKS,          /* reply: the subscriptions */
    MSG_DELIVERY,          /* reply: one delivery */
    MSG_DELIVERIES,        /* reply: deliveries */
    MSG_MILESTONE,         /* threshold stream: one milestone (codecs: milestone.h) */
    MSG_MILESTONES_SINCE,  /* threshold API: replay the milestones */
    MSG_MILESTONES,        /* reply: a batch of milestones */
    MSG_STATUS,            /* threshold API: instruments' status as at a date */
    MSG_STATUS_REPLY,      /* reply to status */
    MSG_PARTIES,           /* threshold API: an instrument's parties as at a date */
    MSG_PARTIES_REPLY,     /* reply to parties */
    MSG_TYPE_COUNT
} msg_type_t;

/* Returns the wire name of a type ("events.since"), "" for MSG_UNKNOWN.
   Static string. */
const char *msg_type_name(msg_type_t type);

/* Returns the type with that wire name, or MSG_UNKNOWN. */
msg_type_t msg_type_parse(const char *name);

/* ---- decoded frames ---------------------------------------------------- */

typedef struct _msg_in_t msg_in_t;

/* Validates and unpacks one frame. Returns a new msg_in_t (caller destroys
   it) when the frame is a map with "v" == MSG_VERSION and a string "type";
   the type may be one this build does not know (MSG_UNKNOWN). Returns NULL
   with err filled otherwise: "too_large", "bad_frame", "bad_envelope",
   "bad_version". */
msg_in_t *msg_in_parse(const void *data, size_t size, wire_err_t *err);

/* Destroys a frame; accepts NULL and sets *self_p to NULL. */
void msg_in_destroy(msg_in_t **self_p);

/* Returns the frame's type (MSG_UNKNOWN when not known to this build). */
msg_type_t msg_in_type(const msg_in_t *self);

/* Returns the type name as sent. Borrowed, valid while the frame lives. */
const char *msg_in_type_name(const msg_in_t *self);

/* Returns the unpacked root map. Borrowed, valid while the frame lives. */
const msgpack_object *msg_in_root(const msg_in_t *self);

/* ---- writing codecs (msg.c, milestone.c, alert.c, report_msg.c) -------- */

/* Starts a message: a map of `fields` fields plus the envelope, "v" and
   "type". Returns msgpack-c's result: 0, or negative when memory ran out. */
int msg_pack_begin(msgpack_packer *pk, msg_type_t type, size_t fields);

/* Same, with the type given by name (CloudEvents alert types). */
int msg_pack_begin_named(msgpack_packer *pk, const char *type_name, size_t fields);

/* Returns the root map of a frame of the expected type, or NULL with err
   "wrong_type". Borrowed, valid while the frame lives. */
const msgpack_object *msg_in_expect(const msg_in_t *in, msg_type_t type, wire_err_t *err);

/* ---- replay: "X.since" -> "X" ------------------------------------------ */
/* The registry's events, the threshold service's milestones and the
   notifier's alerts are replayed with the same pair of messages: a request
   {from, limit} and a reply {last_seq, more, <key>: [...]}. Their request,
   the reply's header and the loop that decodes its items are written here
   once; msg.c, milestone.c and alert.c give them their types and items
   (msg_decode_events, milestone_decode_batch, alert_encode_batch...). */

typedef struct {
    int64_t from;  /* first sequence wanted (items with seq >= from) */
    int64_t limit; /* at most this many, capped at the stream's batch maximum; 0 = cap */
} msg_since_t;

/* Appends one request of `type` ("events.since"...) to out. Returns 0, or
   -1 when memory ran out. */
int msg_encode_since(msg_type_t type, const msg_since_t *m, msgpack_sbuffer *out);

/* Checks that the frame is a request of `type` and fills *out; a negative
   limit is a "bad_field". Returns 0, or -1 with err filled. */
int msg_decode_since(const msg_in_t *in, msg_type_t type, msg_since_t *out, wire_err_t *err);

/* Packs a reply of `type` up to its items: the envelope, last_seq, more and
   the header of the array `key` of count items, which the caller packs
   next. Returns msgpack-c's result: 0, or negative when memory ran out. */
int msg_pack_batch_begin(msgpack_packer *pk, msg_type_t type, const char *key, int64_t last_seq,
                         bool more, size_t count);

/* One item already encoded (a complete msgpack map), embedded as is.
   Borrowed: the caller keeps the bytes. */
typedef struct {
    const void *data;
    size_t size;
} msg_raw_t;

/* Appends a reply of `type` whose items under `key` are copied verbatim;
   the caller vouches that each is one complete map. Returns 0, or -1 when
   memory ran out. */
int msg_encode_batch_raw(msg_type_t type, const char *key, int64_t last_seq, bool more,
                         const msg_raw_t *items, size_t count, msgpack_sbuffer *out);

/* What msg_decode_batch needs to know of one stream's reply. */
typedef struct {
    msg_type_t type; /* the reply's type: MSG_EVENTS */
    const char *key; /* its array: "events" */
    size_t max;      /* items at most: a longer array is refused before anything is allocated */
    /* Returns the array under key, or NULL with err filled when it is
       missing, not an array or longer than max: a module passes its own to
       word the refusal as for its other arrays. NULL: msg.c's, "field
       '<key>' holds N <key>, more than <max>". */
    const msgpack_object *(*get_array)(const msgpack_object *map, const char *key, size_t max,
                                       wire_err_t *err);
    size_t item_size;
    /* Reads element i into item (item_size zeroed bytes). Returns 0, or -1
       with err filled and nothing in item to free. */
    int (*read)(const msgpack_object *obj, uint32_t i, void *item, wire_err_t *err);
    /* Frees what a read item holds (not the item); NULL when it holds
       nothing. */
    void (*clear)(void *item);
} msg_batch_codec_t;

typedef struct {
    int64_t last_seq; /* the stream's last sequence at the time of the reply */
    bool more;        /* more follow: ask again from the last seq + 1 */
    size_t count;
    void *items; /* count items of codec->item_size bytes, NULL when none */
} msg_batch_t;

/* Checks that the frame is a reply of codec->type and reads it into *out.
   Returns 0, and the caller owns out->items (the stream's _clear frees
   them), or -1 with err filled and nothing to free. Cost: one allocation
   of at most codec->max items, then O(size of the frame). */
int msg_decode_batch(const msg_in_t *in, const msg_batch_codec_t *codec, msg_batch_t *out,
                     wire_err_t *err);

/* ---- typed messages ---------------------------------------------------- */
/* Each msg_encode_xxx appends one complete frame to `out` (a caller-owned,
   initialised msgpack_sbuffer) and returns 0, or -1 when memory ran out.
   Each msg_decode_xxx checks the frame's type and fills *out; returns 0, or
   -1 with err filled. */

typedef struct {
    char service[32]; /* "registry" */
    char status[16];  /* "ready" */
    char version[16]; /* software version */
    int64_t last_seq; /* last sequence of the service's stream */
} msg_pong_t;

typedef struct {
    char code[32];     /* stable, for programs: "unknown_participant" */
    char message[512]; /* for people */
} msg_error_t;

typedef struct {
    char instrument[64];   /* id or UNTC reference, any case */
    char participant[128]; /* any known name or code */
    char action[32];       /* "ratification", ... */
    char date[32];         /* YYYY-MM-DD */
} msg_deposit_t;

typedef struct {
    int64_t seq;                   /* the event to retract */
    char reason[EVENT_REASON_MAX]; /* required, non-empty */
} msg_retract_t;

typedef struct {
    int64_t seq;    /* the stored event's sequence (the original one when duplicate) */
    bool duplicate; /* the same action was already stored */
    event_t event;  /* the stored event */
} msg_accepted_t;

typedef msg_since_t msg_events_since_t; /* limit capped at MSG_EVENTS_MAX_BATCH */

typedef struct {
    int64_t last_seq; /* the log's last sequence at the time of the reply */
    bool more;        /* more events follow: ask again from the last seq + 1 */
    size_t count;
    event_t *events; /* decode: owned by the struct, free with msg_events_clear */
} msg_events_t;

typedef struct {
    char service[32];
    int64_t last_seq;
} msg_heartbeat_t;

int msg_encode_ping(msgpack_sbuffer *out);
int msg_decode_ping(const msg_in_t *in, wire_err_t *err);

int msg_encode_pong(const msg_pong_t *m, msgpack_sbuffer *out);
int msg_decode_pong(const msg_in_t *in, msg_pong_t *out, wire_err_t *err);

int msg_encode_error(const msg_error_t *m, msgpack_sbuffer *out);
int msg_decode_error(const msg_in_t *in, msg_error_t *out, wire_err_t *err);

/* Replaces what `reply` (caller-owned, initialised) holds with one "error"
   frame: `code`, and the message printf formats from fmt, cut to fit
   msg_error_t's fields. Returns 0, or -1 when memory ran out (the reply is
   then incomplete). */
int msg_reply_error(msgpack_sbuffer *reply, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* msg_reply_error with the message's arguments in ap (the caller's
   va_start and va_end). */
int msg_reply_verror(msgpack_sbuffer *reply, const char *code, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

int msg_encode_deposit(const msg_deposit_t *m, msgpack_sbuffer *out);
int msg_decode_deposit(const msg_in_t *in, msg_deposit_t *out, wire_err_t *err);

int msg_encode_retract(const msg_retract_t *m, msgpack_sbuffer *out);
int msg_decode_retract(const msg_in_t *in, msg_retract_t *out, wire_err_t *err);

int msg_encode_accepted(const msg_accepted_t *m, msgpack_sbuffer *out);
int msg_decode_accepted(const msg_in_t *in, msg_accepted_t *out, wire_err_t *err);

/* msg_encode_since and msg_decode_since for "events.since" */
#define msg_encode_events_since(m, out)       msg_encode_since(MSG_EVENTS_SINCE, m, out)
#define msg_decode_events_since(in, out, err) msg_decode_since(in, MSG_EVENTS_SINCE, out, err)

int msg_encode_events(const msg_events_t *m, msgpack_sbuffer *out);
int msg_decode_events(const msg_in_t *in, msg_events_t *out, wire_err_t *err);
/* Frees the events a decode allocated and zeroes the struct. */
void msg_events_clear(msg_events_t *m);

int msg_encode_event(const event_t *m, msgpack_sbuffer *out);
int msg_decode_event(const msg_in_t *in, event_t *out, wire_err_t *err);

/* Reads an event's fields from a map: a published "event" message or one
   element of an "events" batch. Returns 0, or -1 with err filled. */
int msg_read_event(const msgpack_object *map, event_t *out, wire_err_t *err);

int msg_encode_heartbeat(const msg_heartbeat_t *m, msgpack_sbuffer *out);
int msg_decode_heartbeat(const msg_in_t *in, msg_heartbeat_t *out, wire_err_t *err);

/* Decodes the frame with the typed decoder of its type and encodes the
   result again into `out`: the canonical form of a message. Returns 0, or
   -1 with err filled (unknown type, missing field...). Used to check
   test vectors byte for byte and to validate what ratifyctl sends. With out NULL,
   only decodes (a check: codec_check). */
int msg_reencode(const msg_in_t *in, msgpack_sbuffer *out, wire_err_t *err);

#endif
