/*  ratifyctl request | encode | decode: hand-written messages for
    developers, in the protocol's JSON form (proto/PROTOCOL.md).

    request checks a message against the protocol before sending it (the
    same typed decoder the services use), unless --raw; encode and decode
    translate between JSON and the msgpack bytes, naming the exact error and
    byte offset of a bad frame. */
#include "cli.h"

#include "catalog.h"
#include "codec.h"

#include "sock.h"
#include "wirejson.h"

#include <ctype.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEV_LINE_MAX (1024 * 1024)

/* Prints a JSON value: indented on a terminal, one compact line otherwise
   or with --json. */
static void
s_show(const json_t *v, bool json)
{
    if (!json && isatty(STDOUT_FILENO)) {
        json_dumpf(v, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        putchar('\n');
        fflush(stdout);
    }
    else
        cli_print_json_value(stdout, v);
}

/* Replaces every "{{n}}" in text with n, and every "{{participant}}" with
   the id of the n-th participant of the catalog (NULL catalog: left as
   is). Returns a new string (caller frees) or NULL. */
static char *
s_substitute(const char *text, long long n, const catalog_t *catalog)
{
    char num[32];
    snprintf(num, sizeof num, "%lld", n);
    const catalog_participant_t *p =
        catalog && n >= 1 ? catalog_participant_at(catalog, (size_t) (n - 1)) : NULL;
    const char *party = p ? catalog_participant_id(p) : "{{participant}}";
    const struct {
        const char *tag, *value;
    } subs[] = {{"{{n}}", num}, {"{{participant}}", party}};
    size_t len = strlen(text) + 1;
    for (size_t k = 0; k < 2; k++)
        for (const char *q = text; (q = strstr(q, subs[k].tag)); q += strlen(subs[k].tag))
            len += strlen(subs[k].value);
    char *out = malloc(len);
    if (!out)
        return NULL;
    char *w = out;
    for (const char *q = text; *q;) {
        size_t k = 0;
        while (k < 2 && strncmp(q, subs[k].tag, strlen(subs[k].tag)) != 0)
            k++;
        if (k < 2) {
            w = stpcpy(w, subs[k].value);
            q += strlen(subs[k].tag);
        }
        else
            *w++ = *q++;
    }
    *w = '\0';
    return out;
}

/* Builds the msgpack frame for a JSON text. Unless raw, a missing "v" is
   added first and the message is checked (and canonicalised) with the
   protocol's typed decoder. Returns 0, or -1 after printing why. */
static int
s_build(const char *text, bool raw, msgpack_sbuffer *out)
{
    json_error_t jerr;
    json_t *j = json_loads(text, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &jerr);
    if (!j) {
        fprintf(stderr, "ratifyctl: not JSON: %s (line %d, column %d)\n", jerr.text, jerr.line,
                jerr.column);
        return -1;
    }
    int rc = -1;
    msgpack_sbuffer first;
    msgpack_sbuffer_init(&first);
    msgpack_packer pk;
    msgpack_packer_init(&pk, raw ? out : &first, msgpack_sbuffer_write);
    if (raw) {
        rc = wirejson_to_msgpack(j, &pk);
        goto done;
    }
    if (!json_is_object(j)) {
        fprintf(stderr, "ratifyctl: a message is a JSON object with a \"type\"\n");
        goto done;
    }
    if (!json_object_get(j, "v")) {
        json_t *with_v = json_pack("{s:i}", "v", MSG_VERSION);
        json_object_update(with_v, j);
        json_decref(j);
        j = with_v;
    }
    if (wirejson_to_msgpack(j, &pk) != 0)
        goto done;
    wire_err_t err;
    msg_in_t *in = msg_in_parse(first.data, first.size, &err);
    if (!in) {
        fprintf(stderr, "ratifyctl: not a valid message (%s): %s\n", err.code, err.message);
        goto done;
    }
    /* codec_reencode, not msg_in_type, knows every type: a published alert
       is MSG_UNKNOWN (its type is the CloudEvents one) */
    if (codec_reencode(in, out, &err) == 0)
        rc = 0;
    else if (strcmp(err.code, "unknown_type") == 0)
        fprintf(stderr, "ratifyctl: unknown message type '%s' (use --raw to send it anyway)\n",
                msg_in_type_name(in));
    else
        fprintf(stderr, "ratifyctl: not a valid '%s' message (%s): %s\n", msg_in_type_name(in),
                err.code, err.message);
    msg_in_destroy(&in);
done:
    msgpack_sbuffer_destroy(&first);
    json_decref(j);
    return rc;
}

static const char *s_request_usage =
    "Usage: ratifyctl request SERVICE [JSON] [-f FILE] [--count N] [--raw] [--json] [--timeout S]\n"
    "\n"
    "Sends a message written as JSON (the field names of proto/PROTOCOL.md) to a\n"
    "service's API (registry, threshold, notifier, reporter) and prints the reply as\n"
    "JSON; the round-trip time goes to stderr. \"v\" is added when missing and the\n"
    "message is checked against the protocol first; --raw sends the JSON's msgpack\n"
    "encoding exactly as written, to see how a service handles bad input.\n"
    "Without JSON, reads one message per line from stdin (or -f FILE).\n"
    "--count N sends it N times, with {{n}} in the JSON replaced by 1..N and\n"
    "{{participant}} by the id of the n-th participant of the catalog (so N\n"
    "deposits come from N different participants).\n"
    "Exit 0 when every reply was a success, 1 when one was an error reply, 2 on a\n"
    "usage error or an invalid message, 3 on a timeout.\n"
    "\n"
    "Examples:\n"
    "  ratifyctl request registry '{\"type\":\"ping\"}'\n"
    "  ratifyctl request registry '{\"type\":\"events.since\",\"from\":1,\"limit\":5}'\n"
    "  ratifyctl request registry --raw '{\"v\":1,\"type\":\"deposit\"}'\n"
    "  ratifyctl request registry --count 40 '{\"type\":\"deposit\",\"instrument\":\"UNTOC\",\n"
    "      "
    "\"participant\":\"{{participant}}\",\"action\":\"accession\",\"date\":\"2003-07-01\"}'\n";

/* Sends one JSON text; returns an exit code. */
static int
s_request_one(rpc_client_t *client, const char *service, const char *text, bool raw,
              const cli_opts_t *opts)
{
    msgpack_sbuffer req;
    msgpack_sbuffer_init(&req);
    int rc = CLI_USAGE;
    if (s_build(text, raw, &req) == 0) {
        msg_in_t *reply = NULL;
        const int64_t start = zclock_usecs();
        rc = cli_call(client, service, &req, opts->timeout_ms, &reply);
        if (rc == CLI_OK) {
            fprintf(stderr, "rtt: %.3f ms\n", (double) (zclock_usecs() - start) / 1000.0);
            json_t *j = wirejson_from_msgpack(msg_in_root(reply));
            if (j)
                s_show(j, opts->json);
            json_decref(j);
            if (msg_in_type(reply) == MSG_ERROR)
                rc = CLI_REJECTED;
        }
        msg_in_destroy(&reply);
    }
    msgpack_sbuffer_destroy(&req);
    return rc;
}

int
cmd_request(int argc, char **argv)
{
    static const struct option longs[] = {{"json", no_argument, NULL, 'j'},
                                          {"raw", no_argument, NULL, 'r'},
                                          {"count", required_argument, NULL, 'c'},
                                          {"file", required_argument, NULL, 'f'},
                                          {"timeout", required_argument, NULL, 't'},
                                          {"help", no_argument, NULL, 'h'},
                                          {NULL, 0, NULL, 0}};
    cli_opts_t opts = {.timeout_ms = CLI_TIMEOUT_MSEC_DEFAULT};
    bool raw = false;
    long long count = 1;
    const char *file = NULL;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "hf:", longs, NULL)) != -1) {
        if (c == 'j')
            opts.json = true;
        else if (c == 'r')
            raw = true;
        else if (c == 'c' && cli_parse_int(optarg, &count) == 0 && count > 0)
            ;
        else if (c == 'f')
            file = optarg;
        else if (c == 't' && cli_parse_seconds(optarg, &opts.timeout_ms) == 0)
            ;
        else if (c == 'h') {
            fputs(s_request_usage, stdout);
            return CLI_OK;
        }
        else {
            fprintf(stderr, "ratifyctl request: bad option '%s'\n%s", argv[optind - 1],
                    s_request_usage);
            return CLI_USAGE;
        }
    }
    const int npos = argc - optind;
    if (npos < 1 || npos > 2 || (npos == 2 && file)) {
        fprintf(stderr, "ratifyctl request: expected SERVICE and at most one JSON message\n%s",
                s_request_usage);
        return CLI_USAGE;
    }
    const char *service = argv[optind];
    const char *endpoint = cli_service_endpoint(service);
    if (!endpoint) {
        fprintf(
            stderr,
            "ratifyctl request: unknown service '%s' (registry, threshold, notifier, reporter)\n",
            service);
        return CLI_USAGE;
    }
    rpc_client_t *client = rpc_client_new(endpoint);
    if (!client)
        return CLI_FAILED;
    char cerr[CATALOG_ERR_SIZE];
    catalog_t *catalog = catalog_load_default(cerr, sizeof cerr); /* for {{participant}} */
    int worst = CLI_OK;
    if (npos == 2) {
        for (long long n = 1; n <= count; n++) {
            char *text = s_substitute(argv[optind + 1], n, catalog);
            int rc = text ? s_request_one(client, service, text, raw, &opts) : CLI_FAILED;
            free(text);
            if (rc != CLI_OK)
                worst = rc;
            if (rc == CLI_TIMEOUT || rc == CLI_USAGE || rc == CLI_FAILED)
                break;
        }
    }
    else {
        FILE *in = file ? fopen(file, "r") : stdin;
        if (!in) {
            fprintf(stderr, "ratifyctl request: cannot open %s: %s\n", file, strerror(errno));
            catalog_destroy(&catalog);
            rpc_client_destroy(&client);
            return CLI_USAGE;
        }
        char *line = NULL;
        size_t cap = 0;
        ssize_t len;
        while (worst != CLI_TIMEOUT && (len = getline(&line, &cap, in)) > 0) {
            if (len > DEV_LINE_MAX) {
                fprintf(stderr, "ratifyctl request: a line is longer than %d bytes\n",
                        DEV_LINE_MAX);
                worst = CLI_USAGE;
                break;
            }
            const char *p = line;
            while (isspace((unsigned char) *p))
                p++;
            if (!*p || *p == '#')
                continue;
            for (long long n = 1; n <= count; n++) {
                char *text = s_substitute(p, n, catalog);
                int rc = text ? s_request_one(client, service, text, raw, &opts) : CLI_FAILED;
                free(text);
                if (rc != CLI_OK)
                    worst = rc;
                if (rc == CLI_TIMEOUT)
                    break;
            }
        }
        free(line);
        if (file)
            fclose(in);
    }
    catalog_destroy(&catalog);
    rpc_client_destroy(&client);
    return worst;
}

