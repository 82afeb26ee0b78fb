/*  milestone: the threshold service's messages and their typed codecs.

    The threshold service publishes one "milestone" for each step an
    instrument takes towards entry into force (threshold.approaching,
    threshold.reached, entry_into_force.scheduled / .revised / .effective)
    and answers "milestones.since" (replay), "status" and "parties". The
    envelope is msg.h's ("v", "type", then the fields in a fixed order, so
    encoding is deterministic); proto/PROTOCOL.md, section "Threshold
    service", lists every field.

    A milestone's id is deterministic: "<INSTRUMENT>/<kind>/<about>", where
    <about> is the date the milestone is about ("2003-07-01"), "none" for
    an entry into force that is no longer known, or the level "N-5" for
    threshold.approaching. A consumer deduplicates on it.

    Decoders copy strings into fixed buffers (a longer string is a
    "bad_field") and allocate the arrays a reply carries; each array is
    capped (MILESTONE_xxx_MAX) so a frame cannot make the receiver allocate
    more than a few MiB whatever it declares. Each decoded struct holding an
    array is released with its _clear function. Cost: O(size of the frame). */
#ifndef RATIFY_MILESTONE_H
#define RATIFY_MILESTONE_H

#include "event.h"
#include "msg.h"
#include "rules.h"
#include "wire.h"

#include <msgpack.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MILESTONE_ID_MAX           96    /* "<instrument>/<kind>/<about>", NUL included */
#define MILESTONE_REFERENCE_MAX    64    /* UNTC reference, NUL included */
#define MILESTONE_TITLE_MAX        512   /* instrument title, NUL included */
#define MILESTONE_NAME_MAX         128   /* participant name, NUL included */
#define MILESTONE_BATCH_MAX        1000  /* milestones per "milestones" reply */
#define MILESTONE_PARTICIPANTS_MAX 1000  /* crossing participants per milestone */
#define MILESTONE_INSTRUMENTS_MAX  10000 /* instruments per "status.reply" */
#define MILESTONE_PARTIES_MAX      10000 /* party entries per "parties.reply" */

typedef enum {
    MILESTONE_NONE = 0,
    MILESTONE_APPROACHING, /* "threshold.approaching": the count reached N-k */
    MILESTONE_REACHED,     /* "threshold.reached": the N-th counted deposit */
    MILESTONE_SCHEDULED,   /* "entry_into_force.scheduled": the EIF became known */
    MILESTONE_REVISED,     /* "entry_into_force.revised": an announced EIF changed */
    MILESTONE_EFFECTIVE,   /* "entry_into_force.effective": today reached the EIF */
} milestone_kind_t;

/* Returns the wire name of a kind ("threshold.reached"), "" for
   MILESTONE_NONE or an unknown value. Static string. */
const char *milestone_kind_name(milestone_kind_t kind);

/* Returns the kind with that wire name, or MILESTONE_NONE. */
milestone_kind_t milestone_kind_parse(const char *name);

/* Returns the wire name of a stage: "pending", "scheduled", "in_force";
   "" for an unknown value. Static string. */
const char *milestone_stage_name(rules_stage_t stage);

/* Reads a stage's wire name into *out. Returns 0, or -1 when unknown. */
int milestone_stage_parse(const char *name, rules_stage_t *out);

/* Writes the deterministic id "<instrument>/<kind>/<about>" into buf (cap
   bytes): <about> is "N-<level>" for MILESTONE_APPROACHING, else the date
   as YYYY-MM-DD, or "none" for RDATE_NONE. Returns 0, or -1 when the kind
   is unknown or the id does not fit. Pure. */
int milestone_make_id(const char *instrument, milestone_kind_t kind, int level, rdate_t date,
                      char *buf, size_t cap);

/* ---- the published milestone ------------------------------------------ */

/* One participant whose deposit on the threshold date crossed the line. */
typedef struct {
    char participant[EVENT_PARTICIPANT_MAX]; /* catalog id */
    char name[MILESTONE_NAME_MAX];           /* its name on the threshold date */
} milestone_participant_t;

typedef struct {
    int64_t seq;               /* the threshold stream's sequence, 1-based */
    char id[MILESTONE_ID_MAX]; /* deterministic, see milestone_make_id */
    milestone_kind_t kind;
    char instrument[EVENT_INSTRUMENT_MAX]; /* catalog id */
    char reference[MILESTONE_REFERENCE_MAX];
    char title[MILESTONE_TITLE_MAX];
    int64_t threshold;        /* N */
    int64_t count;            /* counted instruments when it was emitted */
    int64_t level;            /* approaching: k (the count reached N-k); else 0 (nil) */
    rdate_t date;             /* the date it is about: approaching, the date the count
                                    reached N-k as far as known; reached, the threshold
                                    date; the others, the EIF (RDATE_NONE: no longer known) */
    rdate_t threshold_date;   /* or RDATE_NONE */
    rdate_t entry_into_force; /* or RDATE_NONE */
    char waiting_for[EVENT_INSTRUMENT_MAX]; /* parent whose EIF is unknown, "" (nil) */
    rules_stage_t stage;
    size_t participant_count;
    milestone_participant_t *participants; /* decode: owned, milestone_clear frees */
} milestone_t;

/* Each milestone_encode_xxx appends one complete frame to `out` (a
   caller-owned, initialised msgpack_sbuffer) and returns 0, or -1 when
   memory ran out or a field is out of range. Each milestone_decode_xxx
   checks the frame's type and fills *out; returns 0, or -1 with err filled
   (nothing to free on error). */

