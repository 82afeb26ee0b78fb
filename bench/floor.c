/*  bench-floor: what this machine can do at best, measured in the same run
    as the services so targets are ratios, never fixed times.

    Usage: bench-floor DIR
    Prints:
      floor_commit_us: median time of one durable SQLite commit (WAL,
                       synchronous=FULL) of one small row, in a fresh file in DIR
      floor_commits_per_s: 1e6 / floor_commit_us
      floor_hop_us:    median one-way latency of a 200-byte ZeroMQ message on
                       loopback TCP (half the round trip of a PAIR ping-pong)
      floor_commit_idle_us, floor_hop_idle_us (medians; and their
                       _p99_us): the same, each one after a pause of
                       IDLE_GAP_USEC (sleeping), as a deposit at a low rate
                       meets them: on a virtual machine an fsync or a
                       wake-up after a pause costs several times one in a
                       burst, and the end-to-end path at a low rate only
                       ever meets the former */
#include "db.h"
#include "sock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define COMMITS 400
#define HOPS 2000
#define IDLE_SAMPLES 300
#define IDLE_GAP_USEC 3000

static int64_t
s_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int
s_cmp(const void *a, const void *b)
{
    const int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
    return x < y ? -1 : x > y;
}

static double
s_median_us(int64_t *ns, int n)
{
    qsort(ns, (size_t) n, sizeof *ns, s_cmp);
    return ns[n / 2] / 1000.0;
}

/* The 99th percentile of ns[0, n), already sorted by s_median_us. */
static double
s_p99_us(const int64_t *ns, int n)
{
    return ns[(n * 99) / 100] / 1000.0;
}

int
main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: bench-floor DIR\n");
        return 2;
    }
    char path[4096], err[256];
    snprintf(path, sizeof path, "%s/floor.db", argv[1]);
    remove(path);
    sqlite3 *db = db_open(path, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)", err, sizeof err);
    if (!db) {
        fprintf(stderr, "bench-floor: %s\n", err);
        return 1;
    }
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(db, "INSERT INTO t (v) VALUES ('UNTOC ARM ratification 2003-07-01')", -1, &st,
                       NULL);
    int64_t *t = calloc(HOPS, sizeof *t);
    for (int i = 0; i < COMMITS; i++) {
        const int64_t start = s_now_ns();
        sqlite3_step(st);
        sqlite3_reset(st);
        t[i] = s_now_ns() - start;
    }
    const double commit_us = s_median_us(t, COMMITS);
    for (int i = 0; i < IDLE_SAMPLES; i++) {
        usleep(IDLE_GAP_USEC);
        const int64_t start = s_now_ns();
        sqlite3_step(st);
        sqlite3_reset(st);
        t[i] = s_now_ns() - start;
    }
    const double commit_idle_us = s_median_us(t, IDLE_SAMPLES);
    const double commit_idle_p99_us = s_p99_us(t, IDLE_SAMPLES);
    sqlite3_finalize(st);
    db_close(&db);
    printf("floor_commit_us: %.1f us\n", commit_us);
    printf("floor_commits_per_s: %.0f /s\n", 1e6 / commit_us);

    sock_init();
    char e[256];
    zsock_t *a = sock_new_server(ZMQ_PAIR, "tcp://127.0.0.1:*", e, sizeof e);
    if (!a) {
        fprintf(stderr, "bench-floor: %s\n", e);
        return 1;
    }
    zsock_t *b = sock_new_client(ZMQ_PAIR, zsock_endpoint(a), NULL);
    char payload[200];
    memset(payload, 'x', sizeof payload);
    for (int i = 0; i < HOPS + 100; i++) {
        zframe_t *f = zframe_new(payload, sizeof payload);
        const int64_t start = s_now_ns();
        zframe_send(&f, b, 0);
        zframe_t *got = zframe_recv(a);
        zframe_send(&got, a, 0);
        zframe_t *back = zframe_recv(b);
        zframe_destroy(&back);
        if (i >= 100) /* warm-up first */
            t[i - 100] = (s_now_ns() - start) / 2;
    }
    printf("floor_hop_us: %.1f us\n", s_median_us(t, HOPS));
    for (int i = 0; i < IDLE_SAMPLES; i++) {
        usleep(IDLE_GAP_USEC);
        zframe_t *f = zframe_new(payload, sizeof payload);
        const int64_t start = s_now_ns();
        zframe_send(&f, b, 0);
        zframe_t *got = zframe_recv(a);
        const int64_t end = s_now_ns();
        zframe_destroy(&got);
        t[i] = end - start;
    }
    printf("floor_commit_idle_us: %.1f us\n", commit_idle_us);
    printf("floor_commit_idle_p99_us: %.1f us\n", commit_idle_p99_us);
    printf("floor_hop_idle_us: %.1f us\n", s_median_us(t, IDLE_SAMPLES));
    printf("floor_hop_idle_p99_us: %.1f us\n", s_p99_us(t, IDLE_SAMPLES));
    zsock_destroy(&b);
    zsock_destroy(&a);
    free(t);
    return 0;
}
