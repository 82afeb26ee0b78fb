/*  stream: PUB socket plus heartbeats. */
#include "stream.h"

#include "log.h"
#include "msg.h"
#include "sock.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct _stream_t {
    zsock_t *pub;
    char service[32];
};

stream_t *
stream_new(const char *service, const char *endpoint, char *err, size_t errlen)
{
    stream_t *self = calloc(1, sizeof *self);
    if (!self) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    snprintf(self->service, sizeof self->service, "%s", service);
    self->pub = sock_new_server(ZMQ_PUB, endpoint, err, errlen);
    if (!self->pub)
        stream_destroy(&self);
    return self;
}

void
stream_destroy(stream_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    zsock_destroy(&(*self_p)->pub);
    free(*self_p);
    *self_p = NULL;
}

int
stream_publish(stream_t *self, const char *topic, int64_t seq, const msgpack_sbuffer *body)
{
    /* raw libzmq parts: no czmq list, node and frame per part */
    void *socket = zsock_resolve(self->pub);
    if (zmq_send(socket, topic, strlen(topic), ZMQ_SNDMORE) < 0
        || zmq_send(socket, body->data, body->size, 0) < 0) {
        log_warn("could not publish %s %lld", topic, (long long) seq);
        return -1;
    }
    return 0;
}

void
stream_yield(stream_t *self)
{
    (void) self; /* the I/O thread is the process's: one for every socket */
    sched_yield();
}

int
stream_heartbeat(stream_t *self, int64_t last_seq)
{
    msg_heartbeat_t hb = {.last_seq = last_seq};
    snprintf(hb.service, sizeof hb.service, "%s", self->service);
    msgpack_sbuffer buf;
    msgpack_sbuffer_init(&buf);
    int rc = msg_encode_heartbeat(&hb, &buf) == 0
                 ? stream_publish(self, "heartbeat", last_seq, &buf)
                 : -1;
    msgpack_sbuffer_destroy(&buf);
    return rc;
}
