/*  test_threshold_core: the threshold service without sockets
    (services/threshold/threshold.h) on real SQLite files in a fresh
    temporary directory, with the shipped catalog and the seed fixture
    (data/fixtures/a58-165.csv) turned into registry events.

    Covered, with RATIFY_TODAY's role played by 2003-07-02: the seed's
    status (UNTOC 40 parties, threshold 2003-07-01, EIF 2003-09-29,
    scheduled; the Protocols pending with 28, 27 and 4) and its milestones
    (N-5, N-1, reached, scheduled, all for UNTOC); the same events in
    reverse date order giving the same status and ids; one batch or one
    commit per event giving the same milestones; a restart publishing
    nothing; a deleted state file rebuilt from the events giving the same
    ids in the same order; a batch whose commit fails (another writer holds
    the file) discarded and the state reloaded, the same events then giving
    the clean run's milestones; a late deposit dated before the threshold
    date revising the announced date; a Protocol reaching its threshold
    before its Convention (reached, waiting) and scheduled when the
    Convention's date becomes known; a retraction of Armenia's deposit (revised
    to none, 39, pending) and a deposit again; the effective date; status and
    parties as at other dates (and today's answers unchanged afterwards);
    replay paging; request errors. The temporary directory is removed at
    the end. */
#include "catalog.h"
#include "check.h"
#include "csv.h"
#include "milestone.h"
#include "threshold.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PATH_SIZE  4096
#define EVENTS_MAX 1024
#define IDS_MAX    64

static char s_dir[256];
static catalog_t *s_catalog;
static event_t s_events[EVENTS_MAX];
static size_t s_nevents;

/* What one run published, in order. */
typedef struct {
    char ids[IDS_MAX][MILESTONE_ID_MAX];
    int64_t seqs[IDS_MAX];
    size_t count;
    int bad;   /* frames that did not decode */
    int lasts; /* milestones marked as their batch's last */
    bool open; /* the latest was not so marked: its batch has not ended */
} s_seen_t;

static rdate_t
D(const char *text)
{
    rdate_t d = RDATE_NONE;
    if (rdate_parse(text, &d) != 0)
        fprintf(stderr, "bad test date %s\n", text);
    return d;
}

static void
s_path(const char *name, char *buf)
{
    snprintf(buf, PATH_SIZE, "%s/%s", s_dir, name);
}

static void
s_remove_db(const char *name)
{
    char path[PATH_SIZE], side[PATH_SIZE + 8];
    s_path(name, path);
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
}

/* Reads the seed fixture into s_events, seq = row order. Returns 0. */
static int
s_read_fixture(void)
{
    char path[PATH_SIZE];
    const char *src = getenv("RATIFY_SOURCE_DIR");
    snprintf(path, sizeof path, "%s/data/fixtures/a58-165.csv", src ? src : ".");
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        return -1;
    }
    csv_t *csv = csv_new(f);
    int n = csv ? csv_next(csv) : -1; /* header: instrument,participant,action,date */
    while (csv && (n = csv_next(csv)) > 0 && s_nevents < EVENTS_MAX) {
        const catalog_instrument_t *inst = catalog_instrument_find(s_catalog, csv_field(csv, 0));
        const catalog_participant_t *p = catalog_participant_find(s_catalog, csv_field(csv, 1));
        event_t *ev = &s_events[s_nevents];
        memset(ev, 0, sizeof *ev);
        ev->action = action_parse(csv_field(csv, 2));
        if (!inst || !p || ev->action == ACTION_NONE
            || rdate_parse(csv_field(csv, 3), &ev->date) != 0) {
            fprintf(stderr, "fixture line %d does not resolve\n", csv_line(csv));
            continue;
        }
        snprintf(ev->instrument, sizeof ev->instrument, "%s", catalog_instrument_id(inst));
        snprintf(ev->participant, sizeof ev->participant, "%s", catalog_participant_id(p));
        s_nevents++;
        ev->seq = (int64_t) s_nevents;
    }
    csv_destroy(&csv);
    fclose(f);
    return 0;
}

static int
s_cmp_date_desc(const void *a, const void *b)
{
    const event_t *x = a, *y = b;
    if (x->date != y->date)
        return (x->date < y->date) - (x->date > y->date);
    return (x->seq < y->seq) - (x->seq > y->seq);
}

