/*  security: certificates, the ZAP handler, the writers' list.

    Every CURVE option is set with zmq_setsockopt and its result checked
    (czmq's setters assert), and every certificate file is read with
    zconfig, so a bad file is an error message, never an abort.

    An allow list (s_keylist_t) is a directory of public certificates. Its
    "signature" hashes each file's name, inode, size and times; a lookup
    first recomputes it (readdir plus one stat per file) and reloads the
    certificates only when it changed, so adding, removing or rewriting a
    file takes effect at the next lookup, and a Kubernetes Secret update
    (which swaps a symbolic link) too. */
#include "security.h"

#include "config.h"
#include "log.h"
#include "service.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef ZMQ_ZAP_ENFORCE_DOMAIN
#define ZMQ_ZAP_ENFORCE_DOMAIN 93 /* in libzmq's draft header, accepted by 4.3 stable builds */
#endif

#define SECURITY_PATH_MAX       1024
#define ZAP_ENDPOINT            "inproc://zeromq.zap.01" /* fixed by RFC 27 */
#define ZAP_BIND_ATTEMPTS       50 /* a closed handler's endpoint frees asynchronously */
#define ZAP_BIND_RETRY_MSEC     20
#define ZAP_DENIED_LOG_IVL_MSEC 10000 /* a refused client retries every 100 ms: log it this often */
#define Z85_KEY_CHARS           40

/* ---- allow lists --------------------------------------------------------- */

typedef struct {
    char *dir;
    zhashx_t *keys;     /* Z85 public key -> certificate file name */
    uint64_t signature; /* of the listing the keys were loaded from */
    bool loaded;
} s_keylist_t;

static void
s_free_item(void **item)
{
    free(*item);
    *item = NULL;
}

