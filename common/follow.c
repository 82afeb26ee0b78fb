/*  follow: subscribe, replay, deduplicate by sequence. */
#include "follow.h"

#include "alert.h"
#include "codec.h"
#include "config.h"
#include "log.h"
#include "msg.h"
#include "rpc.h"
#include "sock.h"

#include <stdlib.h>
#include <string.h>

#define FOLLOW_BATCH 1000 /* items asked per replay request */
/* Every owner heartbeats each second: this long without any message means
   the subscription itself is lost (see s_check_silence). */
#define FOLLOW_SILENCE_MSEC 5000

struct _follow_t {
    char *name, *api, *stream, *topic, *since_type, *array_key, *seq_key;
    int timeout_ms;
    bool deliver_reads; /* follow_config_t.deliver_reads */
    bool replaying;     /* delivering the items of a replay */
    zsock_t *sub;
    rpc_client_t *client;
    follow_deliver_fn *deliver;
    void *ctx;
    int64_t last_seq;      /* last delivered */
    int64_t known_seq;     /* highest announced by the owner */
    bool behind;           /* a replay is owed */
    bool in_flight;        /* a replay request awaits its reply */
    bool wait_tick;        /* the last one failed: the next goes at follow_tick */
    int64_t announced_out; /* highest announced while the request was out */
    int64_t sent_ms;       /* monotonic time it was sent */
    zpoller_t *poller;     /* the owner's (follow_attach), or NULL */
    zsock_t *polled;       /* the replay socket in it */
    int64_t replays;
    int64_t heard_ms; /* monotonic time of the last stream message */
    bool silent;      /* the silence was logged */
};

/* What each stream is: where it is served and how its items are named. */
static const struct {
    config_key_t api, stream;
    const char *topic;
    msg_type_t since;
    const char *array_key, *seq_key;
} s_streams[] = {
    [FOLLOW_REGISTRY] = {CONFIG_REGISTRY_API, CONFIG_REGISTRY_EVENTS, "event", MSG_EVENTS_SINCE,
                         "events", "seq"},
    [FOLLOW_THRESHOLD] = {CONFIG_THRESHOLD_API, CONFIG_THRESHOLD_EVENTS, "milestone",
                          MSG_MILESTONES_SINCE, "milestones", "seq"},
    [FOLLOW_ALERTS] = {CONFIG_NOTIFIER_API, CONFIG_NOTIFIER_ALERTS, ALERT_TYPE_PREFIX,
                       MSG_ALERTS_SINCE, "alerts", "sequence"},
};

follow_config_t
follow_config(follow_stream_t stream, const char *name, int timeout_ms)
{
    return (follow_config_t){.name = name,
                             .api_endpoint = config_get(s_streams[stream].api),
                             .stream_endpoint = config_get(s_streams[stream].stream),
                             .topic = s_streams[stream].topic,
                             .since_type = msg_type_name(s_streams[stream].since),
                             .array_key = s_streams[stream].array_key,
                             .seq_key = s_streams[stream].seq_key,
                             .timeout_ms = timeout_ms};
}

follow_t *
follow_new(const follow_config_t *cfg, int64_t last_seq, follow_deliver_fn *deliver, void *ctx)
{
    follow_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->name = strdup(cfg->name);
    self->api = strdup(cfg->api_endpoint);
    self->stream = strdup(cfg->stream_endpoint);
    self->topic = strdup(cfg->topic);
    self->since_type = strdup(cfg->since_type);
    self->array_key = strdup(cfg->array_key);
    self->seq_key = strdup(cfg->seq_key);
    self->timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : 5000;
    self->deliver_reads = cfg->deliver_reads;
    self->deliver = deliver;
    self->ctx = ctx;
    self->last_seq = self->known_seq = last_seq;
    self->behind = true;
    self->heard_ms = zclock_mono();
    /* subscribe before the first replay, so nothing falls in between */
    self->sub = sock_new_client(ZMQ_SUB, cfg->stream_endpoint, cfg->topic);
    if (self->sub)
        zsock_set_subscribe(self->sub, "heartbeat");
    self->client = rpc_client_new(cfg->api_endpoint);
    if (!self->name || !self->api || !self->stream || !self->topic || !self->since_type
        || !self->array_key || !self->seq_key || !self->sub || !self->client)
        follow_destroy(&self);
    return self;
}

void
follow_destroy(follow_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    follow_t *self = *self_p;
    if (self->sub)
        zsock_set_linger(self->sub, 0);
    zsock_destroy(&self->sub);
    rpc_client_destroy(&self->client);
    free(self->name);
    free(self->api);
    free(self->stream);
    free(self->topic);
    free(self->since_type);
    free(self->array_key);
    free(self->seq_key);
    free(self);
    *self_p = NULL;
}

