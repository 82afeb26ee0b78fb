/*  ratify-synth: a large synthetic history, reproducible from a seed, for
    the chaos test and the benchmarks.

    Usage: ratify-synth [--instruments N] [--events M] [--seed S] OUTDIR
    Writes OUTDIR/instruments.ini (N instruments SYN001.., thresholds drawn
    between 20 and 60, delay 90 days, a signature period 1990-2030) and
    OUTDIR/events.csv (about M rows: for each instrument, a signature then a
    ratification by each of M/(2N) distinct participants of the shipped
    catalog, at random dates 1995..2020), sorted by date so that every row is
    valid when loaded in file order. The participants are read from the
    shipped catalog; RATIFY_CATALOG must point at OUTDIR/instruments.ini for
    services to know the instruments (participants are found beside the
    shipped catalog). Same seed, same files. */
#include "catalog.h"
#include "rdate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    rdate_t date;
    int instrument;
    int participant;
    int action; /* 0 signature, 1 ratification */
} s_row_t;

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
s_cmp(const void *a, const void *b)
{
    const s_row_t *x = a, *y = b;
    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    if (x->action != y->action)
        return x->action - y->action; /* signatures first on a day */
    if (x->instrument != y->instrument)
        return x->instrument - y->instrument;
    return x->participant - y->participant;
}

int
main(int argc, char **argv)
{
    int ninst = 500;
    long nevents = 100000;
    unsigned long seed = 1;
    const char *out = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--instruments") == 0 && i + 1 < argc)
            ninst = atoi(argv[++i]);
        else if (strcmp(argv[i], "--events") == 0 && i + 1 < argc)
            nevents = atol(argv[++i]);
        else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
            seed = strtoul(argv[++i], NULL, 10);
        else if (argv[i][0] != '-' && !out)
            out = argv[i];
        else {
            fprintf(stderr,
                    "usage: ratify-synth [--instruments N] [--events M] [--seed S] OUTDIR\n");
            return 2;
        }
    }
    if (!out || ninst < 1 || ninst > 999 || nevents < 2) {
        fprintf(stderr, "usage: ratify-synth [--instruments N] [--events M] [--seed S] OUTDIR\n");
        return 2;
    }
    s_state ^= seed * 0x9E3779B97F4A7C15ull;
    char err[CATALOG_ERR_SIZE];
    catalog_t *catalog = catalog_load_default(err, sizeof err);
    if (!catalog) {
        fprintf(stderr, "ratify-synth: %s\n", err);
        return 1;
    }
    const int nparts = (int) catalog_participant_count(catalog);
    int per = (int) (nevents / (2L * ninst));
    if (per > nparts)
        per = nparts;
    if (per < 1)
        per = 1;
    char path[4096];
    snprintf(path, sizeof path, "%s/instruments.ini", out);
    FILE *ini = fopen(path, "w");
    snprintf(path, sizeof path, "%s/events.csv", out);
    FILE *csv = fopen(path, "w");
    s_row_t *rows = calloc((size_t) ninst * (size_t) per * 2, sizeof *rows);
    int *order = calloc((size_t) nparts, sizeof *order);
    if (!ini || !csv || !rows || !order) {
        fprintf(stderr, "ratify-synth: cannot write into %s\n", out);
        return 1;
    }
    fprintf(ini, "# Synthetic instruments written by ratify-synth --seed %lu\n", seed);
    const rdate_t lo = rdate_from_ymd(1995, 1, 1), hi = rdate_from_ymd(2020, 12, 31);
    size_t n = 0;
    for (int i = 0; i < ninst; i++) {
        fprintf(ini,
                "\n[SYN%03d]\nreference = SYN-%03d\ntitle = Synthetic instrument %d\n"
                "signature_open = 1990-01-01\nsignature_close = 2030-12-31\n"
                "threshold = %d\ndelay_days = 90\nlater_party_days = 30\n"
                "approaching = 5, 1\n",
                i + 1, i + 1, i + 1, 20 + (int) (s_rand() % 41));
        for (int p = 0; p < nparts; p++)
            order[p] = p;
        for (int p = nparts - 1; p > 0; p--) { /* Fisher-Yates */
            int q = (int) (s_rand() % (uint64_t) (p + 1));
            int t = order[p];
            order[p] = order[q];
            order[q] = t;
        }
        for (int k = 0; k < per; k++) {
            rdate_t sig = lo + (rdate_t) (s_rand() % (uint64_t) (hi - lo - 400));
            rdate_t rat = sig + 1 + (rdate_t) (s_rand() % 365);
            rows[n++] = (s_row_t){sig, i, order[k], 0};
            rows[n++] = (s_row_t){rat, i, order[k], 1};
        }
    }
    qsort(rows, n, sizeof *rows, s_cmp);
    fprintf(csv, "instrument,participant,action,date\n");
    for (size_t r = 0; r < n; r++) {
        char date[RDATE_ISO_SIZE];
        fprintf(
            csv, "SYN%03d,%s,%s,%s\n", rows[r].instrument + 1,
            catalog_participant_id(catalog_participant_at(catalog, (size_t) rows[r].participant)),
            rows[r].action ? "ratification" : "signature", rdate_format(rows[r].date, date));
    }
    fclose(ini);
    fclose(csv);
    printf("ratify-synth: %d instruments, %zu events in %s (seed %lu)\n", ninst, n, out, seed);
    free(rows);
    free(order);
    catalog_destroy(&catalog);
    return 0;
}