/* Writes into out the fixture in reverse date order, a Protocol's
   ratification moved just after the same State's Convention ratification
   (the registry refuses it before), seq renumbered in the new order. */
static void
s_reverse(event_t *out)
{
    event_t *sorted = malloc(s_nevents * sizeof *sorted);
    bool *done = calloc(s_nevents, sizeof *done);
    if (!sorted || !done) {
        free(sorted);
        free(done);
        return;
    }
    memcpy(sorted, s_events, s_nevents * sizeof *sorted);
    qsort(sorted, s_nevents, sizeof *sorted, s_cmp_date_desc);
    size_t n = 0;
    for (size_t i = 0; i < s_nevents; i++) {
        const event_t *e = &sorted[i];
        const bool protocol_consent =
            action_is_consent(e->action) && strcmp(e->instrument, "UNTOC") != 0;
        if (protocol_consent)
            continue; /* placed after its Convention consent */
        out[n++] = *e;
        if (!(action_is_consent(e->action) && strcmp(e->instrument, "UNTOC") == 0))
            continue;
        for (size_t j = 0; j < s_nevents; j++)
            if (!done[j] && action_is_consent(sorted[j].action)
                && strcmp(sorted[j].instrument, "UNTOC") != 0
                && strcmp(sorted[j].participant, e->participant) == 0) {
                out[n++] = sorted[j];
                done[j] = true;
            }
    }
    for (size_t i = 0; i < n; i++)
        out[i].seq = (int64_t) (i + 1);
    CHECK_INT(n, s_nevents);
    free(sorted);
    free(done);
}

static void
s_publish(void *ctx, int64_t seq, const void *data, size_t size, bool last)
{
    s_seen_t *seen = ctx;
    seen->lasts += last;
    seen->open = !last;
    wire_err_t err;
    msg_in_t *in = msg_in_parse(data, size, &err);
    milestone_t m;
    if (!in || milestone_decode(in, &m, &err) != 0 || m.seq != seq || seen->count >= IDS_MAX) {
        seen->bad++;
        msg_in_destroy(&in);
        return;
    }
    snprintf(seen->ids[seen->count], MILESTONE_ID_MAX, "%s", m.id);
    seen->seqs[seen->count++] = seq;
    milestone_clear(&m);
    msg_in_destroy(&in);
}

/* Opens a core on db `name` as at today. */
static threshold_t *
s_open(const char *name, const char *today)
{
    char path[PATH_SIZE], err[256];
    s_path(name, path);
    threshold_t *t = threshold_new(s_catalog, path, D(today), err, sizeof err);
    if (!t)
        fprintf(stderr, "threshold_new: %s\n", err);
    return t;
}

/* Applies events[0..n), committing after each when per_event. */
static void
s_apply(threshold_t *t, const event_t *events, size_t n, bool per_event, s_seen_t *seen,
        const char *today)
{
    /* every commit that publishes marks its last milestone, and only it */
    int publishing = 0;
    const int lasts = seen->lasts;
    for (size_t i = 0; i < n; i++) {
        CHECK_INT(threshold_apply(t, &events[i], D(today)), 0);
        if (per_event) {
            const size_t before = seen->count;
            CHECK_INT(threshold_commit(t, s_publish, seen), 0);
            publishing += seen->count > before;
            CHECK(!seen->open);
        }
    }
    const size_t before = seen->count;
    CHECK_INT(threshold_commit(t, s_publish, seen), 0);
    publishing += seen->count > before;
    CHECK(!seen->open);
    CHECK_INT(seen->lasts - lasts, publishing);
}

/* Sends one request and returns the parsed reply (caller destroys). */
static msg_in_t *
s_request(threshold_t *t, const msgpack_sbuffer *req)
{
    wire_err_t err;
    msg_in_t *in = msg_in_parse(req->data, req->size, &err);
    msgpack_sbuffer reply;
    msgpack_sbuffer_init(&reply);
    msg_in_t *out = NULL;
    if (in && threshold_handle(t, in, &reply) == 0)
        out = msg_in_parse(reply.data, reply.size, &err);
    msg_in_destroy(&in);
    msgpack_sbuffer_destroy(&reply);
    return out;
}

