/*  test_notifier: the notifier's core without sockets -- Standard Webhooks
    signatures (the specification's own example), secrets, URLs, the retry
    policy, and on a real SQLite file: storing alerts idempotently with the
    cursor, replay batches, webhook subscriptions and the delivery states
    (due, leased, retried, dead, redelivered, gone, removed), and the API
    requests. The delivery thread itself is covered by the integration tests
    (tests/integration/test_notifier_webhook.sh), against a real HTTP server. */
#include "alertlog.h"
#include "check.h"
#include "db.h"
#include "hookstore.h"
#include "notifier.h"
#include "notifydb.h"
#include "service.h"
#include "sock.h"
#include "webhook.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SPEC_SECRET "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

static char s_dir[64];

/* ---- pure parts --------------------------------------------------------- */

static void
test_sign(void)
{
    /* the example of the Standard Webhooks specification */
    char sig[WEBHOOK_SIGNATURE_MAX];
    const char *body = "{\"test\": 2432232314}";
    CHECK_INT(webhook_sign(SPEC_SECRET, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body,
                           strlen(body), sig),
              0);
    CHECK_STR(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    /* any change in id, timestamp or body changes it */
    char other[WEBHOOK_SIGNATURE_MAX];
    webhook_sign(SPEC_SECRET, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265331, body, strlen(body),
                 other);
    CHECK(strcmp(sig, other) != 0);
    webhook_sign(SPEC_SECRET, "msg_p5jXN8AQM9LWM0D4loKWxJeK", 1614265330, body, strlen(body),
                 other);
    CHECK(strcmp(sig, other) != 0);
    CHECK_INT(webhook_sign("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "m", 1, "", 0, other), -1);
}

static void
test_secrets(void)
{
    char err[256];
    CHECK_INT(webhook_secret_check(SPEC_SECRET, err, sizeof err), 0);
    CHECK_INT(webhook_secret_check("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", err, sizeof err), -1);
    CHECK_INT(webhook_secret_check("whsec_c2hvcnQ=", err, sizeof err), -1); /* 5 bytes */
    CHECK_INT(webhook_secret_check("whsec_!!!notbase64!!!!!!!!!!!!!!!!", err, sizeof err), -1);
    CHECK_INT(webhook_secret_check("whsec_", err, sizeof err), -1);
    CHECK_INT(webhook_secret_check(NULL, err, sizeof err), -1);
    char a[ALERT_SECRET_MAX], b[ALERT_SECRET_MAX];
    CHECK_INT(webhook_secret_generate(a, sizeof a), 0);
    CHECK_INT(webhook_secret_generate(b, sizeof b), 0);
    CHECK(strncmp(a, "whsec_", 6) == 0);
    CHECK(strcmp(a, b) != 0);
    CHECK_INT(webhook_secret_check(a, err, sizeof err), 0);
    char small[10];
    CHECK_INT(webhook_secret_generate(small, sizeof small), -1);
}

static void
test_urls(void)
{
    char err[256];
    CHECK_INT(webhook_url_check("http://127.0.0.1:8080/hooks", err, sizeof err), 0);
    CHECK_INT(webhook_url_check("https://example.org/a?b=c", err, sizeof err), 0);
    CHECK_INT(webhook_url_check("HTTPS://EXAMPLE.ORG", err, sizeof err), 0);
    CHECK_INT(webhook_url_check("ftp://example.org/x", err, sizeof err), -1);
    CHECK_INT(webhook_url_check("file:///etc/passwd", err, sizeof err), -1);
    CHECK_INT(webhook_url_check("not a url", err, sizeof err), -1);
    CHECK_INT(webhook_url_check("", err, sizeof err), -1);
    char *longer = malloc(ALERT_URL_MAX + 16);
    memset(longer, 'a', ALERT_URL_MAX + 15);
    memcpy(longer, "http://", 7);
    longer[ALERT_URL_MAX + 15] = '\0';
    CHECK_INT(webhook_url_check(longer, err, sizeof err), -1);
    free(longer);
}

static void
test_policy(void)
{
    webhook_policy_t p;
    char err[256];
    unsetenv("RATIFY_WEBHOOK_TIMEOUT_MS");
    unsetenv("RATIFY_WEBHOOK_ATTEMPTS");
    unsetenv("RATIFY_WEBHOOK_BACKOFF_MS");
    unsetenv("RATIFY_WEBHOOK_BACKOFF_MAX_MS");
    CHECK_INT(webhook_policy_from_env(&p, err, sizeof err), 0);
    CHECK_INT(p.timeout_ms, 5000);
    CHECK_INT(p.attempts, 8);
    CHECK_INT(p.backoff_ms, 10000);
    CHECK_INT(p.backoff_max_ms, 3600000);
    setenv("RATIFY_WEBHOOK_ATTEMPTS", "3", 1);
    setenv("RATIFY_WEBHOOK_BACKOFF_MS", "50", 1);
    CHECK_INT(webhook_policy_from_env(&p, err, sizeof err), 0);
    CHECK_INT(p.attempts, 3);
    CHECK_INT(p.backoff_ms, 50);
    setenv("RATIFY_WEBHOOK_ATTEMPTS", "0", 1);
    CHECK_INT(webhook_policy_from_env(&p, err, sizeof err), -1);
    CHECK(strstr(err, "RATIFY_WEBHOOK_ATTEMPTS") != NULL);
    setenv("RATIFY_WEBHOOK_ATTEMPTS", "3x", 1);
    CHECK_INT(webhook_policy_from_env(&p, err, sizeof err), -1);
    unsetenv("RATIFY_WEBHOOK_ATTEMPTS");
    unsetenv("RATIFY_WEBHOOK_BACKOFF_MS");
}

static void
test_classify(void)
{
    const webhook_policy_t p = {
        .timeout_ms = 1000, .attempts = 3, .backoff_ms = 100, .backoff_max_ms = 1000};
    CHECK_INT(webhook_classify(&p, true, 200, 1), WEBHOOK_DELIVERED);
    CHECK_INT(webhook_classify(&p, true, 204, 3), WEBHOOK_DELIVERED);
    CHECK_INT(webhook_classify(&p, true, 410, 1), WEBHOOK_GONE);
    CHECK_INT(webhook_classify(&p, true, 500, 1), WEBHOOK_RETRY);
    CHECK_INT(webhook_classify(&p, true, 503, 2), WEBHOOK_RETRY);
    CHECK_INT(webhook_classify(&p, true, 503, 3), WEBHOOK_DEAD); /* the last allowed attempt */
    CHECK_INT(webhook_classify(&p, true, 429, 1), WEBHOOK_RETRY);
    CHECK_INT(webhook_classify(&p, true, 408, 1), WEBHOOK_RETRY);
    CHECK_INT(webhook_classify(&p, false, 0, 1), WEBHOOK_RETRY); /* refused, timed out */
    CHECK_INT(webhook_classify(&p, false, 0, 3), WEBHOOK_DEAD);
    CHECK_INT(webhook_classify(&p, true, 400, 1), WEBHOOK_DEAD);
    CHECK_INT(webhook_classify(&p, true, 404, 1), WEBHOOK_DEAD);
    CHECK_INT(webhook_classify(&p, true, 301, 1), WEBHOOK_DEAD);
    CHECK_STR(webhook_outcome_name(WEBHOOK_GONE), "gone");

    /* exponential, capped, equal jitter, at least Retry-After */
    CHECK_INT(webhook_backoff_ms(&p, 1, -1, 0), 50);
    CHECK_INT(webhook_backoff_ms(&p, 1, -1, UINT32_MAX), 100);
    CHECK_INT(webhook_backoff_ms(&p, 2, -1, 0), 100);
    CHECK_INT(webhook_backoff_ms(&p, 3, -1, UINT32_MAX), 400);
    CHECK_INT(webhook_backoff_ms(&p, 30, -1, UINT32_MAX), 1000);
    CHECK_INT(webhook_backoff_ms(&p, 30, -1, 0), 500);
    const int64_t mid = webhook_backoff_ms(&p, 4, -1, UINT32_MAX / 2);
    CHECK(mid >= 400 && mid <= 800);
    CHECK_INT(webhook_backoff_ms(&p, 1, 2000, 0), 2000);
    CHECK_INT(webhook_backoff_ms(&p, 1, 10, UINT32_MAX), 100);
    CHECK_INT(webhook_backoff_ms(&p, 1, 999999999999LL, 0), WEBHOOK_RETRY_AFTER_MAX_MSEC);
}

/* ---- storage ------------------------------------------------------------ */

/* Encodes a milestone and parses it back: the caller reads msg_in_root. */
static msg_in_t *
s_milestone(int64_t seq, milestone_kind_t kind, const char *id, size_t nparts, size_t name_len)
{
    milestone_t m;
    memset(&m, 0, sizeof m);
    m.seq = seq;
    m.kind = kind;
    snprintf(m.id, sizeof m.id, "%s", id);
    snprintf(m.instrument, sizeof m.instrument, "UNTOC");
    snprintf(m.reference, sizeof m.reference, "XVIII-12");
    snprintf(m.title, sizeof m.title, "Convention");
    m.threshold = 40;
    m.count = 40;
    rdate_parse("2003-07-01", &m.threshold_date);
    m.date = m.threshold_date;
    rdate_parse("2003-09-29", &m.entry_into_force);
    m.stage = RULES_STAGE_SCHEDULED;
    milestone_participant_t *parts = nparts ? calloc(nparts, sizeof *parts) : NULL;
    for (size_t i = 0; i < nparts; i++) {
        snprintf(parts[i].participant, sizeof parts[i].participant, "P%u", (unsigned) (i % 10000));
        memset(parts[i].name, 'n', name_len);
        parts[i].name[name_len] = '\0';
    }
    m.participants = parts;
    m.participant_count = nparts;
    msgpack_sbuffer buf;
    msgpack_sbuffer_init(&buf);
    CHECK_INT(milestone_encode(&m, &buf), 0);
    wire_err_t err;
    msg_in_t *in = msg_in_parse(buf.data, buf.size, &err);
    CHECK(in != NULL);
    msgpack_sbuffer_destroy(&buf);
    free(parts);
    return in;
}

typedef struct {
    sqlite3 *db;
    alertlog_t *log;
    hookstore_t *hooks;
    notifier_t *notifier;
} s_core_t;

static int
s_open(s_core_t *c)
{
    char path[128], err[256];
    snprintf(path, sizeof path, "%s/notifier.db", s_dir);
    memset(c, 0, sizeof *c);
    c->db = notifydb_open(path, err, sizeof err);
    if (c->db)
        c->log = alertlog_new(c->db, err, sizeof err);
    if (c->log)
        c->hooks = hookstore_new(c->db, err, sizeof err);
    if (c->hooks)
        c->notifier = notifier_new(c->log, c->hooks);
    CHECK(c->notifier != NULL);
    if (!c->notifier)
        fprintf(stderr, "  open: %s\n", err);
    return c->notifier ? 0 : -1;
}

static void
s_close(s_core_t *c)
{
    notifier_destroy(&c->notifier);
    hookstore_destroy(&c->hooks);
    alertlog_destroy(&c->log);
    db_close(&c->db);
}

/* What a publisher was handed: the alerts of the last commit, and checks
   made at the moment of publication. */
typedef struct {
    sqlite3 *peek;        /* a second connection: sees only committed rows */
    int count;            /* alerts published */
    int64_t seqs[8];      /* their sequences, in the order published */
    int not_committed;    /* published before its row was committed */
    int lasts;            /* alerts marked as their group's last */
    bool ended;           /* the latest one was so marked */
    msgpack_sbuffer last; /* the last body published */
} s_published_t;

static void
s_publish(void *ctx, const notifier_alert_t *a)
{
    s_published_t *p = ctx;
    if (p->count < 8)
        p->seqs[p->count] = a->sequence;
    p->count++;
    p->lasts += a->last;
    p->ended = a->last;
    if (p->peek) {
        sqlite3_stmt *st = NULL;
        sqlite3_prepare_v2(p->peek, "SELECT COUNT(*) FROM alerts WHERE seq = ?1", -1, &st, NULL);
        sqlite3_bind_int64(st, 1, a->sequence);
        if (!st || sqlite3_step(st) != SQLITE_ROW || sqlite3_column_int64(st, 0) != 1)
            p->not_committed++;
        sqlite3_finalize(st);
    }
    msgpack_sbuffer_clear(&p->last);
    msgpack_sbuffer_write(&p->last, a->body, a->size);
}

/* Ingests one milestone and commits it as a group of one; returns
   notifier_ingest's result, *queued what the commit queued. */
static int
s_ingest(s_core_t *c, int64_t seq, milestone_kind_t kind, const char *id, int *queued)
{
    msg_in_t *in = s_milestone(seq, kind, id, 1, 7);
    s_published_t pub = {0};
    msgpack_sbuffer_init(&pub.last);
    int rc =
        in ? notifier_ingest(c->notifier, seq, msg_in_root(in), 1057017600000LL + seq, false) : -1;
    const int64_t before = alertlog_last_seq(c->log);
    *queued = notifier_commit(c->notifier, s_publish, &pub);
    CHECK(*queued >= 0);
    CHECK_INT(pub.count, rc == 1 ? 1 : 0);
    CHECK_INT(pub.lasts, pub.count); /* a group of one: its alert is its last */
    if (rc == 1) {
        /* the bytes to publish are the stored alert, with its sequence */
        CHECK_INT(alertlog_last_seq(c->log), before + 1);
        wire_err_t err;
        msg_in_t *m = msg_in_parse(pub.last.data, pub.last.size, &err);
        alert_t back;
        CHECK(m && alert_read(msg_in_root(m), &back, &err) == 0);
        if (m) {
            CHECK_INT(back.sequence, alertlog_last_seq(c->log));
            CHECK_STR(back.id, id);
            alert_clear(&back);
        }
        msg_in_destroy(&m);
    }
    msgpack_sbuffer_destroy(&pub.last);
    msg_in_destroy(&in);
    return rc;
}

/* Sends a request built by the caller to notifier_handle; returns the
   parsed reply (caller destroys it). */
static msg_in_t *
s_request(s_core_t *c, const msgpack_sbuffer *req, int *woke)
{
    wire_err_t err;
    msg_in_t *in = msg_in_parse(req->data, req->size, &err);
    CHECK(in != NULL);
    msgpack_sbuffer reply;
    msgpack_sbuffer_init(&reply);
    const int rc = in ? notifier_handle(c->notifier, in, 1057017600000LL, &reply) : 0;
    if (woke)
        *woke = rc;
    msg_in_t *out = msg_in_parse(reply.data, reply.size, &err);
    CHECK(out != NULL);
    msgpack_sbuffer_destroy(&reply);
    msg_in_destroy(&in);
    return out;
}

/* Returns the code of an error reply, "" when it is not one. */
static const char *
s_error_code(const msg_in_t *reply, msg_error_t *e)
{
    wire_err_t err;
    if (!reply || msg_in_type(reply) != MSG_ERROR || msg_decode_error(reply, e, &err) != 0)
        return "";
    return e->code;
}

static msg_in_t *
s_add(s_core_t *c, const char *url, const char *prefix, const char *secret)
{
    alert_hook_add_t m;
    memset(&m, 0, sizeof m);
    snprintf(m.url, sizeof m.url, "%s", url);
    snprintf(m.type_prefix, sizeof m.type_prefix, "%s", prefix);
    snprintf(m.secret, sizeof m.secret, "%s", secret);
    msgpack_sbuffer req;
    msgpack_sbuffer_init(&req);
    alert_encode_hook_add(&m, &req);
    msg_in_t *reply = s_request(c, &req, NULL);
    msgpack_sbuffer_destroy(&req);
    return reply;
}

static int
s_since(s_core_t *c, int64_t from, int64_t limit, alert_batch_t *out, size_t *frame)
{
    alert_since_t m = {.from = from, .limit = limit};
    msgpack_sbuffer req;
    msgpack_sbuffer_init(&req);
    alert_encode_since(&m, &req);
    msg_in_t *reply = s_request(c, &req, NULL);
    msgpack_sbuffer_destroy(&req);
    wire_err_t err;
    int rc = reply ? alert_decode_batch(reply, out, &err) : -1;
    if (frame)
        *frame = 0;
    msg_in_destroy(&reply);
    if (frame && rc == 0) {
        msgpack_sbuffer again;
        msgpack_sbuffer_init(&again);
        alertlog_since(c->log, from, limit, &again);
        *frame = again.size;
        msgpack_sbuffer_destroy(&again);
    }
    return rc;
}

static void
test_alertlog(void)
{
    s_core_t c;
    if (s_open(&c) != 0)
        return;
    CHECK_INT(alertlog_last_seq(c.log), 0);
    CHECK_INT(alertlog_cursor(c.log), 0);
    msg_in_t *r = s_add(&c, "http://127.0.0.1:9/all", "", SPEC_SECRET);
    CHECK_INT(msg_in_type(r), MSG_WEBHOOK);
    msg_in_destroy(&r);
    r = s_add(&c, "http://127.0.0.1:9/eif", "org.ratify.entry_into_force.", SPEC_SECRET);
    msg_in_destroy(&r);

    int queued = -1;
    CHECK_INT(s_ingest(&c, 1, MILESTONE_APPROACHING, "UNTOC/threshold.approaching/N-5", &queued),
              1);
    CHECK_INT(queued, 1);
    CHECK_INT(s_ingest(&c, 2, MILESTONE_SCHEDULED, "UNTOC/entry_into_force.scheduled/2003-09-29",
                       &queued),
              1);
    CHECK_INT(queued, 2);
    /* the same milestone again (a replay, a re-emission): stored once */
    CHECK_INT(s_ingest(&c, 3, MILESTONE_APPROACHING, "UNTOC/threshold.approaching/N-5", &queued),
              0);
    CHECK_INT(queued, 0);
    CHECK_INT(alertlog_last_seq(c.log), 2);
    CHECK_INT(alertlog_cursor(c.log), 3);
    /* a milestone that cannot become an alert is skipped, the cursor moves */
    msgpack_sbuffer junk;
    msgpack_sbuffer_init(&junk);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &junk, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 3);
    wire_pack_kv_int(&pk, "v", 1);
    wire_pack_kv_str(&pk, "type", "milestone");
    wire_pack_kv_int(&pk, "seq", 4);
    wire_err_t err;
    msg_in_t *in = msg_in_parse(junk.data, junk.size, &err);
    s_published_t pub = {0};
    msgpack_sbuffer_init(&pub.last);
    /* from the stream (the follower has not checked it): refused, nothing
       taken, nothing to commit */
    CHECK_INT(notifier_ingest(c.notifier, 4, msg_in_root(in), 0, true), NOTIFIER_UNREADABLE);
    CHECK_INT(notifier_commit(c.notifier, s_publish, &pub), 0);
    CHECK_INT(alertlog_cursor(c.log), 3);
    /* from a replay (the owner's log holds it so): skipped */
    CHECK_INT(notifier_ingest(c.notifier, 4, msg_in_root(in), 0, false), 0);
    CHECK_INT(alertlog_cursor(c.log), 3); /* moves at the commit */
    CHECK_INT(notifier_commit(c.notifier, s_publish, &pub), 0);
    CHECK_INT(pub.count, 0);
    msg_in_destroy(&in);
    msgpack_sbuffer_destroy(&junk);
    CHECK_INT(alertlog_cursor(c.log), 4);
    CHECK_INT(alertlog_last_seq(c.log), 2);

    /* replays */
    alert_batch_t b;
    CHECK_INT(s_since(&c, 1, 0, &b, NULL), 0);
    CHECK_INT(b.count, 2);
    CHECK_INT(b.last_seq, 2);
    CHECK(!b.more);
    if (b.count == 2) {
        CHECK_INT(b.alerts[0].sequence, 1);
        CHECK_STR(b.alerts[1].id, "UNTOC/entry_into_force.scheduled/2003-09-29");
        CHECK_STR(b.alerts[1].time, "2003-07-01T00:00:00.002Z");
    }
    alert_batch_clear(&b);
    CHECK_INT(s_since(&c, 1, 1, &b, NULL), 0);
    CHECK_INT(b.count, 1);
    CHECK(b.more);
    alert_batch_clear(&b);
    CHECK_INT(s_since(&c, 0, 0, &b, NULL), 0); /* from 0 means from the first */
    CHECK_INT(b.count, 2);
    alert_batch_clear(&b);
    CHECK_INT(s_since(&c, 3, 0, &b, NULL), 0);
    CHECK_INT(b.count, 0);
    CHECK(!b.more);
    alert_batch_clear(&b);

    /* everything survives a reopen */
    s_close(&c);
    if (s_open(&c) != 0)
        return;
    CHECK_INT(alertlog_last_seq(c.log), 2);
    CHECK_INT(alertlog_cursor(c.log), 4);
    CHECK_INT(s_ingest(&c, 5, MILESTONE_SCHEDULED, "UNTOC/entry_into_force.scheduled/2003-09-29",
                       &queued),
              0);

    /* large alerts: a reply stays under the frame limit and says more */
    for (int i = 0; i < 12; i++) {
        char id[64];
        snprintf(id, sizeof id, "BIG/threshold.reached/%d", i);
        msg_in_t *m = s_milestone(10 + i, MILESTONE_REACHED, id, MILESTONE_PARTICIPANTS_MAX, 100);
        CHECK_INT(notifier_ingest(c.notifier, 10 + i, msg_in_root(m), 1057017600010LL + i, false),
                  1);
        if (notifier_group_full(c.notifier)) /* ~100 kB each: the bytes bound the group */
            CHECK(notifier_commit(c.notifier, s_publish, &pub) >= 0);
        msg_in_destroy(&m);
    }
    CHECK(notifier_commit(c.notifier, s_publish, &pub) >= 0);
    CHECK_INT(pub.count, 12);
    CHECK_INT(alertlog_last_seq(c.log), 14);
    msgpack_sbuffer_destroy(&pub.last);
    size_t frame = 0;
    CHECK_INT(s_since(&c, 3, 0, &b, &frame), 0);
    CHECK(b.count >= 1 && b.count < 12);
    CHECK(b.more);
    CHECK(frame < SOCK_MAX_MSG_BYTES);
    alert_batch_clear(&b);
    /* one that decodes but cannot become an alert (its id is not printable):
       skipped even from the stream, as before, and the cursor moves past it */
    s_published_t none = {0};
    msgpack_sbuffer_init(&none.last);
    const int64_t next = alertlog_cursor(c.log) + 1;
    msg_in_t *odd = s_milestone(next, MILESTONE_REACHED, "UNTOC/bad\x01id", 1, 7);
    CHECK_INT(notifier_ingest(c.notifier, next, msg_in_root(odd), 0, true), 0);
    CHECK_INT(notifier_commit(c.notifier, s_publish, &none), 0);
    CHECK_INT(none.count, 0);
    CHECK_INT(alertlog_cursor(c.log), next);
    msg_in_destroy(&odd);
    msgpack_sbuffer_destroy(&none.last);
    CHECK_INT(db_integrity_ok(c.db), 0);
    s_close(&c);
}

/* Ingests milestone seq into the open group without committing it. */
static int
s_add_to_group(s_core_t *c, int64_t seq, milestone_kind_t kind, const char *id)
{
    msg_in_t *in = s_milestone(seq, kind, id, 1, 7);
    const int rc =
        in ? notifier_ingest(c->notifier, seq, msg_in_root(in), 1057017600000LL + seq, false) : -1;
    msg_in_destroy(&in);
    return rc;
}

/* The milestones of a burst share one transaction; nothing is published
   before it is committed, then everything in sequence order. */
static void
test_group(void)
{
    s_core_t c;
    if (s_open(&c) != 0)
        return;
    char path[128];
    snprintf(path, sizeof path, "%s/notifier.db", s_dir);
    s_published_t pub = {0};
    msgpack_sbuffer_init(&pub.last);
    CHECK_INT(sqlite3_open_v2(path, &pub.peek, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    const int64_t seq0 = alertlog_last_seq(c.log), cur0 = alertlog_cursor(c.log);
    CHECK_INT(s_add_to_group(&c, cur0 + 1, MILESTONE_APPROACHING, "GRP/threshold.approaching/1"),
              1);
    CHECK_INT(s_add_to_group(&c, cur0 + 2, MILESTONE_REACHED, "GRP/threshold.reached/1"), 1);
    /* the same id again within the group: not stored twice */
    CHECK_INT(s_add_to_group(&c, cur0 + 3, MILESTONE_REACHED, "GRP/threshold.reached/1"), 0);
    CHECK_INT(s_add_to_group(&c, cur0 + 4, MILESTONE_SCHEDULED, "GRP/entry_into_force.scheduled/1"),
              1);
    CHECK_INT(alertlog_pending(c.log), 4);
    CHECK(!notifier_group_full(c.notifier));
    /* nothing is committed yet: the log still says so, replays do not
       show the group, another connection sees nothing */
    CHECK_INT(alertlog_last_seq(c.log), seq0);
    CHECK_INT(alertlog_cursor(c.log), cur0);
    msgpack_sbuffer reply;
    msgpack_sbuffer_init(&reply);
    CHECK_INT(alertlog_since(c.log, seq0 + 1, 0, &reply), 0);
    wire_err_t err;
    msg_in_t *r = msg_in_parse(reply.data, reply.size, &err);
    alert_batch_t b;
    CHECK(r && alert_decode_batch(r, &b, &err) == 0);
    if (r) {
        CHECK_INT(b.count, 0);
        alert_batch_clear(&b);
    }
    msg_in_destroy(&r);
    msgpack_sbuffer_destroy(&reply);
    CHECK_INT(pub.count, 0);

    /* the commit stores all, then publishes all, in sequence order */
    CHECK(notifier_commit(c.notifier, s_publish, &pub) >= 0);
    CHECK_INT(pub.count, 3);
    CHECK_INT(pub.lasts, 1); /* the group's last alert, and only it */
    CHECK(pub.ended);
    CHECK_INT(pub.not_committed, 0);
    CHECK_INT(pub.seqs[0], seq0 + 1);
    CHECK_INT(pub.seqs[1], seq0 + 2);
    CHECK_INT(pub.seqs[2], seq0 + 3);
    CHECK_INT(alertlog_last_seq(c.log), seq0 + 3);
    CHECK_INT(alertlog_cursor(c.log), cur0 + 4);
    CHECK_INT(alertlog_pending(c.log), 0);
    /* nothing open: a commit does nothing */
    pub.count = 0;
    CHECK(notifier_commit(c.notifier, s_publish, &pub) >= 0);
    CHECK_INT(pub.count, 0);

    /* a group rolled back stores nothing; offered again, it gets the
       same sequences */
    CHECK_INT(s_add_to_group(&c, cur0 + 5, MILESTONE_REVISED, "GRP/entry_into_force.revised/1"), 1);
    alertlog_rollback(c.log);
    CHECK(notifier_commit(c.notifier, s_publish, &pub) >= 0);
    CHECK_INT(pub.count, 0);
    CHECK_INT(alertlog_last_seq(c.log), seq0 + 3);
    CHECK_INT(alertlog_cursor(c.log), cur0 + 4);
    CHECK_INT(s_add_to_group(&c, cur0 + 5, MILESTONE_REVISED, "GRP/entry_into_force.revised/1"), 1);
    CHECK(notifier_commit(c.notifier, s_publish, &pub) >= 0);
    CHECK_INT(pub.count, 1);
    CHECK(pub.ended);
    CHECK_INT(pub.seqs[0], seq0 + 4);
    CHECK_INT(pub.not_committed, 0);

    /* a long burst is cut at NOTIFIER_GROUP_MAX milestones */
    pub.count = 0;
    pub.lasts = 0;
    int n = 0;
    for (; n < NOTIFIER_GROUP_MAX + 10 && !notifier_group_full(c.notifier); n++) {
        char id[64];
        snprintf(id, sizeof id, "LONG/threshold.reached/%d", n);
        CHECK_INT(s_add_to_group(&c, cur0 + 6 + n, MILESTONE_REACHED, id), 1);
    }
    CHECK_INT(n, NOTIFIER_GROUP_MAX);
    CHECK(notifier_commit(c.notifier, s_publish, &pub) >= 0);
    CHECK_INT(pub.count, NOTIFIER_GROUP_MAX);
    CHECK_INT(pub.lasts, 1);
    CHECK(pub.ended);
    CHECK_INT(pub.not_committed, 0);
    CHECK_INT(alertlog_last_seq(c.log), seq0 + 4 + NOTIFIER_GROUP_MAX);

    /* an uncommitted group is not stored when the notifier goes */
    CHECK_INT(s_add_to_group(&c, cur0 + 1000, MILESTONE_REACHED, "LOST/threshold.reached/1"), 1);
    s_close(&c);
    if (s_open(&c) == 0) {
        CHECK_INT(alertlog_last_seq(c.log), seq0 + 4 + NOTIFIER_GROUP_MAX);
        CHECK_INT(alertlog_cursor(c.log), cur0 + 5 + NOTIFIER_GROUP_MAX);
        CHECK_INT(db_integrity_ok(c.db), 0);
        s_close(&c);
    }
    sqlite3_close(pub.peek);
    msgpack_sbuffer_destroy(&pub.last);
}

static void
test_deliveries(void)
{
    s_core_t c;
    if (s_open(&c) != 0)
        return;
    /* from test_alertlog: webhook 1 (all), 2 (entry_into_force.) and their
       deliveries: 1 -> alerts 1, 2 and the 12 big ones; 2 -> alert 2 */
    int64_t ids[8];
    CHECK_INT(hookstore_active(c.hooks, ids, 8), 2);
    hookstore_job_t jobs[20];
    const int64_t now = service_wall_ms();
    int n = hookstore_due(c.hooks, 1, now, jobs, 20);
    CHECK_INT(n, 14);
    for (int i = 0; i < n; i++)
        hookstore_job_clear(&jobs[i]);
    n = hookstore_due(c.hooks, 1, now, jobs, 2);
    CHECK_INT(n, 2);
    if (n == 2) {
        CHECK_STR(jobs[0].alert_id, "UNTOC/threshold.approaching/N-5");
        CHECK_STR(jobs[0].url, "http://127.0.0.1:9/all");
        CHECK_STR(jobs[0].secret, SPEC_SECRET);
        CHECK_INT(jobs[0].attempts, 0);
        CHECK(jobs[0].body_size > 0);
    }
    const int64_t d1 = n > 0 ? jobs[0].delivery_id : 0, d2 = n > 1 ? jobs[1].delivery_id : 0;
    for (int i = 0; i < n; i++)
        hookstore_job_clear(&jobs[i]);

    /* an attempt holds a lease: not due again meanwhile */
    CHECK_INT(hookstore_begin(c.hooks, d1, now + 60000, now), 1);
    n = hookstore_due(c.hooks, 1, now, jobs, 1);
    CHECK_INT(n, 1);
    CHECK(n == 1 && jobs[0].delivery_id == d2);
    if (n == 1)
        hookstore_job_clear(&jobs[0]);
    /* released at shut-down: due now, the attempt not counted */
    CHECK_INT(hookstore_release(c.hooks, d1, now), 0);
    n = hookstore_due(c.hooks, 1, now, jobs, 20);
    CHECK_INT(n, 14);
    CHECK(n == 14 && jobs[13].delivery_id == d1 && jobs[13].attempts == 0);
    for (int i = 0; i < n; i++)
        hookstore_job_clear(&jobs[i]);

    /* a retry later, then dead */
    CHECK_INT(hookstore_begin(c.hooks, d1, now + 60000, now), 1);
    CHECK_INT(hookstore_finish(c.hooks, d1, "pending", 500, "HTTP 500", now + 1000, now), 0);
    n = hookstore_due(c.hooks, 1, now + 999, jobs, 1);
    CHECK(n == 1 && jobs[0].delivery_id == d2);
    if (n == 1)
        hookstore_job_clear(&jobs[0]);
    n = hookstore_due(c.hooks, 1, now + 1000, jobs, 20);
    CHECK(n == 14 && jobs[13].delivery_id == d1 && jobs[13].attempts == 1);
    for (int i = 0; i < n; i++)
        hookstore_job_clear(&jobs[i]);
    CHECK_INT(hookstore_begin(c.hooks, d1, now + 60000, now), 1);
    CHECK_INT(hookstore_finish(c.hooks, d1, "dead", 503, "HTTP 503", now, now), 0);
    CHECK_INT(hookstore_begin(c.hooks, d1, now + 60000, now), 0); /* no longer pending */
    alert_delivery_t dead[4];
    CHECK_INT(hookstore_dead(c.hooks, dead, 4), 1);
    CHECK_INT(dead[0].id, d1);
    CHECK_INT(dead[0].attempts, 2);
    CHECK_INT(dead[0].last_code, 503);
    CHECK_STR(dead[0].last_error, "HTTP 503");
    CHECK_STR(dead[0].status, "dead");
    CHECK_STR(dead[0].next_attempt, "");
    CHECK_STR(dead[0].alert, "UNTOC/threshold.approaching/N-5");

    /* the API: webhook.dead, webhook.redeliver */
    msgpack_sbuffer req;
    msgpack_sbuffer_init(&req);
    alert_encode_hook_query(MSG_WEBHOOK_DEAD, 0, &req);
    msg_in_t *reply = s_request(&c, &req, NULL);
    alert_deliveries_t list;
    wire_err_t err;
    CHECK(reply && alert_decode_deliveries(reply, &list, &err) == 0 && list.count == 1);
    alert_deliveries_clear(&list);
    msg_in_destroy(&reply);
    msgpack_sbuffer_clear(&req);
    int woke = 0;
    alert_encode_hook_id(MSG_WEBHOOK_REDELIVER, d1, &req);
    reply = s_request(&c, &req, &woke);
    alert_delivery_t d;
    CHECK(reply && alert_decode_delivery(reply, &d, &err) == 0);
    CHECK_STR(d.status, "pending");
    CHECK_INT(d.attempts, 0);
    CHECK_INT(woke, 1);
    msg_in_destroy(&reply);
    msg_error_t e;
    reply = s_request(&c, &req, NULL); /* again: it is not dead any more */
    CHECK_STR(s_error_code(reply, &e), "not_dead");
    msg_in_destroy(&reply);
    msgpack_sbuffer_clear(&req);
    alert_encode_hook_id(MSG_WEBHOOK_REDELIVER, 99999, &req);
    reply = s_request(&c, &req, NULL);
    CHECK_STR(s_error_code(reply, &e), "unknown_delivery");
    msg_in_destroy(&reply);
    msgpack_sbuffer_clear(&req);

    /* 410: the subscription and its pending deliveries end; no new ones */
    n = hookstore_due(c.hooks, 2, now, jobs, 1);
    CHECK_INT(n, 1);
    const int64_t g = n ? jobs[0].delivery_id : 0;
    if (n)
        hookstore_job_clear(&jobs[0]);
    CHECK_INT(hookstore_gone(c.hooks, 2, g, 410, "HTTP 410", now), 0);
    CHECK_INT(hookstore_active(c.hooks, ids, 8), 1);
    CHECK_INT(hookstore_due(c.hooks, 2, now, jobs, 1), 0);
    int queued = 0;
    CHECK_INT(
        s_ingest(&c, 40, MILESTONE_REVISED, "UNTOC/entry_into_force.revised/2003-09-30", &queued),
        1);
    CHECK_INT(queued, 1); /* webhook 1 only */
    alert_hook_t hooks[4];
    CHECK_INT(hookstore_list(c.hooks, hooks, 4), 2);
    CHECK_STR(hooks[1].status, "gone");
    CHECK_INT(hooks[1].pending, 0);
    CHECK_INT(hooks[0].pending, 15);
    CHECK_STR(hooks[0].secret, ""); /* a list never shows secrets */

    /* a delivery of a gone webhook cannot be redelivered */
    CHECK_INT(hookstore_finish(c.hooks, d2, "dead", 0, "x", now, now), 0);
    char why[32];
    CHECK_INT(hookstore_redeliver(c.hooks, d2, now, &d, why, sizeof why), 1);
    sqlite3_exec(c.db, "UPDATE deliveries SET status = 'dead' WHERE webhook_id = 2", NULL, NULL,
                 NULL);
    CHECK_INT(hookstore_redeliver(c.hooks, g, now, &d, why, sizeof why), 0);
    CHECK_STR(why, "webhook_gone");

    /* next due, and remove */
    const int64_t next = hookstore_next_due(c.hooks);
    CHECK(next > 0 && next <= service_wall_ms());
    alert_encode_hook_id(MSG_WEBHOOK_REMOVE, 1, &req);
    reply = s_request(&c, &req, NULL);
    alert_hook_t h;
    CHECK(reply && alert_decode_hook(reply, &h, &err) == 0);
    CHECK_INT(h.id, 1);
    CHECK_INT(h.pending, 15);
    msg_in_destroy(&reply);
    reply = s_request(&c, &req, NULL);
    CHECK_STR(s_error_code(reply, &e), "unknown_webhook");
    msg_in_destroy(&reply);
    msgpack_sbuffer_destroy(&req);
    CHECK_INT(hookstore_next_due(c.hooks), INT64_MAX);
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(c.db, "SELECT COUNT(*) FROM deliveries WHERE webhook_id = 1", -1, &st, NULL);
    CHECK(sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 0);
    sqlite3_finalize(st);
    s_close(&c);
}

static void
test_requests(void)
{
    s_core_t c;
    if (s_open(&c) != 0)
        return;
    msg_error_t e;
    msg_in_t *r = s_add(&c, "ftp://127.0.0.1/x", "", "");
    CHECK_STR(s_error_code(r, &e), "bad_url");
    msg_in_destroy(&r);
    r = s_add(&c, "http://127.0.0.1:9/x", "", "hunter2");
    CHECK_STR(s_error_code(r, &e), "bad_secret");
    msg_in_destroy(&r);
    r = s_add(&c, "http://127.0.0.1:9/x", "threshold", "");
    CHECK_STR(s_error_code(r, &e), "bad_field");
    msg_in_destroy(&r);
    r = s_add(&c, "http://127.0.0.1:9/x", "org.rat", "");
    CHECK_INT(msg_in_type(r), MSG_WEBHOOK); /* a prefix of "org.ratify." selects all */
    alert_hook_t h;
    wire_err_t err;
    CHECK(r && alert_decode_hook(r, &h, &err) == 0);
    CHECK(strncmp(h.secret, "whsec_", 6) == 0); /* generated and returned once */
    CHECK_INT(webhook_secret_check(h.secret, err.message, sizeof err.message), 0);
    CHECK_STR(h.status, "active");
    msg_in_destroy(&r);

    msgpack_sbuffer req;
    msgpack_sbuffer_init(&req);
    msg_encode_ping(&req);
    r = s_request(&c, &req, NULL);
    msg_pong_t pong;
    CHECK(r && msg_decode_pong(r, &pong, &err) == 0);
    CHECK_STR(pong.service, "notifier");
    CHECK_INT(pong.last_seq, alertlog_last_seq(c.log));
    msg_in_destroy(&r);
    msgpack_sbuffer_clear(&req);

    alert_encode_hook_query(MSG_WEBHOOK_LIST, 0, &req);
    r = s_request(&c, &req, NULL);
    alert_hooks_t list;
    CHECK(r && alert_decode_hooks(r, &list, &err) == 0);
    CHECK_INT(list.count, 2);
    alert_hooks_clear(&list);
    msg_in_destroy(&r);
    msgpack_sbuffer_clear(&req);

    msg_events_since_t es = {.from = 1};
    msg_encode_events_since(&es, &req);
    r = s_request(&c, &req, NULL);
    CHECK_STR(s_error_code(r, &e), "unknown_type");
    msg_in_destroy(&r);
    msgpack_sbuffer_destroy(&req);
    s_close(&c);
}

int
main(void)
{
    if (sodium_init() < 0)
        return 1;
    snprintf(s_dir, sizeof s_dir, "/tmp/test_notifier.XXXXXX");
    if (!mkdtemp(s_dir)) {
        perror("mkdtemp");
        return 1;
    }
    test_sign();
    test_secrets();
    test_urls();
    test_policy();
    test_classify();
    test_alertlog();
    test_deliveries();
    test_requests();
    test_group();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", s_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", s_dir);
    return check_report("test_notifier");
}
