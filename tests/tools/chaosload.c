/*  ratify-chaosload: sends a CSV file's rows to the registry as deposits and
    records every acknowledgement, for the chaos test.

    Usage: ratify-chaosload [--timeout MS] [--deadline S] --acks FILE CSV

    Unlike `ratifyctl load`, it does not stop when the registry is killed: a
    request without an answer within MS milliseconds (default 1000) is sent
    again, on a fresh socket (rpc.h), until the registry has been silent for
    S seconds (default 300). Since a deposit is idempotent, a resent row
    comes back "accepted" once and "duplicate" after that.

    Each "accepted" answer is appended to FILE, and flushed, before the next
    request goes out, as one line

        LINE SEQ accepted|duplicate ACTION INSTRUMENT PARTICIPANT DATE

    with the stored event as the registry returned it. The chaos test then
    checks each line against registry.db: the registry said the event was
    committed, so it must be in the log under that sequence number whatever
    was killed afterwards. FILE is only appended to, so a second run (after
    the tool itself was stopped) adds to the record.

    The CSV needs the header columns instrument, participant, action and date
    (ratify-synth's layout). Exit 0 when every row was acknowledged, 1 when
    some were rejected (each printed on stderr), 2 on a usage error, 3 when
    the registry stayed silent past the deadline, 4 when a file cannot be
    read or written. */
#include "config.h"
#include "csv.h"
#include "msg.h"
#include "rpc.h"
#include "sock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static const char *s_usage =
    "usage: ratify-chaosload [--timeout MS] [--deadline S] --acks FILE CSV\n";

static int64_t
s_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Returns the index of the header column `name`, or -1. */
static int
s_column(const csv_t *csv, int nfields, const char *name)
{
    for (int i = 0; i < nfields; i++)
        if (strcasecmp(csv_field(csv, i), name) == 0)
            return i;
    return -1;
}

/* Copies a CSV field into a deposit field. Returns 0, or -1 when too long. */
static int
s_copy(char *dest, size_t cap, const char *src)
{
    const size_t n = strlen(src);
    if (n >= cap)
        return -1;
    memcpy(dest, src, n + 1);
    return 0;
}

/* Sends one deposit until it is answered or the deadline passes. Returns 0
   with *reply set (caller destroys it), or 3 on the deadline. */
static int
s_send(rpc_client_t *client, const msgpack_sbuffer *req, int timeout_ms, int64_t deadline_ms,
       msg_in_t **reply)
{
    const int64_t give_up = s_now_ms() + deadline_ms;
    for (;;) {
        wire_err_t err;
        const rpc_status_t st =
            rpc_client_call(client, req->data, req->size, timeout_ms, reply, &err);
        if (st == RPC_OK)
            return 0;
        if (s_now_ms() >= give_up) {
            fprintf(stderr, "ratify-chaosload: the registry is silent: %s\n", err.message);
            return 3;
        }
        if (st == RPC_FAILED) /* could not send, or a malformed answer: wait a little */
            zclock_sleep(100);
    }
}