/* Fills *out with the status of every instrument (or one) as at as_of. */
static int
s_status(threshold_t *t, const char *instrument, rdate_t as_of, milestone_status_reply_t *out)
{
    milestone_status_req_t q = {.as_of = as_of};
    snprintf(q.instrument, sizeof q.instrument, "%s", instrument ? instrument : "");
    msgpack_sbuffer req;
    msgpack_sbuffer_init(&req);
    milestone_encode_status(&q, &req);
    msg_in_t *reply = s_request(t, &req);
    wire_err_t err;
    int rc = reply ? milestone_decode_status_reply(reply, out, &err) : -1;
    msg_in_destroy(&reply);
    msgpack_sbuffer_destroy(&req);
    return rc;
}

static const milestone_status_t *
s_find(const milestone_status_reply_t *r, const char *id)
{
    for (size_t i = 0; i < r->count; i++)
        if (strcmp(r->instruments[i].instrument, id) == 0)
            return &r->instruments[i];
    return NULL;
}

static void
s_check_seed_status(threshold_t *t)
{
    milestone_status_reply_t r;
    CHECK_INT(s_status(t, NULL, RDATE_NONE, &r), 0);
    CHECK_INT(r.as_of, D("2003-07-02"));
    CHECK_INT(r.count, 4);
    const milestone_status_t *u = s_find(&r, "UNTOC");
    CHECK(u != NULL);
    if (u) {
        CHECK_INT(u->signatures, 147);
        CHECK_INT(u->parties, 40);
        CHECK_INT(u->counted, 40);
        CHECK_INT(u->threshold_date, D("2003-07-01"));
        CHECK_INT(u->entry_into_force, D("2003-09-29"));
        CHECK_INT(u->stage, RULES_STAGE_SCHEDULED);
    }
    const char *protocols[3] = {"TIP", "SOM", "FIREARMS"};
    const int counts[3] = {28, 27, 4};
    for (int i = 0; i < 3; i++) {
        const milestone_status_t *p = s_find(&r, protocols[i]);
        CHECK(p != NULL);
        if (!p)
            continue;
        CHECK_INT(p->counted, counts[i]);
        CHECK_INT(p->stage, RULES_STAGE_PENDING);
        CHECK_INT(p->threshold_date, RDATE_NONE);
        CHECK_STR(p->parent, "UNTOC");
    }
    milestone_status_reply_clear(&r);
}

static const char *s_seed_ids[] = {
    "UNTOC/threshold.approaching/N-5",
    "UNTOC/threshold.approaching/N-1",
    "UNTOC/threshold.reached/2003-07-01",
    "UNTOC/entry_into_force.scheduled/2003-09-29",
};

static void
s_check_seed_ids(const s_seen_t *seen)
{
    CHECK_INT(seen->bad, 0);
    CHECK_INT(seen->count, 4);
    for (size_t i = 0; i < 4 && i < seen->count; i++) {
        CHECK_STR(seen->ids[i], s_seed_ids[i]);
        CHECK_INT(seen->seqs[i], (int64_t) i + 1);
    }
}

