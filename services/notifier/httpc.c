/*  httpc: the transfer's state machine. Each state waits on one
    descriptor: the resolver's pipe, then the socket. */
#include "httpc.h"

#include "http1.h"
#include "service.h"
#include "tlslib.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define HTTPC_RESOLVER_STACK (256 * 1024) /* getaddrinfo and the NSS modules */
#define HTTPC_READ_CHUNK     4096
#define HTTPC_CONNECT_MIN_MSEC                                                                     \
    250 /* an address that has more behind it gets at
                                      least this, or half the time left */

typedef enum {
    S_RESOLVING, /* fd: the resolver's pipe */
    S_CONNECTING,
    S_TUNNEL_SEND, /* CONNECT to the proxy (https through a proxy) */
    S_TUNNEL_RECV, /* its answer */
    S_HANDSHAKE,
    S_SENDING,
    S_RECEIVING,
    S_DONE,
    S_FAILED,
} s_phase_t;

/* One host lookup, shared by the transfer and its resolver thread: the
   last of the two to let go frees it (the transfer may give up first). */
typedef struct {
    atomic_int refs;
    atomic_bool done; /* set by the thread before it writes to the pipe */
    int pipe[2];      /* the thread writes one byte to [1] when done */
    char host[HOOKURL_HOST_MAX];
    char port[8];
    int rc;        /* getaddrinfo's */
    int sys_errno; /* with EAI_SYSTEM: the lookup's errno */
    struct addrinfo *addrs;
} s_lookup_t;

struct _httpc_t {
    s_phase_t phase;
    hookurl_t url;
    char peer[HOOKURL_HOST_MAX]; /* the host connected to: the URL's or the proxy's */
    uint16_t peer_port;
    bool peer_is_ip;
    bool via_proxy;
    char who[2 * HOOKURL_HOST_MAX + 32]; /* the other end, for messages */
    char *tunnel;                        /* the CONNECT request (https through a proxy) */
    size_t tunnel_len, tunnel_sent;
    int64_t started, deadline;
    int64_t connect_deadline; /* the address being tried gives up then */
    s_lookup_t *lookup;
    struct addrinfo *next_addr; /* the next address to try */
    int fd;
    short events;
    int connect_errno; /* the last failed connection's */
    SSL *ssl;
    const tlslib_t *tls;
    char *request;
    size_t request_len, sent;
    char *head; /* the response so far */
    size_t head_len, head_cap;
    bool saw_lf; /* the status line is complete */
    int status;
    int64_t retry_after_ms;
    char error[256];
};

static void
s_lookup_release(s_lookup_t *l)
{
    if (atomic_fetch_sub(&l->refs, 1) != 1)
        return;
    if (l->addrs)
        freeaddrinfo(l->addrs);
    close(l->pipe[0]);
    close(l->pipe[1]);
    free(l);
}

static void *
s_resolver(void *arg)
{
    s_lookup_t *l = arg;
    const struct addrinfo hints = {.ai_socktype = SOCK_STREAM};
    l->rc = getaddrinfo(l->host, l->port, &hints, &l->addrs);
    l->sys_errno = errno;
    atomic_store(&l->done, true);
    const char byte = 1;
    ssize_t n;
    do
        n = write(l->pipe[1], &byte, 1);
    while (n < 0 && errno == EINTR);
    s_lookup_release(l);
    return NULL;
}

