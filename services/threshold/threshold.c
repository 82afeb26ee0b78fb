/*  threshold: engines per instrument, milestones, requests.

    Each instrument keeps the engine's last result with the date it was
    computed as at and an epoch stamp; an event bumps the instrument's
    `changed` epoch. A result is current for a date when it was computed as
    at that date after the last event of the instrument and of each of its
    ancestors (s_current), so recomputation happens only where something
    changed, and a parent is always computed at the same date before its
    child (rules.h requires it).

    In-memory state and the file move together: milestones are numbered,
    stored and remembered as published inside the open transaction, and on
    a failed commit everything is rebuilt from the file (s_load), which is
    also exactly what happens at start. */
#include "threshold.h"

#include "log.h"
#include "milestone.h"
#include "rules.h"
#include "sock.h"
#include "strmap.h"
#include "thstore.h"
#include "tracker.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef RATIFY_VERSION
#define RATIFY_VERSION "0"
#endif

/* A replay reply stays well under the largest frame a peer accepts. */
#define MILESTONES_REPLY_MAX_BYTES (SOCK_MAX_MSG_BYTES / 2)

/* ---- state -------------------------------------------------------------- */

typedef struct {
    const catalog_instrument_t *cat;
    const char *id; /* owned by the catalog */
    rules_instrument_t *engine;
    int parent;    /* index, or -1 */
    int *children; /* indices */
    size_t nchildren;
    bool has_result;       /* status is the engine's result as at computed_at */
    bool held;             /* the engine still holds that result (party list) */
    rdate_t computed_at;   /* as_of of the engine's current result */
    uint64_t stamp;        /* epoch of that result */
    uint64_t changed;      /* epoch of the last event added */
    rules_status_t status; /* the engine's current result */
    tracker_announced_t announced;
} s_inst_t;

typedef struct {
    int64_t seq;
    char id[MILESTONE_ID_MAX]; /* for the log line, once published */
    msgpack_sbuffer body;
} s_pending_t;

struct _threshold_t {
    const catalog_t *catalog;
    thstore_t *store;
    s_inst_t *insts;
    size_t ninsts;
    int *queue;          /* scratch for the walk over a family, ninsts long */
    strmap_t *by_id;     /* instrument id -> index */
    strmap_t *published; /* milestone ids stored (the values mean nothing) */
    uint64_t epoch;
    rdate_t today;
    int64_t cursor;        /* last registry seq mirrored, batch included */
    int64_t last_seq;      /* last milestone seq, batch included */
    int64_t committed_seq; /* last milestone seq committed */
    int64_t committed_cursor;
    bool in_batch;
    bool spoiled; /* a failure inside the batch: discard it on commit */
    bool broken;  /* the file could not be reloaded */
    s_pending_t *pending;
    size_t npending, cappending;
};

/* ---- load / unload ------------------------------------------------------ */

static void
s_clear_pending(threshold_t *self)
{
    for (size_t i = 0; i < self->npending; i++)
        msgpack_sbuffer_destroy(&self->pending[i].body);
    self->npending = 0;
}

static void
s_unload(threshold_t *self)
{
    for (size_t i = 0; self->insts && i < self->ninsts; i++) { /* s_load may have failed */
        rules_instrument_destroy(&self->insts[i].engine);
        free(self->insts[i].children);
    }
    free(self->insts);
    free(self->queue);
    self->insts = NULL;
    self->queue = NULL;
    self->ninsts = 0;
    strmap_destroy(&self->by_id);
    strmap_destroy(&self->published);
    s_clear_pending(self);
    self->in_batch = self->spoiled = false;
}

static s_inst_t *
s_find(threshold_t *self, const char *id)
{
    uint32_t idx;
    return strmap_get(self->by_id, id, &idx) ? &self->insts[idx] : NULL;
}

/* Adds one event to its instrument's engine. Returns the instrument when
   the engine took it, NULL when it has no bearing (logged when odd); sets
   *failed on out of memory. */
