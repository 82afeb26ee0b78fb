/*  ratifyctl report: ask the reporter for a report and print it.

    The request is one "report" message (report_msg.h); the reporter
    builds the report and answers with the whole document, which goes to
    stdout, or to -o FILE. The kind, format and date are checked here too,
    so a typo is a usage error (exit 2) before anything is sent; the
    reporter checks them again (it trusts no client) and says what is wrong
    in its "error" reply (exit 1). */
#include "cli.h"
#include "report_msg.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *s_usage =
    "Usage: ratifyctl report [annex|status|progress] [--format FMT] [--as-of DATE]\n"
    "                        [--instrument ID] [-o FILE] [--timeout S]\n"
    "\n"
    "Asks the reporter for a report and prints it (or writes it to FILE).\n"
    "  annex     the annex of the UN report: table A (signatures and ratifications of\n"
    "            each instrument) and one numbered list of parties per instrument,\n"
    "            names as on the date, with footnotes on changes of name (default)\n"
    "  status    the UNTC status table of one instrument (--instrument is required):\n"
    "            signature, instrument of consent, entry into force for each party\n"
    "  progress  counted instruments against each threshold, entry into force,\n"
    "            projections, and the cumulative series\n"
    "Options:\n"
    "  --format FMT      text (default), md, csv, json, html; svg for progress\n"
    "  --as-of DATE      the date the report is as at, YYYY-MM-DD (default: today,\n"
    "                    as the reporter sees it: RATIFY_TODAY or its clock)\n"
    "  --instrument ID   for status: a catalog id (UNTOC) or UNTC reference (XVIII-12-a)\n"
    "  -o, --output FILE write the report to FILE instead of stdout\n"
    "  --timeout S       seconds to wait for the reporter (default 5)\n"
    "Exit codes: 0 printed, 1 refused by the reporter (reason on stderr), 2 usage\n"
    "error, 3 the reporter did not answer, 4 other failure (e.g. FILE not writable).\n"
    "\n"
    "Examples:\n"
    "  ratifyctl report annex --as-of 2003-07-02          # the seed's tables A to E\n"
    "  ratifyctl report status --instrument UNTOC --format csv -o untoc.csv\n"
    "  ratifyctl report progress --format html -o progress.html\n"
    "  ratifyctl report annex --format json | jq '.instruments[0].entry_into_force'\n"
    "The same reports are served over HTTP at RATIFY_REPORTER_HTTP (/ is a dashboard).\n";

static const char *s_kinds[] = {"annex", "status", "progress"};
static const char *s_formats[] = {"text", "txt", "md", "markdown", "csv", "json", "html", "svg"};

static bool
s_one_of(const char *text, const char **names, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (strcasecmp(text, names[i]) == 0)
            return true;
    return false;
}

/* Copies text into dst (cap bytes). Returns 0, or -1 when it does not fit. */
static int
s_copy(char *dst, size_t cap, const char *text)
{
    if (strlen(text) >= cap)
        return -1;
    memcpy(dst, text, strlen(text) + 1);
    return 0;
}

/* Parses the command line into *m, *output and *timeout_ms. Returns -1
   when parsing went on, else the exit code to return (help or usage). */
