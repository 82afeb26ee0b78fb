/*  rpc: request/reply over ROUTER (services) and DEALER (clients).

    A request is three frames at the ROUTER: [peer identity][""][body]. A
    client sends ["" ][body] from a DEALER and reads [""][reply]. Anything
    else (no delimiter, several body frames, an oversize or malformed body)
    is answered with an "error" reply when the peer can be addressed, and
    logged, so a service never stalls or crashes on a bad frame.

    Service side:
        rpc_req_t *req = rpc_recv(router);      // never NULL on a readable socket
        if (rpc_req_msg(req)) ...handle...; else rpc_reply_error(router, req, ...)
        rpc_req_destroy(&req);

    Client side: rpc_client_call() sends one request and waits for its
    reply with a timeout; after a timeout the DEALER is replaced, so a late
    reply can never be mistaken for the answer to the next request.
    rpc_client_send / _recv / _abandon do the same for a caller that polls
    (the follower's replays: a service never blocks on another). */
#ifndef RATIFY_RPC_H
#define RATIFY_RPC_H

#include "msg.h"

#include <czmq.h>

typedef struct _rpc_req_t rpc_req_t;

/* Reads one request from a ROUTER socket. Returns a request (caller
   destroys it), or NULL when nothing could be read (interrupted). A request
   whose body failed to parse has rpc_req_msg() == NULL and the reason in
   rpc_req_error(). */
rpc_req_t *rpc_recv(zsock_t *router);

/* As rpc_recv, but returns NULL at once when no request is waiting: for
   draining a ROUTER without a zsock_events (a poll(2)) per request. */
rpc_req_t *rpc_try_recv(zsock_t *router);

/* Returns the parsed body, or NULL when it was malformed. Borrowed. */
const msg_in_t *rpc_req_msg(const rpc_req_t *req);

/* Returns why the body could not be parsed. Borrowed. */
const wire_err_t *rpc_req_error(const rpc_req_t *req);

/* Returns the User-Id of the connection the request came on (with CURVE:
   the client's public key in Z85, set by the ZAP handler), or NULL when it
   has none (CURVE off). Borrowed. */
const char *rpc_req_user_id(const rpc_req_t *req);

/* Destroys a request; accepts NULL and sets *req_p to NULL. */
void rpc_req_destroy(rpc_req_t **req_p);

/* Sends `body` as the reply to req. Returns 0, or -1 when it could not be
   queued (peer gone). */
int rpc_reply(zsock_t *router, const rpc_req_t *req, const msgpack_sbuffer *body);

/* Sends an "error" reply with code and message. Returns as rpc_reply. */
int rpc_reply_error(zsock_t *router, const rpc_req_t *req, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* ---- client ----------------------------------------------------------- */

typedef struct _rpc_client_t rpc_client_t;

/* Returns a client for the service API at endpoint, or NULL. Caller
   destroys it. Connecting is lazy: an absent service shows as a timeout. */
rpc_client_t *rpc_client_new(const char *endpoint);

/* Destroys the client; accepts NULL and sets *self_p to NULL. */
void rpc_client_destroy(rpc_client_t **self_p);

typedef enum {
    RPC_OK = 0,       /* *reply holds the service's answer (may be an "error") */
    RPC_TIMEOUT = -2, /* no answer within timeout_ms */
    RPC_FAILED = -1,  /* could not send, or the answer was malformed (err says why) */
} rpc_status_t;

/* Sends the request frame (`size` bytes) and waits up to timeout_ms for the
   reply. On RPC_OK *reply is a new frame the caller destroys. */
rpc_status_t rpc_client_call(rpc_client_t *self, const void *request, size_t size, int timeout_ms,
                             msg_in_t **reply, wire_err_t *err);

/* The same without waiting, for a caller with a poll loop of its own: send,
   poll rpc_client_socket() and read the reply with rpc_client_recv when it
   is readable, or give the request up with rpc_client_abandon. One request
   at a time. */

/* Queues the request (`size` bytes). Returns RPC_OK, or RPC_FAILED with
   err filled (no socket, or its queue is full: then call
   rpc_client_abandon before the next send, a part may have gone). */
rpc_status_t rpc_client_send(rpc_client_t *self, const void *request, size_t size, wire_err_t *err);
/* Returns the socket the reply arrives on, or NULL before the first send
   and after rpc_client_abandon (the next send opens another). Borrowed. */
zsock_t *rpc_client_socket(rpc_client_t *self);
/* Reads the reply from a readable rpc_client_socket(). Returns RPC_OK with
   *reply (the caller destroys it), or RPC_FAILED with err filled (a
   malformed reply). */
rpc_status_t rpc_client_recv(rpc_client_t *self, msg_in_t **reply, wire_err_t *err);
/* Gives the outstanding request up: closes the socket, so that its late
   reply can never be read as the answer to the next request. */
void rpc_client_abandon(rpc_client_t *self);

#endif