static void
test_forward_and_restart(void)
{
    s_seen_t seen = {0};
    threshold_t *t = s_open("fwd.db", "2003-07-02");
    CHECK(t != NULL);
    if (!t)
        return;
    CHECK_INT(threshold_cursor(t), 0);
    s_apply(t, s_events, s_nevents, true, &seen, "2003-07-02");
    s_check_seed_ids(&seen);
    s_check_seed_status(t);
    CHECK_INT(threshold_cursor(t), (int64_t) s_nevents);
    CHECK_INT(threshold_last_seq(t), 4);
    /* an event delivered twice is processed once */
    CHECK_INT(threshold_apply(t, &s_events[468], D("2003-07-02")), 0);
    CHECK_INT(threshold_commit(t, s_publish, &seen), 0);
    CHECK_INT(seen.count, 4);
    threshold_destroy(&t);
    CHECK(t == NULL);

    /* restart: the engines come back from the file, nothing is published */
    s_seen_t again = {0};
    t = s_open("fwd.db", "2003-07-02");
    CHECK(t != NULL);
    if (!t)
        return;
    CHECK_INT(threshold_pending(t), 0);
    CHECK_INT(threshold_commit(t, s_publish, &again), 0);
    CHECK_INT(again.count, 0);
    CHECK_INT(threshold_cursor(t), (int64_t) s_nevents);
    CHECK_INT(threshold_last_seq(t), 4);
    s_check_seed_status(t);

    /* a restart on a later day: effective once, then nothing */
    threshold_destroy(&t);
    t = s_open("fwd.db", "2003-09-29");
    CHECK(t != NULL);
    if (!t)
        return;
    CHECK_INT(threshold_pending(t), 1);
    CHECK_INT(threshold_commit(t, s_publish, &again), 0);
    CHECK_INT(again.count, 1);
    CHECK_STR(again.ids[0], "UNTOC/entry_into_force.effective/2003-09-29");
    CHECK_INT(again.seqs[0], 5);
    CHECK_INT(threshold_set_today(t, D("2003-09-30")), 0);
    CHECK_INT(threshold_commit(t, s_publish, &again), 0);
    CHECK_INT(again.count, 1);
    threshold_destroy(&t);
}

static void
test_reverse_and_batched(void)
{
    event_t *rev = malloc(s_nevents * sizeof *rev);
    if (!rev)
        return;
    s_reverse(rev);
    s_seen_t seen = {0};
    threshold_t *t = s_open("rev.db", "2003-07-02");
    CHECK(t != NULL);
    if (t) {
        s_apply(t, rev, s_nevents, true, &seen, "2003-07-02");
        s_check_seed_ids(&seen);
        s_check_seed_status(t);
        /* every field of every instrument equals the forward run's */
        threshold_t *fwd = s_open("fwd.db", "2003-07-02");
        milestone_status_reply_t a, b;
        CHECK(fwd && s_status(t, NULL, RDATE_NONE, &a) == 0
              && s_status(fwd, NULL, RDATE_NONE, &b) == 0);
        CHECK(a.count == b.count
              && memcmp(a.instruments, b.instruments, a.count * sizeof *a.instruments) == 0);
        milestone_status_reply_clear(&a);
        milestone_status_reply_clear(&b);
        threshold_destroy(&fwd);
    }
    threshold_destroy(&t);
    free(rev);

    /* the whole history in one batch (a catch-up): the same milestones */
    s_seen_t batch = {0};
    t = s_open("batch.db", "2003-07-02");
    CHECK(t != NULL);
    if (t) {
        s_apply(t, s_events, s_nevents, false, &batch, "2003-07-02");
        s_check_seed_ids(&batch);
        CHECK_INT(batch.lasts, 1); /* one batch: only its last milestone */
    }
    threshold_destroy(&t);

    /* a deleted state file: rebuilt from the events, the same ids */
    s_remove_db("batch.db");
    s_seen_t rebuilt = {0};
    t = s_open("batch.db", "2003-07-02");
    CHECK(t != NULL);
    if (t) {
        CHECK_INT(threshold_cursor(t), 0);
        s_apply(t, s_events, s_nevents, false, &rebuilt, "2003-07-02");
        s_check_seed_ids(&rebuilt);
    }
    threshold_destroy(&t);
}

