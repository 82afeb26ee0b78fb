/*  ratifyctl status: the threshold service's view of each instrument, or of
    one instrument's parties, as at today or any date.

    Each reply goes through its typed decoder (milestone.h) before anything
    is printed, and the JSON objects are built from the decoded structs with
    a fixed key order, so scripts can rely on the keys and on dates being
    "YYYY-MM-DD" or null. One request, one reply: O(size of the answer). */
#include "cli.h"
#include "milestone.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char *s_usage =
    "Usage: ratifyctl status [INSTRUMENT] [--as-of DATE] [--json] [--timeout S]\n"
    "       ratifyctl status INSTRUMENT --parties [--as-of DATE] [--json] [--timeout S]\n"
    "\n"
    "Asks the threshold service where each instrument stands (or only INSTRUMENT, a\n"
    "catalog id such as UNTOC or a UNTC reference such as XVIII-12), as at today or\n"
    "as at DATE (YYYY-MM-DD): one line per instrument with its signatures, counted\n"
    "instruments of consent against the threshold, the date the threshold was\n"
    "reached, the entry-into-force date and the stage (pending, scheduled, in force).\n"
    "--json prints one JSON object per instrument with the keys instrument,\n"
    "reference, title, parent, signatures, parties, counted, threshold,\n"
    "threshold_date, entry_into_force, stage (pending, scheduled, in_force),\n"
    "waiting_for and as_of; dates are YYYY-MM-DD or null.\n"
    "--parties lists INSTRUMENT's parties instead, one per line (or JSON object):\n"
    "participant, name, action, deposit date, its own entry-into-force date and the\n"
    "end of its participation (null while none is known).\n"
    "Exit 0 when answered, 1 when the service refused (unknown instrument...),\n"
    "2 on a usage error, 3 when the threshold service does not answer.\n"
    "\n"
    "Example: ratifyctl status UNTOC --as-of 2003-10-01\n";

/* Longest instrument text a request carries, NUL included. */
#define STATUS_INSTRUMENT_MAX sizeof(((milestone_status_req_t *) 0)->instrument)

typedef struct {
    cli_opts_t common;
    bool parties;
    rdate_t as_of;
    const char *instrument;
} s_opts_t;

/* Returns the getopt index of the first positional argument, or -1 after
   printing usage or an error (exit code in *rc). */
