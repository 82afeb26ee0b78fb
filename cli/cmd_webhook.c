/*  ratifyctl webhook add | list | remove | dead | redeliver: the notifier's
    webhook subscriptions and its dead-letter list.

    Each subcommand is one request to the notifier (alert.h's codecs) and
    prints the answer for people, or with --json one JSON object per
    subscription or delivery per line (the protocol's field names). */
#include "alert.h"
#include "cli.h"
#include "wirejson.h"

#include <getopt.h>
#include <string.h>

typedef struct {
    cli_opts_t opts;
    const char *type_prefix;
    const char *secret;
} s_args_t;

static const char *s_usage =
    "Usage: ratifyctl webhook add URL [--type PREFIX] [--secret SECRET]\n"
    "       ratifyctl webhook list\n"
    "       ratifyctl webhook remove ID\n"
    "       ratifyctl webhook dead\n"
    "       ratifyctl webhook redeliver DELIVERY\n"
    "       (each also takes --json and --timeout S)\n"
    "\n"
    "Manages the notifier's webhook subscriptions. Every alert whose type starts with\n"
    "PREFIX (default: every alert) is POSTed to URL as a CloudEvents JSON document\n"
    "(Content-Type: application/cloudevents+json), signed per Standard Webhooks with\n"
    "SECRET (\"whsec_\" + base64 of 24 to 64 bytes; generated and printed when omitted):\n"
    "headers webhook-id (the alert id), webhook-timestamp and webhook-signature.\n"
    "Failed attempts (no answer, 408, 425, 429, 5xx) are retried with back-off; a 410\n"
    "ends the subscription; other answers, or the last failed retry, put the delivery\n"
    "on the dead-letter list, which `dead` shows and `redeliver` sends again.\n"
    "Exit 0 on success, 1 when the notifier refused (reason on stderr), 2 on a usage\n"
    "error, 3 when the notifier does not answer.\n"
    "\n"
    "Example: ratifyctl webhook add https://example.org/hooks/ratify --type "
    "org.ratify.threshold.\n";

/* Parses the options after the subcommand; returns the index of the first
   positional argument, or -1 with the exit code in *rc. */
static int
s_parse(int argc, char **argv, s_args_t *a, int *rc)
{
    static const struct option longs[] = {
        {"json", no_argument, NULL, 'j'},       {"timeout", required_argument, NULL, 't'},
        {"type", required_argument, NULL, 'y'}, {"secret", required_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},       {NULL, 0, NULL, 0}};
    memset(a, 0, sizeof *a);
    a->opts.timeout_ms = CLI_TIMEOUT_MSEC_DEFAULT;
    a->type_prefix = "";
    a->secret = "";
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
        if (c == 'j')
            a->opts.json = true;
        else if (c == 't' && cli_parse_seconds(optarg, &a->opts.timeout_ms) == 0)
            ;
        else if (c == 'y')
            a->type_prefix = optarg;
        else if (c == 's')
            a->secret = optarg;
        else if (c == 'h') {
            fputs(s_usage, stdout);
            *rc = CLI_OK;
            return -1;
        }
        else {
            fprintf(stderr, "ratifyctl webhook %s: bad option or value '%s'\n%s", argv[0],
                    argv[optind - 1], s_usage);
            *rc = CLI_USAGE;
            return -1;
        }
    }
    return optind;
}

/* Sends one request; on CLI_OK *reply is a non-error answer (caller
   destroys it). */
static int
s_call(const msgpack_sbuffer *req, const cli_opts_t *opts, msg_in_t **reply)
{
    rpc_client_t *client = rpc_client_new(cli_service_endpoint("notifier"));
    if (!client) {
        fprintf(stderr, "ratifyctl: cannot create a socket\n");
        return CLI_FAILED;
    }
    int rc = cli_call(client, "notifier", req, opts->timeout_ms, reply);
    if (rc == CLI_OK && (rc = cli_check_error(*reply)) != CLI_OK)
        msg_in_destroy(reply);
    rpc_client_destroy(&client);
    return rc;
}

static int
s_bad_reply(const wire_err_t *err)
{
    fprintf(stderr, "ratifyctl webhook: unexpected reply: %s\n", err->message);
    return CLI_FAILED;
}