static uint64_t
s_mix(uint64_t h, uint64_t v)
{
    /* splitmix64's finaliser over h ^ v: every input bit moves the result */
    uint64_t z = h ^ (v + 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static bool
s_ends_with(const char *s, const char *suffix)
{
    const size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Reads the public key of a certificate file into key (Z85, 41 bytes).
   Returns 0, or -1 when the file is not a readable certificate. */
static int
s_read_public(const char *path, char key[Z85_KEY_CHARS + 1])
{
    zconfig_t *root = zconfig_load(path);
    const char *text = root ? zconfig_get(root, "/curve/public-key", NULL) : NULL;
    uint8_t bin[32];
    const int rc = text && strlen(text) == Z85_KEY_CHARS && zmq_z85_decode(bin, text) ? 0 : -1;
    if (rc == 0)
        memcpy(key, text, Z85_KEY_CHARS + 1);
    zconfig_destroy(&root);
    return rc;
}

/* Lists the directory's certificate files (not hidden, not *_secret,
   regular after following links) and returns the listing's signature; with
   `into`, also loads each one's public key into it. */
static uint64_t
s_keylist_scan(s_keylist_t *self, zhashx_t *into)
{
    DIR *dir = opendir(self->dir);
    if (!dir)
        return s_mix(0x6d697373696e67ULL, (uint64_t) errno); /* "missing", or unreadable */
    uint64_t sum = 0, count = 0;
    struct dirent *entry;
    char path[SECURITY_PATH_MAX];
    while ((entry = readdir(dir))) {
        const char *name = entry->d_name;
        if (name[0] == '.' || s_ends_with(name, "_secret"))
            continue;
        const int n = snprintf(path, sizeof path, "%s/%s", self->dir, name);
        struct stat st;
        if (n < 0 || (size_t) n >= sizeof path || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a of the name */
        for (const char *c = name; *c; c++)
            h = (h ^ (uint8_t) *c) * 0x100000001b3ULL;
        h = s_mix(h, (uint64_t) st.st_ino);
        h = s_mix(h, (uint64_t) st.st_dev);
        h = s_mix(h, (uint64_t) st.st_size);
        h = s_mix(h, (uint64_t) st.st_mtim.tv_sec * 1000000000ULL + (uint64_t) st.st_mtim.tv_nsec);
        h = s_mix(h, (uint64_t) st.st_ctim.tv_sec * 1000000000ULL + (uint64_t) st.st_ctim.tv_nsec);
        sum += s_mix(h, 0); /* a sum: the order readdir gives does not matter */
        count++;
        if (!into)
            continue;
        char key[Z85_KEY_CHARS + 1];
        char *copy = strdup(name);
        if (s_read_public(path, key) != 0)
            log_warn("CURVE: ignoring %s: not a public certificate", path);
        else if (copy && zhashx_insert(into, key, copy) == 0)
            copy = NULL;
        free(copy);
    }
    closedir(dir);
    return s_mix(sum, count);
}

static void
s_keylist_destroy(s_keylist_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    s_keylist_t *self = *self_p;
    zhashx_destroy(&self->keys);
    free(self->dir);
    free(self);
    *self_p = NULL;
}

static s_keylist_t *
s_keylist_new(const char *dir)
{
    s_keylist_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->dir = strdup(dir);
    self->keys = zhashx_new();
    if (!self->dir || !self->keys) {
        s_keylist_destroy(&self);
        return NULL;
    }
    zhashx_set_destructor(self->keys, s_free_item);
    return self;
}

/* Reloads the list when its directory changed since the last load. */
static void
s_keylist_refresh(s_keylist_t *self)
{
    if (self->loaded && s_keylist_scan(self, NULL) == self->signature)
        return;
    zhashx_t *fresh = zhashx_new();
    if (!fresh)
        return; /* out of memory: keep the old list rather than none */
    zhashx_set_destructor(fresh, s_free_item);
    self->signature = s_keylist_scan(self, fresh);
    zhashx_destroy(&self->keys);
    self->keys = fresh;
    self->loaded = true;
}

/* Returns the certificate file name holding `key`, or NULL. Borrowed. */
static const char *
s_keylist_lookup(s_keylist_t *self, const char *key)
{
    s_keylist_refresh(self);
    return zhashx_lookup(self->keys, key);
}

/* ---- the ZAP handler ----------------------------------------------------- */

typedef struct {
    zsock_t *handler; /* REP bound on ZAP_ENDPOINT; used by the actor only */
    zactor_t *actor;
    s_keylist_t *writers, *readers; /* the actor's own copies */
    bool failed;                    /* the actor could not start */
    char last_denied[Z85_KEY_CHARS + 1];
    int64_t last_denied_ms;
} s_zap_t;

/* Answers one ZAP request: CURVE only, and the client's key in writers/ or
   readers/. The User-Id of an admitted connection is the key itself. */
static void
s_zap_handle(s_zap_t *self)
{
    zmsg_t *request = zmsg_recv(self->handler);
    if (!request)
        return;
    char *version = zmsg_popstr(request);
    char *id = zmsg_popstr(request);
    char *domain = zmsg_popstr(request);
    char *address = zmsg_popstr(request);
    char *identity = zmsg_popstr(request);
    char *mechanism = zmsg_popstr(request);
    zframe_t *credential = zmsg_pop(request);
    char key[Z85_KEY_CHARS + 1] = "";
    const char *code = "400", *text = "denied", *user_id = "", *role = NULL, *cert = NULL;
    if (!version || strcmp(version, "1.0") != 0) {
        code = "500";
        text = "unsupported ZAP version";
    }
    else if (!mechanism || strcmp(mechanism, "CURVE") != 0 || !credential
             || zframe_size(credential) != 32 || !zmq_z85_encode(key, zframe_data(credential), 32))
        text = "CURVE only";
    else if ((cert = s_keylist_lookup(self->writers, key)))
        role = "writer";
    else if ((cert = s_keylist_lookup(self->readers, key)))
        role = "reader";
    if (role) {
        code = "200";
        text = "OK";
        user_id = key;
        log_debug("CURVE: admitted %s (%s %s) from %s", key, role, cert, address ? address : "?");
    }
    else {
        const int64_t now = zclock_mono();
        if (strcmp(key, self->last_denied) != 0
            || now - self->last_denied_ms >= ZAP_DENIED_LOG_IVL_MSEC) {
            log_warn("CURVE: refused a %s handshake from %s, key %s: %s",
                     mechanism ? mechanism : "?", address ? address : "?", key[0] ? key : "-",
                     key[0] ? "in neither the writers nor the readers directory" : text);
            memcpy(self->last_denied, key, sizeof key);
            self->last_denied_ms = now;
        }
    }
    zmsg_t *reply = zmsg_new();
    if (reply) {
        zmsg_addstr(reply, "1.0");
        zmsg_addstr(reply, id ? id : "");
        zmsg_addstr(reply, code);
        zmsg_addstr(reply, text);
        zmsg_addstr(reply, user_id);
        zmsg_addmem(reply, "", 0); /* no metadata */
        if (zmsg_send(&reply, self->handler) != 0)
            zmsg_destroy(&reply);
    }
    zframe_destroy(&credential);
    zstr_free(&version);
    zstr_free(&id);
    zstr_free(&domain);
    zstr_free(&address);
    zstr_free(&identity);
    zstr_free(&mechanism);
    zmsg_destroy(&request);
}

static void
s_zap_actor(zsock_t *pipe, void *args)
{
    s_zap_t *self = args;
    service_block_stop_signals(NULL);
    zpoller_t *poller = zpoller_new(pipe, self->handler, NULL);
    if (poller)
        zpoller_set_nonstop(poller, true);
    self->failed = !poller;
    zsock_signal(pipe, 0);
    while (poller) {
        void *which = zpoller_wait(poller, -1);
        if (which == self->handler)
            s_zap_handle(self);
        else if (which == pipe) {
            char *command = zstr_recv(pipe);
            const bool stop = !command || strcmp(command, "$TERM") == 0;
            zstr_free(&command);
            if (stop)
                break;
        }
        else
            break; /* the context is being terminated */
    }
    zpoller_destroy(&poller);
}

static void
s_zap_destroy(s_zap_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    s_zap_t *self = *self_p;
    zactor_destroy(&self->actor); /* returns once the actor has left its loop */
    if (self->handler)
        zsock_set_linger(self->handler, 0);
    zsock_destroy(&self->handler);
    s_keylist_destroy(&self->writers);
    s_keylist_destroy(&self->readers);
    free(self);
    *self_p = NULL;
}

static s_zap_t *
s_zap_new(const char *writers, const char *readers, char *err, size_t errlen)
{
    s_zap_t *self = calloc(1, sizeof *self);
    if (!self) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    self->writers = s_keylist_new(writers);
    self->readers = s_keylist_new(readers);
    self->handler = zsock_new(ZMQ_REP);
    if (!self->writers || !self->readers || !self->handler) {
        snprintf(err, errlen, "out of memory");
        s_zap_destroy(&self);
        return NULL;
    }
    int rc = -1;
    for (int i = 0; i < ZAP_BIND_ATTEMPTS && rc != 0; i++) {
        if (i > 0)
            zclock_sleep(ZAP_BIND_RETRY_MSEC);
        rc = zsock_bind(self->handler, "%s", ZAP_ENDPOINT);
        if (rc != 0 && zmq_errno() != EADDRINUSE)
            break;
    }
    if (rc != 0) {
        snprintf(err, errlen, "cannot bind the ZAP handler on %s: %s", ZAP_ENDPOINT,
                 zmq_strerror(zmq_errno()));
        s_zap_destroy(&self);
        return NULL;
    }
    self->actor = zactor_new(s_zap_actor, self);
    if (!self->actor || self->failed) {
        snprintf(err, errlen, "cannot start the ZAP handler thread");
        s_zap_destroy(&self);
        return NULL;
    }
    return self;
}

/* ---- the process's state ------------------------------------------------- */

static struct {
    bool on;
    security_mode_t mode;
    char keys_dir[SECURITY_PATH_MAX];
    zcert_t *cert;        /* this process's own certificate */
    s_zap_t *zap;         /* servers only */
    s_keylist_t *writers; /* security_may_write's copy (the caller's thread) */
} s_sec;

/* Which service owns an endpoint: its public certificate is <dir>/<service>.key. */
static const struct {
    config_key_t setting;
    const char *service;
} s_endpoints[] = {
    {CONFIG_REGISTRY_API, "registry"},   {CONFIG_REGISTRY_EVENTS, "registry"},
    {CONFIG_THRESHOLD_API, "threshold"}, {CONFIG_THRESHOLD_EVENTS, "threshold"},
    {CONFIG_NOTIFIER_API, "notifier"},   {CONFIG_NOTIFIER_ALERTS, "notifier"},
    {CONFIG_REPORTER_API, "reporter"},
};

bool
security_name_valid(const char *name)
{
    const size_t n = strlen(name);
    if (n == 0 || n > SECURITY_NAME_MAX || name[0] == '.')
        return false;
    for (size_t i = 0; i < n; i++) {
        const char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
              || c == '_' || c == '-'))
            return false;
    }
    return true;
}

/* Writes "<dir>/<file>" or the setting `variable` when set. Returns 0 or -1. */
static int
s_dir_path(char *buf, size_t cap, const char *variable, const char *file)
{
    const char *value = getenv(variable);
    const int n = value && *value ? snprintf(buf, cap, "%s", value)
                                  : snprintf(buf, cap, "%s/%s", s_sec.keys_dir, file);
    return n < 0 || (size_t) n >= cap ? -1 : 0;
}

/* Loads this process's certificate, which must hold a secret key. */
static zcert_t *
s_load_own(const char *identity, char *err, size_t errlen)
{
    const char *name = identity;
    if (!name) {
        name = getenv("RATIFY_CLIENT_KEY");
        if (!name || !*name)
            name = SECURITY_CLIENT_KEY_DEFAULT;
    }
    char path[SECURITY_PATH_MAX - 16];
    int n;
    if (strchr(name, '/')) /* a path: to NAME.key_secret, or to NAME.key beside it */
        n = s_ends_with(name, "_secret")
                ? snprintf(path, sizeof path, "%.*s", (int) (strlen(name) - 7), name)
                : snprintf(path, sizeof path, "%s", name);
    else if (security_name_valid(name))
        n = snprintf(path, sizeof path, "%s/%s.key", s_sec.keys_dir, name);
    else {
        snprintf(err, errlen,
                 "CURVE: '%s' is not a certificate name (letters, digits, '.', '_', '-') "
                 "nor a path",
                 name);
        return NULL;
    }
    if (n < 0 || (size_t) n >= sizeof path || (size_t) n + sizeof "_secret" > 256) {
        snprintf(err, errlen, "CURVE: certificate path too long: %s", name);
        return NULL;
    }
    char secret_path[SECURITY_PATH_MAX];
    snprintf(secret_path, sizeof secret_path, "%s_secret", path);
    const char *why = "not a secret certificate";
    zcert_t *cert = NULL;
    if (access(secret_path, R_OK) != 0)
        why = strerror(errno);
    else
        cert = zcert_load(path); /* reads path_secret first, which holds both keys */
    static const uint8_t zero[32] = {0};
    if (cert && memcmp(zcert_secret_key(cert), zero, sizeof zero) != 0)
        return cert;
    zcert_destroy(&cert);
    snprintf(err, errlen,
             "CURVE: cannot read the secret certificate %s (%s); make one with "
             "`ratifyctl keygen %s`",
             secret_path, why, strchr(name, '/') ? "NAME" : name);
    return NULL;
}

int
security_curve_setting(char *err, size_t errlen)
{
    const char *value = getenv("RATIFY_CURVE");
    if (!value || !*value || strcmp(value, "0") == 0)
        return 0;
    if (strcmp(value, "1") == 0)
        return 1;
    snprintf(err, errlen, "RATIFY_CURVE must be 0 or 1, not '%.40s'", value);
    return -1;
}

void
security_shutdown(void)
{
    s_zap_destroy(&s_sec.zap);
    s_keylist_destroy(&s_sec.writers);
    zcert_destroy(&s_sec.cert);
    memset(&s_sec, 0, sizeof s_sec);
}

int
security_init(const char *identity, security_mode_t mode, char *err, size_t errlen)
{
    security_shutdown();
    s_sec.mode = mode;
    const int setting = security_curve_setting(err, errlen);
    if (setting <= 0)
        return setting;
    const char *dir = getenv("RATIFY_KEYS_DIR");
    struct stat st;
    if (!zsys_has_curve()) {
        snprintf(err, errlen, "RATIFY_CURVE=1 but this libzmq has no CURVE support");
        return -1;
    }
    if (!dir || !*dir) {
        snprintf(err, errlen,
                 "RATIFY_CURVE=1 needs RATIFY_KEYS_DIR, the directory of the certificates");
        return -1;
    }
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "RATIFY_KEYS_DIR=%s is not a directory", dir);
        return -1;
    }
    const int n = snprintf(s_sec.keys_dir, sizeof s_sec.keys_dir, "%s", dir);
    if (n < 0 || (size_t) n >= sizeof s_sec.keys_dir - 2 * SECURITY_NAME_MAX) {
        snprintf(err, errlen, "RATIFY_KEYS_DIR is too long");
        return -1;
    }
    s_sec.cert = s_load_own(identity, err, errlen);
    if (!s_sec.cert) {
        security_shutdown();
        return -1;
    }
    if (mode == SECURITY_SERVER) {
        char writers[SECURITY_PATH_MAX], readers[SECURITY_PATH_MAX];
        if (s_dir_path(writers, sizeof writers, "RATIFY_WRITERS_DIR", "writers") != 0
            || s_dir_path(readers, sizeof readers, "RATIFY_READERS_DIR", "readers") != 0) {
            snprintf(err, errlen, "RATIFY_WRITERS_DIR or RATIFY_READERS_DIR is too long");
            security_shutdown();
            return -1;
        }
        s_sec.writers = s_keylist_new(writers);
        s_sec.zap = s_sec.writers ? s_zap_new(writers, readers, err, errlen) : NULL;
        if (!s_sec.zap) {
            if (!s_sec.writers)
                snprintf(err, errlen, "out of memory");
            security_shutdown();
            return -1;
        }
        s_keylist_refresh(s_sec.writers);
        s_keylist_t *readers_now = s_keylist_new(readers);
        if (readers_now)
            s_keylist_refresh(readers_now);
        const size_t nw = zhashx_size(s_sec.writers->keys);
        const size_t nr = readers_now ? zhashx_size(readers_now->keys) : 0;
        s_keylist_destroy(&readers_now);
        log_info("CURVE on: certificate %s (public key %s); %zu writers in %s, %zu readers in %s",
                 identity ? identity : "client", zcert_public_txt(s_sec.cert), nw, writers, nr,
                 readers);
        if (nw + nr == 0)
            log_warn("CURVE: the writers and readers directories are empty: no client can "
                     "connect");
    }
    s_sec.mode = mode;
    s_sec.on = true;
    return 0;
}