static void
test_retraction(void)
{
    s_seen_t seen = {0};
    threshold_t *t = s_open("fwd.db", "2003-07-02");
    CHECK(t != NULL);
    if (!t)
        return;
    /* Armenia's UNTOC ratification */
    int64_t armenia = 0;
    for (size_t i = 0; i < s_nevents; i++)
        if (strcmp(s_events[i].participant, "ARM") == 0
            && strcmp(s_events[i].instrument, "UNTOC") == 0
            && s_events[i].action == ACTION_RATIFICATION)
            armenia = s_events[i].seq;
    CHECK(armenia > 0);
    event_t r = {.seq = (int64_t) s_nevents + 1,
                 .action = ACTION_RETRACTION,
                 .date = D("2003-07-02"),
                 .retracts = armenia};
    snprintf(r.instrument, sizeof r.instrument, "UNTOC");
    snprintf(r.participant, sizeof r.participant, "ARM");
    snprintf(r.reason, sizeof r.reason, "recorded in error");
    CHECK_INT(threshold_apply(t, &r, D("2003-07-02")), 0);
    CHECK_INT(threshold_commit(t, s_publish, &seen), 0);
    CHECK_INT(seen.count, 1);
    CHECK_STR(seen.ids[0], "UNTOC/entry_into_force.revised/none");
    milestone_status_reply_t st;
    CHECK_INT(s_status(t, "UNTOC", RDATE_NONE, &st), 0);
    CHECK_INT(st.count, 1);
    if (st.count == 1) {
        CHECK_INT(st.instruments[0].counted, 39);
        CHECK_INT(st.instruments[0].stage, RULES_STAGE_PENDING);
        CHECK_INT(st.instruments[0].threshold_date, RDATE_NONE);
        CHECK_INT(st.instruments[0].entry_into_force, RDATE_NONE);
    }
    milestone_status_reply_clear(&st);

    /* deposited again: the date is announced again by a revision; the
       threshold.reached of that date was published: not again */
    event_t again = s_events[armenia - 1];
    again.seq = r.seq + 1;
    CHECK_INT(threshold_apply(t, &again, D("2003-07-02")), 0);
    CHECK_INT(threshold_commit(t, s_publish, &seen), 0);
    CHECK_INT(seen.count, 2);
    CHECK_STR(seen.ids[1], "UNTOC/entry_into_force.revised/2003-09-29");

    /* retracted again: a revision to "none" again is news, not a repeat
       to drop (subscribers last heard 2003-09-29): the id's second
       repetition; and after a restart, deposited again, the third date */
    event_t r2 = r;
    r2.seq = again.seq + 1;
    r2.retracts = again.seq;
    CHECK_INT(threshold_apply(t, &r2, D("2003-07-02")), 0);
    CHECK_INT(threshold_commit(t, s_publish, &seen), 0);
    CHECK_INT(seen.count, 3);
    CHECK_STR(seen.ids[2], "UNTOC/entry_into_force.revised/none/2");
    threshold_destroy(&t);
    t = s_open("fwd.db", "2003-07-02");
    CHECK(t != NULL);
    if (!t)
        return;
    CHECK_INT(threshold_commit(t, s_publish, &seen), 0);
    CHECK_INT(seen.count, 3); /* the restart announces nothing */
    event_t again2 = again;
    again2.seq = r2.seq + 1;
    CHECK_INT(threshold_apply(t, &again2, D("2003-07-02")), 0);
    CHECK_INT(threshold_commit(t, s_publish, &seen), 0);
    CHECK_INT(seen.count, 4);
    CHECK_STR(seen.ids[3], "UNTOC/entry_into_force.revised/2003-09-29/2");
    threshold_destroy(&t);
}