/* Prints each element of the reply's array `key` as one JSON line. */
static void
s_print_rows(const msg_in_t *reply, const char *key)
{
    const msgpack_object *arr = wire_map_get(msg_in_root(reply), key);
    for (uint32_t i = 0; arr && arr->type == MSGPACK_OBJECT_ARRAY && i < arr->via.array.size; i++) {
        json_t *j = wirejson_from_msgpack(&arr->via.array.ptr[i]);
        if (j)
            cli_print_json_value(stdout, j);
        json_decref(j);
    }
}

static const char *
s_types(const char *prefix)
{
    return prefix[0] ? prefix : "every alert";
}

static int
s_add(const s_args_t *a, const char *url)
{
    alert_hook_add_t m;
    memset(&m, 0, sizeof m);
    if (strlen(url) >= sizeof m.url || strlen(a->type_prefix) >= sizeof m.type_prefix
        || strlen(a->secret) >= sizeof m.secret) {
        fprintf(stderr, "ratifyctl webhook add: URL, --type or --secret is too long\n");
        return CLI_USAGE;
    }
    strcpy(m.url, url);
    strcpy(m.type_prefix, a->type_prefix);
    strcpy(m.secret, a->secret);
    msgpack_sbuffer req;
    msgpack_sbuffer_init(&req);
    msg_in_t *reply = NULL;
    int rc = alert_encode_hook_add(&m, &req) == 0 ? s_call(&req, &a->opts, &reply) : CLI_FAILED;
    if (rc == CLI_OK) {
        alert_hook_t h;
        wire_err_t err;
        if (alert_decode_hook(reply, &h, &err) != 0)
            rc = s_bad_reply(&err);
        else if (a->opts.json)
            cli_print_json(stdout, reply);
        else
            printf("webhook %lld added: %s (%s)\nsecret: %s\n", (long long) h.id, h.url,
                   s_types(h.type_prefix), h.secret);
    }
    msg_in_destroy(&reply);
    msgpack_sbuffer_destroy(&req);
    return rc;
}

static int
s_list(const s_args_t *a)
{
    msgpack_sbuffer req;
    msgpack_sbuffer_init(&req);
    msg_in_t *reply = NULL;
    int rc = alert_encode_hook_query(MSG_WEBHOOK_LIST, 0, &req) == 0
                 ? s_call(&req, &a->opts, &reply)
                 : CLI_FAILED;
    alert_hooks_t list = {0};
    wire_err_t err;
    if (rc == CLI_OK && alert_decode_hooks(reply, &list, &err) != 0)
        rc = s_bad_reply(&err);
    else if (rc == CLI_OK && a->opts.json)
        s_print_rows(reply, "webhooks");
    else if (rc == CLI_OK) {
        if (list.count == 0)
            printf("no webhooks\n");
        else
            printf("%4s  %-6s  %7s  %9s  %4s  %-28s  %s\n", "ID", "STATUS", "PENDING", "DELIVERED",
                   "DEAD", "TYPES", "URL");
        for (size_t i = 0; i < list.count; i++) {
            const alert_hook_t *h = &list.hooks[i];
            printf("%4lld  %-6s  %7lld  %9lld  %4lld  %-28s  %s\n", (long long) h->id, h->status,
                   (long long) h->pending, (long long) h->delivered, (long long) h->dead,
                   s_types(h->type_prefix), h->url);
        }
    }
    alert_hooks_clear(&list);
    msg_in_destroy(&reply);
    msgpack_sbuffer_destroy(&req);
    return rc;
}

static int
s_remove(const s_args_t *a, long long id)
{
    msgpack_sbuffer req;
    msgpack_sbuffer_init(&req);
    msg_in_t *reply = NULL;
    int rc = alert_encode_hook_id(MSG_WEBHOOK_REMOVE, id, &req) == 0
                 ? s_call(&req, &a->opts, &reply)
                 : CLI_FAILED;
    if (rc == CLI_OK) {
        alert_hook_t h;
        wire_err_t err;
        if (alert_decode_hook(reply, &h, &err) != 0)
            rc = s_bad_reply(&err);
        else if (a->opts.json)
            cli_print_json(stdout, reply);
        else
            printf("webhook %lld removed: %s (%lld pending and %lld dead deliveries dropped)\n",
                   (long long) h.id, h.url, (long long) h.pending, (long long) h.dead);
    }
    msg_in_destroy(&reply);
    msgpack_sbuffer_destroy(&req);
    return rc;
}

