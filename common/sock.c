/*  sock: socket construction with explicit options. */
#include "sock.h"

#include "security.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

void
sock_init(void)
{
    zsys_handler_set(NULL); /* we install our own SIGINT/SIGTERM handling */
    zsys_set_linger(SOCK_LINGER_MSEC);
    zsys_set_sndhwm(SOCK_SNDHWM_MSGS);
    zsys_set_rcvhwm(SOCK_RCVHWM_MSGS);
}

static void
s_set_common(zsock_t *sock)
{
    const int type = zsock_type(sock);
    const bool stream = type == ZMQ_PUB || type == ZMQ_SUB;
    zsock_set_linger(sock, SOCK_LINGER_MSEC);
    zsock_set_sndhwm(sock, type == ZMQ_PUB ? SOCK_PUB_SNDHWM_MSGS : SOCK_SNDHWM_MSGS);
    if (type == ZMQ_PUB)
        zsock_set_sndbuf(sock, SOCK_PUB_SNDBUF_BYTES);
    zsock_set_rcvhwm(sock, SOCK_RCVHWM_MSGS);
    zsock_set_maxmsgsize(sock, SOCK_MAX_MSG_BYTES);
    if (stream) { /* not ZMTP heartbeats: sock.h says why */
        zsock_set_tcp_keepalive(sock, 1);
        zsock_set_tcp_keepalive_idle(sock, SOCK_KEEPALIVE_IDLE_SEC);
        zsock_set_tcp_keepalive_intvl(sock, SOCK_KEEPALIVE_INTVL_SEC);
        zsock_set_tcp_keepalive_cnt(sock, SOCK_KEEPALIVE_CNT);
    }
    else {
        zsock_set_heartbeat_ivl(sock, SOCK_HEARTBEAT_IVL_MSEC);
        zsock_set_heartbeat_timeout(sock, SOCK_HEARTBEAT_TIMEOUT_MSEC);
    }
}

static bool
s_is_numeric_host(const char *host, size_t len)
{
    if (len == 1 && host[0] == '*')
        return true;
    if (len == 9 && strncmp(host, "localhost", 9) == 0)
        return true;
    if (len > 0 && host[0] == '[')
        return true; /* IPv6 literal */
    for (size_t i = 0; i < len; i++)
        if (!isdigit((unsigned char) host[i]) && host[i] != '.')
            return false;
    return len > 0;
}

/* Receives one multipart message, its first part with `flags`: the others
   are there once the first is (libzmq delivers a message whole), so a
   signal that interrupts one of them is ridden out rather than leaving the
   rest to be read as the next message. */
static size_t
s_recv_parts(void *socket, zmq_msg_t *parts, size_t max, int flags)
{
    for (size_t i = 0; i < max; i++)
        zmq_msg_init(&parts[i]);
    size_t n = 0;
    int more = 1;
    while (more) {
        zmq_msg_t dropped;
        zmq_msg_t *into = n < max ? &parts[n] : &dropped;
        if (into == &dropped)
            zmq_msg_init(&dropped);
        int rc;
        do
            rc = zmq_msg_recv(into, socket, n == 0 ? flags : 0);
        while (rc < 0 && n > 0 && zmq_errno() == EINTR);
        const bool got = rc >= 0;
        if (got) {
            n++;
            more = zmq_msg_more(into);
        }
        if (into == &dropped)
            zmq_msg_close(&dropped);
        if (!got)
            break;
    }
    return n;
}

size_t
sock_recv_parts(void *socket, zmq_msg_t *parts, size_t max)
{
    return s_recv_parts(socket, parts, max, 0);
}

size_t
sock_try_recv_parts(void *socket, zmq_msg_t *parts, size_t max)
{
    return s_recv_parts(socket, parts, max, ZMQ_DONTWAIT);
}

void
sock_close_parts(zmq_msg_t *parts, size_t max)
{
    for (size_t i = 0; i < max; i++)
        zmq_msg_close(&parts[i]);
}

int
sock_bind_address(const char *endpoint, char *buf, size_t cap)
{
    const char *scheme = strstr(endpoint, "://");
    const char *colon = strrchr(endpoint, ':');
    int n;
    if (scheme && strncmp(endpoint, "tcp", 3) == 0 && colon && colon > scheme + 3
        && !s_is_numeric_host(scheme + 3, (size_t) (colon - scheme - 3)))
        n = snprintf(buf, cap, "tcp://*%s", colon);
    else
        n = snprintf(buf, cap, "%s", endpoint);
    return n < 0 || (size_t) n >= cap ? -1 : 0;
}

zsock_t *
sock_new_server(int type, const char *endpoint, char *err, size_t errlen)
{
    char address[256];
    if (sock_bind_address(endpoint, address, sizeof address) != 0) {
        snprintf(err, errlen, "endpoint too long: %s", endpoint);
        return NULL;
    }
    zsock_t *sock = zsock_new(type);
    if (!sock) {
        snprintf(err, errlen, "cannot create socket: %s", zmq_strerror(zmq_errno()));
        return NULL;
    }
    s_set_common(sock);
    if (security_apply_server(sock, err, errlen) != 0) {
        zsock_destroy(&sock);
        return NULL;
    }
    if (type == ZMQ_ROUTER)
        zsock_set_router_mandatory(sock, 0); /* replies to gone peers are dropped */
    if (zsock_bind(sock, "%s", address) < 0) {
        snprintf(err, errlen, "cannot bind %s: %s", address, zmq_strerror(zmq_errno()));
        zsock_destroy(&sock);
        return NULL;
    }
    return sock;
}

zsock_t *
sock_new_client(int type, const char *endpoint, const char *topic)
{
    zsock_t *sock = zsock_new(type);
    if (!sock)
        return NULL;
    s_set_common(sock);
    char err[512];
    if (security_apply_client(sock, endpoint, err, sizeof err) != 0) {
        security_report(err);
        zsock_destroy(&sock);
        return NULL;
    }
    if (type == ZMQ_SUB)
        zsock_set_subscribe(sock, topic ? topic : "");
    if (zsock_connect(sock, "%s", endpoint) < 0) {
        zsock_destroy(&sock);
        return NULL;
    }
    return sock;
}
