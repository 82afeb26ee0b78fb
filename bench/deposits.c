/*  bench-deposits: sustained acknowledged durable deposits per second with
    several concurrent clients, read from a CSV written by ratify-synth.

    Usage: bench-deposits CSV CLIENTS [WINDOW]
    Each client is a thread with its own DEALER. Without WINDOW (or 1) a
    client sends one request at a time and waits for its reply, as ratifyctl
    does (rpc_client_call). With WINDOW > 1 it keeps up to WINDOW requests
    in flight on its DEALER, a pipelining client: the registry still answers
    each one only after the commit that stored it, and answers a peer's
    requests in the order they came, so a client's rows are stored in its
    order.
    Rows are dealt to the clients by instrument, so each client's rows stay
    in date order for their instruments and every deposit is valid.
    The pipelining client encodes its requests before the clock starts and
    sends and reads raw libzmq parts: on a two-core machine it shares the
    CPU with the four services, and what it spends is not theirs to spend.
    A reply counts as accepted when it is an "accepted" message.
    Prints deposits_per_s and the number of rejections (should be 0). */
#include "benchutil.h"
#include "config.h"
#include "csv.h"
#include "msg.h"
#include "rpc.h"
#include "sock.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    msg_deposit_t *rows;
    size_t n;
    size_t cap;
    long accepted, rejected;
    int window;
    msgpack_sbuffer encoded; /* the pipelining client's requests, back to back */
    size_t *ends;            /* request i is encoded[ends[i-1] .. ends[i]) */
} s_client_t;

/* Encodes every row of c into c->encoded. Returns 0, or -1 (out of memory,
   or a row that does not encode). */
static int
s_encode_all(s_client_t *c)
{
    msgpack_sbuffer_init(&c->encoded);
    c->ends = calloc(c->n + 1, sizeof *c->ends);
    if (!c->ends)
        return -1;
    for (size_t i = 0; i < c->n; i++) {
        if (msg_encode_deposit(&c->rows[i], &c->encoded) != 0)
            return -1;
        c->ends[i] = c->encoded.size;
    }
    return 0;
}

#define REPLY_TIMEOUT_MSEC 10000

/* The pipelining client: up to c->window requests in flight. */
static void
s_run_window(s_client_t *c)
{
    zsock_t *dealer = sock_new_client(ZMQ_DEALER, config_get(CONFIG_REGISTRY_API), NULL);
    if (!dealer) {
        c->rejected = (long) c->n;
        return;
    }
    zsock_set_rcvtimeo(dealer, REPLY_TIMEOUT_MSEC);
    void *socket = zsock_resolve(dealer);
    size_t sent = 0, got = 0;
    while (got < c->n) {
        while (sent < c->n && sent - got < (size_t) c->window) {
            const size_t start = sent ? c->ends[sent - 1] : 0;
            zmq_send(socket, "", 0, ZMQ_SNDMORE);
            zmq_send(socket, c->encoded.data + start, c->ends[sent] - start, 0);
            sent++;
        }
        /* a reply: [""][body] */
        zmq_msg_t part[2];
        const size_t parts = sock_recv_parts(socket, part, 2);
        bool accepted = false;
        if (parts == 2) {
            wire_err_t err;
            msg_in_t *in = msg_in_parse(zmq_msg_data(&part[1]), zmq_msg_size(&part[1]), &err);
            accepted = in && msg_in_type(in) == MSG_ACCEPTED;
            msg_in_destroy(&in);
        }
        sock_close_parts(part, 2);
        if (parts == 0) { /* no reply within the timeout: count the rest as lost */
            c->rejected += (long) (c->n - got);
            break;
        }
        got++;
        if (accepted)
            c->accepted++;
        else
            c->rejected++;
    }
    zsock_set_linger(dealer, 0);
    zsock_destroy(&dealer);
}