static void
test_queries(void)
{
    threshold_t *t = s_open("rev.db", "2003-07-02");
    CHECK(t != NULL);
    if (!t)
        return;
    milestone_status_reply_t st;
    /* as at an earlier date, by UNTC reference */
    CHECK_INT(s_status(t, "xviii-12", D("2003-06-30"), &st), 0);
    CHECK(st.count == 1 && st.instruments[0].counted == 39
          && st.instruments[0].stage == RULES_STAGE_PENDING);
    CHECK_INT(st.as_of, D("2003-06-30"));
    milestone_status_reply_clear(&st);
    /* as at a later date: in force; a Protocol as at that date */
    CHECK_INT(s_status(t, "UNTOC", D("2003-10-01"), &st), 0);
    CHECK(st.count == 1 && st.instruments[0].stage == RULES_STAGE_IN_FORCE);
    milestone_status_reply_clear(&st);
    CHECK_INT(s_status(t, "TIP", D("2003-10-01"), &st), 0);
    CHECK(st.count == 1 && st.instruments[0].counted == 28);
    milestone_status_reply_clear(&st);
    /* today's answers are unchanged afterwards */
    s_check_seed_status(t);

    /* an event after a query at another date recomputes the family right */
    s_seen_t seen = {0};
    CHECK_INT(s_status(t, NULL, D("2001-01-01"), &st), 0);
    milestone_status_reply_clear(&st);
    event_t tip = {
        .seq = (int64_t) s_nevents + 1, .action = ACTION_RATIFICATION, .date = D("2003-07-02")};
    snprintf(tip.instrument, sizeof tip.instrument, "TIP");
    snprintf(tip.participant, sizeof tip.participant, "ARM");
    CHECK_INT(threshold_apply(t, &tip, D("2003-07-02")), 0);
    CHECK_INT(threshold_commit(t, s_publish, &seen), 0);
    CHECK_INT(seen.count, 0);
    CHECK_INT(s_status(t, "TIP", RDATE_NONE, &st), 0);
    CHECK(st.count == 1 && st.instruments[0].counted == 29);
    milestone_status_reply_clear(&st);

    /* parties */
    milestone_parties_req_t pq = {.instrument = "UNTOC", .as_of = RDATE_NONE};
    msgpack_sbuffer req;
    msgpack_sbuffer_init(&req);
    milestone_encode_parties(&pq, &req);
    msg_in_t *reply = s_request(t, &req);
    milestone_parties_reply_t pr;
    wire_err_t err;
    CHECK(reply && milestone_decode_parties_reply(reply, &pr, &err) == 0);
    CHECK_INT(pr.count, 40);
    bool armenia = false;
    for (size_t i = 0; i < pr.count; i++)
        if (strcmp(pr.parties[i].participant, "ARM") == 0)
            armenia = pr.parties[i].deposit == D("2003-07-01")
                      && pr.parties[i].entry_into_force == D("2003-09-29")
                      && strcmp(pr.parties[i].name, "Armenia") == 0;
    CHECK(armenia);
    milestone_parties_reply_clear(&pr);
    msg_in_destroy(&reply);

    /* replay paging: 4 milestones, asked 3 at a time */
    msgpack_sbuffer_clear(&req);
    milestone_since_t since = {.from = 1, .limit = 3};
    milestone_encode_since(&since, &req);
    reply = s_request(t, &req);
    milestone_batch_t b;
    CHECK(reply && milestone_decode_batch(reply, &b, &err) == 0);
    CHECK(b.count == 3 && b.more && b.last_seq == 4);
    CHECK(b.count == 3 && strcmp(b.milestones[2].id, s_seed_ids[2]) == 0);
    milestone_batch_clear(&b);
    msg_in_destroy(&reply);
    msgpack_sbuffer_clear(&req);
    since.from = 4;
    milestone_encode_since(&since, &req);
    reply = s_request(t, &req);
    CHECK(reply && milestone_decode_batch(reply, &b, &err) == 0);
    CHECK(b.count == 1 && !b.more && b.milestones[0].seq == 4);
    if (b.count == 1) {
        /* the replayed frame carries the crossing participant */
        CHECK_INT(b.milestones[0].participant_count, 1);
        CHECK_STR(b.milestones[0].participants[0].participant, "ARM");
        CHECK_INT(b.milestones[0].threshold, 40);
        CHECK_INT(b.milestones[0].count, 40);
    }
    milestone_batch_clear(&b);
    msg_in_destroy(&reply);
    msgpack_sbuffer_clear(&req);
    since.from = 5;
    milestone_encode_since(&since, &req);
    reply = s_request(t, &req);
    CHECK(reply && milestone_decode_batch(reply, &b, &err) == 0);
    CHECK(b.count == 0 && !b.more);
    milestone_batch_clear(&b);
    msg_in_destroy(&reply);

    /* errors */
    msgpack_sbuffer_clear(&req);
    milestone_status_req_t bad = {.instrument = "XVIII-99", .as_of = RDATE_NONE};
    milestone_encode_status(&bad, &req);
    reply = s_request(t, &req);
    msg_error_t e;
    CHECK(reply && msg_decode_error(reply, &e, &err) == 0);
    CHECK_STR(e.code, "unknown_instrument");
    msg_in_destroy(&reply);
    msgpack_sbuffer_clear(&req);
    msg_deposit_t dep = {
        .instrument = "UNTOC", .participant = "Chad", .action = "signature", .date = "2000-12-12"};
    msg_encode_deposit(&dep, &req);
    reply = s_request(t, &req);
    CHECK(reply && msg_decode_error(reply, &e, &err) == 0);
    CHECK_STR(e.code, "unknown_type");
    msg_in_destroy(&reply);
    msgpack_sbuffer_clear(&req);
    msg_encode_ping(&req);
    reply = s_request(t, &req);
    msg_pong_t pong;
    CHECK(reply && msg_decode_pong(reply, &pong, &err) == 0);
    CHECK_STR(pong.service, "threshold");
    CHECK_INT(pong.last_seq, 4);
    msg_in_destroy(&reply);
    msgpack_sbuffer_destroy(&req);
    threshold_destroy(&t);
}