bool
security_curve_on(void)
{
    return s_sec.on;
}

/* Returns 0 when CURVE is off for this process as RATIFY_CURVE says; -1
   with the reason when it is asked for but security_init did not set it up. */
static int
s_check_off(char *err, size_t errlen)
{
    const int setting = security_curve_setting(err, errlen);
    if (setting == 0)
        return 0;
    if (setting > 0)
        snprintf(err, errlen,
                 "RATIFY_CURVE=1 but this program did not set up CURVE "
                 "(security_init): refusing an unencrypted socket");
    return -1;
}

static int
s_setopt(zsock_t *sock, int option, const void *value, size_t size, const char *what, char *err,
         size_t errlen)
{
    if (zmq_setsockopt(zsock_resolve(sock), option, value, size) == 0)
        return 0;
    snprintf(err, errlen, "CURVE: cannot set %s: %s", what, zmq_strerror(zmq_errno()));
    return -1;
}

/* Gives the socket this process's key pair. */
static int
s_apply_cert(zsock_t *sock, char *err, size_t errlen)
{
    return s_setopt(sock, ZMQ_CURVE_PUBLICKEY, zcert_public_key(s_sec.cert), 32, "the public key",
                    err, errlen)
                   || s_setopt(sock, ZMQ_CURVE_SECRETKEY, zcert_secret_key(s_sec.cert), 32,
                               "the secret key", err, errlen)
               ? -1
               : 0;
}