/* Keeps the owner's poller holding the replay socket of the moment. */
static void
s_sync_poller(follow_t *self)
{
    zsock_t *now = self->client ? rpc_client_socket(self->client) : NULL;
    if (!self->poller || now == self->polled)
        return;
    if (self->polled)
        zpoller_remove(self->poller, self->polled);
    self->polled = NULL;
    if (now && zpoller_add(self->poller, now) == 0)
        self->polled = now;
}

int
follow_attach(follow_t *self, zpoller_t *poller)
{
    if (self->poller || zpoller_add(poller, self->sub) != 0)
        return -1;
    self->poller = poller;
    s_sync_poller(self);
    return 0;
}

bool
follow_owns(const follow_t *self, void *which)
{
    return which && (which == (void *) self->sub || which == (void *) self->polled);
}

bool
follow_replaying(const follow_t *self)
{
    return self->replaying;
}

int64_t
follow_last_seq(const follow_t *self)
{
    return self->last_seq;
}

int64_t
follow_known_seq(const follow_t *self)
{
    return self->known_seq;
}

bool
follow_behind(const follow_t *self)
{
    return self->behind;
}

int64_t
follow_replays(const follow_t *self)
{
    return self->replays;
}

static void
s_announce(follow_t *self, int64_t seq)
{
    if (seq > self->known_seq)
        self->known_seq = seq;
    if (self->in_flight && seq > self->announced_out)
        self->announced_out = seq;
    if (self->known_seq > self->last_seq)
        self->behind = true;
}

/* Delivers one item if it is the next expected. Returns 0, or -1 when the
   callback failed. */
static int
s_offer(follow_t *self, int64_t seq, const msgpack_object *item)
{
    if (seq != self->last_seq + 1)
        return 0;
    const int rc = self->deliver(self->ctx, seq, item);
    if (rc == FOLLOW_UNREADABLE && self->deliver_reads && !self->replaying) {
        /* never taken, nor a sign of a gap: the owner's real item comes on
           the stream or by replay all the same */
        log_warn("%s: dropped an unreadable stream message (item %lld)", self->name,
                 (long long) seq);
        return 0;
    }
    if (rc != 0) { /* a failure; so is a replayed item refused: the owner's */
        self->behind = true;
        return -1;
    }
    self->last_seq = seq;
    return 0;
}

/* Gives the replay socket up (a request unanswered, half sent, or whose
   reply could not be read): it leaves the poller, then is closed, so that
   nothing arriving on it later is read as another request's reply. */
static void
s_replay_abandon(follow_t *self)
{
    if (self->poller && self->polled)
        zpoller_remove(self->poller, self->polled);
    self->polled = NULL;
    rpc_client_abandon(self->client);
    self->in_flight = false;
}

/* Sends a replay request from the last delivered sequence on. Returns 0,
   or -1 when it could not be sent (logged; tried again at the next tick). */
static int
s_replay_send(follow_t *self)
{
    msgpack_sbuffer req;
    msgpack_sbuffer_init(&req);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &req, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 4);
    wire_pack_kv_int(&pk, "v", MSG_VERSION);
    wire_pack_kv_str(&pk, "type", self->since_type);
    wire_pack_kv_int(&pk, "from", self->last_seq + 1);
    wire_pack_kv_int(&pk, "limit", FOLLOW_BATCH);
    wire_err_t err;
    const rpc_status_t st = rpc_client_send(self->client, req.data, req.size, &err);
    msgpack_sbuffer_destroy(&req);
    if (st != RPC_OK) {
        log_warn("%s: replay from %lld failed: %s", self->name, (long long) self->last_seq + 1,
                 err.message);
        s_replay_abandon(self);
        return -1;
    }
    s_sync_poller(self);
    self->replays++;
    self->in_flight = true;
    self->announced_out = 0;
    self->sent_ms = zclock_mono();
    return 0;
}

/* Gives up a request the owner has not answered within the timeout (it is
   down or stuck): logged, and asked again at the next tick. */
static void
s_replay_expire(follow_t *self)
{
    if (!self->in_flight || zclock_mono() - self->sent_ms < self->timeout_ms)
        return;
    log_warn("%s: replay from %lld failed: no reply from %s within %d ms", self->name,
             (long long) self->last_seq + 1, self->api, self->timeout_ms);
    s_replay_abandon(self);
}

/* Reads the reply to the request in flight and delivers its items. Returns
   1 when more is to come, 0 when up to date, -2 when the owner answered
   badly, -1 when delivery failed. */