/* A batch that cannot be written (another writer holds the file) is
   discarded, the state reloaded from the file, and the same events
   applied again afterwards give exactly the milestones of a clean run. */
static void
test_failed_commit(void)
{
    s_seen_t seen = {0};
    threshold_t *t = s_open("lock.db", "2003-07-02");
    CHECK(t != NULL);
    if (!t)
        return;
    const size_t half = 460; /* before the 35th UNTOC ratification */
    s_apply(t, s_events, half, true, &seen, "2003-07-02");
    CHECK_INT(seen.count, 0);

    char path[PATH_SIZE];
    s_path("lock.db", path);
    sqlite3 *other = NULL;
    CHECK_INT(sqlite3_open(path, &other), SQLITE_OK);
    CHECK_INT(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    /* the service's transaction waits out its busy timeout, then fails */
    CHECK_INT(threshold_apply(t, &s_events[half], D("2003-07-02")), -1);
    CHECK_INT(threshold_commit(t, s_publish, &seen), -1);
    CHECK_INT(threshold_cursor(t), (int64_t) half);
    CHECK_INT(seen.count, 0);
    sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(other);

    /* the follower resumes after the cursor: the rest, as if nothing happened */
    s_apply(t, s_events + half, s_nevents - half, true, &seen, "2003-07-02");
    s_check_seed_ids(&seen);
    s_check_seed_status(t);
    threshold_destroy(&t);
}

/* A late deposit dated before the threshold date (Chad's accession of
   2003-06-20, recorded after the seed): the threshold is now reached on
   2003-06-25 (Belarus's deposit becomes the 40th), the announced EIF is
   revised to 2003-09-23, and no second threshold.reached is published. */
static void
test_backdated(void)
{
    s_seen_t seen = {0};
    threshold_t *t = s_open("late.db", "2003-07-02");
    CHECK(t != NULL);
    if (!t)
        return;
    s_apply(t, s_events, s_nevents, false, &seen, "2003-07-02");
    s_check_seed_ids(&seen);
    event_t late = {
        .seq = (int64_t) s_nevents + 1, .action = ACTION_ACCESSION, .date = D("2003-06-20")};
    snprintf(late.instrument, sizeof late.instrument, "UNTOC");
    snprintf(late.participant, sizeof late.participant, "TCD");
    s_apply(t, &late, 1, true, &seen, "2003-07-02");
    CHECK_INT(seen.count, 5);
    CHECK_STR(seen.ids[4], "UNTOC/entry_into_force.revised/2003-09-23");
    milestone_status_reply_t st;
    CHECK_INT(s_status(t, "UNTOC", RDATE_NONE, &st), 0);
    CHECK(st.count == 1 && st.instruments[0].counted == 41
          && st.instruments[0].threshold_date == D("2003-06-25")
          && st.instruments[0].entry_into_force == D("2003-09-23"));
    milestone_status_reply_clear(&st);
    threshold_destroy(&t);
}

/* A Protocol reaching its threshold before its Convention: reached,
   waiting for UNTOC, and scheduled only when the Convention's date becomes
   known, at the later of the two dates. The engine does not check that a
   Protocol's party is a Convention party (the registry does). */
static void
test_waiting_for_parent(void)
{
    s_seen_t seen = {0};
    threshold_t *t = s_open("wait.db", "2003-07-02");
    CHECK(t != NULL);
    if (!t)
        return;
    event_t ev[80];
    size_t n = 0;
    for (size_t i = 0, k = 0; k < 40 && i < catalog_participant_count(s_catalog); i++) {
        const catalog_participant_t *p = catalog_participant_at(s_catalog, i);
        if (catalog_participant_is_reio(p))
            continue;
        event_t tip = {.seq = (int64_t) n + 1,
                       .action = ACTION_RATIFICATION,
                       .date = D("2002-01-01") + (rdate_t) k};
        snprintf(tip.instrument, sizeof tip.instrument, "TIP");
        snprintf(tip.participant, sizeof tip.participant, "%s", catalog_participant_id(p));
        ev[n++] = tip;
        k++;
    }
    CHECK_INT(n, 40);
    s_apply(t, ev, n, true, &seen, "2003-07-02");
    CHECK_INT(seen.count, 3);
    CHECK_STR(seen.ids[2], "TIP/threshold.reached/2002-02-09");
    milestone_status_reply_t st;
    CHECK_INT(s_status(t, "TIP", RDATE_NONE, &st), 0);
    CHECK(st.count == 1 && strcmp(st.instruments[0].waiting_for, "UNTOC") == 0
          && st.instruments[0].stage == RULES_STAGE_PENDING
          && st.instruments[0].entry_into_force == RDATE_NONE);
    milestone_status_reply_clear(&st);

    /* the same forty ratify the Convention in 2003 */
    for (size_t i = 0; i < 40; i++) {
        ev[i].seq = (int64_t) (41 + i);
        snprintf(ev[i].instrument, sizeof ev[i].instrument, "UNTOC");
        ev[i].date = D("2003-03-01") + (rdate_t) i;
    }
    s_apply(t, ev, 40, true, &seen, "2003-07-02");
    CHECK_INT(seen.count, 8);
    CHECK_STR(seen.ids[5], "UNTOC/threshold.reached/2003-04-09");
    CHECK_STR(seen.ids[6], "UNTOC/entry_into_force.scheduled/2003-07-08");
    CHECK_STR(seen.ids[7], "TIP/entry_into_force.scheduled/2003-07-08");
    CHECK_INT(s_status(t, "TIP", RDATE_NONE, &st), 0);
    CHECK(st.count == 1 && st.instruments[0].waiting_for[0] == '\0'
          && st.instruments[0].entry_into_force == D("2003-07-08")
          && st.instruments[0].threshold_date == D("2002-02-09"));
    milestone_status_reply_clear(&st);
    threshold_destroy(&t);
}

static void
test_unknown_instrument_event(void)
{
    s_seen_t seen = {0};
    threshold_t *t = s_open("odd.db", "2003-07-02");
    CHECK(t != NULL);
    if (!t)
        return;
    /* an instrument this catalog does not know: mirrored, ignored */
    event_t ev = {.seq = 1, .action = ACTION_RATIFICATION, .date = D("2003-01-01")};
    snprintf(ev.instrument, sizeof ev.instrument, "ELSEWHERE");
    snprintf(ev.participant, sizeof ev.participant, "TCD");
    CHECK_INT(threshold_apply(t, &ev, D("2003-07-02")), 0);
    CHECK_INT(threshold_commit(t, s_publish, &seen), 0);
    CHECK_INT(threshold_cursor(t), 1);
    CHECK_INT(seen.count, 0);
    threshold_destroy(&t);
}

int
main(void)
{
    snprintf(s_dir, sizeof s_dir, "/tmp/ratify-test-threshold.XXXXXX");
    if (!mkdtemp(s_dir)) {
        perror("mkdtemp");
        return 1;
    }
    char instruments[PATH_SIZE], err[CATALOG_ERR_SIZE];
    const char *data = getenv("RATIFY_DATA");
    snprintf(instruments, sizeof instruments, "%s/catalog/instruments.ini", data ? data : "data");
    s_catalog = catalog_load(instruments, NULL, err, sizeof err);
    CHECK(s_catalog != NULL);
    if (s_catalog && s_read_fixture() == 0) {
        CHECK_INT(s_nevents, 527);
        test_forward_and_restart();
        test_reverse_and_batched();
        test_retraction();
        test_queries();
        test_failed_commit();
        test_backdated();
        test_waiting_for_parent();
        test_unknown_instrument_event();
    }
    else
        fprintf(stderr, "catalog: %s\n", err);
    catalog_destroy(&s_catalog);
    const char *names[] = {"fwd.db",  "rev.db",  "batch.db", "odd.db",
                           "lock.db", "late.db", "wait.db"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        s_remove_db(names[i]);
    rmdir(s_dir);
    return check_report("test_threshold_core");
}