static s_inst_t *
s_route(threshold_t *self, const event_t *ev, bool *failed)
{
    *failed = false;
    s_inst_t *x = s_find(self, ev->instrument);
    if (!x) {
        log_warn("event %lld names instrument '%s', not in the catalog: ignored",
                 (long long) ev->seq, ev->instrument);
        return NULL;
    }
    const catalog_participant_t *p = catalog_participant_by_id(self->catalog, ev->participant);
    const int rc = rules_instrument_add(x->engine, ev, p && catalog_participant_is_reio(p));
    if (rc == RULES_ENOMEM) {
        *failed = true;
        return NULL;
    }
    if (rc == RULES_EINVAL)
        log_warn("event %lld (%s %s %s) refused by the rules: ignored", (long long) ev->seq,
                 ev->instrument, ev->participant, action_name(ev->action));
    if (rc != RULES_OK)
        return NULL;
    x->changed = ++self->epoch;
    return x;
}

static int
s_load_event(void *ctx, const event_t *ev)
{
    threshold_t *self = ctx;
    bool failed;
    s_route(self, ev, &failed);
    return failed ? 1 : 0;
}

static int
s_load_milestone(void *ctx, int64_t seq, const char *id, milestone_kind_t kind,
                 const char *instrument, int level, rdate_t date)
{
    (void) seq;
    threshold_t *self = ctx;
    if (strmap_insert(self->published, id, 0) < 0)
        return 1;
    s_inst_t *x = s_find(self, instrument);
    if (x)
        tracker_note(&x->announced, kind, level, date);
    return 0;
}

/* Builds the engines and the announced state from the file. Returns 0 or
   -1 with err. */
static int
s_load(threshold_t *self, char *err, size_t errlen)
{
    self->ninsts = catalog_instrument_count(self->catalog);
    self->insts = calloc(self->ninsts ? self->ninsts : 1, sizeof *self->insts);
    self->queue = calloc(self->ninsts ? self->ninsts : 1, sizeof *self->queue);
    self->by_id = strmap_new();
    self->published = strmap_new();
    if (!self->insts || !self->queue || !self->by_id || !self->published)
        goto nomem;
    for (size_t i = 0; i < self->ninsts; i++) {
        s_inst_t *x = &self->insts[i];
        x->cat = catalog_instrument_at(self->catalog, i);
        x->id = catalog_instrument_id(x->cat);
        x->parent = -1;
        tracker_announced_init(&x->announced);
        x->engine = rules_instrument_new(catalog_instrument_rule(x->cat));
        if (!x->engine) {
            snprintf(err, errlen, "instrument %s: its rule cannot be used", x->id);
            return -1;
        }
        if (strmap_insert(self->by_id, x->id, (uint32_t) i) < 0)
            goto nomem;
    }
    for (size_t i = 0; i < self->ninsts; i++) {
        s_inst_t *x = &self->insts[i];
        const char *parent = catalog_instrument_parent(x->cat);
        uint32_t p;
        if (!parent || !strmap_get(self->by_id, parent, &p))
            continue;
        x->parent = (int) p;
        s_inst_t *px = &self->insts[p];
        int *grown = realloc(px->children, (px->nchildren + 1) * sizeof *grown);
        if (!grown)
            goto nomem;
        px->children = grown;
        px->children[px->nchildren++] = (int) i;
    }
    int rc = thstore_each_event(self->store, s_load_event, self);
    if (rc == 0)
        rc = thstore_each_milestone(self->store, s_load_milestone, self);
    if (rc > 0)
        goto nomem;
    self->cursor = thstore_cursor(self->store);
    self->last_seq = thstore_last_milestone(self->store);
    if (rc < 0 || self->cursor < 0 || self->last_seq < 0) {
        snprintf(err, errlen, "cannot read the state file");
        return -1;
    }
    self->committed_seq = self->last_seq;
    self->committed_cursor = self->cursor;
    return 0;
nomem:
    snprintf(err, errlen, "out of memory");
    return -1;
}

/* ---- computing ---------------------------------------------------------- */

/* Returns true when x's result is current for as_of. */
static bool
s_current(const threshold_t *self, const s_inst_t *x, rdate_t as_of)
{
    if (!x->has_result || x->computed_at != as_of)
        return false;
    for (const s_inst_t *y = x; y; y = y->parent >= 0 ? &self->insts[y->parent] : NULL)
        if (y->changed > x->stamp)
            return false;
    return true;
}

