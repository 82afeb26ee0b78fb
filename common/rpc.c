/*  rpc: ROUTER request envelopes and a DEALER client with timeouts. */
#include "rpc.h"

#include "log.h"
#include "sock.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* A ROUTER's routing id is 1 to 255 bytes. */
#define S_IDENTITY_MAX 255

struct _rpc_req_t {
    msg_in_t *msg;
    wire_err_t err;
    char *user_id;        /* the connection's ZAP User-Id (CURVE: the client's key), or NULL */
    size_t identity_size; /* 0: none, and the request cannot be answered */
    uint8_t identity[S_IDENTITY_MAX]; /* held here: a zframe_t was two more allocations */
};

/*  Raw libzmq parts rather than a zmsg_t (sock_recv_parts): czmq
    allocates a list, a node and a frame for each part, which at thousands
    of requests a second was a sixth of the registry's instructions. */
static rpc_req_t *
s_recv(zsock_t *router, bool wait)
{
    zmq_msg_t part[3]; /* identity, delimiter, body */
    void *socket = zsock_resolve(router);
    const size_t n = wait ? sock_recv_parts(socket, part, 3) : sock_try_recv_parts(socket, part, 3);
    rpc_req_t *req = n > 0 ? calloc(1, sizeof *req) : NULL;
    if (!req) {
        sock_close_parts(part, 3);
        return NULL;
    }
    /* the ROUTER makes the identity part; the peer's parts carry the
       connection's metadata */
    const size_t identity_size = zmq_msg_size(&part[0]);
    if (identity_size > 0 && identity_size <= sizeof req->identity) {
        memcpy(req->identity, zmq_msg_data(&part[0]), identity_size);
        req->identity_size = identity_size;
    }
    const size_t rest = n - 1; /* parts after the identity */
    const char *user_id = rest > 0 ? zmq_msg_gets(&part[1], "User-Id") : NULL;
    if (user_id && *user_id)
        req->user_id = strdup(user_id);
    if (!req->identity_size || rest != 2 || zmq_msg_size(&part[1]) != 0) {
        wire_fail(&req->err, "bad_frame",
                  "a request is one body frame after an empty delimiter frame "
                  "(got %zu frames)",
                  rest);
        log_warn("dropped a malformed request: %s", req->err.message);
    }
    else {
        req->msg = msg_in_parse(zmq_msg_data(&part[2]), zmq_msg_size(&part[2]), &req->err);
        if (!req->msg)
            log_warn("bad request (%s): %s", req->err.code, req->err.message);
    }
    sock_close_parts(part, 3);
    return req;
}

rpc_req_t *
rpc_recv(zsock_t *router)
{
    return s_recv(router, true);
}

rpc_req_t *
rpc_try_recv(zsock_t *router)
{
    return s_recv(router, false);
}

const msg_in_t *
rpc_req_msg(const rpc_req_t *req)
{
    return req->msg;
}

const wire_err_t *
rpc_req_error(const rpc_req_t *req)
{
    return &req->err;
}

const char *
rpc_req_user_id(const rpc_req_t *req)
{
    return req->user_id;
}

void
rpc_req_destroy(rpc_req_t **req_p)
{
    if (!req_p || !*req_p)
        return;
    rpc_req_t *req = *req_p;
    msg_in_destroy(&req->msg);
    free(req->user_id);
    free(req);
    *req_p = NULL;
}

int
rpc_reply(zsock_t *router, const rpc_req_t *req, const msgpack_sbuffer *body)
{
    if (!req->identity_size)
        return -1;
    void *socket = zsock_resolve(router);
    if (zmq_send(socket, req->identity, req->identity_size, ZMQ_SNDMORE) < 0
        || zmq_send(socket, "", 0, ZMQ_SNDMORE) < 0
        || zmq_send(socket, body->data, body->size, 0) < 0)
        return -1;
    return 0;
}

