/*  ratifyctl deposit | retract | events | ping: the registry's requests,
    and ping for any service. */
#include "catalog.h"
#include "cli.h"
#include "config.h"
#include "wirejson.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Parses --json, --timeout and --help; returns the getopt index of the
   first positional argument, or -1 after printing usage (exit code in *rc). */
static int
s_parse(int argc, char **argv, const char *usage, cli_opts_t *opts, long long *from, int *rc)
{
    static const struct option longs[] = {{"json", no_argument, NULL, 'j'},
                                          {"timeout", required_argument, NULL, 't'},
                                          {"from", required_argument, NULL, 'f'},
                                          {"help", no_argument, NULL, 'h'},
                                          {NULL, 0, NULL, 0}};
    opts->json = false;
    opts->timeout_ms = CLI_TIMEOUT_MSEC_DEFAULT;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
        switch (c) {
        case 'j':
            opts->json = true;
            break;
        case 't':
            if (cli_parse_seconds(optarg, &opts->timeout_ms) != 0) {
                fprintf(stderr, "ratifyctl %s: --timeout takes seconds, not '%s'\n", argv[0],
                        optarg);
                *rc = CLI_USAGE;
                return -1;
            }
            break;
        case 'f':
            if (!from || cli_parse_int(optarg, from) != 0) {
                fprintf(stderr, "ratifyctl %s: --from takes a sequence number, not '%s'\n", argv[0],
                        optarg ? optarg : "");
                *rc = CLI_USAGE;
                return -1;
            }
            break;
        case 'h':
            fputs(usage, stdout);
            *rc = CLI_OK;
            return -1;
        default:
            fprintf(stderr, "ratifyctl %s: unknown option '%s'\n%s", argv[0], argv[optind - 1],
                    usage);
            *rc = CLI_USAGE;
            return -1;
        }
    }
    return optind;
}

/* Prints one event for people: seq, date, instrument, participant, action. */
static void
s_print_event(const event_t *ev, const catalog_t *catalog, bool duplicate)
{
    const catalog_participant_t *p =
        catalog ? catalog_participant_by_id(catalog, ev->participant) : NULL;
    char date[RDATE_ISO_SIZE];
    printf("%6lld  %s  %-9s %-28s %s", (long long) ev->seq, rdate_format(ev->date, date),
           ev->instrument, p ? catalog_participant_name_at(p, ev->date) : ev->participant,
           action_name(ev->action));
    if (ev->action == ACTION_RETRACTION) {
        printf(" of event %lld: ", (long long) ev->retracts);
        cli_print_text(stdout, ev->reason); /* stored before the registry refused controls */
    }
    if (duplicate)
        printf("  (duplicate: already recorded)");
    putchar('\n');
}

/* Sends one request to the registry and prints the "accepted" answer. */
static int
s_send_write(const msgpack_sbuffer *req, const cli_opts_t *opts)
{
    rpc_client_t *client = rpc_client_new(cli_service_endpoint("registry"));
    if (!client) {
        fprintf(stderr, "ratifyctl: cannot create a socket\n");
        return CLI_FAILED;
    }
    msg_in_t *reply = NULL;
    int rc = cli_call(client, "registry", req, opts->timeout_ms, &reply);
    if (rc == CLI_OK && (rc = cli_check_error(reply)) == CLI_OK) {
        msg_accepted_t acc;
        wire_err_t err;
        if (msg_decode_accepted(reply, &acc, &err) != 0) {
            fprintf(stderr, "ratifyctl: unexpected reply: %s\n", err.message);
            rc = CLI_FAILED;
        }
        else if (opts->json)
            cli_print_json(stdout, reply);
        else {
            char cerr[CATALOG_ERR_SIZE];
            catalog_t *catalog = catalog_load_default(cerr, sizeof cerr);
            s_print_event(&acc.event, catalog, acc.duplicate);
            catalog_destroy(&catalog);
        }
    }
    msg_in_destroy(&reply);
    rpc_client_destroy(&client);
    return rc;
}

static const char *s_deposit_usage =
    "Usage: ratifyctl deposit INSTRUMENT PARTICIPANT ACTION DATE [--json] [--timeout S]\n"
    "\n"
    "Records one action in the registry. INSTRUMENT is a catalog id (UNTOC) or UNTC\n"
    "reference (XVIII-12-a); PARTICIPANT any current or former name or ISO code;\n"
    "ACTION one of signature, ratification, acceptance, approval, accession,\n"
    "succession, denunciation; DATE is YYYY-MM-DD.\n"
    "Exit 0 when accepted or already recorded (duplicate), 1 when rejected (the\n"
    "reason on stderr), 2 on a usage error, 3 when the registry does not answer.\n"
    "\n"
    "Example: ratifyctl deposit UNTOC Armenia ratification 2003-07-01\n";

