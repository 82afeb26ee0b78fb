/*  ratifyctl subscribe: the notifier's alerts, each printed once, in
    sequence order.

    A contract for scripts: it subscribes first (the SUB socket connects
    before any replay), then replays from --from through alerts.since, and
    merges the two with follow.h -- an alert at or below the last printed is
    dropped, a gap in the sequence or a heartbeat announcing more than was
    printed triggers a replay -- so every alert is printed exactly once, in
    order. Without --from it starts after the notifier's last sequence (asked
    with ping, which is sent with --from too, to fail fast when the notifier
    is not there): only new alerts. --type filters by type prefix on this side
    (the SUB topic is always "org.ratify.", so a filtered-out alert never
    looks like a gap).

    It stops after --count printed alerts or --timeout seconds without
    printing one, and exits 0 for either; 3 when the notifier did not answer
    (at start, or still owing a replay when the timeout came), 4 on a
    malformed alert. */
#include "alert.h"
#include "cli.h"

#include "follow.h"

#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#define SUBSCRIBE_POLL_MSEC   200 /* longest wait between follow ticks */
#define SUBSCRIBE_NAMES_SHOWN 3   /* participants named in the human form */

static volatile sig_atomic_t s_interrupted = 0;

static void
s_on_signal(int sig)
{
    (void) sig;
    s_interrupted = 1;
}

typedef struct {
    bool json;
    const char *prefix; /* type prefix, "" = all */
    long long count;    /* stop after this many printed, 0 = never */
    long long printed;
    bool failed; /* a malformed alert */
} s_sub_t;

static void
s_print_human(const alert_t *a)
{
    char td[RDATE_ISO_SIZE] = "-", eif[RDATE_ISO_SIZE] = "-";
    if (a->threshold_date != RDATE_NONE)
        rdate_format(a->threshold_date, td);
    if (a->entry_into_force != RDATE_NONE)
        rdate_format(a->entry_into_force, eif);
    const char *type = a->type;
    if (strncmp(type, ALERT_TYPE_PREFIX, strlen(ALERT_TYPE_PREFIX)) == 0)
        type += strlen(ALERT_TYPE_PREFIX);
    printf("%6lld  %-27s %-9s %3lld/%-3lld threshold date %s  entry into force %s",
           (long long) a->sequence, type, a->instrument, (long long) a->count,
           (long long) a->threshold, td, eif);
    if (a->waiting_for[0])
        printf("  (waiting for %s)", a->waiting_for);
    for (size_t i = 0; i < a->participant_count && i < SUBSCRIBE_NAMES_SHOWN; i++)
        printf("%s%s", i ? ", " : "  ", a->participants[i].name);
    if (a->participant_count > SUBSCRIBE_NAMES_SHOWN)
        printf(" and %zu more", a->participant_count - SUBSCRIBE_NAMES_SHOWN);
    putchar('\n');
    fflush(stdout);
}

/* follow.h delivery: decode, filter, print. */
static int
s_deliver(void *ctx, int64_t seq, const msgpack_object *item)
{
    s_sub_t *s = ctx;
    if (s->count > 0 && s->printed >= s->count)
        return -1; /* done: leave the rest unconsumed */
    alert_t a;
    wire_err_t err;
    if (alert_read(item, &a, &err) != 0) {
        fprintf(stderr, "ratifyctl subscribe: alert %lld is malformed: %s\n", (long long) seq,
                err.message);
        s->failed = true;
        return -1;
    }
    if (strncmp(a.type, s->prefix, strlen(s->prefix)) == 0) {
        if (s->json) {
            json_t *j = alert_to_json(&a);
            if (j)
                cli_print_json_value(stdout, j);
            json_decref(j);
        }
        else
            s_print_human(&a);
        s->printed++;
    }
    alert_clear(&a);
    return 0;
}

/* Asks the notifier for its last sequence. Returns a CLI exit code. */
static int
s_last_seq(int timeout_ms, int64_t *last)
{
    rpc_client_t *client = rpc_client_new(cli_service_endpoint("notifier"));
    msgpack_sbuffer req;
    msgpack_sbuffer_init(&req);
    msg_in_t *reply = NULL;
    int rc = CLI_FAILED;
    if (client && msg_encode_ping(&req) == 0
        && (rc = cli_call(client, "notifier", &req, timeout_ms, &reply)) == CLI_OK
        && (rc = cli_check_error(reply)) == CLI_OK) {
        msg_pong_t pong;
        wire_err_t err;
        if (msg_decode_pong(reply, &pong, &err) != 0) {
            fprintf(stderr, "ratifyctl subscribe: unexpected reply: %s\n", err.message);
            rc = CLI_FAILED;
        }
        else
            *last = pong.last_seq;
    }
    msg_in_destroy(&reply);
    msgpack_sbuffer_destroy(&req);
    rpc_client_destroy(&client);
    return rc;
}

