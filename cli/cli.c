/*  cli: shared helpers for ratifyctl commands. */
#include "cli.h"

#include "config.h"
#include "jsonstr.h"
#include "security.h"
#include "wirejson.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *
cli_service_endpoint(const char *service)
{
    if (strcmp(service, "registry") == 0)
        return config_get(CONFIG_REGISTRY_API);
    if (strcmp(service, "threshold") == 0)
        return config_get(CONFIG_THRESHOLD_API);
    if (strcmp(service, "notifier") == 0)
        return config_get(CONFIG_NOTIFIER_API);
    if (strcmp(service, "reporter") == 0)
        return config_get(CONFIG_REPORTER_API);
    return NULL;
}

int
cli_call(rpc_client_t *client, const char *service, const msgpack_sbuffer *request, int timeout_ms,
         msg_in_t **reply)
{
    wire_err_t err;
    rpc_status_t st =
        rpc_client_call(client, request->data, request->size, timeout_ms, reply, &err);
    if (st == RPC_OK)
        return CLI_OK;
    if (st == RPC_TIMEOUT) {
        fprintf(stderr,
                "ratifyctl: the %s did not answer within %.1f s at %s (is it running? "
                "`ratifyctl ping %s`)\n",
                service, timeout_ms / 1000.0, cli_service_endpoint(service), service);
        if (security_curve_on())
            fprintf(stderr,
                    "ratifyctl: with RATIFY_CURVE=1 a key the %s does not admit looks "
                    "the same: is this client's key in its writers/ or readers/?\n",
                    service);
        return CLI_TIMEOUT;
    }
    fprintf(stderr, "ratifyctl: %s: %s\n", service, err.message);
    return CLI_FAILED;
}

void
cli_print_json_value(FILE *out, const json_t *value)
{
    json_dumpf(value, out, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
    fputc('\n', out);
    fflush(out);
}

void
cli_print_text(FILE *out, const char *text)
{
    const unsigned char *p = (const unsigned char *) text;
    while (*p) {
        if (*p == '\n')
            fputs("\\n", out);
        else if (*p == '\t')
            fputs("\\t", out);
        else if (*p == '\r')
            fputs("\\r", out);
        else if (*p == '\\')
            fputs("\\\\", out);
        else if (*p < 0x20 || *p == 0x7f)
            fprintf(out, "\\x%02x", *p);
        else if (*p >= 0x80) {
            const size_t n = jsonstr_utf8_len((const char *) p);
            if (n == 0 || (n == 2 && p[0] == 0xc2 && p[1] <= 0x9f)) {
                /* not UTF-8 (a stray 0x9b is a C1 CSI to some terminals),
                   or a C1 control: its bytes escaped */
                const size_t k = n ? n : 1;
                for (size_t i = 0; i < k; i++)
                    fprintf(out, "\\x%02x", p[i]);
                p += k;
            }
            else {
                fwrite(p, 1, n, out);
                p += n;
            }
            continue;
        }
        else
            fputc(*p, out);
        p++;
    }
}

int
cli_print_json(FILE *out, const msg_in_t *msg)
{
    json_t *j = wirejson_from_msgpack(msg_in_root(msg));
    if (!j)
        return -1;
    cli_print_json_value(out, j);
    json_decref(j);
    return 0;
}

int
cli_check_error(const msg_in_t *reply)
{
    if (msg_in_type(reply) != MSG_ERROR)
        return CLI_OK;
    msg_error_t e;
    wire_err_t err;
    if (msg_decode_error(reply, &e, &err) != 0) {
        fprintf(stderr, "ratifyctl: rejected, with a malformed error reply: %s\n", err.message);
        return CLI_REJECTED;
    }
    fprintf(stderr, "ratifyctl: rejected (%s): %s\n", e.code, e.message);
    return CLI_REJECTED;
}

int
cli_parse_seconds(const char *text, int *ms)
{
    char *end = NULL;
    errno = 0;
    const double s = strtod(text, &end);
    if (errno || end == text || *end || !(s >= 0) || s > 86400.0 * 365)
        return -1;
    *ms = (int) lround(s * 1000.0);
    return 0;
}

int
cli_parse_int(const char *text, long long *out)
{
    char *end = NULL;
    errno = 0;
    const long long v = strtoll(text, &end, 10);
    if (errno || end == text || *end || v < 0)
        return -1;
    *out = v;
    return 0;
}