int
cmd_deposit(int argc, char **argv)
{
    cli_opts_t opts;
    int rc = CLI_OK;
    int first = s_parse(argc, argv, s_deposit_usage, &opts, NULL, &rc);
    if (first < 0)
        return rc;
    if (argc - first != 4) {
        fprintf(stderr, "ratifyctl deposit: expected 4 arguments, got %d\n%s", argc - first,
                s_deposit_usage);
        return CLI_USAGE;
    }
    msg_deposit_t m;
    memset(&m, 0, sizeof m);
    const char *fields[4] = {argv[first], argv[first + 1], argv[first + 2], argv[first + 3]};
    char *dest[4] = {m.instrument, m.participant, m.action, m.date};
    const size_t caps[4] = {sizeof m.instrument, sizeof m.participant, sizeof m.action,
                            sizeof m.date};
    for (int i = 0; i < 4; i++) {
        if (strlen(fields[i]) >= caps[i]) {
            fprintf(stderr, "ratifyctl deposit: argument %d is too long\n", i + 1);
            return CLI_USAGE;
        }
        strcpy(dest[i], fields[i]);
    }
    msgpack_sbuffer req;
    msgpack_sbuffer_init(&req);
    rc = msg_encode_deposit(&m, &req) == 0 ? s_send_write(&req, &opts) : CLI_FAILED;
    msgpack_sbuffer_destroy(&req);
    return rc;
}

static const char *s_retract_usage =
    "Usage: ratifyctl retract SEQ --reason TEXT [--json] [--timeout S]\n"
    "\n"
    "Marks event SEQ as erroneous. Nothing is deleted: the retraction is itself an\n"
    "event, and the retracted event no longer counts. Retracting twice is a\n"
    "duplicate (exit 0). TEXT is one line of at most 511 bytes: the registry\n"
    "refuses control characters (newline, tab, escape) and text that is not UTF-8.\n"
    "\n"
    "Example: ratifyctl retract 40 --reason \"deposit recorded under the wrong date\"\n";

int
cmd_retract(int argc, char **argv)
{
    /* --reason is specific to retract: pull it out before the common parse */
    const char *reason = NULL;
    char **rest = calloc((size_t) argc + 1, sizeof *rest);
    if (!rest)
        return CLI_FAILED;
    int n = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--reason") == 0 && i + 1 < argc)
            reason = argv[++i];
        else if (strncmp(argv[i], "--reason=", 9) == 0)
            reason = argv[i] + 9;
        else
            rest[n++] = argv[i];
    }
    cli_opts_t opts;
    int rc = CLI_OK;
    int first = s_parse(n, rest, s_retract_usage, &opts, NULL, &rc);
    long long seq = 0;
    if (first >= 0) {
        if (n - first != 1 || cli_parse_int(rest[first], &seq) != 0 || seq == 0) {
            fprintf(stderr, "ratifyctl retract: expected one event sequence number\n%s",
                    s_retract_usage);
            rc = CLI_USAGE;
        }
        else if (!reason || !*reason) {
            fprintf(stderr, "ratifyctl retract: --reason TEXT is required\n%s", s_retract_usage);
            rc = CLI_USAGE;
        }
        else if (strlen(reason) >= EVENT_REASON_MAX) {
            fprintf(stderr, "ratifyctl retract: --reason holds %zu bytes, more than %d\n",
                    strlen(reason), EVENT_REASON_MAX - 1);
            rc = CLI_USAGE;
        }
        else {
            msg_retract_t m = {.seq = seq};
            snprintf(m.reason, sizeof m.reason, "%s", reason);
            msgpack_sbuffer req;
            msgpack_sbuffer_init(&req);
            rc = msg_encode_retract(&m, &req) == 0 ? s_send_write(&req, &opts) : CLI_FAILED;
            msgpack_sbuffer_destroy(&req);
        }
    }
    free(rest);
    return rc;
}

static const char *s_events_usage =
    "Usage: ratifyctl events [--from SEQ] [--json] [--timeout S]\n"
    "\n"
    "Prints the registry's event log from SEQ (default 1), one event per line:\n"
    "sequence, date, instrument, participant (its name on that date), action.\n"
    "--json prints one JSON object per event, with the protocol's field names.\n"
    "\n"
    "Examples: ratifyctl events --from 460\n"
    "          ratifyctl events --json > log.jsonl\n";

