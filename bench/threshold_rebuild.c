/*  bench-threshold-rebuild: what the threshold service pays to start from
    its state file, to catch up on a whole history, and to take one more
    deposit, as the history grows.

    Usage: bench-threshold-rebuild [--seed S] [--instruments I] [DIR]
    (--instruments: one history size only, catch-up included; for
    valgrind runs)

    For each history size below it generates, reproducibly from the seed, a
    catalog (families of one Convention and four Protocols, thresholds drawn
    in 20..60, 90 days, approaching N-5 and N-1) and a registry history of
    about 200 events per instrument (signatures, ratifications a few months
    to two years later, a few denunciations and retractions), writes the
    events into a threshold.db mirror in DIR (default: a fresh directory in
    /tmp, removed afterwards), and measures with the service's own code
    (services/threshold/threshold.h):

      first_start_ms     threshold_new on the mirror: every engine built and
                         computed once, the milestones due stored (the mirror
                         is written directly here, so only the final state
                         is evaluated: no approaching levels, fewer
                         milestones than the catch-up below announces)
      rebuild_ms         the same again on restart (milestones already there)
      recompute_one_us   median time of threshold_apply for one more deposit
                         (recompute of its instrument and descendants, the
                         tracker, the mirror insert; no fsync), random
                         instruments; _p99 the 99th percentile
      recompute_parent_us / recompute_child_us  the same, split by a
                         Convention's deposit (5 engines: itself and its 4
                         Protocols) and a Protocol's (1 engine)
      commit_us          median commit of one such event (fsync)
      recompute_all_ms   a new day: every instrument recomputed
      catchup_ms         (largest size only) the whole history applied event
                         by event from an empty state, 1000 per commit: what
                         deleting threshold.db costs

    Lines are `name[events=E,instruments=I]: value unit`; recompute_one_us
    staying flat while the history grows 10x is the point: one deposit
    costs O(k log k) in its family's own events, never a rescan of all
    instruments (compare recompute_all_ms). */
#include "benchutil.h"
#include "catalog.h"
#include "log.h"
#include "rules.h"
#include "threshold.h"
#include "thstore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PATH_SIZE             4096
#define FAMILY                5 /* one Convention and four Protocols */
#define EVENTS_PER_INSTRUMENT 200
#define DEPOSITS_MEASURED     400 /* one-more-deposit samples per size */
#define CATCHUP_BATCH         1000

static uint64_t s_state = 88172645463325252ull;

static uint64_t
s_rand(void)
{
    s_state ^= s_state << 13;
    s_state ^= s_state >> 7;
    s_state ^= s_state << 17;
    return s_state;
}

static int
s_cmp_event(const void *a, const void *b)
{
    const event_t *x = a, *y = b;
    if (x->date != y->date)
        return (x->date > y->date) - (x->date < y->date);
    const int c = strcmp(x->instrument, y->instrument);
    return c ? c : strcmp(x->participant, y->participant);
}

/* Writes DIR/instruments.ini for ninst instruments. Returns 0 or -1. */
static int
s_write_catalog(const char *dir, int ninst)
{
    char path[PATH_SIZE];
    snprintf(path, sizeof path, "%s/instruments.ini", dir);
    FILE *ini = fopen(path, "w");
    if (!ini)
        return -1;
    for (int i = 0; i < ninst; i++) {
        fprintf(ini,
                "[B%04d]\nreference = BENCH-%04d\ntitle = Benchmark instrument %d\n"
                "signature_open = 1990-01-01\nsignature_close = 2030-12-31\n"
                "threshold = %d\ndelay_days = 90\nlater_party_days = 30\n"
                "denunciation_months = 12\napproaching = 5, 1\n",
                i, i, i, 20 + (int) (s_rand() % 41));
        if (i % FAMILY)
            fprintf(ini, "parent = B%04d\n", i - i % FAMILY);
        fputc('\n', ini);
    }
    return fclose(ini) == 0 ? 0 : -1;
}

/* Generates about EVENTS_PER_INSTRUMENT events for each instrument, sorted
   by date, seq from 1, then retractions. Returns the events (caller frees)
   and their count in *n. */