/* Makes x's status current for as_of, and when `held` is asked also x's
   engine hold that result (party list, crossings; a parent's, which its
   children's computes read), computing its ancestors first where needed.
   Returns 0, or -1 (out of memory; logged). */
static int
s_ensure(threshold_t *self, s_inst_t *x, rdate_t as_of, bool held)
{
    s_inst_t *parent = x->parent >= 0 ? &self->insts[x->parent] : NULL;
    if (s_current(self, x, as_of) && (x->held || !held))
        return 0;
    if (parent && s_ensure(self, parent, as_of, true) != 0)
        return -1;
    x->has_result = x->held = false;
    const int rc =
        rules_instrument_compute(x->engine, as_of, parent ? parent->engine : NULL, &x->status);
    if (rc != RULES_OK) {
        log_error("cannot compute %s: rules error %d", x->id, rc);
        return -1;
    }
    x->has_result = x->held = true;
    x->computed_at = as_of;
    x->stamp = self->epoch;
    return 0;
}

/* Lets the engine of an instrument that no other instrument depends on
   drop its result once read: most instruments are leaves, so their party
   lists do not stay resident between events (a query computes them
   again). A parent keeps its result, which its children's computes read. */
static void
s_release(s_inst_t *x)
{
    if (x->nchildren > 0 || !x->held)
        return;
    rules_instrument_release(x->engine);
    x->held = false; /* its status stays current */
}

static int
s_begin_batch(threshold_t *self)
{
    if (self->in_batch)
        return 0;
    char why[256];
    if (thstore_begin(self->store, why, sizeof why) != 0) {
        log_error("cannot start a transaction: %s", why);
        return -1;
    }
    self->in_batch = true;
    return 0;
}

static s_pending_t *
s_push_pending(threshold_t *self)
{
    if (self->npending == self->cappending) {
        const size_t cap = self->cappending ? 2 * self->cappending : 8;
        s_pending_t *grown = realloc(self->pending, cap * sizeof *grown);
        if (!grown)
            return NULL;
        self->pending = grown;
        self->cappending = cap;
    }
    s_pending_t *p = &self->pending[self->npending++];
    msgpack_sbuffer_init(&p->body);
    return p;
}

/* Fills the fields every milestone of x carries from its current result
   (as at today). Returns 0 or -1 (out of memory). */
static int
s_fill(const threshold_t *self, const s_inst_t *x, milestone_t *m)
{
    const rules_status_t *st = &x->status;
    snprintf(m->instrument, sizeof m->instrument, "%s", x->id);
    snprintf(m->reference, sizeof m->reference, "%s", catalog_instrument_reference(x->cat));
    snprintf(m->title, sizeof m->title, "%s", catalog_instrument_title(x->cat));
    m->threshold = catalog_instrument_rule(x->cat)->threshold;
    m->count = st->counted;
    m->threshold_date = st->threshold_date;
    m->entry_into_force = st->eif;
    if (st->waiting_for_parent && x->parent >= 0)
        snprintf(m->waiting_for, sizeof m->waiting_for, "%s", self->insts[x->parent].id);
    m->stage = st->stage;
    if (st->threshold_date == RDATE_NONE || st->crossing_count <= 0)
        return 0;
    m->participants = calloc((size_t) st->crossing_count, sizeof *m->participants);
    if (!m->participants)
        return -1;
    for (int i = 0; i < st->crossing_count; i++) {
        const char *who = rules_instrument_crossing(x->engine, (size_t) i);
        if (!who)
            break;
        milestone_participant_t *p = &m->participants[m->participant_count++];
        const catalog_participant_t *cp = catalog_participant_by_id(self->catalog, who);
        snprintf(p->participant, sizeof p->participant, "%s", who);
        snprintf(p->name, sizeof p->name, "%s",
                 cp ? catalog_participant_name_at(cp, st->threshold_date) : who);
    }
    return 0;
}

/* Turns id (a revision's, in a buffer of cap bytes) into the first of
   "<id>", "<id>/2", "<id>/3", ... not yet published. Returns 0, or -1 when
   none fits (never, with ids of MILESTONE_ID_MAX). */
