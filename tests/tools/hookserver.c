/*  ratify-hookserver: a webhook endpoint for the integration tests, a real
    HTTP server (libmicrohttpd) on 127.0.0.1, or on the IPv4 address given
    with --address (the tests use other loopback addresses, 127.0.0.2).

    Usage: ratify-hookserver --port P --log FILE [--secret whsec_...]
                             [--status CODE] [--fail-first N] [--delay-ms MS]
                             [--retry-after S] [--tls-cert PEM --tls-key PEM]
                             [--address A]

    Every request gets one JSON line in FILE (created, empty, once the port
    is listening: a test waits for the file): n (request number), method,
    path, received_ms (Unix ms), content_type, id / timestamp / signature (the
    Standard Webhooks headers), verified (the signature checks out against --secret and the
    timestamp is within 5 minutes), status (what was answered) and body (the
    parsed JSON document, or null), written when the request has arrived.
    The answer is --status (default 200),
    except 500 for the first --fail-first requests carrying each webhook-id;
    --delay-ms holds every answer that long (a slow endpoint); --retry-after
    adds that header to non-2xx answers. With --tls-cert and --tls-key
    (PEM files) it speaks https (libmicrohttpd's GnuTLS) instead of http.
    SIGTERM or SIGINT stops it (exit 0). */
#include <arpa/inet.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define HOOK_BODY_MAX      (1024 * 1024)
#define HOOK_IDS_MAX       4096
#define HOOK_TOLERANCE_SEC 300

typedef struct {
    char *data;
    size_t size;
    bool too_big;
} s_request_t;

static struct {
    const char *secret;
    unsigned char key[64];
    size_t keylen;
    int status;
    int fail_first;
    int delay_ms;
    int retry_after;
    FILE *log;
    pthread_mutex_t lock;
    long n;
    char *ids[HOOK_IDS_MAX];
    int counts[HOOK_IDS_MAX];
    size_t nids;
} s = {.status = 200, .lock = PTHREAD_MUTEX_INITIALIZER};

/* Returns how many requests carried id before this one (under the lock). */
static int
s_seen(const char *id)
{
    for (size_t i = 0; i < s.nids; i++)
        if (strcmp(s.ids[i], id) == 0)
            return s.counts[i]++;
    if (s.nids < HOOK_IDS_MAX && (s.ids[s.nids] = strdup(id)))
        s.counts[s.nids++] = 1;
    return 0;
}

static bool
s_verify(const char *id, const char *ts, const char *sigs, const char *body, size_t size)
{
    if (!s.keylen || !id || !ts || !sigs)
        return false;
    const long long t = atoll(ts);
    if (llabs((long long) time(NULL) - t) > HOOK_TOLERANCE_SEC)
        return false;
    crypto_auth_hmacsha256_state st;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_init(&st, s.key, s.keylen);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *) id, strlen(id));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *) ".", 1);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *) ts, strlen(ts));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *) ".", 1);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *) body, size);
    crypto_auth_hmacsha256_final(&st, mac);
    char want[3 + sodium_base64_ENCODED_LEN(sizeof mac, sodium_base64_VARIANT_ORIGINAL)];
    memcpy(want, "v1,", 3);
    sodium_bin2base64(want + 3, sizeof want - 3, mac, sizeof mac, sodium_base64_VARIANT_ORIGINAL);
    /* the header may list several space-separated signatures */
    const size_t wlen = strlen(want);
    for (const char *p = sigs; *p;) {
        while (*p == ' ')
            p++;
        const size_t n = strcspn(p, " ");
        if (n == wlen && memcmp(p, want, n) == 0)
            return true;
        p += n;
    }
    return false;
}

