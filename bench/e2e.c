/*  bench-e2e: from a client's deposit to a subscriber's alert, at a low
    rate, through the real registry, threshold service and notifier.

    Usage: bench-e2e --write-catalog DIR N
             writes DIR/instruments.ini: N instruments E0001.. with
             threshold 2, delay 90 days, open for signature 1990..2030, no
             approaching levels (the catalog the run below needs)
           bench-e2e [--samples S] [--warmup W] [--gap-ms G] [--stages]
             runs against the services named by the RATIFY_* endpoints;
             RATIFY_CATALOG must be the catalog written above and the
             services must run with RATIFY_TODAY=2021-12-31

    Preparation: every instrument gets one ratification (participant A,
    2021-12-01), one short of its threshold; the run waits until the
    threshold service has read them all. Then, one sample at a time: the
    crossing deposit (participant B, 2021-12-02) is sent on a DEALER (as
    ratifyctl does) and the clock runs until a SUB on RATIFY_NOTIFIER_ALERTS
    receives `org.ratify.threshold.reached` whose subject is that
    instrument. The sample is over when the `entry_into_force.scheduled`
    alert of the same deposit has arrived as well (so the notifier is idle)
    and G ms have passed: a low rate, each deposit alone on the path.

    Prints e2e_p50_us, e2e_p90_us, e2e_p99_us, e2e_max_us (over S samples
    after W unmeasured ones), deposit_ack_p50_us / _p99_us (deposit to
    "accepted", the registry's share) and e2e_lost (samples whose alert did
    not come within SAMPLE_TIMEOUT_MSEC; should be 0).

    With --stages it also subscribes to the registry's events and the
    threshold service's milestones and prints where a sample's time goes,
    as medians and 99th percentiles: e2e_stage_registry_* (deposit sent to
    its event received: a hop in, the handling, the commit, a hop out),
    e2e_stage_threshold_* (event to the `threshold.reached` milestone) and
    e2e_stage_notifier_* (milestone to alert). Each stage ends with a hop to
    this program where the path has a hop to the next service, so the three
    add up to the end-to-end time. The two extra subscribers give the
    registry and the threshold service one more peer to publish to: run it
    apart from the headline figures. */
#include "alert.h"
#include "benchutil.h"
#include "catalog.h"
#include "config.h"
#include "milestone.h"
#include "msg.h"
#include "rpc.h"
#include "sock.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SAMPLE_TIMEOUT_MSEC 5000
#define PREP_WINDOW         64 /* preparation deposits in flight */
#define SETTLE_TIMEOUT_MSEC 60000
#define DATE_PREPARE        "2021-12-01"
#define DATE_CROSS          "2021-12-02"

static int
s_write_catalog(const char *dir, int n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/instruments.ini", dir);
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        return 1;
    }
    fprintf(f, "# bench-e2e: %d instruments one deposit short of entry into force\n", n);
    for (int i = 1; i <= n; i++)
        fprintf(f,
                "\n[E%04d]\nreference = E-%04d\ntitle = End-to-end instrument %d\n"
                "signature_open = 1990-01-01\nsignature_close = 2030-12-31\n"
                "threshold = 2\ndelay_days = 90\n",
                i, i, i);
    return fclose(f) == 0 ? 0 : 1;
}

static void
s_send_deposit(zsock_t *dealer, const char *instrument, const char *participant, const char *date)
{
    msg_deposit_t d;
    memset(&d, 0, sizeof d);
    snprintf(d.instrument, sizeof d.instrument, "%s", instrument);
    snprintf(d.participant, sizeof d.participant, "%s", participant);
    snprintf(d.action, sizeof d.action, "ratification");
    snprintf(d.date, sizeof d.date, "%s", date);
    msgpack_sbuffer body;
    msgpack_sbuffer_init(&body);
    msg_encode_deposit(&d, &body);
    zmsg_t *zm = zmsg_new();
    zmsg_addmem(zm, "", 0);
    zmsg_addmem(zm, body.data, body.size);
    zmsg_send(&zm, dealer);
    msgpack_sbuffer_destroy(&body);
}

/* Reads one reply; returns its seq when accepted, 0 when refused, -1 on a
   malformed frame. */