int
security_apply_server(zsock_t *sock, char *err, size_t errlen)
{
    if (!s_sec.on)
        return s_check_off(err, errlen);
    if (!s_sec.zap) {
        snprintf(err, errlen,
                 "CURVE: a server socket needs the ZAP handler "
                 "(security_init in SECURITY_SERVER mode)");
        return -1;
    }
    const int one = 1;
    /* without ZAP_ENFORCE_DOMAIN a missing handler would admit every key;
       an older libzmq without it still has our handler bound, so go on */
    zmq_setsockopt(zsock_resolve(sock), ZMQ_ZAP_ENFORCE_DOMAIN, &one, sizeof one);
    return s_setopt(sock, ZMQ_ZAP_DOMAIN, SECURITY_ZAP_DOMAIN, strlen(SECURITY_ZAP_DOMAIN),
                    "the ZAP domain", err, errlen)
                   || s_setopt(sock, ZMQ_CURVE_SERVER, &one, sizeof one, "curve_server", err,
                               errlen)
                   || s_apply_cert(sock, err, errlen)
               ? -1
               : 0;
}

int
security_apply_client(zsock_t *sock, const char *endpoint, char *err, size_t errlen)
{
    if (!s_sec.on)
        return s_check_off(err, errlen);
    const char *service = NULL;
    for (size_t i = 0; i < sizeof s_endpoints / sizeof s_endpoints[0] && !service; i++) {
        const char *value = config_get(s_endpoints[i].setting);
        if (value && strcmp(value, endpoint) == 0)
            service = s_endpoints[i].service;
    }
    if (!service) {
        snprintf(err, errlen,
                 "CURVE: %s is none of the RATIFY_*_API, _EVENTS or _ALERTS endpoints, so "
                 "whose public key to expect is unknown",
                 endpoint);
        return -1;
    }
    char path[SECURITY_PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/%s.key", s_sec.keys_dir, service); /* fits: see init */
    char key[Z85_KEY_CHARS + 1];
    if (s_read_public(path, key) != 0) {
        snprintf(err, errlen, "CURVE: cannot read the %s's public certificate %s", service, path);
        return -1;
    }
    return s_apply_cert(sock, err, errlen)
                   || s_setopt(sock, ZMQ_CURVE_SERVERKEY, key, Z85_KEY_CHARS, "the server key", err,
                               errlen)
               ? -1
               : 0;
}

bool
security_may_write(const char *user_id)
{
    if (!s_sec.on)
        return true;
    if (!s_sec.writers || !user_id || !*user_id)
        return false;
    return s_keylist_lookup(s_sec.writers, user_id) != NULL;
}

void
security_report(const char *what)
{
    if (s_sec.mode == SECURITY_SERVER)
        log_error("%s", what);
    else
        fprintf(stderr, "%s\n", what);
}