static int
s_repeat_id(const threshold_t *self, char *id, size_t cap)
{
    if (!strmap_get(self->published, id, NULL))
        return 0;
    const size_t len = strlen(id);
    for (long n = 2; n < 1000000; n++) {
        const int w = snprintf(id + len, cap - len, "/%ld", n);
        if (w < 0 || (size_t) w >= cap - len)
            break;
        if (!strmap_get(self->published, id, NULL))
            return 0;
    }
    id[len] = '\0';
    return -1;
}

/* Stores and queues the milestones x's current result makes due. Returns 0
   or -1 (storage or memory). */
static int
s_emit(threshold_t *self, s_inst_t *x)
{
    tracker_due_t due[TRACKER_DUE_MAX];
    const size_t n =
        tracker_step(catalog_instrument_rule(x->cat), &x->status, self->today, &x->announced, due);
    for (size_t i = 0; i < n; i++) {
        milestone_t m;
        memset(&m, 0, sizeof m);
        m.kind = due[i].kind;
        m.level = due[i].level;
        m.date = due[i].date;
        if (milestone_make_id(x->id, m.kind, m.level, m.date, m.id, sizeof m.id) != 0) {
            log_error("%s: cannot make a milestone id", x->id);
            return -1;
        }
        if (m.kind == MILESTONE_REVISED) {
            /* a revision is always news (the tracker makes one due only
               when the date differs from the last announced): back to a
               date an earlier revision announced, it takes that id's next
               repetition, or subscribers would keep the date in between */
            if (s_repeat_id(self, m.id, sizeof m.id) != 0) {
                log_error("%s: cannot make an id for revision %s", x->id, m.id);
                return -1;
            }
        }
        else if (strmap_get(self->published, m.id, NULL))
            continue; /* published once already: never again */
        if (s_begin_batch(self) != 0)
            return -1;
        m.seq = self->last_seq + 1;
        s_pending_t *p = NULL;
        char why[256] = "out of memory";
        int rc = s_fill(self, x, &m);
        if (rc == 0 && !(p = s_push_pending(self)))
            rc = -1;
        if (rc == 0) {
            p->seq = m.seq;
            memcpy(p->id, m.id, sizeof p->id);
            rc = milestone_encode(&m, &p->body);
        }
        if (rc == 0)
            rc = thstore_add_milestone(self->store, m.seq, m.id, m.kind, x->id, (int) m.level,
                                       m.date, p->body.data, p->body.size, why, sizeof why);
        if (rc == 0 && strmap_insert(self->published, m.id, 0) < 0)
            rc = -1;
        if (rc != 0)
            log_error("%s: cannot store milestone %s: %s", x->id, m.id, why);
        else
            self->last_seq = m.seq; /* logged once committed and published */
        milestone_clear(&m);
        if (rc != 0)
            return -1;
    }
    return 0;
}

/* Recomputes x and its descendants (parents before children) as at today
   and emits what is due. Returns 0 or -1. */
static int
s_refresh_family(threshold_t *self, s_inst_t *x)
{
    size_t head = 0, tail = 0;
    self->queue[tail++] = (int) (x - self->insts);
    while (head < tail) {
        s_inst_t *y = &self->insts[self->queue[head++]];
        if (s_ensure(self, y, self->today, true) != 0 || s_emit(self, y) != 0)
            return -1;
        s_release(y);
        for (size_t c = 0; c < y->nchildren && tail < self->ninsts; c++)
            self->queue[tail++] = y->children[c];
    }
    return 0;
}

static int
s_refresh_all(threshold_t *self)
{
    for (size_t i = 0; i < self->ninsts; i++) {
        if (s_ensure(self, &self->insts[i], self->today, true) != 0
            || s_emit(self, &self->insts[i]) != 0)
            return -1;
        s_release(&self->insts[i]);
    }
    return 0;
}

/* ---- public: life cycle and events -------------------------------------- */

threshold_t *
threshold_new(const catalog_t *catalog, const char *path, rdate_t today, char *err, size_t errlen)
{
    threshold_t *self = calloc(1, sizeof *self);
    if (!self) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    self->catalog = catalog;
    self->today = today;
    self->store = thstore_open(path, err, errlen);
    if (!self->store || s_load(self, err, errlen) != 0)
        goto fail;
    if (s_refresh_all(self) != 0) {
        snprintf(err, errlen, "cannot compute the instruments or store their milestones");
        goto fail;
    }
    return self;
fail:
    threshold_destroy(&self);
    return NULL;
}