static const char *s_encode_usage =
    "Usage: ratifyctl encode [JSON] [--raw]\n"
    "\n"
    "Prints the msgpack encoding of a message written as JSON (from the argument or\n"
    "stdin) as hex, checked against the protocol and in canonical field order unless\n"
    "--raw. The inverse of `ratifyctl decode`.\n"
    "\n"
    "Example: ratifyctl encode '{\"type\":\"ping\"}'    # 82a17601a474797065a470696e67\n";

static char *
s_read_all(FILE *in, size_t *len)
{
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        const size_t got = fread(buf + n, 1, cap - n - 1, in);
        n += got;
        if (got == 0)
            break;
        if (n + 1 == cap) {
            if (cap > 64u * 1024 * 1024) {
                free(buf);
                return NULL;
            }
            char *grown = realloc(buf, cap * 2);
            if (!grown) {
                free(buf);
                return NULL;
            }
            buf = grown;
            cap *= 2;
        }
    }
    if (buf)
        buf[n] = '\0';
    *len = n;
    return buf;
}

int
cmd_encode(int argc, char **argv)
{
    bool raw = false;
    const char *text = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(s_encode_usage, stdout);
            return CLI_OK;
        }
        if (strcmp(argv[i], "--raw") == 0)
            raw = true;
        else if (!text && argv[i][0] != '-')
            text = argv[i];
        else {
            fprintf(stderr, "ratifyctl encode: unexpected '%s'\n%s", argv[i], s_encode_usage);
            return CLI_USAGE;
        }
    }
    size_t len = 0;
    char *input = text ? NULL : s_read_all(stdin, &len);
    if (!text && !input) {
        fprintf(stderr, "ratifyctl encode: cannot read stdin\n");
        return CLI_FAILED;
    }
    msgpack_sbuffer out;
    msgpack_sbuffer_init(&out);
    int rc = s_build(text ? text : input, raw, &out) == 0 ? CLI_OK : CLI_USAGE;
    if (rc == CLI_OK) {
        for (size_t i = 0; i < out.size; i++)
            printf("%02x", (unsigned char) out.data[i]);
        putchar('\n');
    }
    msgpack_sbuffer_destroy(&out);
    free(input);
    return rc;
}

