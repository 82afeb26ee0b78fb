/*  ratifyctl watch STREAM: every message a stream publishes, decoded.

    Live messages are printed as they arrive, with their topic and sequence;
    --from SEQ first replays from the stream owner's API and then goes on
    live without duplicates or gaps (common/follow.h). */
#include "cli.h"

#include "follow.h"
#include "sock.h"
#include "wirejson.h"

#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct {
    const char *name; /* what the user types */
    follow_stream_t stream;
} s_streams[] = {
    {"registry", FOLLOW_REGISTRY},
    {"threshold", FOLLOW_THRESHOLD},
    {"alerts", FOLLOW_ALERTS},
};

static volatile sig_atomic_t s_interrupted = 0;

static void
s_on_signal(int sig)
{
    (void) sig;
    s_interrupted = 1;
}

typedef struct {
    follow_config_t cfg; /* the stream, named as the user typed it */
    bool json, hex, heartbeats;
    long long count, printed;
} s_watch_t;

static void
s_print(s_watch_t *w, const char *topic, int64_t seq, const msgpack_object *obj, const void *bytes,
        size_t size)
{
    json_t *msg = wirejson_from_msgpack(obj);
    if (!msg)
        return;
    if (w->json) {
        json_t *line = json_pack("{s:s, s:s, s:I, s:O}", "stream", w->cfg.name, "topic", topic,
                                 "seq", (json_int_t) seq, "message", msg);
        if (line && w->hex) {
            char *hex = malloc(size * 2 + 1);
            for (size_t i = 0; hex && i < size; i++)
                sprintf(hex + 2 * i, "%02x", ((const unsigned char *) bytes)[i]);
            if (hex)
                json_object_set_new(line, "hex", json_string(size ? hex : ""));
            free(hex);
        }
        if (line)
            cli_print_json_value(stdout, line);
        json_decref(line);
    }
    else {
        printf("%s #%lld ", topic, (long long) seq);
        cli_print_json_value(stdout, msg);
        if (w->hex) {
            printf("  ");
            for (size_t i = 0; i < size; i++)
                printf("%02x", ((const unsigned char *) bytes)[i]);
            putchar('\n');
        }
        fflush(stdout);
    }
    json_decref(msg);
    w->printed++;
}

/* follow.h delivery for --from: re-pack the item to show its bytes. */
static int
s_deliver(void *ctx, int64_t seq, const msgpack_object *item)
{
    s_watch_t *w = ctx;
    if (w->count > 0 && w->printed >= w->count)
        return -1; /* --count reached: the rest of a replay batch stays unprinted */
    msgpack_sbuffer buf;
    msgpack_sbuffer_init(&buf);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &buf, msgpack_sbuffer_write);
    msgpack_pack_object(&pk, *item);
    s_print(w, w->cfg.topic, seq, item, buf.data, buf.size);
    msgpack_sbuffer_destroy(&buf);
    return 0;
}

static const char *s_usage =
    "Usage: ratifyctl watch STREAM [--from SEQ] [--hex] [--heartbeats] [--count N]\n"
    "                       [--timeout S] [--json]\n"
    "\n"
    "Prints every message published on a stream (registry, threshold, alerts), decoded\n"
    "to JSON, with its topic and sequence number, until Ctrl-C. --from SEQ replays\n"
    "from SEQ through the stream owner's API first, then goes on live with no gap\n"
    "and no duplicate. --hex adds the bytes; --heartbeats shows heartbeats too;\n"
    "--count N stops after N messages; --timeout S stops after S seconds of silence.\n"
    "--json (or a pipe) prints one JSON object per line: stream, topic, seq, message.\n"
    "\n"
    "Example: ratifyctl watch registry --from 1 --count 5\n";