static int64_t
s_read_reply(zsock_t *dealer)
{
    zmsg_t *zm = zmsg_recv(dealer);
    if (!zm)
        return -1;
    zframe_t *delim = zmsg_pop(zm);
    zframe_t *body = zmsg_first(zm);
    int64_t seq = -1;
    wire_err_t err;
    msg_in_t *in = body ? msg_in_parse(zframe_data(body), zframe_size(body), &err) : NULL;
    if (in) {
        msg_accepted_t a;
        if (msg_in_type(in) == MSG_ACCEPTED && msg_decode_accepted(in, &a, &err) == 0)
            seq = a.seq;
        else {
            msg_error_t e;
            if (msg_decode_error(in, &e, &err) == 0)
                fprintf(stderr, "bench-e2e: deposit refused: %s: %s\n", e.code, e.message);
            seq = 0;
        }
    }
    msg_in_destroy(&in);
    zframe_destroy(&delim);
    zmsg_destroy(&zm);
    return seq;
}

/* Waits until the threshold service has read the registry up to seq. */
static int
s_wait_threshold(int64_t seq, const char *instrument)
{
    rpc_client_t *rpc = rpc_client_new(config_get(CONFIG_THRESHOLD_API));
    milestone_status_req_t req = {.as_of = RDATE_NONE};
    snprintf(req.instrument, sizeof req.instrument, "%s", instrument);
    msgpack_sbuffer body;
    msgpack_sbuffer_init(&body);
    milestone_encode_status(&req, &body);
    const int64_t give_up = bench_now_us() + (int64_t) SETTLE_TIMEOUT_MSEC * 1000;
    int rc = 1;
    while (rpc && rc != 0 && bench_now_us() < give_up) {
        msg_in_t *reply = NULL;
        wire_err_t err;
        milestone_status_reply_t st;
        memset(&st, 0, sizeof st);
        if (rpc_client_call(rpc, body.data, body.size, 2000, &reply, &err) == RPC_OK
            && milestone_decode_status_reply(reply, &st, &err) == 0 && st.registry_seq >= seq)
            rc = 0;
        milestone_status_reply_clear(&st);
        msg_in_destroy(&reply);
        if (rc != 0)
            usleep(20000);
    }
    msgpack_sbuffer_destroy(&body);
    rpc_client_destroy(&rpc);
    return rc;
}

typedef struct {
    char type[ALERT_TYPE_MAX];
    char subject[EVENT_INSTRUMENT_MAX];
} s_alert_t;

/* Receives one stream message; returns 1 with *out for an alert, 0 for
   anything else. */
static int
s_read_alert(zsock_t *sub, s_alert_t *out)
{
    zmsg_t *zm = zmsg_recv(sub);
    if (!zm)
        return 0;
    int rc = 0;
    zframe_t *topic = zmsg_first(zm);
    zframe_t *body = zmsg_next(zm);
    if (topic && body && !zframe_streq(topic, "heartbeat")) {
        wire_err_t err;
        msg_in_t *in = msg_in_parse(zframe_data(body), zframe_size(body), &err);
        alert_t a;
        memset(&a, 0, sizeof a);
        if (in && alert_read(msg_in_root(in), &a, &err) == 0) {
            snprintf(out->type, sizeof out->type, "%s", a.type);
            snprintf(out->subject, sizeof out->subject, "%s", a.instrument);
            rc = 1;
        }
        alert_clear(&a);
        msg_in_destroy(&in);
    }
    zmsg_destroy(&zm);
    return rc;
}

/* Receives one message from a stage subscriber (the registry's events or
   the threshold service's milestones); returns 1 when it concerns the
   instrument `id` (for milestones: its `threshold.reached`), else 0. */
static int
s_read_stage(zsock_t *sub, bool milestones, const char *id)
{
    zmq_msg_t part[2]; /* [topic][body] */
    int rc = 0;
    if (sock_recv_parts(zsock_resolve(sub), part, 2) == 2) {
        wire_err_t err;
        msg_in_t *in = msg_in_parse(zmq_msg_data(&part[1]), zmq_msg_size(&part[1]), &err);
        if (in && milestones) {
            milestone_t m;
            rc = milestone_read(msg_in_root(in), &m, &err) == 0 && m.kind == MILESTONE_REACHED
                 && strcmp(m.instrument, id) == 0;
        }
        else if (in && msg_in_type(in) == MSG_EVENT) {
            event_t e;
            rc = msg_read_event(msg_in_root(in), &e, &err) == 0 && strcmp(e.instrument, id) == 0;
        }
        msg_in_destroy(&in);
    }
    sock_close_parts(part, 2);
    return rc;
}

static void
s_print_stage(const char *name, int64_t *v, size_t n)
{
    printf("e2e_stage_%s_p50_us: %lld us\n", name, (long long) bench_percentile(v, n, 50));
    printf("e2e_stage_%s_p99_us: %lld us\n", name, (long long) bench_percentile(v, n, 99));
}