static void *
s_run(void *arg)
{
    s_client_t *c = arg;
    if (c->window > 1) {
        s_run_window(c);
        return NULL;
    }
    rpc_client_t *rpc = rpc_client_new(config_get(CONFIG_REGISTRY_API));
    for (size_t i = 0; rpc && i < c->n; i++) {
        msgpack_sbuffer req;
        msgpack_sbuffer_init(&req);
        msg_encode_deposit(&c->rows[i], &req);
        msg_in_t *reply = NULL;
        wire_err_t err;
        if (rpc_client_call(rpc, req.data, req.size, 10000, &reply, &err) == RPC_OK
            && msg_in_type(reply) == MSG_ACCEPTED)
            c->accepted++;
        else
            c->rejected++;
        msg_in_destroy(&reply);
        msgpack_sbuffer_destroy(&req);
    }
    rpc_client_destroy(&rpc);
    return NULL;
}

int
main(int argc, char **argv)
{
    if (argc != 3 && argc != 4) {
        fprintf(stderr, "usage: bench-deposits CSV CLIENTS [WINDOW]\n");
        return 2;
    }
    const int k = atoi(argv[2]);
    const int window = argc == 4 ? atoi(argv[3]) : 1;
    FILE *f = fopen(argv[1], "r");
    if (!f || k < 1 || k > 256 || window < 1 || window > 10000) {
        fprintf(stderr, "bench-deposits: cannot read %s\n", argv[1]);
        return 2;
    }
    sock_init();
    s_client_t *clients = calloc((size_t) k, sizeof *clients);
    csv_t *csv = csv_new(f);
    csv_next(csv); /* header: instrument,participant,action,date */
    size_t total = 0;
    while (csv_next(csv) > 0) {
        const char *inst = csv_field(csv, 0);
        s_client_t *c = &clients[atoi(inst + 3) % k];
        if (c->n == c->cap) {
            c->cap = c->cap ? c->cap * 2 : 1024;
            c->rows = realloc(c->rows, c->cap * sizeof *c->rows);
        }
        msg_deposit_t *d = &c->rows[c->n++];
        memset(d, 0, sizeof *d);
        snprintf(d->instrument, sizeof d->instrument, "%s", inst);
        snprintf(d->participant, sizeof d->participant, "%s", csv_field(csv, 1));
        snprintf(d->action, sizeof d->action, "%s", csv_field(csv, 2));
        snprintf(d->date, sizeof d->date, "%s", csv_field(csv, 3));
        total++;
    }
    csv_destroy(&csv);
    fclose(f);
    for (int i = 0; window > 1 && i < k; i++)
        if (s_encode_all(&clients[i]) != 0) {
            fprintf(stderr, "bench-deposits: cannot encode the requests\n");
            return 1;
        }
    pthread_t *threads = calloc((size_t) k, sizeof *threads);
    const int64_t started = bench_now_ns();
    for (int i = 0; i < k; i++)
        clients[i].window = window;
    for (int i = 0; i < k; i++)
        pthread_create(&threads[i], NULL, s_run, &clients[i]);
    long accepted = 0, rejected = 0;
    for (int i = 0; i < k; i++) {
        pthread_join(threads[i], NULL);
        accepted += clients[i].accepted;
        rejected += clients[i].rejected;
    }
    const int64_t ended = bench_now_ns();
    for (int i = 0; i < k; i++) {
        free(clients[i].rows);
        free(clients[i].ends);
        if (window > 1)
            msgpack_sbuffer_destroy(&clients[i].encoded);
    }
    const double secs = (double) (ended - started) / 1e9;
    printf("deposits_per_s: %.0f /s\n", (double) accepted / secs);
    printf("deposits_total: %ld accepted, %ld rejected of %zu in %.2f s with %d clients, "
           "window %d\n",
           accepted, rejected, total, secs, k, window);
    free(threads);
    free(clients);
    return rejected ? 1 : 0;
}