/* Marks the transfer failed with a reason. Returns HTTPC_FAILED. */
static httpc_state_t s_fail(httpc_t *self, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static httpc_state_t
s_fail(httpc_t *self, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(self->error, sizeof self->error, fmt, ap);
    va_end(ap);
    self->phase = S_FAILED;
    if (self->fd >= 0)
        close(self->fd);
    self->fd = -1;
    return HTTPC_FAILED;
}

static httpc_state_t s_advance(httpc_t *self);

/* Starts the host's lookup: an address literal at once, a name on a
   thread. Returns the state. */
static httpc_state_t
s_resolve(httpc_t *self)
{
    s_lookup_t *l = calloc(1, sizeof *l);
    if (!l)
        return s_fail(self, "out of memory resolving %s", self->peer);
    l->pipe[0] = l->pipe[1] = -1;
    snprintf(l->host, sizeof l->host, "%s", self->peer);
    snprintf(l->port, sizeof l->port, "%u", (unsigned) self->peer_port);
    atomic_init(&l->refs, 1);
    atomic_init(&l->done, false);
    self->lookup = l;
    if (self->peer_is_ip) {
        const struct addrinfo hints = {.ai_socktype = SOCK_STREAM,
                                       .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV};
        l->rc = getaddrinfo(l->host, l->port, &hints, &l->addrs);
        l->sys_errno = errno;
        atomic_store(&l->done, true);
        return s_advance(self);
    }
    if (pipe(l->pipe) != 0 || fcntl(l->pipe[0], F_SETFD, FD_CLOEXEC) != 0
        || fcntl(l->pipe[1], F_SETFD, FD_CLOEXEC) != 0)
        return s_fail(self, "cannot resolve %s: %s", l->host, strerror(errno));
    pthread_attr_t attr;
    pthread_t thread;
    int rc = pthread_attr_init(&attr);
    if (rc == 0) {
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        pthread_attr_setstacksize(&attr, HTTPC_RESOLVER_STACK);
        atomic_fetch_add(&l->refs, 1); /* the thread's */
        rc = pthread_create(&thread, &attr, s_resolver, l);
        if (rc != 0)
            atomic_fetch_sub(&l->refs, 1);
        pthread_attr_destroy(&attr);
    }
    if (rc != 0)
        return s_fail(self, "cannot start a thread to resolve %s: %s", l->host, strerror(rc));
    self->fd = -1;
    self->phase = S_RESOLVING;
    self->events = POLLIN;
    return HTTPC_RUNNING;
}

/* Starts a connection to the next address; on to the next one when it
   fails at once. Returns the state. */
static httpc_state_t
s_connect_next(httpc_t *self)
{
    while (self->next_addr) {
        const struct addrinfo *a = self->next_addr;
        self->next_addr = a->ai_next;
        if (self->fd >= 0)
            close(self->fd);
        self->fd =
            socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
        if (self->fd < 0) {
            self->connect_errno = errno;
            continue;
        }
        const int one = 1;
        setsockopt(self->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (connect(self->fd, a->ai_addr, a->ai_addrlen) == 0 || errno == EINPROGRESS) {
            /* a blackholed address (a broken IPv6 route, a dead record)
               must leave time for the next ones */
            const int64_t now = service_clock_ms();
            int64_t share = (self->deadline - now) / 2;
            if (share < HTTPC_CONNECT_MIN_MSEC)
                share = HTTPC_CONNECT_MIN_MSEC;
            self->connect_deadline =
                self->next_addr && now + share < self->deadline ? now + share : self->deadline;
            self->phase = S_CONNECTING;
            self->events = POLLOUT;
            return HTTPC_RUNNING;
        }
        self->connect_errno = errno;
    }
    return s_fail(self, "cannot connect to %s%s port %u: %s", self->via_proxy ? "the proxy " : "",
                  self->peer, (unsigned) self->peer_port,
                  strerror(self->connect_errno ? self->connect_errno : ECONNREFUSED));
}

/* Puts OpenSSL's reason for a failed call into the transfer's error.
   Returns HTTPC_FAILED. */
static httpc_state_t
s_tls_fail(httpc_t *self, const char *during, int ret, int saved_errno)
{
    const int e = self->tls->get_error(self->ssl, ret);
    const long verify = self->tls->get_verify_result(self->ssl);
    if (self->phase == S_HANDSHAKE && verify != X509_V_OK)
        return s_fail(self, "the TLS certificate of %s is not trusted: %s", self->url.host,
                      self->tls->verify_error_string(verify));
    char detail[160] = "";
    const unsigned long code = self->tls->err_get();
    if (code)
        self->tls->err_string(code, detail, sizeof detail);
    else if (e == SSL_ERROR_SYSCALL && saved_errno)
        snprintf(detail, sizeof detail, "%s", strerror(saved_errno));
    else if (e == SSL_ERROR_SYSCALL || e == SSL_ERROR_ZERO_RETURN)
        snprintf(detail, sizeof detail, "the server closed the connection");
    else
        snprintf(detail, sizeof detail, "error %d", e);
    return s_fail(self, "TLS failed %s %s: %s", during, self->url.host, detail);
}

/* Sets what to wait for after a TLS call that could not finish. Returns
   true when the call should be retried later, false on an error. */
static bool
s_tls_wait(httpc_t *self, int ret)
{
    const int e = self->tls->get_error(self->ssl, ret);
    if (e == SSL_ERROR_WANT_READ)
        self->events = POLLIN;
    else if (e == SSL_ERROR_WANT_WRITE)
        self->events = POLLOUT;
    else
        return false;
    return true;
}

/* Starts TLS on the connected socket. Returns the state. */
static httpc_state_t
s_tls_start(httpc_t *self)
{
    char why[256];
    self->tls = tlslib_get(why, sizeof why);
    if (!self->tls)
        return s_fail(self, "%s", why);
    self->tls->err_clear();
    self->ssl = self->tls->ssl_new(self->tls->ctx);
    if (!self->ssl || !self->tls->set_fd(self->ssl, self->fd))
        return s_fail(self, "cannot start TLS with %s: out of memory", self->url.host);
    int ok;
    if (self->url.host_is_ip)
        ok = self->tls->param_set1_ip_asc(self->tls->get0_param(self->ssl), self->url.host);
    else {
        /* "f*.example.org" does not match: no partial wildcards, as libcurl */
        self->tls->set_hostflags(self->ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        ok = self->tls->ctrl(self->ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                             self->url.host)
             && self->tls->set1_host(self->ssl, self->url.host);
    }
    if (!ok)
        return s_fail(self, "cannot check a TLS certificate against %s", self->url.host);
    self->phase = S_HANDSHAKE;
    return s_advance(self);
}

/* Sends what the socket takes. Returns -1 on an error (errno), else 0. */
static int
s_send_some(httpc_t *self, int *tls_ret)
{
    const char *p = self->request + self->sent;
    const size_t left = self->request_len - self->sent;
    if (self->ssl) {
        self->tls->err_clear();
        const int n = self->tls->write(self->ssl, p, left > INT32_MAX ? INT32_MAX : (int) left);
        *tls_ret = n;
        if (n > 0)
            self->sent += (size_t) n;
        return n > 0 ? 0 : -1;
    }
    const ssize_t n = send(self->fd, p, left, MSG_NOSIGNAL);
    if (n >= 0)
        self->sent += (size_t) n;
    return n >= 0 || errno == EAGAIN || errno == EINTR ? 0 : -1;
}

/* Reads what has arrived into the head buffer. Returns the bytes read,
   0 at the end of the stream, -2 when nothing is there yet, -1 on an
   error (errno, or *tls_ret for TLS). */
static ssize_t
s_recv_some(httpc_t *self, int *tls_ret)
{
    if (self->head_cap - self->head_len < HTTPC_READ_CHUNK) {
        const size_t cap = self->head_cap ? self->head_cap * 2 : 2 * HTTPC_READ_CHUNK;
        char *more = realloc(self->head, cap);
        if (!more) {
            errno = ENOMEM;
            return -1;
        }
        self->head = more;
        self->head_cap = cap;
    }
    char *p = self->head + self->head_len;
    if (self->ssl) {
        self->tls->err_clear();
        const int n = self->tls->read(self->ssl, p, HTTPC_READ_CHUNK);
        *tls_ret = n;
        if (n > 0)
            return n;
        const int e = self->tls->get_error(self->ssl, n);
        if (e == SSL_ERROR_ZERO_RETURN)
            return 0;
        return s_tls_wait(self, n) ? -2 : -1;
    }
    const ssize_t n = recv(self->fd, p, HTTPC_READ_CHUNK, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return -2;
    return n;
}

/* Returns whether the bytes read since old_len may complete a head (its
   status line, for an early verdict, or an empty line), or the buffer
   reached its limit: only then is the head parsed again, so a server
   sending one byte at a time costs one scan per head, not per byte. */
static bool
s_head_may_end(httpc_t *self, size_t old_len)
{
    if (self->head_len >= HTTP1_HEAD_MAX)
        return true;
    const size_t from = old_len > 3 ? old_len - 3 : 0;
    const char *p = self->head + from;
    const size_t n = self->head_len - from;
    if (!self->saw_lf && memchr(self->head + old_len, '\n', self->head_len - old_len)) {
        self->saw_lf = true;
        return true;
    }
    for (size_t i = 0; i + 1 < n; i++) {
        if (p[i] != '\n')
            continue;
        if (p[i + 1] == '\n' || (p[i + 1] == '\r' && i + 2 < n && p[i + 2] == '\n'))
            return true;
    }
    return false;
}

/* Reads what has arrived into the head buffer, and parses the head once
   it may be complete. Returns 1 with *h filled when a head is complete, 0
   when more bytes are needed, 2 when none are there yet (wait), -1 when
   the transfer failed (an error, the connection closed, not HTTP; `who`
   names the other end in the reason). */
static int
s_read_head(httpc_t *self, http1_head_t *h, const char *who)
{
    int r = 0;
    errno = 0;
    const ssize_t n = s_recv_some(self, &r);
    if (n == -2)
        return 2;
    if (n < 0 && self->ssl && r <= 0 && errno != ENOMEM) {
        s_tls_fail(self, "reading from", r, errno);
        return -1;
    }
    if (n < 0) {
        s_fail(self, "cannot read from %s: %s", who, strerror(errno));
        return -1;
    }
    if (n == 0) {
        s_fail(self, "%s closed the connection without a response", who);
        return -1;
    }
    const size_t old = self->head_len;
    self->head_len += (size_t) n;
    if (!s_head_may_end(self, old))
        return 0;
    char why[200];
    const int got =
        http1_head_parse(self->head, self->head_len, service_wall_ms(), h, why, sizeof why);
    if (got < 0) {
        s_fail(self, "%s answered with no valid HTTP response: %s", who, why);
        return -1;
    }
    return got;
}

/* Runs the state machine until it must wait. Returns the state. */
static httpc_state_t
s_advance(httpc_t *self)
{
    for (;;) {
        /* a server that trickles its answer does not hold the thread
           past the deadline: httpc_step fails the transfer */
        if (service_clock_ms() >= self->deadline)
            return HTTPC_RUNNING;
        switch (self->phase) {
        case S_RESOLVING: {
            s_lookup_t *l = self->lookup;
            if (!atomic_load(&l->done))
                return HTTPC_RUNNING;
            if (l->rc != 0)
                return s_fail(self, "cannot resolve %s: %s", l->host,
                              l->rc == EAI_SYSTEM ? strerror(l->sys_errno) : gai_strerror(l->rc));
            self->next_addr = l->addrs;
            if (s_connect_next(self) != HTTPC_RUNNING)
                return HTTPC_FAILED;
            break;
        }
        case S_CONNECTING: {
            struct pollfd p = {.fd = self->fd, .events = POLLOUT};
            if (poll(&p, 1, 0) <= 0)
                return HTTPC_RUNNING;
            int err = 0;
            socklen_t len = sizeof err;
            if (getsockopt(self->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
                err = errno;
            if (err != 0) {
                self->connect_errno = err;
                if (s_connect_next(self) != HTTPC_RUNNING)
                    return HTTPC_FAILED;
                break;
            }
            if (self->url.tls && self->via_proxy) {
                self->phase = S_TUNNEL_SEND;
                self->events = POLLOUT;
                break;
            }
            if (self->url.tls)
                return s_tls_start(self);
            self->phase = S_SENDING;
            self->events = POLLOUT;
            break;
        }
        case S_TUNNEL_SEND: {
            const ssize_t n = send(self->fd, self->tunnel + self->tunnel_sent,
                                   self->tunnel_len - self->tunnel_sent, MSG_NOSIGNAL);
            if (n < 0 && errno != EAGAIN && errno != EINTR)
                return s_fail(self, "cannot send to the proxy %s: %s", self->peer, strerror(errno));
            if (n > 0)
                self->tunnel_sent += (size_t) n;
            if (self->tunnel_sent < self->tunnel_len) {
                if (n <= 0)
                    return HTTPC_RUNNING;
                break;
            }
            self->phase = S_TUNNEL_RECV;
            self->events = POLLIN;
            break;
        }
        case S_TUNNEL_RECV: {
            char who[HOOKURL_HOST_MAX + 16];
            snprintf(who, sizeof who, "the proxy %s", self->peer);
            http1_head_t h;
            const int got = s_read_head(self, &h, who);
            if (got < 0)
                return HTTPC_FAILED;
            if (got == 2)
                return HTTPC_RUNNING;
            if (got == 0)
                break;
            if (h.status < 200 || h.status > 299)
                return s_fail(self, "the proxy %s refused a tunnel to %s: HTTP %d", self->peer,
                              self->url.authority, h.status);
            self->head_len = 0; /* the tunnel is open: TLS with the URL's host */
            self->saw_lf = false;
            return s_tls_start(self);
        }
        case S_HANDSHAKE: {
            self->tls->err_clear();
            errno = 0;
            const int r = self->tls->connect(self->ssl);
            if (r == 1) {
                self->phase = S_SENDING;
                self->events = POLLOUT;
                break;
            }
            if (s_tls_wait(self, r))
                return HTTPC_RUNNING;
            return s_tls_fail(self, "with", r, errno);
        }
        case S_SENDING: {
            int r = 0;
            errno = 0;
            const size_t before = self->sent;
            if (s_send_some(self, &r) != 0) {
                if (self->ssl && s_tls_wait(self, r))
                    return HTTPC_RUNNING;
                if (self->ssl)
                    return s_tls_fail(self, "sending to", r, errno);
                return s_fail(self, "cannot send to %s: %s", self->who, strerror(errno));
            }
            if (self->sent == self->request_len) {
                self->phase = S_RECEIVING;
                self->events = POLLIN;
                break;
            }
            if (self->sent == before) {
                self->events = POLLOUT;
                return HTTPC_RUNNING;
            }
            break;
        }
        case S_RECEIVING: {
            http1_head_t h;
            const int got = s_read_head(self, &h, self->who);
            if (got < 0)
                return HTTPC_FAILED;
            if (got == 2)
                return HTTPC_RUNNING;
            if (got == 0)
                break;
            if (self->via_proxy && !self->url.tls && h.status == 407)
                return s_fail(self, "the proxy %s asked for credentials: HTTP 407", self->peer);
            self->status = h.status;
            self->retry_after_ms = h.retry_after_ms;
            self->phase = S_DONE;
            close(self->fd);
            self->fd = -1;
            return HTTPC_DONE;
        }
        case S_DONE:
            return HTTPC_DONE;
        case S_FAILED:
            return HTTPC_FAILED;
        }
    }
}

static const char *
s_phase_name(s_phase_t phase)
{
    switch (phase) {
    case S_RESOLVING:
        return "resolving the host";
    case S_CONNECTING:
        return "connecting";
    case S_TUNNEL_SEND:
    case S_TUNNEL_RECV:
        return "opening a tunnel through the proxy";
    case S_HANDSHAKE:
        return "in the TLS handshake";
    case S_SENDING:
        return "sending the request";
    case S_RECEIVING:
        return "waiting for the response";
    case S_DONE:
    case S_FAILED:
        break;
    }
    return "";
}

httpc_t *
httpc_new(const hookurl_t *url, const hookurl_t *proxy, char *request, size_t len,
          int64_t deadline_ms)
{
    httpc_t *self = calloc(1, sizeof *self);
    if (!self) {
        free(request);
        return NULL;
    }
    self->url = *url;
    const hookurl_t *peer = proxy ? proxy : url;
    snprintf(self->peer, sizeof self->peer, "%s", peer->host);
    self->peer_port = peer->port;
    self->peer_is_ip = peer->host_is_ip;
    self->via_proxy = proxy != NULL;
    if (proxy)
        snprintf(self->who, sizeof self->who, "%s through the proxy %s", url->host, proxy->host);
    else
        snprintf(self->who, sizeof self->who, "%s", url->host);
    if (proxy && url->tls) {
        const size_t cap = 2 * sizeof url->authority + HOOKURL_AUTH_MAX + 96;
        char *t = malloc(cap);
        if (!t) {
            free(request);
            free(self);
            return NULL;
        }
        /* host:port always, and the Host header with it (RFC 9110 9.3.6) */
        const char *a = url->authority;
        const char *after_host = a[0] == '[' ? strchr(a, ']') : a;
        char hostport[sizeof url->authority + 8];
        if (after_host && strchr(after_host, ':'))
            snprintf(hostport, sizeof hostport, "%s", a);
        else
            snprintf(hostport, sizeof hostport, "%s:%u", a, (unsigned) url->port);
        int n = snprintf(t, cap, "CONNECT %s HTTP/1.1\r\nHost: %s\r\n", hostport, hostport);
        if (proxy->basic_auth[0])
            n += snprintf(t + n, cap - (size_t) n, "Proxy-Authorization: Basic %s\r\n",
                          proxy->basic_auth);
        n += snprintf(t + n, cap - (size_t) n, "\r\n");
        self->tunnel = t;
        self->tunnel_len = (size_t) n;
    }
    self->fd = -1;
    self->started = service_clock_ms();
    self->deadline = deadline_ms;
    self->request = request;
    self->request_len = len;
    self->retry_after_ms = -1;
    s_resolve(self);
    return self;
}

void
httpc_destroy(httpc_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    httpc_t *self = *self_p;
    if (self->ssl)
        self->tls->ssl_free(self->ssl);
    if (self->fd >= 0)
        close(self->fd);
    if (self->lookup)
        s_lookup_release(self->lookup);
    free(self->request);
    if (self->tunnel)
        sodium_memzero(self->tunnel, self->tunnel_len); /* Proxy-Authorization */
    free(self->tunnel);
    free(self->head);
    free(self);
    *self_p = NULL;
}

httpc_state_t
httpc_state(const httpc_t *self)
{
    return self->phase == S_DONE     ? HTTPC_DONE
           : self->phase == S_FAILED ? HTTPC_FAILED
                                     : HTTPC_RUNNING;
}

int
httpc_fd(const httpc_t *self)
{
    if (httpc_state(self) != HTTPC_RUNNING)
        return -1;
    return self->phase == S_RESOLVING ? self->lookup->pipe[0] : self->fd;
}

short
httpc_events(const httpc_t *self)
{
    return self->events;
}

int64_t
httpc_deadline(const httpc_t *self)
{
    return self->phase == S_CONNECTING && self->connect_deadline < self->deadline
               ? self->connect_deadline
               : self->deadline;
}

httpc_state_t
httpc_step(httpc_t *self, int64_t now_ms)
{
    if (httpc_state(self) != HTTPC_RUNNING)
        return httpc_state(self);
    httpc_state_t st = s_advance(self);
    if (st == HTTPC_RUNNING && self->phase == S_CONNECTING && self->next_addr
        && now_ms >= self->connect_deadline && now_ms < self->deadline) {
        self->connect_errno = ETIMEDOUT; /* on to the next address */
        st = s_connect_next(self);
    }
    if (st == HTTPC_RUNNING && now_ms >= self->deadline)
        return s_fail(self, "no response from %s within %lld ms: timed out %s", self->who,
                      (long long) (now_ms - self->started), s_phase_name(self->phase));
    return st;
}

int
httpc_status(const httpc_t *self)
{
    return self->phase == S_DONE ? self->status : 0;
}

int64_t
httpc_retry_after_ms(const httpc_t *self)
{
    return self->phase == S_DONE ? self->retry_after_ms : -1;
}

const char *
httpc_error(const httpc_t *self)
{
    return self->phase == S_FAILED ? self->error : "";
}