static int
s_parse(int argc, char **argv, report_msg_request_t *m, const char **output, int *timeout_ms)
{
    static const struct option longs[] = {{"format", required_argument, NULL, 'f'},
                                          {"as-of", required_argument, NULL, 'a'},
                                          {"instrument", required_argument, NULL, 'i'},
                                          {"output", required_argument, NULL, 'o'},
                                          {"timeout", required_argument, NULL, 't'},
                                          {"help", no_argument, NULL, 'h'},
                                          {NULL, 0, NULL, 0}};
    memset(m, 0, sizeof *m);
    snprintf(m->kind, sizeof m->kind, "annex");
    snprintf(m->format, sizeof m->format, "text");
    *output = NULL;
    *timeout_ms = CLI_TIMEOUT_MSEC_DEFAULT;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "ho:", longs, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (!s_one_of(optarg, s_formats, sizeof s_formats / sizeof *s_formats)
                || s_copy(m->format, sizeof m->format, optarg)) {
                fprintf(stderr,
                        "ratifyctl report: --format takes text, md, csv, json, html or svg, "
                        "not '%s'\n",
                        optarg);
                return CLI_USAGE;
            }
            break;
        case 'a': {
            rdate_t date;
            if (rdate_parse(optarg, &date) != 0 || s_copy(m->as_of, sizeof m->as_of, optarg)) {
                fprintf(stderr, "ratifyctl report: --as-of takes a date YYYY-MM-DD, not '%s'\n",
                        optarg);
                return CLI_USAGE;
            }
            break;
        }
        case 'i':
            if (!*optarg || s_copy(m->instrument, sizeof m->instrument, optarg)) {
                fprintf(stderr, "ratifyctl report: --instrument takes an id or UNTC reference\n");
                return CLI_USAGE;
            }
            break;
        case 'o':
            *output = optarg;
            break;
        case 't':
            if (cli_parse_seconds(optarg, timeout_ms) != 0) {
                fprintf(stderr, "ratifyctl report: --timeout takes seconds, not '%s'\n", optarg);
                return CLI_USAGE;
            }
            break;
        case 'h':
            fputs(s_usage, stdout);
            return CLI_OK;
        default:
            fprintf(stderr, "ratifyctl report: unknown or incomplete option '%s'\n%s",
                    argv[optind - 1], s_usage);
            return CLI_USAGE;
        }
    }
    if (argc - optind > 1) {
        fprintf(stderr, "ratifyctl report: expected at most one kind, got '%s' and more\n%s",
                argv[optind], s_usage);
        return CLI_USAGE;
    }
    if (argc - optind == 1) {
        if (!s_one_of(argv[optind], s_kinds, sizeof s_kinds / sizeof *s_kinds)) {
            fprintf(stderr, "ratifyctl report: the kind is annex, status or progress, not '%s'\n",
                    argv[optind]);
            return CLI_USAGE;
        }
        snprintf(m->kind, sizeof m->kind, "%s", argv[optind]);
    }
    const bool status = strcasecmp(m->kind, "status") == 0;
    if (status && !m->instrument[0]) {
        fprintf(stderr, "ratifyctl report status: --instrument ID is required (a catalog id such "
                        "as UNTOC, or a UNTC reference; `ratifyctl catalog instruments` lists "
                        "them)\n");
        return CLI_USAGE;
    }
    if (!status && m->instrument[0]) {
        fprintf(stderr, "ratifyctl report: --instrument applies to the status report only\n");
        return CLI_USAGE;
    }
    if (strcasecmp(m->format, "svg") == 0 && strcasecmp(m->kind, "progress") != 0) {
        fprintf(stderr, "ratifyctl report: the svg format is for the progress report only\n");
        return CLI_USAGE;
    }
    return -1;
}

/* Writes the body to path, or to stdout when path is NULL. Returns CLI_OK
   or CLI_FAILED (reason printed). */
static int
s_write(const char *path, const report_msg_reply_t *r)
{
    FILE *out = path ? fopen(path, "wb") : stdout;
    if (!out) {
        fprintf(stderr, "ratifyctl report: cannot write %s: %s\n", path, strerror(errno));
        return CLI_FAILED;
    }
    const bool ok = fwrite(r->body, 1, r->body_len, out) == r->body_len;
    const bool flushed = path ? fclose(out) == 0 : fflush(out) == 0;
    if (!ok || !flushed) {
        fprintf(stderr, "ratifyctl report: cannot write %s: %s\n", path ? path : "stdout",
                strerror(errno));
        return CLI_FAILED;
    }
    return CLI_OK;
}

int
cmd_report(int argc, char **argv)
{
    report_msg_request_t m;
    const char *output;
    int timeout_ms;
    int rc = s_parse(argc, argv, &m, &output, &timeout_ms);
    if (rc >= 0)
        return rc;
    rpc_client_t *client = rpc_client_new(cli_service_endpoint("reporter"));
    msgpack_sbuffer req;
    msgpack_sbuffer_init(&req);
    msg_in_t *reply = NULL;
    report_msg_reply_t r = {0};
    wire_err_t err;
    if (!client || report_msg_encode_request(&m, &req) != 0) {
        fprintf(stderr, "ratifyctl report: out of memory\n");
        rc = CLI_FAILED;
    }
    else if ((rc = cli_call(client, "reporter", &req, timeout_ms, &reply)) != CLI_OK
             || (rc = cli_check_error(reply)) != CLI_OK)
        ;
    else if (report_msg_decode_reply(reply, &r, &err) != 0) {
        fprintf(stderr, "ratifyctl report: unexpected reply: %s\n", err.message);
        rc = CLI_FAILED;
    }
    else
        rc = s_write(output, &r);
    report_msg_reply_clear(&r);
    msg_in_destroy(&reply);
    msgpack_sbuffer_destroy(&req);
    rpc_client_destroy(&client);
    return rc;
}
