/*  ratifyctl load FILE: sends a CSV file's rows to the registry in file
    order.

    The whole file is read and checked first (header, field sizes), so a
    broken file is reported before anything is sent. Each row is one
    deposit; a timeout is retried (a deposit is idempotent: the registry
    answers "duplicate" for an action it already stored), and if the
    registry stays silent the load stops, saying which rows are stored. */
#include "cli.h"
#include "csv.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define LOAD_RETRIES       3
#define LOAD_PROGRESS_MSEC 100

typedef struct {
    int line;
    msg_deposit_t deposit;
    char problem[160]; /* set when the row cannot be sent as is */
} s_row_t;

typedef struct {
    int line;
    char code[32];
    char message[512];
} s_rejection_t;

static const char *s_usage =
    "Usage: ratifyctl load FILE [--json] [--timeout S]\n"
    "\n"
    "Sends every row of a CSV file to the registry, in file order. The header row\n"
    "names at least the columns instrument, participant (or state), action and date,\n"
    "in any order; other columns are ignored. On a terminal, progress is shown on\n"
    "stderr. Ends with a summary of accepted / duplicate / rejected rows and the\n"
    "line number and reason of each rejection (--json: one JSON object).\n"
    "Exit 0 only when no row was rejected; accepted rows stay accepted either way.\n"
    "Loading a file twice adds nothing: every row is then a duplicate.\n"
    "\n"
    "Example: ratifyctl load data/fixtures/a58-165.csv\n";

static int
s_column(const csv_t *csv, int nfields, const char *name)
{
    for (int i = 0; i < nfields; i++) {
        const char *f = csv_field(csv, i);
        while (*f == ' ')
            f++;
        size_t n = strlen(f);
        while (n > 0 && f[n - 1] == ' ')
            n--;
        if (n == strlen(name) && strncasecmp(f, name, n) == 0)
            return i;
    }
    return -1;
}

static int
s_copy(char *dest, size_t cap, const char *src, const char *what, s_row_t *row)
{
    while (*src == ' ')
        src++;
    size_t n = strlen(src);
    while (n > 0 && src[n - 1] == ' ')
        n--;
    if (n >= cap) {
        snprintf(row->problem, sizeof row->problem, "the %s is longer than %zu characters", what,
                 cap - 1);
        return -1;
    }
    memcpy(dest, src, n);
    dest[n] = '\0';
    return 0;
}

/* Reads the whole file. Returns the rows (caller frees) and their count in
   *count, or NULL after printing why (usage error). */
static s_row_t *
s_read_rows(const char *path, size_t *count)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "ratifyctl load: cannot open %s: %s\n", path, strerror(errno));
        return NULL;
    }
    csv_t *csv = csv_new(f);
    s_row_t *rows = NULL;
    size_t n = 0, cap = 0;
    int nf = csv ? csv_next(csv) : -1;
    if (nf <= 0) {
        fprintf(stderr, "ratifyctl load: %s: %s\n", path,
                nf == 0 ? "the file is empty"
                : csv   ? csv_error(csv)
                        : "out of memory");
        goto fail;
    }
    int col[4] = {s_column(csv, nf, "instrument"), s_column(csv, nf, "participant"),
                  s_column(csv, nf, "action"), s_column(csv, nf, "date")};
    if (col[1] < 0)
        col[1] = s_column(csv, nf, "state");
    if (col[0] < 0 || col[1] < 0 || col[2] < 0 || col[3] < 0) {
        fprintf(stderr,
                "ratifyctl load: %s: the header row must name the columns instrument, "
                "participant (or state), action and date; missing:%s%s%s%s\n",
                path, col[0] < 0 ? " instrument" : "", col[1] < 0 ? " participant" : "",
                col[2] < 0 ? " action" : "", col[3] < 0 ? " date" : "");
        goto fail;
    }
    for (;;) {
        nf = csv_next(csv);
        if (nf == 0)
            break;
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            s_row_t *grown = realloc(rows, cap * sizeof *rows);
            if (!grown) {
                fprintf(stderr, "ratifyctl load: out of memory\n");
                goto fail;
            }
            rows = grown;
        }
        s_row_t *row = &rows[n++];
        memset(row, 0, sizeof *row);
        row->line = csv_line(csv);
        if (nf < 0) {
            snprintf(row->problem, sizeof row->problem, "malformed CSV: %s", csv_error(csv));
            continue;
        }
        msg_deposit_t *d = &row->deposit;
        if (s_copy(d->instrument, sizeof d->instrument, csv_field(csv, col[0]), "instrument", row)
                == 0
            && s_copy(d->participant, sizeof d->participant, csv_field(csv, col[1]), "participant",
                      row)
                   == 0
            && s_copy(d->action, sizeof d->action, csv_field(csv, col[2]), "action", row) == 0)
            s_copy(d->date, sizeof d->date, csv_field(csv, col[3]), "date", row);
    }
    csv_destroy(&csv);
    fclose(f);
    *count = n;
    if (!rows)
        rows = calloc(1, sizeof *rows); /* a header and no rows: nothing to send */
    return rows;
fail:
    free(rows);
    csv_destroy(&csv);
    fclose(f);
    return NULL;
}

