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

/* Lets the messages just published leave before the caller goes on: gives
   up the CPU once, so that the stream's ZeroMQ I/O thread, which the
   publication woke, sends them now. The scheduler tends to wake that
   thread on the caller's own CPU, where it would otherwise wait until the
   caller blocks, behind whatever the caller does next (its replies, its
   log lines): on the 2-vCPU machines of bench/RESULTS.md that wait was on
   every alert's path, three times. Call it once after a batch of
   publications that something waits for, before work that nothing waits
   for. Costs one system call; returns at once when no other thread waits
   for this CPU. */
void stream_yield(stream_t *self);

/* Publishes a heartbeat carrying last_seq. Returns as stream_publish. */
int stream_heartbeat(stream_t *self, int64_t last_seq);

#endif