static enum MHD_Result
s_answer(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
         const char *version, const char *upload_data, size_t *upload_size, void **con_cls)
{
    (void) cls;
    (void) version;
    s_request_t *req = *con_cls;
    if (!req) {
        req = calloc(1, sizeof *req);
        if (!req)
            return MHD_NO;
        *con_cls = req;
        return MHD_YES;
    }
    if (*upload_size > 0) {
        if (req->size + *upload_size > HOOK_BODY_MAX)
            req->too_big = true;
        else {
            char *grown = realloc(req->data, req->size + *upload_size + 1);
            if (!grown)
                return MHD_NO;
            req->data = grown;
            memcpy(req->data + req->size, upload_data, *upload_size);
            req->size += *upload_size;
            req->data[req->size] = '\0';
        }
        *upload_size = 0;
        return MHD_YES;
    }
    const char *ctype = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type");
    const char *id = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "webhook-id");
    const char *ts = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "webhook-timestamp");
    const char *sig = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "webhook-signature");
    const char *body = req->data ? req->data : "";
    const bool verified = s_verify(id, ts, sig, body, req->size);
    json_t *doc = json_loadb(body, req->size, 0, NULL);

    pthread_mutex_lock(&s.lock);
    const int earlier = id ? s_seen(id) : 0;
    const int status = req->too_big ? 413 : earlier < s.fail_first ? 500 : s.status;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    const json_int_t received_ms = (json_int_t) now.tv_sec * 1000 + now.tv_nsec / 1000000;
    json_t *line = json_pack("{s:I, s:s, s:s, s:I, s:s?, s:s?, s:s?, s:s?, s:b, s:i, s:O?}", "n",
                             (json_int_t) ++s.n, "method", method, "path", url, "received_ms",
                             received_ms, "content_type", ctype, "id", id, "timestamp", ts,
                             "signature", sig, "verified", verified, "status", status, "body", doc);
    if (line) {
        json_dumpf(line, s.log, JSON_COMPACT | JSON_PRESERVE_ORDER);
        fputc('\n', s.log);
        fflush(s.log);
    }
    pthread_mutex_unlock(&s.lock);
    json_decref(line);
    json_decref(doc);
    if (s.delay_ms > 0) /* logged at arrival, answered after the delay */
        usleep((useconds_t) s.delay_ms * 1000);

    struct MHD_Response *resp =
        MHD_create_response_from_buffer(0, (void *) "", MHD_RESPMEM_PERSISTENT);
    if (!resp)
        return MHD_NO;
    if (s.retry_after > 0 && (status < 200 || status > 299)) {
        char value[16];
        snprintf(value, sizeof value, "%d", s.retry_after);
        MHD_add_response_header(resp, "Retry-After", value);
    }
    const enum MHD_Result rc = MHD_queue_response(conn, (unsigned) status, resp);
    MHD_destroy_response(resp);
    return rc;
}

static void
s_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
            enum MHD_RequestTerminationCode code)
{
    (void) cls;
    (void) conn;
    (void) code;
    s_request_t *req = *con_cls;
    if (req) {
        free(req->data);
        free(req);
    }
    *con_cls = NULL;
}

/* Returns the whole file at path, NUL-terminated (caller frees), or NULL. */
static char *
s_slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = f ? calloc(1, HOOK_BODY_MAX + 1) : NULL;
    size_t n = buf ? fread(buf, 1, HOOK_BODY_MAX, f) : 0;
    if (f)
        fclose(f);
    if (buf && (n == 0 || n == HOOK_BODY_MAX)) {
        free(buf);
        buf = NULL;
    }
    return buf;
}

static int
s_usage(void)
{
    fprintf(stderr, "Usage: ratify-hookserver --port P --log FILE [--secret whsec_...] "
                    "[--status CODE] [--fail-first N] [--delay-ms MS] [--retry-after S] "
                    "[--tls-cert PEM --tls-key PEM] [--address A]\n");
    return 2;
}

