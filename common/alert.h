/*  alert: what the notifier publishes, and the notifier's API messages.

    An alert is one CloudEvents 1.0 event per threshold milestone. It
    travels in two forms, both built here so the notifier, ratifyctl and
    the tests agree on every byte and key:

    - msgpack (the ZeroMQ stream, replays, the notifier's SQLite rows): one
      map whose first two keys are the protocol envelope, "v" (MSG_VERSION)
      and "type" -- which *is* the CloudEvents `type` -- followed by
      specversion, id, source, subject, time, datacontenttype, sequence and
      data. So msg_in_parse accepts a published alert (its msg_type_t is
      MSG_UNKNOWN; the type name is the CloudEvents type) and follow.h reads
      its "sequence" like any other stream item.
    - JSON (`ratifyctl subscribe --json`, webhook bodies): the CloudEvents
      JSON event format: the same attributes without "v", `sequence` as a
      string of decimal digits (the CloudEvents sequence extension types it
      String), dates as "YYYY-MM-DD", absent values as null.

    The alert id is the milestone's deterministic id, so an alert is the
    same alert across restarts and replays; `source` is the constant
    ALERT_SOURCE; `time` is when the notifier stored it (RFC 3339, UTC, ms),
    so two runs give the same ids but not the same bytes.

    The second half of the file holds the typed codecs of the notifier's
    API ("alerts.since", "alerts", "webhook.*", "webhooks", "delivery",
    "deliveries"; names in msg.h), kept here because ratifyctl and the
    notifier both need them and msg.c stays the registry's. Every decoder
    reads fields by name, names the bad field in err, and bounds every
    string and array. */
#ifndef RATIFY_ALERT_H
#define RATIFY_ALERT_H

#include "event.h"
#include "milestone.h"
#include "msg.h"
#include "rdate.h"
#include "wire.h"

#include <jansson.h>
#include <msgpack.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ALERT_SPECVERSION     "1.0"
#define ALERT_SOURCE          "/ratify/threshold"
#define ALERT_TYPE_PREFIX     "org.ratify."
#define ALERT_DATACONTENTTYPE "application/json"

#define ALERT_ID_MAX           160 /* milestone id, NUL included */
#define ALERT_TYPE_MAX         64  /* "org.ratify.entry_into_force.scheduled" */
#define ALERT_TIME_MAX         32  /* "2026-11-27T21:40:00.123Z" */
#define ALERT_STAGE_MAX        32
#define ALERT_PARTICIPANTS_MAX MILESTONE_PARTICIPANTS_MAX /* more in one alert is refused */

/* One alert. A plain value: participants is owned by the struct (free it
   with alert_clear); everything else is inline. */
typedef struct {
    int64_t sequence;          /* the notifier's stream sequence, 1-based */
    char id[ALERT_ID_MAX];     /* "UNTOC/threshold.reached/2003-07-01" */
    char type[ALERT_TYPE_MAX]; /* "org.ratify.threshold.reached" */
    char time[ALERT_TIME_MAX]; /* when the notifier stored it, RFC 3339 UTC */
    /* data; `subject` on the wire is `instrument` */
    char instrument[EVENT_INSTRUMENT_MAX];   /* catalog id, "UNTOC" */
    char reference[MILESTONE_REFERENCE_MAX]; /* UNTC reference, "XVIII-12" */
    char title[MILESTONE_TITLE_MAX];
    int64_t threshold;                      /* instruments needed */
    int64_t count;                          /* instruments counted */
    rdate_t threshold_date;                 /* RDATE_NONE: null */
    rdate_t entry_into_force;               /* RDATE_NONE: null */
    char waiting_for[EVENT_INSTRUMENT_MAX]; /* parent instrument; "": null */
    char stage[ALERT_STAGE_MAX];            /* "pending", "scheduled", "in_force"; "": null */
    size_t participant_count;
    milestone_participant_t *participants; /* {id, name on threshold_date} whose deposits
                                               on threshold_date crossed the line */
} alert_t;

/* Returns the alert type of a milestone kind ("threshold.reached" ->
   "org.ratify.threshold.reached"), or NULL when the kind is not one of the
   five the notifier knows. Static string. */
