/*  registry: validation and storage of deposits and retractions.

    The rules, in the order they are checked (the first that fails is the
    reply, and nothing is stored):
      1. the instrument, participant, action and date are known and well
         formed (unknown_instrument, unknown_participant, unknown_action,
         bad_date);
      2. the same action already stored is a duplicate: accepted again with
         the original sequence number, whatever today is;
      3. the date is not after today (future_date);
      4. a signature lies inside the signature period and is the
         participant's first (outside_signature_period, already_signed);
      5. an instrument of consent is the participant's only standing one,
         and after a denunciation is dated on or after it (already_party);
         for a Protocol, it follows the participant's
         own instrument for the parent on or before the same date
         (no_parent_consent);
      6. a denunciation comes from a party: the participant's last
         consent or denunciation, whatever its date, is a consent dated on
         or before it, so a consent is denounced once (not_a_party).
    Each check is an indexed lookup: O(log n) in the size of the log. */
#include "registry.h"

#include "jsonstr.h"
#include "log.h"
#include "service.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONSENT_MASK                                                                               \
    ((1u << ACTION_RATIFICATION) | (1u << ACTION_ACCEPTANCE) | (1u << ACTION_APPROVAL)             \
     | (1u << ACTION_ACCESSION) | (1u << ACTION_SUCCESSION))
#define SUGGESTIONS_MAX 3

struct _registry_t {
    const catalog_t *catalog;
    store_t *store;
    event_t *batch; /* scratch for events.since replies */
};

registry_t *
registry_new(const catalog_t *catalog, store_t *store)
{
    registry_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->catalog = catalog;
    self->store = store;
    self->batch = calloc(MSG_EVENTS_MAX_BATCH, sizeof *self->batch);
    if (!self->batch)
        registry_destroy(&self);
    return self;
}

void
registry_destroy(registry_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free((*self_p)->batch);
    free(*self_p);
    *self_p = NULL;
}

static int
s_accepted(msgpack_sbuffer *reply, const event_t *ev, bool duplicate)
{
    msg_accepted_t m = {.seq = ev->seq, .duplicate = duplicate, .event = *ev};
    msgpack_sbuffer_clear(reply);
    msg_encode_accepted(&m, reply);
    return 0;
}

static int
s_storage_error(msgpack_sbuffer *reply, const char *what)
{
    log_error("storage failure: %s", what);
    return msg_reply_error(reply, "storage_failed",
                           "the registry could not store or read the log: %s", what);
}

/* Appends the event; on success replies "accepted" and returns 1. */
static int
s_store(registry_t *self, event_t *ev, msgpack_sbuffer *reply, event_t *stored)
{
    char why[256];
    ev->recorded_ms = service_wall_ms();
    if (store_append(self->store, ev, why, sizeof why) != 0)
        return s_storage_error(reply, why);
    *stored = *ev;
    s_accepted(reply, ev, false);
    return 1;
}

static int
s_handle_ping(registry_t *self, msgpack_sbuffer *reply)
{
    msg_pong_t m = {.service = "registry", .status = "ready", .version = RATIFY_VERSION};
    m.last_seq = store_last_seq(self->store);
    msg_encode_pong(&m, reply);
    return 0;
}

static int
s_unknown_participant(registry_t *self, const char *name, msgpack_sbuffer *reply)
{
    catalog_suggestion_t near[SUGGESTIONS_MAX];
    const size_t n = catalog_participant_suggest(self->catalog, name, near, SUGGESTIONS_MAX);
    char hint[256] = "";
    size_t len = 0;
    for (size_t i = 0; i < n && len < sizeof hint; i++)
        len += (size_t) snprintf(hint + len, sizeof hint - len, "%s'%s'",
                                 i == 0       ? "; did you mean "
                                 : i + 1 == n ? " or "
                                              : ", ",
                                 near[i].name);
    return msg_reply_error(reply, "unknown_participant", "unknown participant '%s'%s%s", name, hint,
                           n ? "?" : "");
}

/* Copies src into dst[cap], cut to fit, as snprintf with "%s" would: on
   every deposit, that snprintf took 2.4% of the registry's CPU. */
