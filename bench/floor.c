/*  bench-floor: what this machine can do at best, measured in the same run
    as the services so targets are ratios, never fixed times.

    Usage: bench-floor DIR
    Prints:
      floor_commit_us: median time of one durable SQLite commit (WAL,
                       synchronous=FULL) of one small row, in a fresh file in DIR,
                       SQLite as it comes (the WAL grows with each commit)
      floor_commits_per_s: 1e6 / floor_commit_us
      floor_hop_us:    median one-way latency of a 200-byte ZeroMQ message on
                       loopback TCP (half the round trip of a PAIR ping-pong)
      floor_commit_idle_us, floor_hop_idle_us (medians; and their
                       _p99_us): the same, each one after a pause of
                       IDLE_GAP_USEC (sleeping), as a deposit at a low rate
                       meets them: on a virtual machine an fsync or a
                       wake-up after a pause costs several times one in a
                       burst, and the end-to-end path at a low rate only
                       ever meets the former
      floor_commit_prealloc_us, floor_commit_prealloc_idle_us: the same
                       commits in a fresh file opened as the services open
                       theirs (db_open: the WAL preallocated, so a commit
                       overwrites blocks the file has), for comparison */
#include "benchutil.h"
#include "db.h"
#include "sock.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define COMMITS       400
#define HOPS          2000
#define IDLE_SAMPLES  300
#define IDLE_GAP_USEC 3000

/* The pct-th percentile of ns[0, n) (sorted in place), in microseconds. */
static double
s_pct_us(int64_t *ns, int n, int pct)
{
    return bench_percentile(ns, (size_t) n, pct) / 1000.0;
}

/* Times n commits of one small row in db, each after a pause of gap_usec
   when it is not 0, into t. Returns 0, or -1 when a commit failed. */
static int
s_commits(sqlite3 *db, int64_t *t, int n, int gap_usec)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "INSERT INTO t (v) VALUES ('UNTOC ARM ratification 2003-07-01')", -1,
                           &st, NULL)
        != SQLITE_OK)
        return -1;
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        if (gap_usec)
            usleep((useconds_t) gap_usec);
        const int64_t start = bench_now_ns();
        rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
        sqlite3_reset(st);
        t[i] = bench_now_ns() - start;
    }
    sqlite3_finalize(st);
    return rc;
}

/* Opens a fresh database at dir/name: SQLite as it comes, with the WAL and
   synchronous=FULL (plain), or as the services open theirs (db_open: the
   WAL preallocated, db.h). Returns the handle or NULL (reason printed). */
static sqlite3 *
s_fresh(const char *dir, const char *name, bool plain)
{
    static const char *schema = "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)";
    char path[4096], err[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    static const char *sides[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        char side[4200];
        snprintf(side, sizeof side, "%s%s", path, sides[i]);
        remove(side);
    }
    sqlite3 *db = NULL;
    if (!plain)
        db = db_open(path, schema, err, sizeof err);
    else if (sqlite3_open(path, &db) != SQLITE_OK
             || db_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", err, sizeof err)
                    != 0
             || db_exec(db, schema, err, sizeof err) != 0) {
        snprintf(err, sizeof err, "%s", db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        db = NULL;
    }
    if (!db)
        fprintf(stderr, "bench-floor: %s: %s\n", path, err);
    return db;
}

int
main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: bench-floor DIR\n");
        return 2;
    }
    int64_t *t = calloc(HOPS, sizeof *t);
    double commit_us = 0, commit_idle_us = 0, commit_idle_p99_us = 0;
    double prealloc_us = 0, prealloc_idle_us = 0;
    for (int plain = 1; plain >= 0; plain--) {
        sqlite3 *db = s_fresh(argv[1], plain ? "floor.db" : "floor-prealloc.db", plain);
        if (!db || !t || s_commits(db, t, COMMITS, 0) != 0) {
            fprintf(stderr, "bench-floor: a commit failed\n");
            return 1;
        }
        *(plain ? &commit_us : &prealloc_us) = s_pct_us(t, COMMITS, 50);
        if (s_commits(db, t, IDLE_SAMPLES, IDLE_GAP_USEC) != 0) {
            fprintf(stderr, "bench-floor: a commit failed\n");
            return 1;
        }
        *(plain ? &commit_idle_us : &prealloc_idle_us) = s_pct_us(t, IDLE_SAMPLES, 50);
        if (plain)
            commit_idle_p99_us = s_pct_us(t, IDLE_SAMPLES, 99);
        if (plain)
            sqlite3_close(db);
        else
            db_close(&db);
    }
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
        const int64_t start = bench_now_ns();
        zframe_send(&f, b, 0);
        zframe_t *got = zframe_recv(a);
        zframe_send(&got, a, 0);
        zframe_t *back = zframe_recv(b);
        zframe_destroy(&back);
        if (i >= 100) /* warm-up first */
            t[i - 100] = (bench_now_ns() - start) / 2;
    }
    printf("floor_hop_us: %.1f us\n", s_pct_us(t, HOPS, 50));
    for (int i = 0; i < IDLE_SAMPLES; i++) {
        usleep(IDLE_GAP_USEC);
        zframe_t *f = zframe_new(payload, sizeof payload);
        const int64_t start = bench_now_ns();
        zframe_send(&f, b, 0);
        zframe_t *got = zframe_recv(a);
        const int64_t end = bench_now_ns();
        zframe_destroy(&got);
        t[i] = end - start;
    }
    printf("floor_commit_idle_us: %.1f us\n", commit_idle_us);
    printf("floor_commit_idle_p99_us: %.1f us\n", commit_idle_p99_us);
    printf("floor_hop_idle_us: %.1f us\n", s_pct_us(t, IDLE_SAMPLES, 50));
    printf("floor_hop_idle_p99_us: %.1f us\n", s_pct_us(t, IDLE_SAMPLES, 99));
    printf("floor_commit_prealloc_us: %.1f us\n", prealloc_us);
    printf("floor_commit_prealloc_idle_us: %.1f us\n", prealloc_idle_us);
    zsock_destroy(&b);
    zsock_destroy(&a);
    free(t);
    return 0;
}