int milestone_encode(const milestone_t *m, msgpack_sbuffer *out);
int milestone_decode(const msg_in_t *in, milestone_t *out, wire_err_t *err);
/* Reads a milestone's fields from a map: a published "milestone" or one
   element of a "milestones" batch. Returns 0, or -1 with err filled. On
   success the caller must milestone_clear(out). */
int milestone_read(const msgpack_object *map, milestone_t *out, wire_err_t *err);
/* Frees the participants a decode allocated and zeroes the struct. */
void milestone_clear(milestone_t *m);

/* ---- replay: "milestones.since" -> "milestones" ------------------------ */

typedef msg_since_t milestone_since_t; /* limit capped at MILESTONE_BATCH_MAX */

typedef struct {
    int64_t last_seq; /* the stream's last sequence at the time of the reply */
    bool more;        /* more follow: ask again from the last seq + 1 */
    size_t count;
    milestone_t *milestones; /* decode: owned, milestone_batch_clear frees */
} milestone_batch_t;

/* One already-encoded "milestone" frame (as milestone_encode wrote it). */
typedef msg_raw_t milestone_raw_t;

/* msg_encode_since and msg_decode_since for "milestones.since" */
#define milestone_encode_since(m, out)       msg_encode_since(MSG_MILESTONES_SINCE, m, out)
#define milestone_decode_since(in, out, err) msg_decode_since(in, MSG_MILESTONES_SINCE, out, err)

int milestone_encode_batch(const milestone_batch_t *m, msgpack_sbuffer *out);
/* Same frame as milestone_encode_batch, from milestones already encoded by
   milestone_encode (each is embedded as is: the bytes are the published
   ones). The caller vouches that each item is one milestone_encode frame.
   msg_encode_batch_raw for "milestones". */
#define milestone_encode_batch_raw(last_seq, more, items, count, out)                              \
    msg_encode_batch_raw(MSG_MILESTONES, "milestones", last_seq, more, items, count, out)
int milestone_decode_batch(const msg_in_t *in, milestone_batch_t *out, wire_err_t *err);
/* Frees what a batch decode allocated and zeroes the struct. */
void milestone_batch_clear(milestone_batch_t *m);

/* ---- "status" -> "status.reply" ---------------------------------------- */

typedef struct {
    char instrument[64]; /* id or UNTC reference, any case; "" (nil): every instrument */
    rdate_t as_of;       /* RDATE_NONE (nil): the service's today */
} milestone_status_req_t;

/* One instrument's state as at a date. */
typedef struct {
    char instrument[EVENT_INSTRUMENT_MAX];
    char reference[MILESTONE_REFERENCE_MAX];
    char title[MILESTONE_TITLE_MAX];
    char parent[EVENT_INSTRUMENT_MAX]; /* "" (nil): none */
    int64_t signatures;
    int64_t parties;   /* participants that are parties, REIOs included */
    int64_t counted;   /* instruments counted toward the threshold */
    int64_t threshold; /* N */
    rdate_t threshold_date;
    rdate_t entry_into_force;
    rules_stage_t stage;
    char waiting_for[EVENT_INSTRUMENT_MAX]; /* "" (nil): not waiting for a parent */
} milestone_status_t;

typedef struct {
    rdate_t as_of;
    int64_t registry_seq; /* last registry event the answer reflects */
    size_t count;
    milestone_status_t *instruments; /* decode: owned, milestone_status_reply_clear frees */
} milestone_status_reply_t;

int milestone_encode_status(const milestone_status_req_t *m, msgpack_sbuffer *out);
int milestone_decode_status(const msg_in_t *in, milestone_status_req_t *out, wire_err_t *err);

int milestone_encode_status_reply(const milestone_status_reply_t *m, msgpack_sbuffer *out);
int milestone_decode_status_reply(const msg_in_t *in, milestone_status_reply_t *out,
                                  wire_err_t *err);
void milestone_status_reply_clear(milestone_status_reply_t *m);

/* ---- "parties" -> "parties.reply" -------------------------------------- */

typedef struct {
    char instrument[64]; /* id or UNTC reference, required */
    rdate_t as_of;       /* RDATE_NONE (nil): the service's today */
} milestone_parties_req_t;

/* One participation (a participant that denounced and joined again has
   two). */
typedef struct {
    char participant[EVENT_PARTICIPANT_MAX];
    char name[MILESTONE_NAME_MAX]; /* its name on as_of */
    action_t action;               /* the instrument of consent */
    rdate_t deposit;
    rdate_t entry_into_force; /* for this party, or RDATE_NONE while unknown */
    rdate_t end;              /* first day no longer a party, or RDATE_NONE */
} milestone_party_t;

typedef struct {
    char instrument[EVENT_INSTRUMENT_MAX]; /* catalog id */
    rdate_t as_of;
    size_t count;
    milestone_party_t *parties; /* by deposit date; owned, milestone_parties_reply_clear */
} milestone_parties_reply_t;

int milestone_encode_parties(const milestone_parties_req_t *m, msgpack_sbuffer *out);
int milestone_decode_parties(const msg_in_t *in, milestone_parties_req_t *out, wire_err_t *err);

int milestone_encode_parties_reply(const milestone_parties_reply_t *m, msgpack_sbuffer *out);
int milestone_decode_parties_reply(const msg_in_t *in, milestone_parties_reply_t *out,
                                   wire_err_t *err);
void milestone_parties_reply_clear(milestone_parties_reply_t *m);

/* Decodes a frame of one of the types above with its typed decoder and
   encodes it again into `out` (the canonical form). Returns 0, or -1 with
   err filled ("unknown_type" for a type not of this module). With out NULL,
   only decodes (a check: codec_check). */
int milestone_reencode(const msg_in_t *in, msgpack_sbuffer *out, wire_err_t *err);

#endif