static int
s_replay_receive(follow_t *self)
{
    msg_in_t *reply = NULL;
    wire_err_t err;
    self->in_flight = false;
    if (rpc_client_recv(self->client, &reply, &err) != RPC_OK) {
        log_warn("%s: replay from %lld failed: %s", self->name, (long long) self->last_seq + 1,
                 err.message);
        s_replay_abandon(self); /* a reply left unread must not answer the next */
        return -2;
    }
    int rc = -2;
    const msgpack_object *root = msg_in_root(reply);
    const msgpack_object *items = wire_map_get(root, self->array_key);
    int64_t last = 0;
    bool more = false;
    if (msg_in_type(reply) == MSG_ERROR || !items || items->type != MSGPACK_OBJECT_ARRAY
        || wire_get_int(root, "last_seq", &last, true, &err) != 0
        || wire_get_bool(root, "more", &more, true, &err) != 0) {
        log_warn("%s: unexpected replay reply of type '%s'", self->name, msg_in_type_name(reply));
        goto done;
    }
    s_announce(self, last);
    rc = 0;
    for (uint32_t i = 0; i < items->via.array.size; i++) {
        int64_t seq = 0;
        const msgpack_object *item = &items->via.array.ptr[i];
        if (wire_get_int(item, self->seq_key, &seq, true, &err) != 0) {
            log_warn("%s: replayed item without '%s'", self->name, self->seq_key);
            rc = -2;
            goto done;
        }
        self->replaying = true;
        const int offered = s_offer(self, seq, item);
        self->replaying = false;
        if (offered != 0) {
            rc = -1;
            goto done;
        }
    }
    if (more && items->via.array.size > 0)
        rc = 1;
    else if (self->known_seq > last && self->known_seq > self->last_seq
             && self->announced_out <= last) {
        /* The owner's log is the authority: an announcement beyond it (a
           publisher that is not the owner, a garbled heartbeat) would
           leave us "behind" for ever, replaying at every tick. The owner
           answers after publishing anything it announced, so nothing real
           is forgotten here. What was announced while the request was out
           may have been published after the owner answered (and dropped
           from the stream, as we were behind): that is asked for again. */
        log_warn("%s: %lld was announced, but the owner's log ends at %lld: forgotten", self->name,
                 (long long) self->known_seq, (long long) last);
        self->known_seq = last > self->last_seq ? last : self->last_seq;
    }
    if (rc == 0 && self->last_seq < last && items->via.array.size == 0) {
        /* the owner says it has more but sent none: its log has a hole */
        log_warn("%s: owner announces %lld but replays nothing after %lld", self->name,
                 (long long) last, (long long) self->last_seq);
        rc = -2;
    }
done:
    msg_in_destroy(&reply);
    return rc;
}

/* ZeroMQ reconnects a SUB by itself after a lost connection, but not after
   a protocol error on it (a frame over ZMQ_MAXMSGSIZE from a stray
   publisher, say): libzmq 4.3 then gives the endpoint up for good
   (session_base_t::engine_error), and without heartbeats the follower
   would never hear of anything again. So when the stream has been silent
   for FOLLOW_SILENCE_MSEC, subscribe again; when the owner is merely
   down, this is harmless. Same socket, so callers' pollers still hold it;
   what was missed meanwhile comes by replay, as after any gap. */
static void
s_check_silence(follow_t *self)
{
    const int64_t now = zclock_mono();
    if (now - self->heard_ms < FOLLOW_SILENCE_MSEC || (zsock_events(self->sub) & ZMQ_POLLIN))
        return; /* heard lately, or messages wait unread (a long replay) */
    if (!self->silent)
        log_warn("%s: nothing heard from %s for %lld ms: subscribing again", self->name,
                 self->stream, (long long) (now - self->heard_ms));
    self->silent = true;
    zsock_disconnect(self->sub, "%s", self->stream); /* fails when already given up: fine */
    if (zsock_connect(self->sub, "%s", self->stream) != 0)
        log_warn("%s: cannot connect to %s", self->name, self->stream);
    self->heard_ms = now;
}

void
follow_rewind(follow_t *self, int64_t last_seq)
{
    if (self->in_flight)
        s_replay_abandon(self); /* its reply would start after the old position */
    self->last_seq = self->known_seq = last_seq;
    self->behind = true;
    self->wait_tick = true; /* asked at the next tick, as a new follower would */
}

int
follow_tick(follow_t *self)
{
    s_check_silence(self);
    /* what is ready is read first: an owner's loop kept busy by its other
       sockets may not have come to ours */
    if (follow_handle(self) != 0)
        return -1;
    s_replay_expire(self);
    self->wait_tick = false;
    if (!self->behind)
        return 0;
    if (!self->in_flight && s_replay_send(self) != 0)
        self->wait_tick = true;
    return 1;
}

