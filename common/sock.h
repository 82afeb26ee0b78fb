/*  sock: every ZeroMQ socket option we rely on, set in one visible place.

    czmq's hidden defaults are switched off by sock_init (it takes no
    signals); each socket gets an explicit linger, high-water marks, and on
    every receiving socket ZMQ_MAXMSGSIZE, so a peer cannot make us buffer a
    frame larger than SOCK_MAX_MSG_BYTES.

    A dead peer is found by ZMTP heartbeats on request sockets (ROUTER,
    DEALER), and by TCP keepalive on streams (PUB, SUB). Not heartbeats on
    streams: libzmq 4.3.4 aborts a subscriber (zeromq/libzmq#3937,
    "!_io_error" in stream_engine_base.cpp) whose receive queue is full when
    its connection fails and it then sends a heartbeat or answers one it had
    buffered; a publisher's heartbeat timeout fails exactly the connections
    of subscribers that stopped reading. The kernel answers keepalive probes
    for a stalled subscriber, so it stays connected, and the publisher keeps
    at most SOCK_PUB_SNDHWM_MSGS and SOCK_PUB_SNDBUF_BYTES of kernel buffer
    for it and drops the rest (the stream's sequence numbers show the gap;
    the subscriber replays it).

    With RATIFY_CURVE=1 every socket made here is a CURVE socket (servers
    authenticate clients through the ZAP handler): see security.h, whose
    security_init must run first.

    Endpoints are the same strings for binding and connecting: a service
    given "tcp://registry:7101" (a host name, as in docker compose) binds
    tcp://<any>:7101; an IP address or "localhost" binds as written. */
#ifndef RATIFY_SOCK_H
#define RATIFY_SOCK_H

#include <czmq.h>
#include <stdbool.h>
#include <stddef.h>

#define SOCK_MAX_MSG_BYTES          (1024 * 1024) /* largest frame any socket accepts */
#define SOCK_LINGER_MSEC            1000          /* unsent data kept this long on close */
#define SOCK_SNDHWM_MSGS            100000        /* messages queued per peer */
#define SOCK_PUB_SNDHWM_MSGS        10000         /* PUB: per subscriber that does not read */
#define SOCK_PUB_SNDBUF_BYTES       (256 * 1024)  /* and the kernel's send buffer for it */
#define SOCK_RCVHWM_MSGS            100000
#define SOCK_HEARTBEAT_IVL_MSEC     2000 /* ZMTP ping interval (ROUTER, DEALER) */
#define SOCK_HEARTBEAT_TIMEOUT_MSEC 6000 /* peer considered gone after */
#define SOCK_KEEPALIVE_IDLE_SEC     30   /* PUB, SUB: TCP keepalive probes after */
#define SOCK_KEEPALIVE_INTVL_SEC    10   /* then every */
#define SOCK_KEEPALIVE_CNT          3    /* peer gone after so many unanswered */

/* Prepares czmq for our use: no signal handlers of its own, no default
   linger. Call once at start, before any socket. */
void sock_init(void);

/* Returns a bound server socket (ZMQ_ROUTER or ZMQ_PUB) with our options,
   or NULL with a reason in err. With CURVE on it is a CURVE server with
   this process's certificate. Caller owns it (zsock_destroy). */
zsock_t *sock_new_server(int type, const char *endpoint, char *err, size_t errlen);

/* Returns a connected client socket (ZMQ_DEALER or ZMQ_SUB; a SUB is
   subscribed to `topic`, "" for all) with our options, or NULL. With CURVE
   on, `endpoint` must be one of the RATIFY_* endpoints, which names the
   server's public key; a failure is reported (security_report). Caller
   owns it (zsock_destroy). */
zsock_t *sock_new_client(int type, const char *endpoint, const char *topic);

/* Receives one whole multipart message from a libzmq socket (zsock_resolve
   of a zsock_t) without czmq's per-part list, node and frame: its first
   `max` parts go into parts[0..max) (initialised here, even on failure;
   close them with sock_close_parts), any further part is read and dropped.
   Returns how many parts the message had, or 0 when nothing could be read
   (interrupted, or a receive timeout). */
size_t sock_recv_parts(void *socket, zmq_msg_t *parts, size_t max);

/* As sock_recv_parts, but returns 0 at once (errno EAGAIN) when no message
   is waiting, as well as when interrupted (EINTR) or the context ends
   (ETERM). A loop that drains a socket with it has libzmq process its
   pending commands (usually a poll(2)) at the end and every 100th message;
   checking ZMQ_EVENTS (zsock_events) before each message costs that poll(2)
   every time. */
size_t sock_try_recv_parts(void *socket, zmq_msg_t *parts, size_t max);

/* Closes parts[0..max) filled by sock_recv_parts or sock_try_recv_parts. */
void sock_close_parts(zmq_msg_t *parts, size_t max);

/* Writes the address a server binds for `endpoint` into buf: the host part
   becomes "*" when it is a name other than localhost. Returns 0, or -1 when
   it does not fit. Pure; exposed for tests. */
int sock_bind_address(const char *endpoint, char *buf, size_t cap);

#endif
