/*  security: CURVE encryption and authentication for every ZeroMQ socket.

    Off unless RATIFY_CURVE=1: then nothing changes on the wire and
    security_init does nothing. With RATIFY_CURVE=1 every socket sock.c
    makes is a CURVE socket: servers (ROUTER, PUB) with this process's own
    certificate, clients (DEALER, SUB) with it too and with the public key
    of the service they connect to. Keys are czmq certificates (zcert) in
    RATIFY_KEYS_DIR:

        <dir>/<name>.key          public certificate (zcert_save)
        <dir>/<name>.key_secret   its secret twin, mode 0600
        <dir>/writers/<name>.key  public certificates allowed to write
        <dir>/readers/<name>.key  public certificates allowed to read

    A service's own certificate is <dir>/<service>.key_secret; a client's
    (ratifyctl) is named by RATIFY_CLIENT_KEY (a name in <dir>, or a path),
    "client" by default. A client finds the key of the server it connects to
    by the endpoint: the endpoint of RATIFY_REGISTRY_API or _EVENTS is the
    registry's, so <dir>/registry.key, and so on for each service.
    RATIFY_WRITERS_DIR and RATIFY_READERS_DIR move the two lists elsewhere
    (Kubernetes mounts each from its own Secret).

    A server process runs a ZAP handler (RFC 27, a thread bound on
    inproc://zeromq.zap.01, before any server socket exists): a handshake
    is accepted when the client's key is in writers/ or readers/, and the
    connection's User-Id is then the client's public key (Z85). The
    registry asks security_may_write with that User-Id before every deposit
    and retract. Both lists are read again whenever a file in them changes
    (each lookup stats the directory's files, about a microsecond each), so
    removing a certificate refuses the next handshake, and the next write
    even on a connection opened before.

    Without a handler libzmq would accept any CURVE key (the "Stonehouse"
    default); servers also set ZMQ_ZAP_ENFORCE_DOMAIN, so a handshake fails
    rather than pass unchecked if the handler is ever missing.

    The state is process-wide (one certificate and one handler per
    process, as there is one ZeroMQ context): security_init once at start,
    security_shutdown after the last socket is closed. */
#ifndef RATIFY_SECURITY_H
#define RATIFY_SECURITY_H

#include <czmq.h>
#include <stdbool.h>
#include <stddef.h>

#define SECURITY_ZAP_DOMAIN         "ratify" /* ZAP domain of every server socket */
#define SECURITY_CLIENT_KEY_DEFAULT "client" /* ratifyctl's certificate name */
#define SECURITY_NAME_MAX           64       /* longest certificate name, bytes */

typedef enum {
    SECURITY_CLIENT = 0, /* a command-line client: errors on stderr */
    SECURITY_SERVER,     /* a service: runs the ZAP handler, errors in the log */
} security_mode_t;

/* Reads RATIFY_CURVE (unset, "" or 0: off; 1: on; anything else is an
   error). Returns 1 (on), 0 (off), or -1 with the reason in err. */
int security_curve_setting(char *err, size_t errlen);

/* Sets up CURVE for this process when RATIFY_CURVE=1: loads the
   certificate `identity` (NULL: RATIFY_CLIENT_KEY, else "client") and, in
   SECURITY_SERVER mode, starts the ZAP handler. Returns 0 (also when
   CURVE is off: nothing is done), or -1 with the reason in err (no
   RATIFY_KEYS_DIR, no such certificate, no secret key, the handler could
   not bind). Call once, before any socket; not thread-safe. */
int security_init(const char *identity, security_mode_t mode, char *err, size_t errlen);

/* Stops the ZAP handler and forgets the certificate; accepts being called
   without security_init, and twice. Call after every socket is closed. */
void security_shutdown(void);

/* Returns true when security_init turned CURVE on for this process. */
bool security_curve_on(void);

/* Makes `sock` (not yet bound) a CURVE server with this process's
   certificate, in ZAP domain SECURITY_ZAP_DOMAIN. Does nothing when CURVE
   is off. Returns 0, or -1 with the reason in err (RATIFY_CURVE=1 but
   security_init was not called: we never bind an open socket by mistake). */
int security_apply_server(zsock_t *sock, char *err, size_t errlen);

/* Makes `sock` (not yet connected) a CURVE client of the service whose
   endpoint is `endpoint`, with this process's certificate. Does nothing
   when CURVE is off. Returns 0, or -1 with the reason in err (the endpoint
   is none of the RATIFY_* endpoints, or that service's public certificate
   is missing). */
int security_apply_client(zsock_t *sock, const char *endpoint, char *err, size_t errlen);

/* Returns true when a request whose connection carries `user_id` (the
   User-Id the ZAP handler set: the client's public key) may write to the
   registry: its certificate is in the writers directory now. Always true
   when CURVE is off; false for NULL or "" when it is on. Reads the
   directory again when it changed. Call from one thread only. */
bool security_may_write(const char *user_id);

/* Reports a failure where this process reports them: the log for a
   service, stderr for a client. */
void security_report(const char *what);

/* Returns true when `name` may name a certificate: 1 to SECURITY_NAME_MAX
   letters, digits, '.', '_' or '-', not starting with '.'. */
bool security_name_valid(const char *name);

#endif
