/*  test_security: CURVE through common/security.h and sock.c, in one
    process, on loopback: the RATIFY_CURVE setting; security_init's refusals
    (no keys directory, no certificate, a public certificate only); the ZAP
    handler admitting a writer and a reader with their key as User-Id
    (rpc_req_user_id), refusing an unknown key and a client without CURVE;
    security_may_write; revocation (a removed writer can neither write nor
    open a new connection), a certificate rewritten in place, a reader
    added while running; a client of the registry found by its endpoint;
    an unknown endpoint; RATIFY_CURVE=1 without security_init; and a second
    security_init after security_shutdown (the ZAP endpoint rebinds).

    Keys are made here with zcert_new/zcert_save in a fresh temporary
    directory, removed at the end. */
#include "check.h"
#include "rpc.h"
#include "security.h"
#include "sock.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define WAIT_MSEC        1500 /* an admitted client's request arrives well within this */
#define DENIED_WAIT_MSEC 600

static char s_dir[64];

static void
s_path(char *buf, size_t cap, const char *file)
{
    snprintf(buf, cap, "%s/%s", s_dir, file);
}

/* Makes <dir>/<file> (public) and its _secret twin; returns the cert. */
static zcert_t *
s_make(const char *file)
{
    char path[256];
    s_path(path, sizeof path, file);
    zcert_t *cert = zcert_new();
    CHECK(cert && zcert_save(cert, path) == 0);
    return cert;
}

static void
s_admit(zcert_t *cert, const char *list, const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s/%s", s_dir, list, name);
    CHECK(zcert_save_public(cert, path) == 0);
}

/* A DEALER with `cert` (NULL: no CURVE) that expects `server` at endpoint. */
static zsock_t *
s_client(zcert_t *cert, zcert_t *server, const char *endpoint)
{
    zsock_t *sock = zsock_new(ZMQ_DEALER);
    zsock_set_linger(sock, 0);
    if (cert) {
        zcert_apply(cert, sock);
        zsock_set_curve_serverkey(sock, zcert_public_txt(server));
    }
    CHECK(zsock_connect(sock, "%s", endpoint) == 0);
    return sock;
}

/* Sends a ping from client; returns the request as the router got it, or
   NULL when nothing arrived within wait_ms. */
static rpc_req_t *
s_roundtrip(zsock_t *client, zsock_t *router, int wait_ms)
{
    static const unsigned char ping[] = {
        0x82, 0xa1, 0x76, 0x01, 0xa4, 0x74, 0x79,
        0x70, 0x65, 0xa4, 0x70, 0x69, 0x6e, 0x67}; /* {"v":1,"type":"ping"} */
    zmsg_t *zm = zmsg_new();
    zmsg_addmem(zm, "", 0);
    zmsg_addmem(zm, ping, sizeof ping);
    CHECK(zmsg_send(&zm, client) == 0);
    zpoller_t *poller = zpoller_new(router, NULL);
    void *ready = zpoller_wait(poller, wait_ms);
    zpoller_destroy(&poller);
    return ready ? rpc_recv(router) : NULL;
}

static void
s_test_setting(void)
{
    char err[256];
    unsetenv("RATIFY_CURVE");
    CHECK_INT(security_curve_setting(err, sizeof err), 0);
    setenv("RATIFY_CURVE", "0", 1);
    CHECK_INT(security_curve_setting(err, sizeof err), 0);
    setenv("RATIFY_CURVE", "1", 1);
    CHECK_INT(security_curve_setting(err, sizeof err), 1);
    setenv("RATIFY_CURVE", "yes", 1);
    CHECK_INT(security_curve_setting(err, sizeof err), -1);
    CHECK(strstr(err, "RATIFY_CURVE must be 0 or 1") != NULL);
    CHECK_INT(security_init("registry", SECURITY_SERVER, err, sizeof err), -1);

    CHECK(security_name_valid("registry"));
    CHECK(security_name_valid("alice-2.ops_x"));
    CHECK(!security_name_valid(""));
    CHECK(!security_name_valid(".hidden"));
    CHECK(!security_name_valid("a/b"));
    CHECK(!security_name_valid("x y"));
}