static const char *s_usage =
    "Usage: ratifyctl subscribe [--from SEQ] [--type PREFIX] [--count N] [--timeout S]\n"
    "                           [--json]\n"
    "\n"
    "Prints the notifier's alerts, each exactly once and in sequence order: it\n"
    "subscribes to RATIFY_NOTIFIER_ALERTS first, then replays from SEQ (default: only\n"
    "alerts after the current last one; 0 or 1: from the first), fills any gap it\n"
    "sees (in the sequence, or announced by a heartbeat) by replay, and goes on live.\n"
    "  --type PREFIX  only alerts whose type starts with PREFIX\n"
    "                 (e.g. org.ratify.threshold. or org.ratify.entry_into_force.)\n"
    "  --count N      stop after N alerts\n"
    "  --timeout S    stop after S seconds (may be fractional) without an alert; the\n"
    "                 notifier has S seconds to answer at start, at most 5\n"
    "  --json         the CloudEvents JSON form, one alert per line\n"
    "Exit 0 when it stopped after --count alerts, --timeout seconds of silence or\n"
    "Ctrl-C; 3 when the notifier does not answer; 4 on a malformed alert.\n"
    "\n"
    "Example: ratifyctl subscribe --from 1 --json --timeout 2\n";

int
cmd_subscribe(int argc, char **argv)
{
    static const struct option longs[] = {{"json", no_argument, NULL, 'j'},
                                          {"from", required_argument, NULL, 'f'},
                                          {"type", required_argument, NULL, 'y'},
                                          {"count", required_argument, NULL, 'c'},
                                          {"timeout", required_argument, NULL, 't'},
                                          {"help", no_argument, NULL, 'h'},
                                          {NULL, 0, NULL, 0}};
    s_sub_t s = {.prefix = ""};
    long long from = -1;
    int silence_ms = -1;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
        if (c == 'j')
            s.json = true;
        else if (c == 'f' && cli_parse_int(optarg, &from) == 0)
            ;
        else if (c == 'y' && strlen(optarg) < ALERT_TYPE_MAX)
            s.prefix = optarg;
        else if (c == 'c' && cli_parse_int(optarg, &s.count) == 0)
            ;
        else if (c == 't' && cli_parse_seconds(optarg, &silence_ms) == 0)
            ;
        else if (c == 'h') {
            fputs(s_usage, stdout);
            return CLI_OK;
        }
        else {
            fprintf(stderr, "ratifyctl subscribe: bad option or value '%s'\n%s", argv[optind - 1],
                    s_usage);
            return CLI_USAGE;
        }
    }
    if (optind != argc) {
        fprintf(stderr, "ratifyctl subscribe: unexpected argument '%s'\n%s", argv[optind], s_usage);
        return CLI_USAGE;
    }
    const size_t plen = strlen(s.prefix), base = strlen(ALERT_TYPE_PREFIX);
    if (strncmp(s.prefix, ALERT_TYPE_PREFIX, plen < base ? plen : base) != 0) {
        fprintf(stderr, "ratifyctl subscribe: alert types start with \"%s\"; '%s' matches none\n",
                ALERT_TYPE_PREFIX, s.prefix);
        return CLI_USAGE;
    }

    /* asked even with --from: a notifier that is not there is an error */
    int64_t start = 0;
    /* the ping fails fast: within --timeout when it is shorter than the default */
    const int ping_ms = silence_ms > 0 && silence_ms < CLI_TIMEOUT_MSEC_DEFAULT
                            ? silence_ms
                            : CLI_TIMEOUT_MSEC_DEFAULT;
    int rc = s_last_seq(ping_ms, &start);
    if (rc != CLI_OK)
        return rc;
    if (from >= 0)
        start = from > 1 ? from - 1 : 0;
    signal(SIGINT, s_on_signal);
    signal(SIGTERM, s_on_signal);
    const follow_config_t cfg =
        follow_config(FOLLOW_ALERTS, "ratifyctl subscribe", CLI_TIMEOUT_MSEC_DEFAULT);
    follow_t *follow = follow_new(&cfg, start, s_deliver, &s);
    zpoller_t *poller = follow ? zpoller_new(NULL) : NULL;
    if (!poller || follow_attach(follow, poller) != 0) {
        fprintf(stderr, "ratifyctl subscribe: cannot create sockets\n");
        zpoller_destroy(&poller);
        follow_destroy(&follow);
        return CLI_FAILED;
    }
    int64_t last_activity = zclock_mono();
    follow_tick(follow);
    while (!s_interrupted && !s.failed && (s.count == 0 || s.printed < s.count)) {
        const long long before = s.printed;
        int wait = SUBSCRIBE_POLL_MSEC;
        if (silence_ms >= 0) {
            const int64_t left = last_activity + silence_ms - zclock_mono();
            wait = left < 0 ? 0 : left < wait ? (int) left : wait;
        }
        zpoller_wait(poller, wait);
        follow_tick(follow); /* reads what came; a replay given up is asked again */
        if (s.printed != before)
            last_activity = zclock_mono();
        else if (silence_ms >= 0 && zclock_mono() - last_activity >= silence_ms)
            break;
    }
    if (s.failed)
        rc = CLI_FAILED;
    else if (!s_interrupted && (s.count == 0 || s.printed < s.count)
             && follow_known_seq(follow) > follow_last_seq(follow)) {
        fprintf(stderr,
                "ratifyctl subscribe: the notifier announced alerts up to %lld but did not "
                "replay those after %lld\n",
                (long long) follow_known_seq(follow), (long long) follow_last_seq(follow));
        rc = CLI_TIMEOUT;
    }
    zpoller_destroy(&poller);
    follow_destroy(&follow);
    return rc;
}