void
threshold_destroy(threshold_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    threshold_t *self = *self_p;
    s_unload(self);
    free(self->pending);
    thstore_destroy(&self->store); /* rolls back an open batch */
    free(self);
    *self_p = NULL;
}

int64_t
threshold_cursor(const threshold_t *self)
{
    return self->cursor;
}

int64_t
threshold_last_seq(const threshold_t *self)
{
    return self->committed_seq;
}

rdate_t
threshold_today(const threshold_t *self)
{
    return self->today;
}

size_t
threshold_pending(const threshold_t *self)
{
    return self->npending;
}

int
threshold_set_today(threshold_t *self, rdate_t today)
{
    if (self->spoiled || self->broken)
        return -1;
    if (today == self->today || today == RDATE_NONE)
        return 0;
    self->today = today;
    if (s_refresh_all(self) != 0) {
        self->spoiled = true;
        return -1;
    }
    return 0;
}

int
threshold_apply(threshold_t *self, const event_t *ev, rdate_t today)
{
    if (threshold_set_today(self, today) != 0)
        return -1;
    char why[256];
    int rc = s_begin_batch(self);
    if (rc == 0 && (rc = thstore_add_event(self->store, ev, why, sizeof why)) < 0)
        log_error("cannot mirror event %lld: %s", (long long) ev->seq, why);
    if (rc < 0) {
        self->spoiled = true;
        return -1;
    }
    if (rc == 0)
        return 0; /* processed before */
    if (ev->seq > self->cursor)
        self->cursor = ev->seq;
    bool failed;
    s_inst_t *x = s_route(self, ev, &failed);
    /* A signature moves no count, date or stage a milestone depends on (the
       engine only counts signatures), so it cannot make one due: its
       instrument is marked changed and recomputed when next asked or at its
       next other event, not now. Half of a history is signatures, and a
       recompute is O(k log k) in the instrument's events. */
    const bool refresh = x && ev->action != ACTION_SIGNATURE;
    if (failed || (refresh && s_refresh_family(self, x) != 0)) {
        self->spoiled = true;
        return -1;
    }
    return 0;
}

int
threshold_commit(threshold_t *self, threshold_publish_fn *publish, void *ctx)
{
    if (self->broken)
        return -2;
    if (!self->in_batch && !self->spoiled)
        return 0;
    char why[256] = "an earlier step failed";
    if (!self->spoiled && thstore_commit(self->store, why, sizeof why) == 0) {
        self->in_batch = false;
        self->committed_seq = self->last_seq;
        self->committed_cursor = self->cursor;
        for (size_t i = 0; i < self->npending; i++)
            if (publish)
                publish(ctx, self->pending[i].seq, self->pending[i].body.data,
                        self->pending[i].body.size, i + 1 == self->npending);
        /* after the publications: the log lines are not on a milestone's path */
        for (size_t i = 0; i < self->npending; i++)
            log_info("milestone %lld: %s", (long long) self->pending[i].seq, self->pending[i].id);
        s_clear_pending(self);
        return 0;
    }
    log_error("batch discarded (%s): reloading the state from the file", why);
    thstore_rollback(self->store);
    s_unload(self);
    self->epoch = 0;
    if (s_load(self, why, sizeof why) != 0 || s_refresh_all(self) != 0) {
        log_error("cannot reload the state: %s", why);
        self->broken = true;
        return -2;
    }
    return -1;
}

/* ---- requests ----------------------------------------------------------- */

static int
s_decode_error(msgpack_sbuffer *reply, const wire_err_t *err)
{
    return msg_reply_error(reply, err->code, "%s", err->message);
}

/* Finds the instrument a request names (id or UNTC reference). */
static s_inst_t *
s_lookup(threshold_t *self, const char *text)
{
    const catalog_instrument_t *inst = catalog_instrument_find(self->catalog, text);
    return inst ? s_find(self, catalog_instrument_id(inst)) : NULL;
}

static int
s_unknown_instrument(msgpack_sbuffer *reply, const char *text)
{
    return msg_reply_error(reply, "unknown_instrument",
                           "unknown instrument '%s' (give a catalog id such as UNTOC or a UNTC "
                           "reference such as XVIII-12)",
                           text);
}