int
cmd_load(int argc, char **argv)
{
    static const struct option longs[] = {{"json", no_argument, NULL, 'j'},
                                          {"timeout", required_argument, NULL, 't'},
                                          {"help", no_argument, NULL, 'h'},
                                          {NULL, 0, NULL, 0}};
    cli_opts_t opts = {.timeout_ms = CLI_TIMEOUT_MSEC_DEFAULT};
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
        if (c == 'j')
            opts.json = true;
        else if (c == 't' && cli_parse_seconds(optarg, &opts.timeout_ms) == 0)
            ;
        else if (c == 'h') {
            fputs(s_usage, stdout);
            return CLI_OK;
        }
        else {
            fprintf(stderr, "ratifyctl load: bad option '%s'\n%s", argv[optind - 1], s_usage);
            return CLI_USAGE;
        }
    }
    if (argc - optind != 1) {
        fprintf(stderr, "ratifyctl load: expected one FILE\n%s", s_usage);
        return CLI_USAGE;
    }
    const char *path = argv[optind];
    size_t nrows = 0;
    s_row_t *rows = s_read_rows(path, &nrows);
    if (!rows)
        return CLI_USAGE;

    s_rejection_t *rejected = calloc(nrows ? nrows : 1, sizeof *rejected);
    rpc_client_t *client = rpc_client_new(cli_service_endpoint("registry"));
    const bool progress = isatty(STDERR_FILENO);
    size_t accepted = 0, duplicates = 0, nrejected = 0, done = 0;
    int rc = rejected && client ? CLI_OK : CLI_FAILED;
    int64_t last_progress = 0;
    for (; rc == CLI_OK && done < nrows; done++) {
        s_row_t *row = &rows[done];
        s_rejection_t *rej = &rejected[nrejected];
        if (row->problem[0]) {
            rej->line = row->line;
            snprintf(rej->code, sizeof rej->code, "bad_row");
            snprintf(rej->message, sizeof rej->message, "%s", row->problem);
            nrejected++;
            continue;
        }
        msgpack_sbuffer req;
        msgpack_sbuffer_init(&req);
        msg_in_t *reply = NULL;
        int call = CLI_FAILED;
        if (msg_encode_deposit(&row->deposit, &req) == 0)
            for (int attempt = 0; attempt < LOAD_RETRIES; attempt++) {
                call = cli_call(client, "registry", &req, opts.timeout_ms, &reply);
                if (call != CLI_TIMEOUT)
                    break;
            }
        msgpack_sbuffer_destroy(&req);
        if (call != CLI_OK) {
            fprintf(stderr,
                    "ratifyctl load: stopped at line %d; the %zu rows before it are stored. "
                    "Run the same command again to continue: stored rows come back as "
                    "duplicates.\n",
                    row->line, done);
            rc = call;
            break;
        }
        if (msg_in_type(reply) == MSG_ERROR) {
            msg_error_t e;
            wire_err_t err;
            if (msg_decode_error(reply, &e, &err) != 0)
                snprintf(e.code, sizeof e.code, "%s", err.code),
                    snprintf(e.message, sizeof e.message, "%s", err.message);
            rej->line = row->line;
            memcpy(rej->code, e.code, sizeof rej->code);
            memcpy(rej->message, e.message, sizeof rej->message);
            nrejected++;
            if (strcmp(e.code, "storage_failed") == 0) {
                /* the registry cannot store anything: the rows after this
                   one would fail the same way, or for want of this one */
                fprintf(stderr,
                        "ratifyctl load: stopped at line %d: the registry cannot store events "
                        "(%s). The rows before it are stored; run the same command again "
                        "once the registry can write: stored rows come back as duplicates.\n",
                        row->line, e.message);
                msg_in_destroy(&reply);
                done++;
                break;
            }
        }
        else {
            msg_accepted_t acc;
            wire_err_t err;
            if (msg_decode_accepted(reply, &acc, &err) != 0) {
                fprintf(stderr, "ratifyctl load: unexpected reply at line %d: %s\n", row->line,
                        err.message);
                rc = CLI_FAILED;
            }
            else if (acc.duplicate)
                duplicates++;
            else
                accepted++;
        }
        msg_in_destroy(&reply);
        const int64_t now = zclock_mono();
        if (progress && (now - last_progress >= LOAD_PROGRESS_MSEC || done + 1 == nrows)) {
            fprintf(stderr,
                    "\rloading %s: %zu/%zu rows (%zu accepted, %zu duplicate, %zu rejected)", path,
                    done + 1, nrows, accepted, duplicates, nrejected);
            last_progress = now;
        }
    }
    if (progress && nrows)
        fputc('\n', stderr);

    if (opts.json) {
        json_t *summary = json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:[]}", "file", path, "rows",
                                    (json_int_t) nrows, "sent", (json_int_t) done, "accepted",
                                    (json_int_t) accepted, "duplicate", (json_int_t) duplicates,
                                    "rejected", (json_int_t) nrejected, "rejections");
        json_t *list = summary ? json_object_get(summary, "rejections") : NULL;
        for (size_t i = 0; list && i < nrejected; i++)
            json_array_append_new(list,
                                  json_pack("{s:i, s:s, s:s}", "line", rejected[i].line, "code",
                                            rejected[i].code, "message", rejected[i].message));
        if (summary)
            cli_print_json_value(stdout, summary);
        json_decref(summary);
    }
    else {
        printf("%s: %zu rows: %zu accepted, %zu duplicate, %zu rejected\n", path, nrows, accepted,
               duplicates, nrejected);
        for (size_t i = 0; i < nrejected; i++)
            printf("  line %d: rejected (%s): %s\n", rejected[i].line, rejected[i].code,
                   rejected[i].message);
    }
    if (rc == CLI_OK && nrejected > 0)
        rc = CLI_REJECTED;
    rpc_client_destroy(&client);
    free(rejected);
    free(rows);
    return rc;
}
