/*  bench-settle: waits until the followers have caught up with the
    registry, and says how long that took.

    Usage: bench-settle [--timeout S] [NAME]

    Asks every POLL_MSEC: the registry (ping: last_seq), the threshold
    service (status of one instrument: registry_seq, and ping: its last
    milestone), the notifier (ping: its last alert) and the reporter (ping:
    last_seq, status "ready"). Settled means the threshold service and the
    reporter have read the registry's last event and the notifier has as
    many alerts as the threshold service has milestones (one alert per
    milestone). Prints `NAME: T ms` (NAME defaults to settle_ms) when
    settled; exits 1 after S seconds (default 300) without. */
#include "benchutil.h"
#include "config.h"
#include "milestone.h"
#include "msg.h"
#include "rpc.h"
#include "sock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define POLL_MSEC         20
#define CALL_TIMEOUT_MSEC 5000

/* Sends body and returns the reply (caller destroys), or NULL. */
static msg_in_t *
s_call(rpc_client_t *rpc, const msgpack_sbuffer *body)
{
    msg_in_t *reply = NULL;
    wire_err_t err;
    if (rpc_client_call(rpc, body->data, body->size, CALL_TIMEOUT_MSEC, &reply, &err) != RPC_OK)
        msg_in_destroy(&reply);
    return reply;
}

/* Pings; returns last_seq (and the status word in status), or -1. */
static int64_t
s_ping(rpc_client_t *rpc, const msgpack_sbuffer *ping, char *status, size_t cap)
{
    msg_in_t *reply = s_call(rpc, ping);
    msg_pong_t pong;
    wire_err_t err;
    int64_t last = -1;
    if (reply && msg_decode_pong(reply, &pong, &err) == 0) {
        last = pong.last_seq;
        if (status)
            snprintf(status, cap, "%s", pong.status);
    }
    msg_in_destroy(&reply);
    return last;
}

int
main(int argc, char **argv)
{
    int timeout_s = 300;
    const char *name = "settle_ms";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc)
            timeout_s = atoi(argv[++i]);
        else if (argv[i][0] != '-')
            name = argv[i];
        else {
            fprintf(stderr, "usage: bench-settle [--timeout S] [NAME]\n");
            return 2;
        }
    }
    sock_init();
    rpc_client_t *reg = rpc_client_new(config_get(CONFIG_REGISTRY_API));
    rpc_client_t *thr = rpc_client_new(config_get(CONFIG_THRESHOLD_API));
    rpc_client_t *ntf = rpc_client_new(config_get(CONFIG_NOTIFIER_API));
    rpc_client_t *rep = rpc_client_new(config_get(CONFIG_REPORTER_API));
    msgpack_sbuffer ping, status;
    msgpack_sbuffer_init(&ping);
    msgpack_sbuffer_init(&status);
    msg_encode_ping(&ping);
    /* status of every instrument costs more; one is enough for registry_seq */
    milestone_status_req_t req = {.as_of = RDATE_NONE};
    const int64_t start = bench_now_us(), give_up = start + (int64_t) timeout_s * 1000000;
    int rc = 1;
    int64_t r = -1, t = -1, m = -1, a = -1, p = -1;
    char pstatus[32] = "";
    bool have_instrument = false;
    while (reg && thr && ntf && rep && bench_now_us() < give_up) {
        r = s_ping(reg, &ping, NULL, 0);
        if (!have_instrument) {
            /* ask for every instrument once to learn one id */
            msgpack_sbuffer_clear(&status);
            milestone_encode_status(&req, &status);
            msg_in_t *reply = s_call(thr, &status);
            milestone_status_reply_t st;
            wire_err_t err;
            memset(&st, 0, sizeof st);
            if (reply && milestone_decode_status_reply(reply, &st, &err) == 0 && st.count > 0) {
                snprintf(req.instrument, sizeof req.instrument, "%s", st.instruments[0].instrument);
                have_instrument = true;
                msgpack_sbuffer_clear(&status);
                milestone_encode_status(&req, &status);
            }
            milestone_status_reply_clear(&st);
            msg_in_destroy(&reply);
        }
        msg_in_t *reply = have_instrument ? s_call(thr, &status) : NULL;
        milestone_status_reply_t st;
        wire_err_t err;
        memset(&st, 0, sizeof st);
        t = reply && milestone_decode_status_reply(reply, &st, &err) == 0 ? st.registry_seq : -1;
        milestone_status_reply_clear(&st);
        msg_in_destroy(&reply);
        m = s_ping(thr, &ping, NULL, 0);
        a = s_ping(ntf, &ping, NULL, 0);
        p = s_ping(rep, &ping, pstatus, sizeof pstatus);
        if (r >= 0 && t >= r && p >= r && strcmp(pstatus, "ready") == 0 && m >= 0 && a == m) {
            rc = 0;
            break;
        }
        usleep(POLL_MSEC * 1000);
    }
    if (rc == 0)
        printf("%s: %.0f ms\n", name, (bench_now_us() - start) / 1000.0);
    else
        fprintf(stderr,
                "bench-settle: not settled after %d s: registry %lld, threshold read %lld "
                "(milestones %lld), notifier alerts %lld, reporter %lld (%s)\n",
                timeout_s, (long long) r, (long long) t, (long long) m, (long long) a,
                (long long) p, pstatus);
    msgpack_sbuffer_destroy(&ping);
    msgpack_sbuffer_destroy(&status);
    rpc_client_destroy(&reg);
    rpc_client_destroy(&thr);
    rpc_client_destroy(&ntf);
    rpc_client_destroy(&rep);
    return rc;
}