int
cmd_watch(int argc, char **argv)
{
    static const struct option longs[] = {
        {"json", no_argument, NULL, 'j'},        {"hex", no_argument, NULL, 'x'},
        {"heartbeats", no_argument, NULL, 'b'},  {"from", required_argument, NULL, 'f'},
        {"count", required_argument, NULL, 'c'}, {"timeout", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0}};
    s_watch_t w = {.json = !isatty(STDOUT_FILENO)};
    long long from = -1;
    int silence_ms = -1;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
        if (c == 'j')
            w.json = true;
        else if (c == 'x')
            w.hex = true;
        else if (c == 'b')
            w.heartbeats = true;
        else if (c == 'f' && cli_parse_int(optarg, &from) == 0)
            ;
        else if (c == 'c' && cli_parse_int(optarg, &w.count) == 0)
            ;
        else if (c == 't' && cli_parse_seconds(optarg, &silence_ms) == 0)
            ;
        else if (c == 'h') {
            fputs(s_usage, stdout);
            return CLI_OK;
        }
        else {
            fprintf(stderr, "ratifyctl watch: bad option '%s'\n%s", argv[optind - 1], s_usage);
            return CLI_USAGE;
        }
    }
    if (argc - optind != 1) {
        fprintf(stderr, "ratifyctl watch: expected one STREAM\n%s", s_usage);
        return CLI_USAGE;
    }
    for (size_t i = 0; i < sizeof s_streams / sizeof s_streams[0]; i++)
        if (strcmp(argv[optind], s_streams[i].name) == 0)
            w.cfg = follow_config(s_streams[i].stream, s_streams[i].name, CLI_TIMEOUT_MSEC_DEFAULT);
    if (!w.cfg.name) {
        fprintf(stderr, "ratifyctl watch: unknown stream '%s' (registry, threshold, alerts)\n",
                argv[optind]);
        return CLI_USAGE;
    }
    signal(SIGINT, s_on_signal);
    signal(SIGTERM, s_on_signal);

    follow_t *follow = NULL;
    zsock_t *sub = NULL;
    if (from >= 0) {
        follow = follow_new(&w.cfg, from > 0 ? from - 1 : 0, s_deliver, &w);
        if (!follow)
            return CLI_FAILED;
    }
    else {
        sub = sock_new_client(ZMQ_SUB, w.cfg.stream_endpoint, "");
        if (!sub)
            return CLI_FAILED;
    }
    /* the follower's replays, when the owner does not answer them, are
       given up and asked again, each failure logged on stderr */
    zpoller_t *poller = zpoller_new(sub, NULL);
    if (!poller || (follow && follow_attach(follow, poller) != 0)) {
        fprintf(stderr, "ratifyctl watch: cannot create sockets\n");
        zpoller_destroy(&poller);
        follow_destroy(&follow);
        zsock_destroy(&sub);
        return CLI_FAILED;
    }
    int rc = CLI_OK;
    int64_t last_activity = zclock_mono();
    if (follow)
        follow_tick(follow);
    while (!s_interrupted && (w.count == 0 || w.printed < w.count)) {
        const long long before = w.printed;
        void *which = zpoller_wait(poller, 200);
        if (which && which == sub) {
            zmsg_t *zm = zmsg_recv(sub);
            zframe_t *topic = zm ? zmsg_first(zm) : NULL;
            zframe_t *body = zm ? zmsg_next(zm) : NULL;
            wire_err_t err;
            msg_in_t *in = body ? msg_in_parse(zframe_data(body), zframe_size(body), &err) : NULL;
            char *tname = topic ? zframe_strdup(topic) : NULL;
            if (!in)
                fprintf(stderr, "ratifyctl watch: a malformed message (%s)\n",
                        body ? err.message : "missing frames");
            else if (msg_in_type(in) != MSG_HEARTBEAT || w.heartbeats) {
                int64_t seq = 0;
                const char *key = msg_in_type(in) == MSG_HEARTBEAT ? "last_seq" : w.cfg.seq_key;
                wire_get_int(msg_in_root(in), key, &seq, false, &err);
                s_print(&w, tname ? tname : "", seq, msg_in_root(in), zframe_data(body),
                        zframe_size(body));
            }
            free(tname);
            msg_in_destroy(&in);
            zmsg_destroy(&zm);
        }
        /* reads what came; a replay given up is asked again */
        if (follow && follow_tick(follow) < 0 && (w.count == 0 || w.printed < w.count))
            rc = CLI_FAILED;
        if (w.printed != before)
            last_activity = zclock_mono();
        else if (silence_ms >= 0 && zclock_mono() - last_activity >= silence_ms)
            break;
        if (rc != CLI_OK)
            break;
    }
    zpoller_destroy(&poller);
    follow_destroy(&follow);
    if (sub)
        zsock_set_linger(sub, 0);
    zsock_destroy(&sub);
    return rc;
}