static event_t *
s_generate(const catalog_t *catalog, int ninst, size_t *n)
{
    const size_t nparts = catalog_participant_count(catalog);
    const size_t cap = (size_t) ninst * (EVENTS_PER_INSTRUMENT + 8);
    event_t *ev = calloc(cap, sizeof *ev);
    int *order = calloc(nparts, sizeof *order);
    if (!ev || !order) {
        free(ev);
        free(order);
        return NULL;
    }
    const rdate_t lo = rdate_from_ymd(1995, 1, 1), span = 7000;
    size_t k = 0;
    for (int i = 0; i < ninst; i++) {
        for (size_t p = 0; p < nparts; p++)
            order[p] = (int) p;
        for (size_t p = nparts - 1; p > 0; p--) { /* Fisher-Yates */
            const size_t q = (size_t) (s_rand() % (p + 1));
            const int t = order[p];
            order[p] = order[q];
            order[q] = t;
        }
        int made = 0;
        for (size_t p = 0; p < nparts && made + 2 <= EVENTS_PER_INSTRUMENT; p++) {
            const char *who =
                catalog_participant_id(catalog_participant_at(catalog, (size_t) order[p]));
            const rdate_t sig = lo + (rdate_t) (s_rand() % span);
            event_t *e = &ev[k++];
            e->action = ACTION_SIGNATURE;
            e->date = sig;
            snprintf(e->instrument, sizeof e->instrument, "B%04d", i);
            snprintf(e->participant, sizeof e->participant, "%s", who);
            made++;
            if (s_rand() % 10 < 8) { /* most ratify, months to two years later */
                event_t *r = &ev[k++];
                *r = *e;
                r->action = ACTION_RATIFICATION;
                r->date = sig + 30 + (rdate_t) (s_rand() % 700);
                made++;
                if (s_rand() % 100 < 2 && made < EVENTS_PER_INSTRUMENT) {
                    event_t *d = &ev[k++];
                    *d = *r;
                    d->action = ACTION_DENUNCIATION;
                    d->date = r->date + 400 + (rdate_t) (s_rand() % 1500);
                    made++;
                }
            }
        }
    }
    qsort(ev, k, sizeof *ev, s_cmp_event);
    for (size_t i = 0; i < k; i++)
        ev[i].seq = (int64_t) i + 1;
    /* retractions of about one consent in 200, recorded at the end */
    const size_t base = k;
    for (size_t i = 0; i < base && k < cap; i++)
        if (action_is_consent(ev[i].action) && s_rand() % 200 == 0) {
            event_t *r = &ev[k];
            memset(r, 0, sizeof *r);
            r->seq = (int64_t) k + 1;
            r->action = ACTION_RETRACTION;
            r->retracts = ev[i].seq;
            r->date = rdate_from_ymd(2024, 1, 15);
            memcpy(r->instrument, ev[i].instrument, sizeof r->instrument);
            memcpy(r->participant, ev[i].participant, sizeof r->participant);
            snprintf(r->reason, sizeof r->reason, "benchmark");
            k++;
        }
    free(order);
    *n = k;
    return ev;
}

/* Writes the events into a fresh mirror at path. Returns 0 or -1. */
static int
s_write_mirror(const char *path, const event_t *ev, size_t n)
{
    char err[256];
    thstore_t *st = thstore_open(path, err, sizeof err);
    int rc = st ? thstore_begin(st, err, sizeof err) : -1;
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = thstore_add_event(st, &ev[i], err, sizeof err) == 1 ? 0 : -1;
    if (rc == 0)
        rc = thstore_commit(st, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "bench: mirror: %s\n", err);
    thstore_destroy(&st);
    return rc;
}

static void
s_remove(const char *path)
{
    char side[PATH_SIZE + 8];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
}