const char *alert_type_for_kind(const char *kind);

/* Returns true when type is one of the five alert types. */
bool alert_type_known(const char *type);

/* Fills *out from one decoded threshold milestone (milestone_read).
   sequence and time are left 0 and "" for the notifier to set. Returns 0,
   or -1 with err filled (unknown kind, an id that is not printable ASCII
   without spaces -- it travels as an HTTP header --, out of memory); *out
   is then cleared. */
int alert_from_milestone(const milestone_t *milestone, alert_t *out, wire_err_t *err);

/* Appends the alert's msgpack form (envelope included) to out. Returns 0,
   or -1 when memory ran out. Deterministic: the same alert, the same
   bytes. */
int alert_encode(const alert_t *alert, msgpack_sbuffer *out);

/* Reads an alert's msgpack form (a stream message or a batch element) into
   *out. Returns 0, or -1 with err filled; *out is then cleared. */
int alert_read(const msgpack_object *map, alert_t *out, wire_err_t *err);

/* Returns the CloudEvents JSON form of the alert (a new reference: caller
   decrefs it), or NULL when memory ran out or a string is not UTF-8. */
json_t *alert_to_json(const alert_t *alert);

/* Returns the CloudEvents JSON form as compact text, keys in attribute
   order (caller frees it with free()), or NULL. This is a webhook body. */
char *alert_to_json_text(const alert_t *alert);

/* Copies src into *dst (participants duplicated). Returns 0, or -1 when
   memory ran out (*dst is then cleared). */
int alert_copy(alert_t *dst, const alert_t *src);

/* Frees the participants and zeroes the struct. Accepts a zeroed struct. */
void alert_clear(alert_t *alert);

/* Writes wall_ms (Unix milliseconds) as RFC 3339 UTC with milliseconds,
   "2026-11-27T21:40:00.123Z", into buf (ALERT_TIME_MAX bytes). Returns
   buf. */
char *alert_time_format(int64_t wall_ms, char buf[ALERT_TIME_MAX]);

/* ---- the notifier's API messages --------------------------------------- */
/* Encoders append one frame to a caller-owned sbuffer and return 0, or -1
   when memory ran out. Decoders check the frame's type and return 0, or -1
   with err filled. */

#define ALERT_BATCH_MAX       1000         /* alerts per "alerts" reply */
#define ALERT_BATCH_MAX_BYTES (768 * 1024) /* and bytes, under SOCK_MAX_MSG_BYTES */
#define ALERT_URL_MAX         2048
#define ALERT_SECRET_MAX      128
#define ALERT_ERROR_MAX       256
#define ALERT_LIST_MAX        200 /* webhooks or deliveries per reply */

/* "alerts.since": alerts with sequence >= from, at most limit (0 = the
   cap, ALERT_BATCH_MAX); msg_encode_since and msg_decode_since. */
typedef msg_since_t alert_since_t;

#define alert_encode_since(m, out)       msg_encode_since(MSG_ALERTS_SINCE, m, out)
#define alert_decode_since(in, out, err) msg_decode_since(in, MSG_ALERTS_SINCE, out, err)

/* One stored alert in its msgpack form (a complete map), for the batch
   encoder: the notifier replays the bytes it stored, unchanged. */
typedef msg_raw_t alert_bytes_t;

/* "alerts": {last_seq, more, alerts: [...]}; the items are copied verbatim
   (each must be one complete msgpack map, e.g. from alert_encode), by
   msg_encode_batch_raw. */
#define alert_encode_batch(last_seq, more, items, count, out)                                      \
    msg_encode_batch_raw(MSG_ALERTS, "alerts", last_seq, more, items, count, out)

typedef struct {
    int64_t last_seq; /* the notifier's last sequence when it answered */
    bool more;        /* ask again from the last item's sequence + 1 */
    size_t count;
    alert_t *alerts; /* owned: free with alert_batch_clear */
} alert_batch_t;

int alert_decode_batch(const msg_in_t *in, alert_batch_t *out, wire_err_t *err);
/* Frees the alerts of a decoded batch and zeroes it. */
void alert_batch_clear(alert_batch_t *batch);