/* Returns whether `type` is that of the stream's items: the topic itself
   ("event", "milestone"), or, for a topic that names a family of types
   (ends with a dot: "org.ratify."), any type in it (the subscription's
   prefix let in no other). A message of another type whose name starts
   with the topic ("events" under "event") is no item, whatever it
   carries. */
static bool
s_item_type(const follow_t *self, const char *type)
{
    const size_t n = strlen(self->topic);
    return strcmp(type, self->topic) == 0 || (n > 0 && self->topic[n - 1] == '.');
}

/* Checks a stream message before anything is taken from it: its topic
   frame names its type (every stream publishes each message under its own
   type: "event", "milestone", "heartbeat", an alert's type), that type is
   the stream's items' (s_item_type) or a heartbeat, and the typed
   decoder of that type accepts it. Otherwise a garbled item carrying the
   next sequence number would be delivered, found unreadable by the
   consumer and skipped, and the owner's real item with that number never
   asked for. Returns 0, or -1 with err filled. Costs one decode of the
   item, except for the next item when the consumer reads it itself
   (deliver_reads): it is delivered at once, and the consumer refuses it if
   unreadable. Any other (a gap, a replay pending) is checked here, as it
   only announces a sequence. `seq`: the item's sequence, NULL when it has
   none. */
static int
s_check_item(const follow_t *self, zmq_msg_t *topic, const msg_in_t *in, const int64_t *seq,
             wire_err_t *err)
{
    const char *type = msg_in_type_name(in);
    if (zmq_msg_size(topic) != strlen(type) || memcmp(zmq_msg_data(topic), type, strlen(type)) != 0)
        return wire_fail(err, "bad_envelope", "a '%s' message under another topic", type);
    if (msg_in_type(in) != MSG_HEARTBEAT && !s_item_type(self, type))
        return wire_fail(err, "bad_envelope", "a '%s' message, not a '%s' item", type, self->topic);
    if (self->deliver_reads && !self->behind && seq && *seq == self->last_seq + 1
        && strcmp(type, self->topic) == 0)
        return 0;
    return codec_check(in, err);
}

int
follow_handle(follow_t *self)
{
    int rc = 0;
    zsock_t *replay = rpc_client_socket(self->client);
    if (self->in_flight && replay && (zsock_events(replay) & ZMQ_POLLIN)) {
        const int got = s_replay_receive(self);
        if (got == -1)
            rc = -1;
        else if (got == -2)
            self->wait_tick = true; /* not at once: a broken owner is asked at each tick */
        else if (got == 0)
            self->behind = self->known_seq > self->last_seq;
    }
    void *socket = zsock_resolve(self->sub);
    /* what waits, without a zsock_events (a poll(2)) per message */
    while (rc == 0) {
        zmq_msg_t part[2]; /* [topic][body] */
        const size_t parts = sock_try_recv_parts(socket, part, 2);
        if (parts == 0) {
            sock_close_parts(part, 2);
            break;
        }
        self->heard_ms = zclock_mono();
        if (self->silent)
            log_info("%s: hearing from %s again", self->name, self->stream);
        self->silent = false;
        wire_err_t err;
        msg_in_t *in =
            parts == 2 ? msg_in_parse(zmq_msg_data(&part[1]), zmq_msg_size(&part[1]), &err) : NULL;
        int64_t seq = 0; /* read once, for the check and the delivery */
        const bool has_seq =
            in && wire_get_int(msg_in_root(in), self->seq_key, &seq, true, NULL) == 0;
        if (!in)
            log_warn("%s: dropped a malformed stream message (%s)", self->name,
                     parts == 2 ? err.message : "not two frames");
        else if (s_check_item(self, &part[0], in, has_seq ? &seq : NULL, &err) != 0) {
            /* never delivered, nor taken as a sign of a gap: the owner's
               real item comes on the stream or by replay all the same */
            log_warn("%s: dropped an unreadable stream message (%s)", self->name, err.message);
        }
        else if (msg_in_type(in) == MSG_HEARTBEAT) {
            int64_t last = 0;
            if (wire_get_int(msg_in_root(in), "last_seq", &last, true, &err) == 0)
                s_announce(self, last);
        }
        else {
            if (!has_seq)
                log_warn("%s: stream item without '%s'", self->name, self->seq_key);
            else if (seq > self->last_seq + 1 || self->behind)
                s_announce(self, seq); /* a gap, or a replay pending: replay covers it */
            else
                rc = s_offer(self, seq, msg_in_root(in));
        }
        msg_in_destroy(&in);
        sock_close_parts(part, 2);
    }
    /* behind (a gap, an announcement, more to replay): ask now, one
       request at a time, the reply handled when it comes */
    if (rc == 0 && self->behind && !self->in_flight && !self->wait_tick && s_replay_send(self) != 0)
        self->wait_tick = true;
    return rc;
}