int
main(int argc, char **argv)
{
    int timeout_ms = 1000;
    int64_t deadline_ms = 300 * 1000;
    const char *acks_path = NULL, *csv_path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc)
            timeout_ms = atoi(argv[++i]);
        else if (strcmp(argv[i], "--deadline") == 0 && i + 1 < argc)
            deadline_ms = atoll(argv[++i]) * 1000;
        else if (strcmp(argv[i], "--acks") == 0 && i + 1 < argc)
            acks_path = argv[++i];
        else if (argv[i][0] != '-' && !csv_path)
            csv_path = argv[i];
        else {
            fputs(s_usage, stderr);
            return 2;
        }
    }
    if (!acks_path || !csv_path || timeout_ms <= 0 || deadline_ms <= 0) {
        fputs(s_usage, stderr);
        return 2;
    }
    FILE *in = fopen(csv_path, "r");
    FILE *acks = fopen(acks_path, "a");
    csv_t *csv = in ? csv_new(in) : NULL;
    if (!in || !acks || !csv) {
        fprintf(stderr, "ratify-chaosload: cannot open %s or %s\n", csv_path, acks_path);
        csv_destroy(&csv);
        if (in)
            fclose(in);
        if (acks)
            fclose(acks);
        return 4;
    }
    int rc = 0;
    const int nf = csv_next(csv);
    int col[4] = {-1, -1, -1, -1};
    if (nf > 0) {
        col[0] = s_column(csv, nf, "instrument");
        col[1] = s_column(csv, nf, "participant");
        col[2] = s_column(csv, nf, "action");
        col[3] = s_column(csv, nf, "date");
    }
    if (col[0] < 0 || col[1] < 0 || col[2] < 0 || col[3] < 0) {
        fprintf(stderr,
                "ratify-chaosload: %s: no header with instrument, participant, action, "
                "date\n",
                csv_path);
        rc = 4;
    }
    sock_init();
    rpc_client_t *client = rc == 0 ? rpc_client_new(config_get(CONFIG_REGISTRY_API)) : NULL;
    if (rc == 0 && !client)
        rc = 4;
    long rows = 0, accepted = 0, duplicates = 0, rejected = 0;
    for (int n; rc == 0 && (n = csv_next(csv)) != 0;) {
        const int line = csv_line(csv);
        msg_deposit_t d;
        memset(&d, 0, sizeof d);
        if (n < 0 || n <= col[0] || n <= col[1] || n <= col[2] || n <= col[3]
            || s_copy(d.instrument, sizeof d.instrument, csv_field(csv, col[0])) != 0
            || s_copy(d.participant, sizeof d.participant, csv_field(csv, col[1])) != 0
            || s_copy(d.action, sizeof d.action, csv_field(csv, col[2])) != 0
            || s_copy(d.date, sizeof d.date, csv_field(csv, col[3])) != 0) {
            fprintf(stderr, "ratify-chaosload: %s:%d: malformed row\n", csv_path, line);
            rc = 4;
            break;
        }
        rows++;
        msgpack_sbuffer req;
        msgpack_sbuffer_init(&req);
        msg_in_t *reply = NULL;
        if (msg_encode_deposit(&d, &req) != 0)
            rc = 4;
        else
            rc = s_send(client, &req, timeout_ms, deadline_ms, &reply);
        msgpack_sbuffer_destroy(&req);
        if (rc != 0)
            break;
        msg_accepted_t acc;
        msg_error_t e;
        wire_err_t err;
        if (msg_decode_accepted(reply, &acc, &err) == 0) {
            char date[RDATE_ISO_SIZE];
            fprintf(acks, "%d %lld %s %s %s %s %s\n", line, (long long) acc.seq,
                    acc.duplicate ? "duplicate" : "accepted", action_name(acc.event.action),
                    acc.event.instrument, acc.event.participant,
                    rdate_format(acc.event.date, date));
            if (fflush(acks) != 0) {
                fprintf(stderr, "ratify-chaosload: cannot write %s\n", acks_path);
                rc = 4;
            }
            if (acc.duplicate)
                duplicates++;
            else
                accepted++;
        }
        else if (msg_decode_error(reply, &e, &err) == 0) {
            fprintf(stderr, "ratify-chaosload: %s:%d: rejected (%s): %s\n", csv_path, line, e.code,
                    e.message);
            rejected++;
        }
        else {
            fprintf(stderr, "ratify-chaosload: %s:%d: unexpected reply: %s\n", csv_path, line,
                    err.message);
            rc = 4;
        }
        msg_in_destroy(&reply);
    }
    if (rc == 0 && rejected > 0)
        rc = 1;
    printf("{\"file\":\"%s\",\"rows\":%ld,\"accepted\":%ld,\"duplicate\":%ld,\"rejected\":%ld,"
           "\"exit\":%d}\n",
           csv_path, rows, accepted, duplicates, rejected, rc);
    rpc_client_destroy(&client);
    csv_destroy(&csv);
    fclose(in);
    if (fclose(acks) != 0 && rc == 0)
        rc = 4;
    return rc;
}