static int
s_too_large(msgpack_sbuffer *reply)
{
    if (reply->size <= SOCK_MAX_MSG_BYTES)
        return 0;
    return msg_reply_error(reply, "too_large",
                           "the answer exceeds %d bytes: ask for one instrument",
                           SOCK_MAX_MSG_BYTES);
}

static void
s_status_of(const threshold_t *self, const s_inst_t *x, milestone_status_t *out)
{
    const rules_status_t *st = &x->status;
    memset(out, 0, sizeof *out);
    snprintf(out->instrument, sizeof out->instrument, "%s", x->id);
    snprintf(out->reference, sizeof out->reference, "%s", catalog_instrument_reference(x->cat));
    snprintf(out->title, sizeof out->title, "%s", catalog_instrument_title(x->cat));
    if (x->parent >= 0)
        snprintf(out->parent, sizeof out->parent, "%s", self->insts[x->parent].id);
    out->signatures = st->signatures;
    out->parties = st->parties;
    out->counted = st->counted;
    out->threshold = catalog_instrument_rule(x->cat)->threshold;
    out->threshold_date = st->threshold_date;
    out->entry_into_force = st->eif;
    out->stage = st->stage;
    if (st->waiting_for_parent && x->parent >= 0)
        snprintf(out->waiting_for, sizeof out->waiting_for, "%s", self->insts[x->parent].id);
}

static int
s_handle_status(threshold_t *self, const msg_in_t *in, msgpack_sbuffer *reply)
{
    milestone_status_req_t req;
    wire_err_t err;
    if (milestone_decode_status(in, &req, &err) != 0)
        return s_decode_error(reply, &err);
    const rdate_t as_of = req.as_of == RDATE_NONE ? self->today : req.as_of;
    s_inst_t *one = NULL;
    if (req.instrument[0] && !(one = s_lookup(self, req.instrument)))
        return s_unknown_instrument(reply, req.instrument);
    milestone_status_reply_t m = {.as_of = as_of, .registry_seq = self->committed_cursor};
    const size_t n = one ? 1 : self->ninsts;
    m.instruments = calloc(n ? n : 1, sizeof *m.instruments);
    if (!m.instruments)
        return msg_reply_error(reply, "internal", "out of memory");
    for (size_t i = 0; i < n; i++) {
        s_inst_t *x = one ? one : &self->insts[i];
        if (s_ensure(self, x, as_of, false) != 0) {
            free(m.instruments);
            return msg_reply_error(reply, "internal", "cannot compute %s", x->id);
        }
        s_status_of(self, x, &m.instruments[m.count++]);
        s_release(x);
    }
    int rc = milestone_encode_status_reply(&m, reply);
    free(m.instruments);
    return rc == 0 ? s_too_large(reply) : rc;
}

static int
s_handle_parties(threshold_t *self, const msg_in_t *in, msgpack_sbuffer *reply)
{
    milestone_parties_req_t req;
    wire_err_t err;
    if (milestone_decode_parties(in, &req, &err) != 0)
        return s_decode_error(reply, &err);
    s_inst_t *x = s_lookup(self, req.instrument);
    if (!x)
        return s_unknown_instrument(reply, req.instrument);
    const rdate_t as_of = req.as_of == RDATE_NONE ? self->today : req.as_of;
    if (s_ensure(self, x, as_of, true) != 0)
        return msg_reply_error(reply, "internal", "cannot compute %s", x->id);
    milestone_parties_reply_t m = {.as_of = as_of};
    snprintf(m.instrument, sizeof m.instrument, "%s", x->id);
    const size_t n = rules_instrument_party_count(x->engine);
    if (n > MILESTONE_PARTIES_MAX)
        return msg_reply_error(reply, "too_large", "%s has more than %d party entries", x->id,
                               MILESTONE_PARTIES_MAX);
    m.parties = calloc(n ? n : 1, sizeof *m.parties);
    if (!m.parties)
        return msg_reply_error(reply, "internal", "out of memory");
    for (size_t i = 0; i < n; i++) {
        rules_party_t p;
        if (rules_instrument_party(x->engine, i, &p) != RULES_OK)
            break;
        milestone_party_t *dst = &m.parties[m.count++];
        const catalog_participant_t *cp = catalog_participant_by_id(self->catalog, p.participant);
        snprintf(dst->participant, sizeof dst->participant, "%s", p.participant);
        snprintf(dst->name, sizeof dst->name, "%s",
                 cp ? catalog_participant_name_at(cp, as_of) : p.participant);
        dst->action = p.action;
        dst->deposit = p.deposit;
        dst->entry_into_force = p.eif;
        dst->end = p.end;
    }
    s_release(x);
    int rc = milestone_encode_parties_reply(&m, reply);
    free(m.parties);
    return rc == 0 ? s_too_large(reply) : rc;
}