int
cmd_events(int argc, char **argv)
{
    cli_opts_t opts;
    int rc = CLI_OK;
    long long from = 1;
    int first = s_parse(argc, argv, s_events_usage, &opts, &from, &rc);
    if (first < 0)
        return rc;
    if (first != argc) {
        fprintf(stderr, "ratifyctl events: unexpected argument '%s'\n%s", argv[first],
                s_events_usage);
        return CLI_USAGE;
    }
    rpc_client_t *client = rpc_client_new(cli_service_endpoint("registry"));
    char cerr[CATALOG_ERR_SIZE];
    catalog_t *catalog = opts.json ? NULL : catalog_load_default(cerr, sizeof cerr);
    if (!client)
        rc = CLI_FAILED;
    for (bool more = true; rc == CLI_OK && more;) {
        msg_events_since_t m = {.from = from, .limit = MSG_EVENTS_MAX_BATCH};
        msgpack_sbuffer req;
        msgpack_sbuffer_init(&req);
        msg_in_t *reply = NULL;
        msg_events_t batch = {0};
        wire_err_t err;
        if (msg_encode_events_since(&m, &req) != 0)
            rc = CLI_FAILED;
        else if ((rc = cli_call(client, "registry", &req, opts.timeout_ms, &reply)) != CLI_OK
                 || (rc = cli_check_error(reply)) != CLI_OK)
            ;
        else if (msg_decode_events(reply, &batch, &err) != 0) {
            fprintf(stderr, "ratifyctl: unexpected reply: %s\n", err.message);
            rc = CLI_FAILED;
        }
        else {
            const msgpack_object *arr = wire_map_get(msg_in_root(reply), "events");
            for (size_t i = 0; i < batch.count; i++) {
                if (opts.json) {
                    json_t *j = wirejson_from_msgpack(&arr->via.array.ptr[i]);
                    if (j)
                        cli_print_json_value(stdout, j);
                    json_decref(j);
                }
                else
                    s_print_event(&batch.events[i], catalog, false);
            }
            more = batch.more && batch.count > 0;
            if (batch.count > 0)
                from = batch.events[batch.count - 1].seq + 1;
        }
        msg_events_clear(&batch);
        msg_in_destroy(&reply);
        msgpack_sbuffer_destroy(&req);
    }
    catalog_destroy(&catalog);
    rpc_client_destroy(&client);
    return rc;
}

static const char *s_ping_usage =
    "Usage: ratifyctl ping [SERVICE] [--json] [--timeout S]\n"
    "\n"
    "Asks a service (registry, threshold, notifier, reporter) whether it is ready,\n"
    "and prints its status, version and last sequence. Without SERVICE, pings the\n"
    "registry. Exit 0 when it answered, 3 when it did not (health checks use this).\n"
    "\n"
    "Example: ratifyctl ping notifier --timeout 0.5\n";

int
cmd_ping(int argc, char **argv)
{
    cli_opts_t opts;
    int rc = CLI_OK;
    int first = s_parse(argc, argv, s_ping_usage, &opts, NULL, &rc);
    if (first < 0)
        return rc;
    if (argc - first > 1) {
        fprintf(stderr, "ratifyctl ping: expected at most one service\n%s", s_ping_usage);
        return CLI_USAGE;
    }
    const char *service = argc - first == 1 ? argv[first] : "registry";
    const char *endpoint = cli_service_endpoint(service);
    if (!endpoint) {
        fprintf(stderr,
                "ratifyctl ping: unknown service '%s' (registry, threshold, notifier, "
                "reporter)\n",
                service);
        return CLI_USAGE;
    }
    rpc_client_t *client = rpc_client_new(endpoint);
    msgpack_sbuffer req;
    msgpack_sbuffer_init(&req);
    msg_in_t *reply = NULL;
    if (!client || msg_encode_ping(&req) != 0)
        rc = CLI_FAILED;
    else if ((rc = cli_call(client, service, &req, opts.timeout_ms, &reply)) == CLI_OK
             && (rc = cli_check_error(reply)) == CLI_OK) {
        msg_pong_t pong;
        wire_err_t err;
        if (msg_decode_pong(reply, &pong, &err) != 0) {
            fprintf(stderr, "ratifyctl: unexpected reply: %s\n", err.message);
            rc = CLI_FAILED;
        }
        else if (opts.json)
            cli_print_json(stdout, reply);
        else
            printf("%s: %s (version %s, last sequence %lld) at %s\n", pong.service, pong.status,
                   pong.version, (long long) pong.last_seq, endpoint);
    }
    msg_in_destroy(&reply);
    msgpack_sbuffer_destroy(&req);
    rpc_client_destroy(&client);
    return rc;
}