static void
s_copy(char *dst, size_t cap, const char *src)
{
    const size_t n = strnlen(src, cap - 1);
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static int
s_handle_deposit(registry_t *self, const msg_in_t *in, rdate_t today, msgpack_sbuffer *reply,
                 event_t *stored)
{
    msg_deposit_t req;
    wire_err_t err;
    if (msg_decode_deposit(in, &req, &err) != 0)
        return msg_reply_error(reply, err.code, "%s", err.message);

    const catalog_instrument_t *inst = catalog_instrument_find(self->catalog, req.instrument);
    if (!inst)
        return msg_reply_error(reply, "unknown_instrument",
                               "unknown instrument '%s' (give a catalog id such as UNTOC or a "
                               "UNTC reference such as XVIII-12)",
                               req.instrument);
    const catalog_participant_t *party = catalog_participant_find(self->catalog, req.participant);
    if (!party)
        return s_unknown_participant(self, req.participant, reply);
    event_t ev = {.action = action_parse(req.action)};
    if (ev.action == ACTION_NONE || ev.action == ACTION_RETRACTION)
        return msg_reply_error(reply, "unknown_action",
                               "unknown action '%s' (signature, ratification, acceptance, "
                               "approval, accession, succession or denunciation)",
                               req.action);
    if (rdate_parse(req.date, &ev.date) != 0)
        return msg_reply_error(reply, "bad_date", "'%s' is not a real date written YYYY-MM-DD",
                               req.date);
    s_copy(ev.instrument, sizeof ev.instrument, catalog_instrument_id(inst));
    s_copy(ev.participant, sizeof ev.participant, catalog_participant_id(party));

    event_t found;
    int rc = store_find_same(self->store, &ev, &found);
    if (rc < 0)
        return s_storage_error(reply, "duplicate lookup failed");
    if (rc == 1)
        return s_accepted(reply, &found, true);

    char date[RDATE_ISO_SIZE], other[RDATE_ISO_SIZE];
    rdate_format(ev.date, date);
    if (ev.date > today)
        return msg_reply_error(reply, "future_date", "%s is after today (%s)", date,
                               rdate_format(today, other));
    const char *name = catalog_participant_name(party);
    const char *id = catalog_instrument_id(inst);

    if (ev.action == ACTION_SIGNATURE) {
        if (!catalog_instrument_open_for_signature(inst, ev.date)) {
            char open[RDATE_ISO_SIZE], close[RDATE_ISO_SIZE];
            return msg_reply_error(
                reply, "outside_signature_period",
                "%s was open for signature from %s to %s, not on %s; a State joins later by "
                "accession",
                id, rdate_format(catalog_instrument_signature_open(inst), open),
                rdate_format(catalog_instrument_signature_close(inst), close), date);
        }
        rc = store_find_latest(self->store, ev.instrument, ev.participant, 1u << ACTION_SIGNATURE,
                               RDATE_NONE, &found);
        if (rc < 0)
            return s_storage_error(reply, "signature lookup failed");
        if (rc == 1)
            return msg_reply_error(reply, "already_signed",
                                   "%s already signed %s on %s (event %lld)", name, id,
                                   rdate_format(found.date, other), (long long) found.seq);
    }
    else if (action_is_consent(ev.action)) {
        rc = store_find_latest(self->store, ev.instrument, ev.participant,
                               CONSENT_MASK | (1u << ACTION_DENUNCIATION), RDATE_NONE, &found);
        if (rc < 0)
            return s_storage_error(reply, "consent lookup failed");
        if (rc == 1 && action_is_consent(found.action))
            return msg_reply_error(reply, "already_party",
                                   "%s already deposited an instrument of consent to %s (%s of "
                                   "%s, event %lld)",
                                   name, id, action_name(found.action),
                                   rdate_format(found.date, other), (long long) found.seq);
        /* after a denunciation a State may join again, but only from the
           date of the denunciation: an earlier date would overlap the
           participation it ended */
        if (rc == 1 && ev.date < found.date)
            return msg_reply_error(reply, "already_party",
                                   "%s was a party to %s until its denunciation of %s (event "
                                   "%lld): a new instrument must be dated on or after it",
                                   name, id, rdate_format(found.date, other),
                                   (long long) found.seq);
        const char *parent = catalog_instrument_parent(inst);
        if (parent) {
            rc = store_find_latest(self->store, parent, ev.participant,
                                   CONSENT_MASK | (1u << ACTION_DENUNCIATION), ev.date, &found);
            if (rc < 0)
                return s_storage_error(reply, "parent lookup failed");
            if (rc == 0 || !action_is_consent(found.action))
                return msg_reply_error(reply, "no_parent_consent",
                                       "%s has no instrument of consent to %s deposited on or "
                                       "before %s, so it cannot become party to %s",
                                       name, parent, date, id);
        }
    }
    else if (ev.action == ACTION_DENUNCIATION) {
        /* the participant's last consent or denunciation, whatever its
           date: a denunciation ends the consent before it, once, and a
           later consent (dated on or after it, rule 5) starts another */
        rc = store_find_latest(self->store, ev.instrument, ev.participant,
                               CONSENT_MASK | (1u << ACTION_DENUNCIATION), RDATE_NONE, &found);
        if (rc < 0)
            return s_storage_error(reply, "consent lookup failed");
        if (rc == 1 && found.action == ACTION_DENUNCIATION)
            return msg_reply_error(
                reply, "not_a_party",
                "%s already denounced %s on %s (event %lld) and has deposited no "
                "instrument of consent since, so it cannot denounce it again",
                name, id, rdate_format(found.date, other), (long long) found.seq);
        if (rc == 0 || found.date > ev.date)
            return msg_reply_error(reply, "not_a_party",
                                   "%s is not a party to %s on %s, so it cannot denounce it", name,
                                   id, date);
    }
    return s_store(self, &ev, reply, stored);
}

/* Returns NULL when text is one line of text: well-formed UTF-8 with no C0
   control, DEL or C1 control (U+0080-U+009F, which some terminals also
   obey); else what is wrong with it, UTF-8 first. A reason is printed on
   terminals and in one-line listings as it is. */
static const char *
s_not_one_line(const char *text)
{
    bool control = false;
    for (const unsigned char *p = (const unsigned char *) text; *p;) {
        if (*p < 0x80) {
            control |= *p < 0x20 || *p == 0x7f;
            p++;
            continue;
        }
        const size_t n = jsonstr_utf8_len((const char *) p);
        if (n == 0)
            return "it is not UTF-8 text";
        control |= p[0] == 0xc2 && p[1] <= 0x9f;
        p += n;
    }
    return control ? "it holds a control character (newline, tab, escape...)" : NULL;
}

static int
s_handle_retract(registry_t *self, const msg_in_t *in, rdate_t today, msgpack_sbuffer *reply,
                 event_t *stored)
{
    msg_retract_t req;
    wire_err_t err;
    if (msg_decode_retract(in, &req, &err) != 0)
        return msg_reply_error(reply, err.code, "%s", err.message);
    if (req.reason[0] == '\0')
        return msg_reply_error(reply, "bad_field", "a retraction needs a reason");
    event_t target, found;
    int rc = store_get(self->store, req.seq, &target);
    if (rc < 0)
        return s_storage_error(reply, "event lookup failed");
    if (rc == 0)
        return msg_reply_error(reply, "unknown_event", "there is no event %lld in the log",
                               (long long) req.seq);
    if (target.action == ACTION_RETRACTION)
        return msg_reply_error(
            reply, "cannot_retract",
            "event %lld is itself a retraction; deposit the action again instead",
            (long long) req.seq);
    rc = store_find_retraction(self->store, req.seq, &found);
    if (rc < 0)
        return s_storage_error(reply, "retraction lookup failed");
    if (rc == 1)
        return s_accepted(reply, &found, true); /* whatever its reason: a retry */
    const char *wrong = s_not_one_line(req.reason);
    if (wrong)
        return msg_reply_error(reply, "bad_field",
                               "a retraction's reason is one line of UTF-8 text, and %s", wrong);
    event_t ev = {.action = ACTION_RETRACTION, .date = today, .retracts = req.seq};
    memcpy(ev.instrument, target.instrument, sizeof ev.instrument);
    memcpy(ev.participant, target.participant, sizeof ev.participant);
    memcpy(ev.reason, req.reason, sizeof ev.reason);
    return s_store(self, &ev, reply, stored);
}

static int
s_handle_events_since(registry_t *self, const msg_in_t *in, msgpack_sbuffer *reply)
{
    msg_events_since_t req;
    wire_err_t err;
    if (msg_decode_events_since(in, &req, &err) != 0)
        return msg_reply_error(reply, err.code, "%s", err.message);
    size_t cap = req.limit > 0 && req.limit < MSG_EVENTS_MAX_BATCH ? (size_t) req.limit
                                                                   : MSG_EVENTS_MAX_BATCH;
    const int n = store_since(self->store, req.from > 0 ? req.from : 1, self->batch, cap);
    if (n < 0)
        return s_storage_error(reply, "replay failed");
    msg_events_t m = {
        .last_seq = store_last_seq(self->store), .count = (size_t) n, .events = self->batch};
    m.more = n > 0 && self->batch[n - 1].seq < m.last_seq;
    msg_encode_events(&m, reply);
    return 0;
}

int
registry_handle(registry_t *self, const msg_in_t *in, rdate_t today, msgpack_sbuffer *reply,
                event_t *stored)
{
    int rc;
    switch (msg_in_type(in)) {
    case MSG_PING:
        rc = s_handle_ping(self, reply);
        break;
    case MSG_DEPOSIT:
        rc = s_handle_deposit(self, in, today, reply, stored);
        break;
    case MSG_RETRACT:
        rc = s_handle_retract(self, in, today, reply, stored);
        break;
    case MSG_EVENTS_SINCE:
        rc = s_handle_events_since(self, in, reply);
        break;
    default:
        rc = msg_reply_error(reply, "unknown_type", "the registry does not handle '%s' requests",
                             msg_in_type_name(in));
    }
    return rc == 1; /* -1, an error reply that ran out of memory, stored nothing either */
}
