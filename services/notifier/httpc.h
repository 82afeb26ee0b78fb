/*  httpc: one webhook POST over HTTP/1.1, driven by the caller's poll
    loop -- the delivery thread runs many at once and never blocks.

    A transfer resolves the host (an address literal at once; a name on a
    short-lived thread of its own, so a slow DNS server holds up only its
    own transfer), connects to each address in turn until one answers,
    does the TLS handshake for https (tlslib.h: OpenSSL, loaded with the
    first https transfer), sends the request and reads the response's head
    (http1.h). The body of the response is never read, and the connection
    is closed ("Connection: close"). Everything, the host's resolution
    included, must finish before the deadline; an address that does not
    answer gets half the time left (at least 250 ms) when more addresses
    follow it.

    Use: httpc_new; then, while httpc_state is HTTPC_RUNNING, wait until
    httpc_fd is ready for httpc_events or the deadline passes, and call
    httpc_step. A finished transfer reports the HTTP status and Retry-After,
    or why it failed. */
#ifndef RATIFY_HTTPC_H
#define RATIFY_HTTPC_H

#include "hookurl.h"

#include <stddef.h>
#include <stdint.h>

typedef struct _httpc_t httpc_t;

typedef enum {
    HTTPC_RUNNING = 0, /* waiting on httpc_fd */
    HTTPC_DONE,        /* a response head arrived: httpc_status */
    HTTPC_FAILED,      /* no response: httpc_error */
} httpc_state_t;

/* Starts sending request[0..len) (http1_request) to url, through the
   HTTP proxy `proxy` when not NULL (an http URL's request must then be in
   absolute form, "POST http://host/path"; an https URL gets a CONNECT
   tunnel, with Proxy-Authorization when the proxy URL has userinfo, and
   TLS with the URL's host inside it), to finish by
   deadline_ms (service_clock_ms clock). Takes ownership of request in
   every case. Returns the transfer -- possibly already HTTPC_FAILED (a
   refused connection: httpc_error says) -- or NULL when out of memory.
   Caller destroys it. Writes to a closed connection raise SIGPIPE inside
   OpenSSL: the process must ignore it (service_start does). */
httpc_t *httpc_new(const hookurl_t *url, const hookurl_t *proxy, char *request, size_t len,
                   int64_t deadline_ms);

/* Stops the transfer where it is, closes its connection, frees it.
   Accepts NULL; sets *self_p to NULL. */
void httpc_destroy(httpc_t **self_p);

/* Returns the transfer's state. */
httpc_state_t httpc_state(const httpc_t *self);

/* Returns the descriptor to wait on while HTTPC_RUNNING, -1 otherwise. */
int httpc_fd(const httpc_t *self);

/* Returns what to wait for on httpc_fd: POLLIN and/or POLLOUT (poll.h). */
short httpc_events(const httpc_t *self);

/* Returns the deadline given to httpc_new. */
int64_t httpc_deadline(const httpc_t *self);

/* Makes what progress is possible without blocking, once httpc_fd is
   ready or the deadline passed (now_ms, service_clock_ms clock); a
   transfer still running at its deadline fails. Returns the new state. */
httpc_state_t httpc_step(httpc_t *self, int64_t now_ms);

/* Returns the response's status (HTTPC_DONE), else 0. */
int httpc_status(const httpc_t *self);

/* Returns the response's Retry-After as a delay in ms, or -1 (none, or
   not HTTPC_DONE). */
int64_t httpc_retry_after_ms(const httpc_t *self);

/* Returns why the transfer failed (HTTPC_FAILED), else "". Borrowed:
   valid until the transfer is destroyed. */
const char *httpc_error(const httpc_t *self);

#endif
