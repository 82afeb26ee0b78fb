/*  stream: a service's published stream (PUB) with sequence numbers.

    Every message goes out as two frames, [topic][msgpack body]; subscribers
    filter on the topic. Each stream also sends "heartbeat" messages that
    carry the last sequence published, so a subscriber that lost messages
    (PUB drops on overflow, and nothing reaches a subscriber before it
    connects) sees the gap and replays through the service's API. */
#ifndef RATIFY_STREAM_H
#define RATIFY_STREAM_H

#include <msgpack.h>
#include <stddef.h>
#include <stdint.h>

typedef struct _stream_t stream_t;

/* Returns a stream named `service` bound at endpoint, or NULL with a reason
   in err. Caller destroys it. */
stream_t *stream_new(const char *service, const char *endpoint, char *err, size_t errlen);

/* Destroys the stream; accepts NULL and sets *self_p to NULL. */
void stream_destroy(stream_t **self_p);

/* Publishes one message under topic; seq is the message's sequence number,
   remembered for heartbeats. Returns 0, or -1 when it could not be queued
   (logged; subscribers recover by replay). */
int stream_publish(stream_t *self, const char *topic, int64_t seq, const msgpack_sbuffer *body);

/* Lets the messages just sent leave before the caller goes on: gives up
   the CPU once, so that the process's ZeroMQ I/O thread (one for every
   socket, this stream's included), which the sends woke, writes them now.
   The scheduler tends to wake that thread on the caller's own CPU, where
   it would otherwise wait until the caller blocks, behind whatever the
   caller does next: bench/RESULTS.md (session 7) traced that wait, 40-60 us
   per service, on every alert's path. Call it once after a batch of sends
   that something waits for (publications, replies), before work that
   nothing waits for (log lines). `self` is borrowed and only names the
   stream the batch went to. Costs one system call; returns at once when
   no other thread waits for this CPU. */
void stream_yield(stream_t *self);

/* Publishes a heartbeat carrying last_seq. Returns as stream_publish. */
int stream_heartbeat(stream_t *self, int64_t last_seq);

#endif