/* Runs every measurement for one history size. Returns 0 or -1. */
static int
s_run(const char *dir, int ninst, bool catchup)
{
    char path[PATH_SIZE], err[CATALOG_ERR_SIZE];
    if (s_write_catalog(dir, ninst) != 0)
        return -1;
    snprintf(path, sizeof path, "%s/instruments.ini", dir);
    setenv("RATIFY_CATALOG", path, 1);
    catalog_t *catalog = catalog_load_default(err, sizeof err);
    if (!catalog) {
        fprintf(stderr, "bench: catalog: %s\n", err);
        return -1;
    }
    size_t n = 0;
    event_t *ev = s_generate(catalog, ninst, &n);
    snprintf(path, sizeof path, "%s/threshold.db", dir);
    s_remove(path);
    if (!ev || s_write_mirror(path, ev, n) != 0) {
        free(ev);
        catalog_destroy(&catalog);
        return -1;
    }
    char tag[64];
    snprintf(tag, sizeof tag, "[events=%zu,instruments=%d]", n, ninst);
    const rdate_t today = rdate_from_ymd(2024, 12, 31);

    int64_t t0 = bench_now_ns();
    threshold_t *t = threshold_new(catalog, path, today, err, sizeof err);
    if (t)
        threshold_commit(t, NULL, NULL);
    const int64_t first = bench_now_ns() - t0;
    const int64_t milestones = t ? threshold_last_seq(t) : 0;
    threshold_destroy(&t);
    t0 = bench_now_ns();
    t = threshold_new(catalog, path, today, err, sizeof err);
    const int64_t rebuild = bench_now_ns() - t0;
    if (!t) {
        fprintf(stderr, "bench: %s\n", err);
        free(ev);
        catalog_destroy(&catalog);
        return -1;
    }
    printf("milestones%s: %lld\n", tag, (long long) milestones);
    printf("first_start_ms%s: %lld ms\n", tag, (long long) (first / 1000000));
    printf("rebuild_ms%s: %lld ms\n", tag, (long long) (rebuild / 1000000));

    /* one more deposit, many times: a ratification by a random participant
       of a random instrument (a second consent is read and ignored by the
       engine, at the same cost) */
    int64_t all[DEPOSITS_MEASURED], parent[DEPOSITS_MEASURED], child[DEPOSITS_MEASURED],
        commit[DEPOSITS_MEASURED];
    size_t nall = 0, nparent = 0, nchild = 0, ncommit = 0;
    const size_t nparts = catalog_participant_count(catalog);
    for (int r = 0; r < DEPOSITS_MEASURED; r++) {
        const int i = (int) (s_rand() % (uint64_t) ninst);
        event_t e = {.seq = threshold_cursor(t) + 1,
                     .action = ACTION_RATIFICATION,
                     .date = today - (rdate_t) (s_rand() % 30)};
        snprintf(e.instrument, sizeof e.instrument, "B%04d", i);
        snprintf(e.participant, sizeof e.participant, "%s",
                 catalog_participant_id(catalog_participant_at(catalog, s_rand() % nparts)));
        const int64_t a = bench_now_ns();
        const int rc = threshold_apply(t, &e, today);
        const int64_t b = bench_now_ns();
        const int crc = threshold_commit(t, NULL, NULL);
        const int64_t c = bench_now_ns();
        if (rc != 0 || crc != 0) {
            fprintf(stderr, "bench: apply failed\n");
            break;
        }
        all[nall++] = (b - a) / 1000;
        if (i % FAMILY == 0)
            parent[nparent++] = (b - a) / 1000;
        else
            child[nchild++] = (b - a) / 1000;
        commit[ncommit++] = (c - b) / 1000;
    }
    printf("recompute_one_us%s: %lld us\n", tag, (long long) bench_percentile(all, nall, 50));
    printf("recompute_one_us_p99%s: %lld us\n", tag, (long long) bench_percentile(all, nall, 99));
    printf("recompute_parent_us%s: %lld us\n", tag,
           (long long) bench_percentile(parent, nparent, 50));
    printf("recompute_child_us%s: %lld us\n", tag, (long long) bench_percentile(child, nchild, 50));
    printf("commit_us%s: %lld us\n", tag, (long long) bench_percentile(commit, ncommit, 50));

    t0 = bench_now_ns();
    threshold_set_today(t, today + 1);
    const int64_t all_ns = bench_now_ns() - t0;
    threshold_commit(t, NULL, NULL);
    printf("recompute_all_ms%s: %lld ms\n", tag, (long long) (all_ns / 1000000));
    threshold_destroy(&t);

    if (catchup) {
        /* the deleted-state-file path: every event applied one by one */
        s_remove(path);
        t = threshold_new(catalog, path, today, err, sizeof err);
        t0 = bench_now_ns();
        for (size_t i = 0; t && i < n; i++) {
            if (threshold_apply(t, &ev[i], today) != 0)
                break;
            if ((i + 1) % CATCHUP_BATCH == 0)
                threshold_commit(t, NULL, NULL);
        }
        if (t)
            threshold_commit(t, NULL, NULL);
        const int64_t cu = bench_now_ns() - t0;
        printf("catchup_ms%s: %lld ms\n", tag, (long long) (cu / 1000000));
        printf("catchup_per_event_us%s: %lld us\n", tag, (long long) (cu / 1000 / (int64_t) n));
        printf("catchup_milestones%s: %lld\n", tag, (long long) (t ? threshold_last_seq(t) : 0));
        threshold_destroy(&t);
    }
    s_remove(path);
    free(ev);
    catalog_destroy(&catalog);
    return 0;
}

int
main(int argc, char **argv)
{
    unsigned long seed = 1;
    const char *dir = NULL;
    int only = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
            seed = strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--instruments") == 0 && i + 1 < argc
                 && (only = atoi(argv[++i])) > 0)
            continue;
        else if (argv[i][0] != '-' && !dir)
            dir = argv[i];
        else {
            fprintf(stderr, "usage: bench-threshold-rebuild [--seed S] [--instruments I] [DIR]\n");
            return 2;
        }
    }
    s_state ^= seed * 0x9E3779B97F4A7C15ull;
    char tmp[] = "/tmp/ratify-bench-threshold.XXXXXX";
    const bool own = !dir;
    if (own && !(dir = mkdtemp(tmp))) {
        perror("mkdtemp");
        return 1;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    setenv("RATIFY_LOG_LEVEL", "warn", 0); /* one info line per milestone otherwise */
    log_init("bench");
    /* 10x growth of the history at ~200 events per instrument */
    const int sizes[] = {50, 250, 500};
    int rc = 0;
    if (only > 0)
        rc = s_run(dir, only, true);
    for (size_t i = 0; only == 0 && rc == 0 && i < sizeof sizes / sizeof sizes[0]; i++)
        rc = s_run(dir, sizes[i], sizes[i] == 500);
    if (own) {
        char path[PATH_SIZE];
        snprintf(path, sizeof path, "%s/instruments.ini", dir);
        unlink(path);
        rmdir(dir);
    }
    return rc == 0 ? 0 : 1;
}