/* Collects stored frames for a replay, within a byte budget. */
typedef struct {
    msgpack_sbuffer data;
    size_t *sizes;
    size_t count;
    int64_t last;
} s_replay_t;

static int
s_collect(void *ctx, int64_t seq, const void *data, size_t size)
{
    s_replay_t *r = ctx;
    if (r->count > 0 && r->data.size + size > MILESTONES_REPLY_MAX_BYTES)
        return 1; /* the rest goes in the next batch */
    if (msgpack_sbuffer_write(&r->data, data, size) != 0)
        return -1;
    r->sizes[r->count++] = size;
    r->last = seq;
    return 0;
}

static int
s_handle_since(threshold_t *self, const msg_in_t *in, msgpack_sbuffer *reply)
{
    milestone_since_t req;
    wire_err_t err;
    if (milestone_decode_since(in, &req, &err) != 0)
        return s_decode_error(reply, &err);
    const int64_t from = req.from > 0 ? req.from : 1;
    size_t limit =
        req.limit > 0 && req.limit < MILESTONE_BATCH_MAX ? (size_t) req.limit : MILESTONE_BATCH_MAX;
    /* never replay what is not committed */
    const int64_t available = self->committed_seq >= from ? self->committed_seq - from + 1 : 0;
    if ((int64_t) limit > available)
        limit = (size_t) available;
    s_replay_t r = {.sizes = calloc(limit ? limit : 1, sizeof(size_t)), .last = from - 1};
    msgpack_sbuffer_init(&r.data);
    milestone_raw_t *items = NULL;
    int rc = -1;
    if (!r.sizes) {
        rc = msg_reply_error(reply, "internal", "out of memory");
        goto done;
    }
    if (limit > 0 && thstore_milestones_since(self->store, from, limit, s_collect, &r) < 0) {
        rc = msg_reply_error(reply, "internal", "cannot read the milestones");
        goto done;
    }
    items = calloc(r.count ? r.count : 1, sizeof *items);
    if (!items) {
        rc = msg_reply_error(reply, "internal", "out of memory");
        goto done;
    }
    size_t off = 0;
    for (size_t i = 0; i < r.count; i++) {
        items[i] = (milestone_raw_t){.data = r.data.data + off, .size = r.sizes[i]};
        off += r.sizes[i];
    }
    const bool more = r.count > 0 && r.last < self->committed_seq;
    rc = milestone_encode_batch_raw(self->committed_seq, more, items, r.count, reply);
done:
    free(items);
    free(r.sizes);
    msgpack_sbuffer_destroy(&r.data);
    return rc;
}

static int
s_handle_ping(threshold_t *self, msgpack_sbuffer *reply)
{
    msg_pong_t m = {.service = "threshold", .status = "ready", .version = RATIFY_VERSION};
    m.last_seq = self->committed_seq;
    return msg_encode_pong(&m, reply);
}

int
threshold_handle(threshold_t *self, const msg_in_t *in, msgpack_sbuffer *reply)
{
    switch (msg_in_type(in)) {
    case MSG_PING:
        return s_handle_ping(self, reply);
    case MSG_STATUS:
        return s_handle_status(self, in, reply);
    case MSG_PARTIES:
        return s_handle_parties(self, in, reply);
    case MSG_MILESTONES_SINCE:
        return s_handle_since(self, in, reply);
    default:
        return msg_reply_error(reply, "unknown_type",
                               "the threshold service does not handle '%s' requests",
                               msg_in_type_name(in));
    }
}