static void
s_test_off(void)
{
    char err[256];
    unsetenv("RATIFY_CURVE");
    CHECK_INT(security_init("registry", SECURITY_SERVER, err, sizeof err), 0);
    CHECK(!security_curve_on());
    CHECK(security_may_write(NULL)); /* no CURVE: writes as before */
    zsock_t *router = sock_new_server(ZMQ_ROUTER, "tcp://127.0.0.1:*", err, sizeof err);
    CHECK(router != NULL);
    if (router) {
        zsock_t *client = s_client(NULL, NULL, zsock_endpoint(router));
        rpc_req_t *req = s_roundtrip(client, router, WAIT_MSEC);
        CHECK(req && rpc_req_msg(req));
        CHECK(req && rpc_req_user_id(req) == NULL);
        rpc_req_destroy(&req);
        zsock_destroy(&client);
    }
    zsock_destroy(&router);
    security_shutdown();

    /* RATIFY_CURVE=1 without security_init: never an open socket */
    setenv("RATIFY_CURVE", "1", 1);
    router = sock_new_server(ZMQ_ROUTER, "tcp://127.0.0.1:*", err, sizeof err);
    CHECK(router == NULL);
    CHECK(strstr(err, "did not set up CURVE") != NULL);
    zsock_destroy(&router);
}

static void
s_test_refusals(void)
{
    char err[512];
    setenv("RATIFY_CURVE", "1", 1);
    unsetenv("RATIFY_KEYS_DIR");
    CHECK_INT(security_init("registry", SECURITY_SERVER, err, sizeof err), -1);
    CHECK(strstr(err, "RATIFY_KEYS_DIR") != NULL);
    setenv("RATIFY_KEYS_DIR", "/nonexistent/ratify-keys", 1);
    CHECK_INT(security_init("registry", SECURITY_SERVER, err, sizeof err), -1);
    CHECK(strstr(err, "not a directory") != NULL);
    setenv("RATIFY_KEYS_DIR", s_dir, 1);
    CHECK_INT(security_init("nobody", SECURITY_SERVER, err, sizeof err), -1);
    CHECK(strstr(err, "nobody.key_secret") && strstr(err, "ratifyctl keygen nobody"));
    CHECK(!security_curve_on());

    /* a public certificate alone is no identity */
    zcert_t *cert = zcert_new();
    char path[256];
    s_path(path, sizeof path, "pubonly.key");
    CHECK(zcert_save_public(cert, path) == 0);
    zcert_destroy(&cert);
    CHECK_INT(security_init("pubonly", SECURITY_CLIENT, err, sizeof err), -1);
    CHECK(strstr(err, "pubonly.key_secret") != NULL);

    /* the client's name comes from RATIFY_CLIENT_KEY */
    setenv("RATIFY_CLIENT_KEY", "bad name", 1);
    CHECK_INT(security_init(NULL, SECURITY_CLIENT, err, sizeof err), -1);
    CHECK(strstr(err, "not a certificate name") != NULL);
    unsetenv("RATIFY_CLIENT_KEY");
}