/* "webhook.add": subscribe url to the alerts whose type starts with
   type_prefix ("" = all); secret "" asks the notifier to generate one.
   (The envelope owns the key "type", hence "type_prefix" and, in a
   delivery, "alert_type".) */
typedef struct {
    char url[ALERT_URL_MAX];
    char type_prefix[ALERT_TYPE_MAX];
    char secret[ALERT_SECRET_MAX];
} alert_hook_add_t;

int alert_encode_hook_add(const alert_hook_add_t *m, msgpack_sbuffer *out);
int alert_decode_hook_add(const msg_in_t *in, alert_hook_add_t *out, wire_err_t *err);

/* "webhook.remove" and "webhook.redeliver" carry one id (a webhook's,
   a delivery's); "webhook.list" and "webhook.dead" carry a limit (0 = the
   cap, ALERT_LIST_MAX). */
int alert_encode_hook_id(msg_type_t type, int64_t id, msgpack_sbuffer *out);
int alert_decode_hook_id(const msg_in_t *in, msg_type_t type, int64_t *id, wire_err_t *err);
int alert_encode_hook_query(msg_type_t type, int64_t limit, msgpack_sbuffer *out);
int alert_decode_hook_query(const msg_in_t *in, msg_type_t type, int64_t *limit, wire_err_t *err);

/* One webhook subscription, as "webhook" replies and "webhooks" lists
   carry it. secret is sent only in the reply to webhook.add ("" = not
   sent). */
typedef struct {
    int64_t id;
    char url[ALERT_URL_MAX];
    char type_prefix[ALERT_TYPE_MAX]; /* "" = every alert */
    char status[16];                  /* "active", or "gone" after an HTTP 410 */
    char created[ALERT_TIME_MAX];     /* RFC 3339 */
    char secret[ALERT_SECRET_MAX];
    int64_t pending, delivered, dead; /* deliveries in each state */
} alert_hook_t;

int alert_encode_hook(const alert_hook_t *m, msgpack_sbuffer *out);
int alert_decode_hook(const msg_in_t *in, alert_hook_t *out, wire_err_t *err);

typedef struct {
    size_t count;
    alert_hook_t *hooks; /* owned: free with alert_hooks_clear */
} alert_hooks_t;

int alert_encode_hooks(const alert_hook_t *hooks, size_t count, msgpack_sbuffer *out);
int alert_decode_hooks(const msg_in_t *in, alert_hooks_t *out, wire_err_t *err);
void alert_hooks_clear(alert_hooks_t *m);

/* One delivery of one alert to one webhook. */
typedef struct {
    int64_t id;
    int64_t webhook;
    char url[ALERT_URL_MAX];
    char alert[ALERT_ID_MAX]; /* the alert id (also the webhook-id header) */
    int64_t sequence;         /* the alert's sequence */
    char alert_type[ALERT_TYPE_MAX];
    char status[16]; /* "pending", "delivered", "dead", "gone" */
    int64_t attempts;
    int64_t last_code; /* last HTTP status, 0 when none */
    char last_error[ALERT_ERROR_MAX];
    char next_attempt[ALERT_TIME_MAX]; /* "" = none scheduled */
    char updated[ALERT_TIME_MAX];
} alert_delivery_t;

int alert_encode_delivery(const alert_delivery_t *m, msgpack_sbuffer *out);
int alert_decode_delivery(const msg_in_t *in, alert_delivery_t *out, wire_err_t *err);

typedef struct {
    size_t count;
    alert_delivery_t *deliveries; /* owned: free with alert_deliveries_clear */
} alert_deliveries_t;

int alert_encode_deliveries(const alert_delivery_t *d, size_t count, msgpack_sbuffer *out);
int alert_decode_deliveries(const msg_in_t *in, alert_deliveries_t *out, wire_err_t *err);
void alert_deliveries_clear(alert_deliveries_t *m);

/* Decodes a notifier message (the types above, or a published alert) and
   encodes it again into out: its canonical form. Returns 0, or -1 with err
   filled ("unknown_type" when the type is none of the notifier's). With out NULL,
   only decodes (a check: codec_check). */
int alert_reencode(const msg_in_t *in, msgpack_sbuffer *out, wire_err_t *err);

#endif