static int
s_dead(const s_args_t *a)
{
    msgpack_sbuffer req;
    msgpack_sbuffer_init(&req);
    msg_in_t *reply = NULL;
    int rc = alert_encode_hook_query(MSG_WEBHOOK_DEAD, 0, &req) == 0
                 ? s_call(&req, &a->opts, &reply)
                 : CLI_FAILED;
    alert_deliveries_t list = {0};
    wire_err_t err;
    if (rc == CLI_OK && alert_decode_deliveries(reply, &list, &err) != 0)
        rc = s_bad_reply(&err);
    else if (rc == CLI_OK && a->opts.json)
        s_print_rows(reply, "deliveries");
    else if (rc == CLI_OK) {
        if (list.count == 0)
            printf("no dead deliveries\n");
        else
            printf("%8s  %7s  %8s  %-24s  %-40s  %s\n", "DELIVERY", "WEBHOOK", "ATTEMPTS", "SINCE",
                   "ALERT", "LAST ERROR");
        for (size_t i = 0; i < list.count; i++) {
            const alert_delivery_t *d = &list.deliveries[i];
            printf("%8lld  %7lld  %8lld  %-24s  %-40s  %s\n", (long long) d->id,
                   (long long) d->webhook, (long long) d->attempts, d->updated, d->alert,
                   d->last_error);
        }
    }
    alert_deliveries_clear(&list);
    msg_in_destroy(&reply);
    msgpack_sbuffer_destroy(&req);
    return rc;
}

static int
s_redeliver(const s_args_t *a, long long id)
{
    msgpack_sbuffer req;
    msgpack_sbuffer_init(&req);
    msg_in_t *reply = NULL;
    int rc = alert_encode_hook_id(MSG_WEBHOOK_REDELIVER, id, &req) == 0
                 ? s_call(&req, &a->opts, &reply)
                 : CLI_FAILED;
    if (rc == CLI_OK) {
        alert_delivery_t d;
        wire_err_t err;
        if (alert_decode_delivery(reply, &d, &err) != 0)
            rc = s_bad_reply(&err);
        else if (a->opts.json)
            cli_print_json(stdout, reply);
        else
            printf("delivery %lld of %s to webhook %lld is pending again\n", (long long) d.id,
                   d.alert, (long long) d.webhook);
    }
    msg_in_destroy(&reply);
    msgpack_sbuffer_destroy(&req);
    return rc;
}

int
cmd_webhook(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "ratifyctl webhook: expected add, list, remove, dead or redeliver\n%s",
                s_usage);
        return CLI_USAGE;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0 || strcmp(sub, "help") == 0) {
        fputs(s_usage, stdout);
        return CLI_OK;
    }
    s_args_t a;
    int rc = CLI_OK;
    const int first = s_parse(argc - 1, argv + 1, &a, &rc);
    if (first < 0)
        return rc;
    char **pos = argv + 1 + first;
    const int npos = argc - 1 - first;
    long long id = 0;
    const bool has_id = npos == 1 && cli_parse_int(pos[0], &id) == 0 && id > 0;
    const bool options = a.type_prefix[0] || a.secret[0];
    if (strcmp(sub, "add") == 0 && npos == 1)
        return s_add(&a, pos[0]);
    if (options) {
        fprintf(stderr, "ratifyctl webhook %s: --type and --secret go with add\n", sub);
        return CLI_USAGE;
    }
    if (strcmp(sub, "list") == 0 && npos == 0)
        return s_list(&a);
    if (strcmp(sub, "dead") == 0 && npos == 0)
        return s_dead(&a);
    if (strcmp(sub, "remove") == 0 && has_id)
        return s_remove(&a, id);
    if (strcmp(sub, "redeliver") == 0 && has_id)
        return s_redeliver(&a, id);
    fprintf(stderr, "ratifyctl webhook: bad subcommand or arguments: '%s'\n%s", sub, s_usage);
    return CLI_USAGE;
}