int
main(int argc, char **argv)
{
    int samples = 1000, warmup = 50, gap_ms = 2;
    bool stages = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--write-catalog") == 0 && i + 2 < argc)
            return s_write_catalog(argv[i + 1], atoi(argv[i + 2]));
        else if (strcmp(argv[i], "--samples") == 0 && i + 1 < argc)
            samples = atoi(argv[++i]);
        else if (strcmp(argv[i], "--warmup") == 0 && i + 1 < argc)
            warmup = atoi(argv[++i]);
        else if (strcmp(argv[i], "--gap-ms") == 0 && i + 1 < argc)
            gap_ms = atoi(argv[++i]);
        else if (strcmp(argv[i], "--stages") == 0)
            stages = true;
        else {
            fprintf(stderr,
                    "usage: bench-e2e --write-catalog DIR N\n"
                    "       bench-e2e [--samples S] [--warmup W] [--gap-ms G] [--stages]\n");
            return 2;
        }
    }
    sock_init();
    char err[CATALOG_ERR_SIZE];
    catalog_t *catalog = catalog_load_default(err, sizeof err);
    if (!catalog) {
        fprintf(stderr, "bench-e2e: %s\n", err);
        return 1;
    }
    const int total = warmup + samples;
    if ((size_t) total > catalog_instrument_count(catalog)) {
        fprintf(stderr, "bench-e2e: %d samples need as many instruments, the catalog has %zu\n",
                total, catalog_instrument_count(catalog));
        return 2;
    }
    /* two participants whose instruments count (not REIOs) */
    const char *party[2] = {NULL, NULL};
    for (size_t i = 0, k = 0; k < 2 && i < catalog_participant_count(catalog); i++) {
        const catalog_participant_t *p = catalog_participant_at(catalog, i);
        if (!catalog_participant_is_reio(p))
            party[k++] = catalog_participant_id(p);
    }
    zsock_t *sub = sock_new_client(ZMQ_SUB, config_get(CONFIG_NOTIFIER_ALERTS), "heartbeat");
    zsock_t *dealer = sock_new_client(ZMQ_DEALER, config_get(CONFIG_REGISTRY_API), NULL);
    if (!sub || !dealer || !party[1]) {
        fprintf(stderr, "bench-e2e: cannot connect\n");
        return 1;
    }
    zsock_set_subscribe(sub, "org.ratify.threshold.reached");
    zsock_set_subscribe(sub, "org.ratify.entry_into_force.scheduled");
    zpoller_t *poller = zpoller_new(dealer, sub, NULL);
    zsock_t *events = NULL, *milestones = NULL;
    if (stages) {
        events = sock_new_client(ZMQ_SUB, config_get(CONFIG_REGISTRY_EVENTS), "event");
        milestones = sock_new_client(ZMQ_SUB, config_get(CONFIG_THRESHOLD_EVENTS), "milestone");
        if (!events || !milestones) {
            fprintf(stderr,
                    "bench-e2e: cannot subscribe to the registry and the threshold service\n");
            return 1;
        }
        zpoller_add(poller, events);
        zpoller_add(poller, milestones);
    }

    /* the subscription is live once a heartbeat comes through */
    zsock_set_rcvtimeo(sub, 3000);
    zmsg_t *hb = zmsg_recv(sub);
    zsock_set_rcvtimeo(sub, -1);
    if (!hb) {
        fprintf(stderr, "bench-e2e: no heartbeat from the notifier\n");
        return 1;
    }
    zmsg_destroy(&hb);

    /* preparation: every instrument one short of its threshold */
    int64_t last = 0;
    int sent = 0, got = 0, refused = 0;
    while (got < total) {
        while (sent < total && sent - got < PREP_WINDOW) {
            const catalog_instrument_t *inst = catalog_instrument_at(catalog, (size_t) sent++);
            s_send_deposit(dealer, catalog_instrument_id(inst), party[0], DATE_PREPARE);
        }
        const int64_t seq = s_read_reply(dealer);
        got++;
        if (seq > last)
            last = seq;
        refused += seq <= 0;
    }
    if (refused) {
        fprintf(stderr,
                "bench-e2e: %d preparation deposits refused: use a fresh registry, "
                "this catalog and RATIFY_TODAY=2021-12-31\n",
                refused);
        return 1;
    }
    if (s_wait_threshold(last, catalog_instrument_id(catalog_instrument_at(catalog, 0))) != 0) {
        fprintf(stderr, "bench-e2e: the threshold service did not catch up\n");
        return 1;
    }
    while (zsock_events(sub) & ZMQ_POLLIN) { /* nothing is expected; drop what came */
        s_alert_t a;
        s_read_alert(sub, &a);
    }
    while (events && (zsock_events(events) & ZMQ_POLLIN)) /* the preparation's events */
        s_read_stage(events, false, "");
    while (milestones && (zsock_events(milestones) & ZMQ_POLLIN))
        s_read_stage(milestones, true, "");

    int64_t *e2e = calloc((size_t) total, sizeof *e2e);
    int64_t *ack = calloc((size_t) total, sizeof *ack);
    int64_t *st_reg = calloc((size_t) total, sizeof *st_reg);
    int64_t *st_th = calloc((size_t) total, sizeof *st_th);
    int64_t *st_no = calloc((size_t) total, sizeof *st_no);
    size_t ne2e = 0, nack = 0, nstage = 0;
    int lost = 0;
    for (int i = 0; i < total; i++) {
        const char *id = catalog_instrument_id(catalog_instrument_at(catalog, (size_t) i));
        const int64_t t0 = bench_now_us();
        s_send_deposit(dealer, id, party[1], DATE_CROSS);
        int64_t t_ack = 0, t_alert = 0, t_event = 0, t_milestone = 0;
        bool scheduled = false;
        while (!(t_ack && t_alert && scheduled)) {
            const int64_t left = t0 + (int64_t) SAMPLE_TIMEOUT_MSEC * 1000 - bench_now_us();
            void *which = left > 0 ? zpoller_wait(poller, (int) (left / 1000) + 1) : NULL;
            if (which == dealer) {
                const int64_t now = bench_now_us();
                if (s_read_reply(dealer) <= 0)
                    fprintf(stderr, "bench-e2e: sample %d: deposit not accepted\n", i);
                t_ack = now;
            }
            else if (events && which == events) {
                const int64_t now = bench_now_us();
                if (s_read_stage(events, false, id) && !t_event)
                    t_event = now;
            }
            else if (milestones && which == milestones) {
                const int64_t now = bench_now_us();
                if (s_read_stage(milestones, true, id) && !t_milestone)
                    t_milestone = now;
            }
            else if (which == sub) {
                const int64_t now = bench_now_us();
                s_alert_t a;
                if (s_read_alert(sub, &a) && strcmp(a.subject, id) == 0) {
                    if (strcmp(a.type, "org.ratify.threshold.reached") == 0)
                        t_alert = now;
                    else
                        scheduled = true;
                }
            }
            else
                break;
        }
        if (!t_alert || !t_ack) {
            lost++;
            fprintf(stderr, "bench-e2e: sample %d (%s): %s\n", i, id,
                    !t_ack ? "no reply" : "no alert");
        }
        if (i >= warmup) {
            if (t_alert)
                e2e[ne2e++] = t_alert - t0;
            if (t_ack)
                ack[nack++] = t_ack - t0;
            if (t_alert && t_event && t_milestone && t_event <= t_milestone
                && t_milestone <= t_alert) {
                st_reg[nstage] = t_event - t0;
                st_th[nstage] = t_milestone - t_event;
                st_no[nstage++] = t_alert - t_milestone;
            }
        }
        if (gap_ms > 0)
            usleep((useconds_t) gap_ms * 1000);
    }
    printf("e2e_samples: %zu\n", ne2e);
    printf("e2e_lost: %d\n", lost);
    printf("e2e_p50_us: %lld us\n", (long long) bench_percentile(e2e, ne2e, 50));
    printf("e2e_p90_us: %lld us\n", (long long) bench_percentile(e2e, ne2e, 90));
    printf("e2e_p99_us: %lld us\n", (long long) bench_percentile(e2e, ne2e, 99));
    printf("e2e_max_us: %lld us\n", (long long) bench_percentile(e2e, ne2e, 100));
    printf("deposit_ack_p50_us: %lld us\n", (long long) bench_percentile(ack, nack, 50));
    printf("deposit_ack_p99_us: %lld us\n", (long long) bench_percentile(ack, nack, 99));
    if (stages) {
        printf("e2e_stage_samples: %zu\n", nstage);
        s_print_stage("registry", st_reg, nstage);
        s_print_stage("threshold", st_th, nstage);
        s_print_stage("notifier", st_no, nstage);
    }
    free(e2e);
    free(ack);
    free(st_reg);
    free(st_th);
    free(st_no);
    zsock_destroy(&events);
    zsock_destroy(&milestones);
    zpoller_destroy(&poller);
    zsock_destroy(&dealer);
    zsock_destroy(&sub);
    catalog_destroy(&catalog);
    return lost ? 1 : 0;
}