int
rpc_reply_error(zsock_t *router, const rpc_req_t *req, const char *code, const char *fmt, ...)
{
    msgpack_sbuffer buf;
    msgpack_sbuffer_init(&buf);
    va_list ap;
    va_start(ap, fmt);
    int rc = msg_reply_verror(&buf, code, fmt, ap);
    va_end(ap);
    if (rc == 0)
        rc = rpc_reply(router, req, &buf);
    msgpack_sbuffer_destroy(&buf);
    return rc;
}

/* ---- client ----------------------------------------------------------- */

struct _rpc_client_t {
    char *endpoint;
    zsock_t *dealer;
};

rpc_client_t *
rpc_client_new(const char *endpoint)
{
    rpc_client_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->endpoint = strdup(endpoint);
    self->dealer = sock_new_client(ZMQ_DEALER, endpoint, NULL);
    if (!self->endpoint || !self->dealer)
        rpc_client_destroy(&self);
    return self;
}

void
rpc_client_destroy(rpc_client_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    rpc_client_t *self = *self_p;
    if (self->dealer)
        zsock_set_linger(self->dealer, 0);
    zsock_destroy(&self->dealer);
    free(self->endpoint);
    free(self);
    *self_p = NULL;
}

rpc_status_t
rpc_client_send(rpc_client_t *self, const void *request, size_t size, wire_err_t *err)
{
    if (!self->dealer) {
        self->dealer = sock_new_client(ZMQ_DEALER, self->endpoint, NULL);
        if (!self->dealer) {
            wire_fail(err, "connect", "cannot connect to %s", self->endpoint);
            return RPC_FAILED;
        }
    }
    void *socket = zsock_resolve(self->dealer);
    if (zmq_send(socket, "", 0, ZMQ_SNDMORE | ZMQ_DONTWAIT) != 0
        || zmq_send(socket, request, size, ZMQ_DONTWAIT) != (int) size) {
        /* a DEALER queues while unconnected: only a full queue fails, and
           the caller then abandons the socket (a half-sent message must
           not reach the service) */
        wire_fail(err, "send", "cannot send to %s", self->endpoint);
        return RPC_FAILED;
    }
    return RPC_OK;
}

zsock_t *
rpc_client_socket(rpc_client_t *self)
{
    return self->dealer;
}

rpc_status_t
rpc_client_recv(rpc_client_t *self, msg_in_t **reply, wire_err_t *err)
{
    *reply = NULL;
    if (!self->dealer) {
        wire_fail(err, "recv", "no request to %s is outstanding", self->endpoint);
        return RPC_FAILED;
    }
    zmq_msg_t part[2]; /* [""][body] */
    const size_t parts = sock_recv_parts(zsock_resolve(self->dealer), part, 2);
    rpc_status_t status = RPC_FAILED;
    if (parts == 0)
        wire_fail(err, "recv", "receive from %s interrupted", self->endpoint);
    else if (parts != 2 || zmq_msg_size(&part[0]) != 0)
        wire_fail(err, "bad_frame", "malformed reply from %s", self->endpoint);
    else if ((*reply = msg_in_parse(zmq_msg_data(&part[1]), zmq_msg_size(&part[1]), err)))
        status = RPC_OK;
    sock_close_parts(part, 2);
    return status;
}

void
rpc_client_abandon(rpc_client_t *self)
{
    if (self->dealer)
        zsock_set_linger(self->dealer, 0);
    zsock_destroy(&self->dealer);
}

rpc_status_t
rpc_client_call(rpc_client_t *self, const void *request, size_t size, int timeout_ms,
                msg_in_t **reply, wire_err_t *err)
{
    *reply = NULL;
    if (rpc_client_send(self, request, size, err) != RPC_OK) {
        rpc_client_abandon(self);
        return RPC_FAILED;
    }
    zpoller_t *poller = zpoller_new(self->dealer, NULL);
    void *ready = poller ? zpoller_wait(poller, timeout_ms) : NULL;
    zpoller_destroy(&poller);
    if (!ready) {
        rpc_client_abandon(self);
        wire_fail(err, "timeout", "no reply from %s within %d ms", self->endpoint, timeout_ms);
        return RPC_TIMEOUT;
    }
    return rpc_client_recv(self, reply, err);
}