static void
s_test_curve(void)
{
    char err[512], path[256];
    zcert_t *server = s_make("registry.key");
    zcert_t *writer = s_make("writer.key");
    zcert_t *reader = s_make("reader.key");
    zcert_t *stranger = s_make("stranger.key");
    zcert_t *late = s_make("late.key");
    s_admit(writer, "writers", "writer.key");
    s_admit(reader, "readers", "reader.key");
    s_admit(server, "readers", "registry.key");

    setenv("RATIFY_CURVE", "1", 1);
    setenv("RATIFY_KEYS_DIR", s_dir, 1);
    CHECK_INT(security_init("registry", SECURITY_SERVER, err, sizeof err), 0);
    CHECK(security_curve_on());
    zsock_t *router = sock_new_server(ZMQ_ROUTER, "tcp://127.0.0.1:*", err, sizeof err);
    CHECK(router != NULL);
    if (!router) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    char endpoint[128];
    snprintf(endpoint, sizeof endpoint, "%s", zsock_endpoint(router));

    /* a writer: admitted, its key is the User-Id, it may write */
    zsock_t *w = s_client(writer, server, endpoint);
    rpc_req_t *req = s_roundtrip(w, router, WAIT_MSEC);
    CHECK(req != NULL);
    CHECK_STR(req ? rpc_req_user_id(req) : NULL, zcert_public_txt(writer));
    CHECK(req && security_may_write(rpc_req_user_id(req)));
    rpc_req_destroy(&req);

    /* a reader: admitted, may not write */
    zsock_t *r = s_client(reader, server, endpoint);
    req = s_roundtrip(r, router, WAIT_MSEC);
    CHECK(req != NULL);
    CHECK_STR(req ? rpc_req_user_id(req) : NULL, zcert_public_txt(reader));
    CHECK(req && !security_may_write(rpc_req_user_id(req)));
    rpc_req_destroy(&req);
    CHECK(!security_may_write(NULL));
    CHECK(!security_may_write(""));

    /* an unknown key, and no CURVE at all: nothing gets through */
    zsock_t *s = s_client(stranger, server, endpoint);
    req = s_roundtrip(s, router, DENIED_WAIT_MSEC);
    CHECK(req == NULL);
    rpc_req_destroy(&req);
    zsock_t *plain = s_client(NULL, NULL, endpoint);
    req = s_roundtrip(plain, router, DENIED_WAIT_MSEC);
    CHECK(req == NULL);
    rpc_req_destroy(&req);
    zsock_destroy(&plain);

    /* revocation: the connected writer can no longer write, and cannot
       connect again */
    snprintf(path, sizeof path, "%s/writers/writer.key", s_dir);
    CHECK(unlink(path) == 0);
    CHECK(!security_may_write(zcert_public_txt(writer)));
    zsock_destroy(&w);
    w = s_client(writer, server, endpoint);
    req = s_roundtrip(w, router, DENIED_WAIT_MSEC);
    CHECK(req == NULL);
    rpc_req_destroy(&req);
    zsock_destroy(&w);

    /* a certificate rewritten in place: the stranger now holds the
       reader's file name, the reader is out */
    snprintf(path, sizeof path, "%s/readers/reader.key", s_dir);
    CHECK(zcert_save_public(stranger, path) == 0);
    zsock_destroy(&s);
    s = s_client(stranger, server, endpoint);
    req = s_roundtrip(s, router, WAIT_MSEC);
    CHECK(req != NULL);
    CHECK_STR(req ? rpc_req_user_id(req) : NULL, zcert_public_txt(stranger));
    rpc_req_destroy(&req);
    zsock_destroy(&r);
    r = s_client(reader, server, endpoint);
    req = s_roundtrip(r, router, DENIED_WAIT_MSEC);
    CHECK(req == NULL);
    rpc_req_destroy(&req);

    /* a writer admitted while running */
    s_admit(late, "writers", "late.key");
    zsock_t *l = s_client(late, server, endpoint);
    req = s_roundtrip(l, router, WAIT_MSEC);
    CHECK(req && security_may_write(rpc_req_user_id(req)));
    rpc_req_destroy(&req);
    zsock_destroy(&l);

    /* sock_new_client finds the server's key by the endpoint (the process's
       own certificate, "registry", is a reader) */
    setenv("RATIFY_REGISTRY_API", endpoint, 1);
    zsock_t *own = sock_new_client(ZMQ_DEALER, endpoint, NULL);
    CHECK(own != NULL);
    if (own) {
        zsock_set_linger(own, 0);
        req = s_roundtrip(own, router, WAIT_MSEC);
        CHECK_STR(req ? rpc_req_user_id(req) : NULL, zcert_public_txt(server));
        rpc_req_destroy(&req);
    }
    zsock_destroy(&own);
    unsetenv("RATIFY_REGISTRY_API");
    own = sock_new_client(ZMQ_DEALER, "tcp://127.0.0.1:1", NULL); /* whose? unknown */
    CHECK(own == NULL);
    zsock_destroy(&own);

    zsock_destroy(&s);
    zsock_destroy(&r);
    zsock_destroy(&router);
    security_shutdown();
    CHECK(!security_curve_on());

    /* again: the ZAP endpoint is free for a second handler */
    CHECK_INT(security_init("registry", SECURITY_SERVER, err, sizeof err), 0);
    router = sock_new_server(ZMQ_ROUTER, "tcp://127.0.0.1:*", err, sizeof err);
    CHECK(router != NULL);
    if (router) {
        l = s_client(late, server, zsock_endpoint(router));
        req = s_roundtrip(l, router, WAIT_MSEC);
        CHECK(req != NULL);
        rpc_req_destroy(&req);
        zsock_destroy(&l);
    }
    zsock_destroy(&router);
    security_shutdown();
    security_shutdown(); /* harmless */

    zcert_destroy(&server);
    zcert_destroy(&writer);
    zcert_destroy(&reader);
    zcert_destroy(&stranger);
    zcert_destroy(&late);
}

static void
s_remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char path[512];
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (e->d_type == DT_DIR)
            s_remove_tree(path);
        else
            unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

int
main(void)
{
    sock_init();
    snprintf(s_dir, sizeof s_dir, "/tmp/test_security.XXXXXX");
    if (!mkdtemp(s_dir)) {
        perror("mkdtemp");
        return 1;
    }
    char path[256];
    s_path(path, sizeof path, "writers");
    CHECK(mkdir(path, 0755) == 0);
    s_path(path, sizeof path, "readers");
    CHECK(mkdir(path, 0755) == 0);
    unsetenv("RATIFY_WRITERS_DIR");
    unsetenv("RATIFY_READERS_DIR");
    unsetenv("RATIFY_CLIENT_KEY");

    s_test_setting();
    s_test_off();
    s_test_refusals();
    if (zsys_has_curve())
        s_test_curve();
    else
        printf("test_security: this libzmq has no CURVE: handshake tests skipped\n");

    unsetenv("RATIFY_CURVE");
    s_remove_tree(s_dir);
    return check_report("test_security");
}