int
main(int argc, char **argv)
{
    int port = 0;
    const char *log_path = NULL, *cert_path = NULL, *key_path = NULL, *address = "127.0.0.1";
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *opt = argv[i], *val = argv[i + 1];
        if (strcmp(opt, "--port") == 0)
            port = atoi(val);
        else if (strcmp(opt, "--log") == 0)
            log_path = val;
        else if (strcmp(opt, "--secret") == 0)
            s.secret = val;
        else if (strcmp(opt, "--status") == 0)
            s.status = atoi(val);
        else if (strcmp(opt, "--fail-first") == 0)
            s.fail_first = atoi(val);
        else if (strcmp(opt, "--delay-ms") == 0)
            s.delay_ms = atoi(val);
        else if (strcmp(opt, "--retry-after") == 0)
            s.retry_after = atoi(val);
        else if (strcmp(opt, "--tls-cert") == 0)
            cert_path = val;
        else if (strcmp(opt, "--tls-key") == 0)
            key_path = val;
        else if (strcmp(opt, "--address") == 0)
            address = val;
        else
            return s_usage();
    }
    if (argc % 2 == 0 || port <= 0 || port > 65535 || !log_path || s.status < 100 || s.status > 599
        || !cert_path != !key_path)
        return s_usage();
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t) port);
    if (inet_pton(AF_INET, address, &addr.sin_addr) != 1) {
        fprintf(stderr, "ratify-hookserver: --address '%s' is not an IPv4 address\n", address);
        return 2;
    }
    char *cert = NULL, *key = NULL;
    if (cert_path && (!(cert = s_slurp(cert_path)) || !(key = s_slurp(key_path)))) {
        fprintf(stderr, "ratify-hookserver: cannot read %s\n", cert ? key_path : cert_path);
        free(cert);
        return 1;
    }
    if (cert && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
        fprintf(stderr, "ratify-hookserver: this libmicrohttpd has no TLS\n");
        free(cert);
        free(key);
        return 1;
    }
    if (sodium_init() < 0) {
        free(cert);
        free(key);
        return 1;
    }
    if (s.secret && strncmp(s.secret, "whsec_", 6) == 0
        && sodium_base642bin(s.key, sizeof s.key, s.secret + 6, strlen(s.secret + 6), NULL,
                             &s.keylen, NULL, sodium_base64_VARIANT_ORIGINAL)
               != 0) {
        fprintf(stderr, "ratify-hookserver: --secret is not whsec_<base64>\n");
        free(cert);
        free(key);
        return 2;
    }
    /* SIGINT/SIGTERM are taken by sigwait below, in this thread only */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    const unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION;
    struct MHD_Daemon *d =
        cert ? MHD_start_daemon(flags | MHD_USE_TLS, (uint16_t) port, NULL, NULL, s_answer, NULL,
                                MHD_OPTION_SOCK_ADDR, (struct sockaddr *) &addr,
                                MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u, MHD_OPTION_NOTIFY_COMPLETED,
                                s_completed, NULL, MHD_OPTION_HTTPS_MEM_CERT, cert,
                                MHD_OPTION_HTTPS_MEM_KEY, key, MHD_OPTION_END)
             : MHD_start_daemon(flags, (uint16_t) port, NULL, NULL, s_answer, NULL,
                                MHD_OPTION_SOCK_ADDR, (struct sockaddr *) &addr,
                                MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u, MHD_OPTION_NOTIFY_COMPLETED,
                                s_completed, NULL, MHD_OPTION_END);
    if (!d) {
        free(cert);
        free(key);
        fprintf(stderr, "ratify-hookserver: cannot listen on %s:%d\n", address, port);
        return 1;
    }
    /* the log appears only once the port listens */
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", log_path);
    s.log = fopen(tmp, "w");
    if (!s.log || rename(tmp, log_path) != 0) {
        fprintf(stderr, "ratify-hookserver: cannot write %s\n", log_path);
        MHD_stop_daemon(d);
        if (s.log)
            fclose(s.log);
        free(cert);
        free(key);
        return 1;
    }
    int sig = 0;
    sigwait(&set, &sig);
    MHD_stop_daemon(d);
    fclose(s.log);
    free(cert);
    free(key);
    for (size_t i = 0; i < s.nids; i++)
        free(s.ids[i]);
    return 0;
}