static int
s_parse(int argc, char **argv, s_opts_t *opts, int *rc)
{
    static const struct option longs[] = {
        {"json", no_argument, NULL, 'j'},        {"timeout", required_argument, NULL, 't'},
        {"as-of", required_argument, NULL, 'a'}, {"parties", no_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0}};
    memset(opts, 0, sizeof *opts);
    opts->common.timeout_ms = CLI_TIMEOUT_MSEC_DEFAULT;
    opts->as_of = RDATE_NONE;
    optind = 1;
    opterr = 0;
    int c;
    *rc = CLI_USAGE;
    while ((c = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
        switch (c) {
        case 'j':
            opts->common.json = true;
            break;
        case 'p':
            opts->parties = true;
            break;
        case 't':
            if (cli_parse_seconds(optarg, &opts->common.timeout_ms) != 0) {
                fprintf(stderr, "ratifyctl status: --timeout takes seconds, not '%s'\n", optarg);
                return -1;
            }
            break;
        case 'a':
            if (rdate_parse(optarg, &opts->as_of) != 0) {
                fprintf(stderr, "ratifyctl status: --as-of takes a date YYYY-MM-DD, not '%s'\n",
                        optarg);
                return -1;
            }
            break;
        case 'h':
            fputs(s_usage, stdout);
            *rc = CLI_OK;
            return -1;
        default:
            fprintf(stderr, "ratifyctl status: unknown option '%s'\n%s", argv[optind - 1], s_usage);
            return -1;
        }
    }
    if (argc - optind > 1) {
        fprintf(stderr, "ratifyctl status: expected at most one instrument\n%s", s_usage);
        return -1;
    }
    opts->instrument = argc - optind == 1 ? argv[optind] : NULL;
    if (opts->parties && !opts->instrument) {
        fprintf(stderr, "ratifyctl status: --parties needs an INSTRUMENT\n%s", s_usage);
        return -1;
    }
    if (opts->instrument && strlen(opts->instrument) >= STATUS_INSTRUMENT_MAX) {
        fprintf(stderr, "ratifyctl status: the instrument name is too long\n");
        return -1;
    }
    *rc = CLI_OK;
    return optind;
}

/* Returns a JSON date ("YYYY-MM-DD") or null; caller owns the reference. */
static json_t *
s_json_date(rdate_t date)
{
    char buf[RDATE_ISO_SIZE];
    return date == RDATE_NONE ? json_null() : json_string(rdate_format(date, buf));
}

static json_t *
s_json_opt_str(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

static void
s_print_status_json(const milestone_status_t *s, rdate_t as_of)
{
    json_t *o = json_object();
    if (!o)
        return;
    json_object_set_new(o, "instrument", json_string(s->instrument));
    json_object_set_new(o, "reference", json_string(s->reference));
    json_object_set_new(o, "title", json_string(s->title));
    json_object_set_new(o, "parent", s_json_opt_str(s->parent));
    json_object_set_new(o, "signatures", json_integer(s->signatures));
    json_object_set_new(o, "parties", json_integer(s->parties));
    json_object_set_new(o, "counted", json_integer(s->counted));
    json_object_set_new(o, "threshold", json_integer(s->threshold));
    json_object_set_new(o, "threshold_date", s_json_date(s->threshold_date));
    json_object_set_new(o, "entry_into_force", s_json_date(s->entry_into_force));
    json_object_set_new(o, "stage", json_string(milestone_stage_name(s->stage)));
    json_object_set_new(o, "waiting_for", s_json_opt_str(s->waiting_for));
    json_object_set_new(o, "as_of", s_json_date(as_of));
    cli_print_json_value(stdout, o);
    json_decref(o);
}

static const char *
s_stage_words(rules_stage_t stage)
{
    return stage == RULES_STAGE_IN_FORCE ? "in force" : milestone_stage_name(stage);
}

static void
s_print_status_line(const milestone_status_t *s, int id_width, int ref_width)
{
    char td[RDATE_ISO_SIZE], eif[RDATE_ISO_SIZE];
    printf("%-*s  %-*s  signatures %lld  parties %lld/%lld", id_width, s->instrument, ref_width,
           s->reference, (long long) s->signatures, (long long) s->counted,
           (long long) s->threshold);
    if (s->parties > s->counted)
        printf(" (+%lld not counted)", (long long) (s->parties - s->counted));
    printf("  threshold %s  in force %s  %s",
           s->threshold_date == RDATE_NONE ? "-" : rdate_format(s->threshold_date, td),
           s->entry_into_force == RDATE_NONE ? "-" : rdate_format(s->entry_into_force, eif),
           s_stage_words(s->stage));
    if (s->waiting_for[0])
        printf(" (waiting for %s)", s->waiting_for);
    putchar('\n');
}

static int
s_print_status(const msg_in_t *reply, bool json)
{
    milestone_status_reply_t m;
    wire_err_t err;
    if (milestone_decode_status_reply(reply, &m, &err) != 0) {
        fprintf(stderr, "ratifyctl: unexpected reply: %s\n", err.message);
        return CLI_FAILED;
    }
    int id_width = 0, ref_width = 0;
    for (size_t i = 0; i < m.count; i++) {
        const int a = (int) strlen(m.instruments[i].instrument);
        const int b = (int) strlen(m.instruments[i].reference);
        id_width = a > id_width ? a : id_width;
        ref_width = b > ref_width ? b : ref_width;
    }
    for (size_t i = 0; i < m.count; i++) {
        if (json)
            s_print_status_json(&m.instruments[i], m.as_of);
        else
            s_print_status_line(&m.instruments[i], id_width, ref_width);
    }
    fflush(stdout);
    milestone_status_reply_clear(&m);
    return CLI_OK;
}

static void
s_print_party_json(const milestone_parties_reply_t *m, const milestone_party_t *p)
{
    json_t *o = json_object();
    if (!o)
        return;
    json_object_set_new(o, "instrument", json_string(m->instrument));
    json_object_set_new(o, "participant", json_string(p->participant));
    json_object_set_new(o, "name", json_string(p->name));
    json_object_set_new(o, "action", json_string(action_name(p->action)));
    json_object_set_new(o, "deposit", s_json_date(p->deposit));
    json_object_set_new(o, "entry_into_force", s_json_date(p->entry_into_force));
    json_object_set_new(o, "end", s_json_date(p->end));
    json_object_set_new(o, "as_of", s_json_date(m->as_of));
    cli_print_json_value(stdout, o);
    json_decref(o);
}

static void
s_print_party_line(const milestone_parties_reply_t *m, const milestone_party_t *p, int name_width)
{
    /* the deposit as UNTC prints it: "2003-07-01 a" for an accession */
    char date[RDATE_ISO_SIZE], dep[RDATE_ISO_SIZE + 4], eif[RDATE_ISO_SIZE], end[RDATE_ISO_SIZE];
    const char *suffix = action_untc_suffix(p->action);
    snprintf(dep, sizeof dep, "%s%s%s", rdate_format(p->deposit, date), *suffix ? " " : "", suffix);
    printf("%-4s  %-*s  %-12s  %-13s  in force %s", p->participant, name_width, p->name,
           action_name(p->action), dep,
           p->entry_into_force == RDATE_NONE ? "-" : rdate_format(p->entry_into_force, eif));
    if (p->end != RDATE_NONE)
        printf("  %s %s", p->end <= m->as_of ? "ended" : "ends", rdate_format(p->end, end));
    putchar('\n');
}

static int
s_print_parties(const msg_in_t *reply, bool json)
{
    milestone_parties_reply_t m;
    wire_err_t err;
    if (milestone_decode_parties_reply(reply, &m, &err) != 0) {
        fprintf(stderr, "ratifyctl: unexpected reply: %s\n", err.message);
        return CLI_FAILED;
    }
    int name_width = 0;
    for (size_t i = 0; i < m.count; i++) {
        const int w = (int) strlen(m.parties[i].name);
        name_width = w > name_width ? w : name_width;
    }
    for (size_t i = 0; i < m.count; i++) {
        if (json)
            s_print_party_json(&m, &m.parties[i]);
        else
            s_print_party_line(&m, &m.parties[i], name_width);
    }
    fflush(stdout);
    milestone_parties_reply_clear(&m);
    return CLI_OK;
}

int
cmd_status(int argc, char **argv)
{
    s_opts_t opts;
    int rc = CLI_OK;
    if (s_parse(argc, argv, &opts, &rc) < 0)
        return rc;
    msgpack_sbuffer req;
    msgpack_sbuffer_init(&req);
    if (opts.parties) {
        milestone_parties_req_t m = {.as_of = opts.as_of};
        snprintf(m.instrument, sizeof m.instrument, "%s", opts.instrument);
        rc = milestone_encode_parties(&m, &req) == 0 ? CLI_OK : CLI_FAILED;
    }
    else {
        milestone_status_req_t m = {.as_of = opts.as_of};
        snprintf(m.instrument, sizeof m.instrument, "%s", opts.instrument ? opts.instrument : "");
        rc = milestone_encode_status(&m, &req) == 0 ? CLI_OK : CLI_FAILED;
    }
    rpc_client_t *client = rc == CLI_OK ? rpc_client_new(cli_service_endpoint("threshold")) : NULL;
    msg_in_t *reply = NULL;
    if (rc == CLI_OK && !client) {
        fprintf(stderr, "ratifyctl: cannot create a socket\n");
        rc = CLI_FAILED;
    }
    if (rc == CLI_OK
        && (rc = cli_call(client, "threshold", &req, opts.common.timeout_ms, &reply)) == CLI_OK
        && (rc = cli_check_error(reply)) == CLI_OK)
        rc = opts.parties ? s_print_parties(reply, opts.common.json)
                          : s_print_status(reply, opts.common.json);
    msg_in_destroy(&reply);
    rpc_client_destroy(&client);
    msgpack_sbuffer_destroy(&req);
    return rc;
}