static const char *s_decode_usage =
    "Usage: ratifyctl decode [--binary] [--json]\n"
    "\n"
    "Reads one message from stdin, as hex (white space and lines starting with #\n"
    "are ignored) or, with --binary, as raw msgpack bytes, and prints it as JSON,\n"
    "naming its type. A bad frame prints the exact decoding error and byte offset\n"
    "and exits 1.\n"
    "\n"
    "Example: echo 82a17601a474797065a470696e67 | ratifyctl decode\n";

int
cmd_decode(int argc, char **argv)
{
    bool binary = false, json = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(s_decode_usage, stdout);
            return CLI_OK;
        }
        if (strcmp(argv[i], "--binary") == 0)
            binary = true;
        else if (strcmp(argv[i], "--json") == 0)
            json = true;
        else {
            fprintf(stderr, "ratifyctl decode: unexpected '%s'\n%s", argv[i], s_decode_usage);
            return CLI_USAGE;
        }
    }
    size_t len = 0;
    char *input = s_read_all(stdin, &len);
    if (!input) {
        fprintf(stderr, "ratifyctl decode: cannot read stdin\n");
        return CLI_FAILED;
    }
    size_t n = len;
    if (!binary) { /* hex to bytes, in place */
        n = 0;
        bool comment = false, half = false;
        unsigned hi = 0;
        for (size_t i = 0; i < len; i++) {
            const char ch = input[i];
            if (comment) {
                comment = ch != '\n';
                continue;
            }
            if (ch == '#') {
                comment = true;
                continue;
            }
            if (isspace((unsigned char) ch))
                continue;
            if (!isxdigit((unsigned char) ch)) {
                fprintf(stderr, "ratifyctl decode: '%c' at input offset %zu is not hex\n", ch, i);
                free(input);
                return CLI_REJECTED;
            }
            const unsigned v =
                (unsigned) (isdigit((unsigned char) ch) ? ch - '0' : tolower(ch) - 'a' + 10);
            if (half)
                input[n++] = (char) (hi << 4 | v);
            else
                hi = v;
            half = !half;
        }
        if (half) {
            fprintf(stderr, "ratifyctl decode: odd number of hex digits\n");
            free(input);
            return CLI_REJECTED;
        }
    }
    wire_err_t err;
    msg_in_t *in = msg_in_parse(input, n, &err);
    int rc = CLI_OK;
    if (!in) {
        if (strcmp(err.code, "bad_frame") == 0)
            fprintf(stderr, "ratifyctl decode: %s\n", err.message);
        else
            fprintf(stderr, "ratifyctl decode: %s: %s\n", err.code, err.message);
        rc = CLI_REJECTED;
    }
    else {
        msgpack_sbuffer canon;
        msgpack_sbuffer_init(&canon);
        /* every family's codec checks it, published alerts included */
        const int checked = codec_reencode(in, &canon, &err);
        if (checked != 0 && strcmp(err.code, "unknown_type") == 0)
            fprintf(stderr, "ratifyctl decode: note: type '%s' is not known to this build\n",
                    msg_in_type_name(in));
        else if (checked != 0) {
            fprintf(stderr, "ratifyctl decode: not a valid '%s' message (%s): %s\n",
                    msg_in_type_name(in), err.code, err.message);
            rc = CLI_REJECTED;
        }
        msgpack_sbuffer_destroy(&canon);
        json_t *j = wirejson_from_msgpack(msg_in_root(in));
        if (j)
            s_show(j, json);
        else {
            fprintf(stderr, "ratifyctl decode: a string is not valid UTF-8\n");
            rc = CLI_REJECTED;
        }
        json_decref(j);
    }
    msg_in_destroy(&in);
    free(input);
    return rc;
}
