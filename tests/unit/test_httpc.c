/*  test_httpc: the webhook client (services/notifier/httpc.h) against real
    sockets on loopback: a small HTTP server on a thread of this test, on a
    port the kernel picks, answers as each case needs (at once, one byte at
    a time, never, by closing). Checks the outcome, the Retry-After, the
    bytes the server received, the deadline, the name lookup on its thread,
    and that nothing is left open. https is covered by
    tests/integration/test_notifier_https.sh. */
#include "check.h"
#include "http1.h"
#include "httpc.h"
#include "service.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef enum { S_ANSWER, S_TRICKLE, S_SILENT, S_CLOSE } s_mode_t;

typedef struct {
    int listener;
    s_mode_t mode;
    const char *answer;
    char got[8192]; /* what the server read, up to the end of the body */
    size_t got_len;
} s_server_t;

static void
s_sleep_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Reads a request head and its Content-Length body into s->got. */
static void
s_read_request(s_server_t *s, int fd)
{
    s->got_len = 0;
    for (;;) {
        const ssize_t n = recv(fd, s->got + s->got_len, sizeof s->got - 1 - s->got_len, 0);
        if (n <= 0)
            return;
        s->got_len += (size_t) n;
        s->got[s->got_len] = '\0';
        const char *end = strstr(s->got, "\r\n\r\n");
        const char *cl = strstr(s->got, "Content-Length: ");
        if (end && cl && s->got_len >= (size_t) (end + 4 - s->got) + (size_t) atol(cl + 16))
            return;
    }
}

static void *
s_serve(void *arg)
{
    s_server_t *s = arg;
    const int fd = accept(s->listener, NULL, NULL);
    if (fd < 0)
        return NULL;
    if (s->mode == S_CLOSE) {
        close(fd);
        return NULL;
    }
    s_read_request(s, fd);
    if (s->mode == S_SILENT)
        s_sleep_ms(1500); /* past the client's deadline */
    else if (s->mode == S_TRICKLE)
        for (const char *p = s->answer; *p; p++) {
            if (send(fd, p, 1, MSG_NOSIGNAL) != 1)
                break;
            s_sleep_ms(1);
        }
    else if (send(fd, s->answer, strlen(s->answer), MSG_NOSIGNAL) < 0)
        perror("send");
    close(fd);
    return NULL;
}

/* Listens on 127.0.0.1, a port of the kernel's choosing. Returns it. */
static int
s_listen(s_server_t *s)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    s->listener = socket(AF_INET, SOCK_STREAM, 0);
    if (s->listener < 0 || bind(s->listener, (struct sockaddr *) &a, sizeof a) != 0
        || listen(s->listener, 4) != 0
        || getsockname(s->listener, (struct sockaddr *) &a, &len) != 0) {
        perror("listen");
        exit(1);
    }
    return ntohs(a.sin_port);
}

static int
s_open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;
    if (!d)
        return -1;
    while (readdir(d))
        n++;
    closedir(d);
    return n;
}

static int s_fds_at_start; /* open descriptors when main began */

/* Returns the count of open descriptors once it is want, or after
   max_ms (a lookup thread may still hold its pipe for a while). */
static int
s_fds_settle(int want, long max_ms)
{
    int n = s_open_fds();
    for (long waited = 0; n != want && waited < max_ms; waited += 20) {
        s_sleep_ms(20);
        n = s_open_fds();
    }
    return n;
}

/* Runs one transfer to url as the delivery thread does: waits on its
   descriptor, steps it, until it finishes. Returns it (caller destroys);
   *out the request sent. */
static httpc_t *
s_run(const char *url_text, int64_t timeout_ms, char **sent, size_t *sent_len)
{
    hookurl_t url;
    char err[256];
    if (hookurl_parse(url_text, &url, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        exit(1);
    }
    const char *body = "{\"specversion\":\"1.0\"}";
    size_t len = 0;
    char *req = http1_request(&url, "test/1", "application/json", "webhook-id: a\r\n", body,
                              strlen(body), &len);
    if (sent) {
        *sent = malloc(len + 1);
        memcpy(*sent, req, len + 1);
        *sent_len = len;
    }
    httpc_t *h = httpc_new(&url, NULL, req, len, service_clock_ms() + timeout_ms);
    CHECK(h != NULL);
    long steps = 0;
    while (h && httpc_state(h) == HTTPC_RUNNING && steps < 100000) {
        int64_t wait = httpc_deadline(h) - service_clock_ms();
        struct pollfd p = {.fd = httpc_fd(h), .events = httpc_events(h)};
        poll(&p, 1, wait > 0 ? (int) wait : 0);
        httpc_step(h, service_clock_ms());
        steps++;
    }
    CHECK(steps < 100000);
    return h;
}

/* The server answers at once, or one byte at a time: the status, the
   Retry-After, and the request's bytes as http1_request made them. */
static void
test_answer(s_mode_t mode)
{
    s_server_t s = {.mode = mode,
                    .answer = "HTTP/1.1 503 Busy\r\nRetry-After: 7\r\n"
                              "Content-Length: 4\r\n\r\nbusy"};
    char url[64], *sent = NULL;
    size_t sent_len = 0;
    snprintf(url, sizeof url, "http://127.0.0.1:%d/hooks/a?b=c", s_listen(&s));
    pthread_t t;
    pthread_create(&t, NULL, s_serve, &s);
    httpc_t *h = s_run(url, 5000, &sent, &sent_len);
    pthread_join(t, NULL);
    CHECK_INT(httpc_state(h), HTTPC_DONE);
    CHECK_INT(httpc_status(h), 503);
    CHECK_INT(httpc_retry_after_ms(h), 7000);
    CHECK_STR(httpc_error(h), "");
    CHECK_INT(s.got_len, sent_len);
    CHECK(memcmp(s.got, sent, sent_len) == 0);
    CHECK(strncmp(s.got, "POST /hooks/a?b=c HTTP/1.1\r\n", 28) == 0);
    httpc_destroy(&h);
    CHECK(h == NULL);
    free(sent);
    close(s.listener);
}

/* A server that reads the request and never answers: the transfer fails
   at its deadline, not before, not much after. */
static void
test_deadline(void)
{
    s_server_t s = {.mode = S_SILENT};
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/", s_listen(&s));
    pthread_t t;
    pthread_create(&t, NULL, s_serve, &s);
    const int64_t t0 = service_clock_ms();
    httpc_t *h = s_run(url, 300, NULL, NULL);
    const int64_t took = service_clock_ms() - t0;
    CHECK_INT(httpc_state(h), HTTPC_FAILED);
    CHECK_INT(httpc_status(h), 0);
    CHECK(strstr(httpc_error(h), "timed out waiting for the response") != NULL);
    CHECK(took >= 300 && took < 1200);
    httpc_destroy(&h);
    pthread_join(t, NULL);
    close(s.listener);
}

/* Closed without an answer; and nobody listening. */
static void
test_no_answer(void)
{
    s_server_t s = {.mode = S_CLOSE};
    char url[64];
    const int port = s_listen(&s);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/", port);
    pthread_t t;
    pthread_create(&t, NULL, s_serve, &s);
    httpc_t *h = s_run(url, 3000, NULL, NULL);
    pthread_join(t, NULL);
    CHECK_INT(httpc_state(h), HTTPC_FAILED);
    CHECK(httpc_error(h)[0] != '\0');
    httpc_destroy(&h);
    close(s.listener); /* now nothing listens there */
    h = s_run(url, 3000, NULL, NULL);
    CHECK_INT(httpc_state(h), HTTPC_FAILED);
    CHECK(strstr(httpc_error(h), "cannot connect to 127.0.0.1 port") != NULL);
    CHECK(strstr(httpc_error(h), "refused") != NULL);
    httpc_destroy(&h);
}

/* A host name: looked up on a thread; "localhost" may give ::1 first,
   where nothing listens, then 127.0.0.1. A name that does not resolve
   fails with the reason. A transfer destroyed during its lookup leaves
   nothing behind once the lookup ends. */
static void
test_names(void)
{
    s_server_t s = {.mode = S_ANSWER, .answer = "HTTP/1.1 204 No Content\r\n\r\n"};
    char url[64];
    snprintf(url, sizeof url, "http://localhost:%d/x", s_listen(&s));
    pthread_t t;
    pthread_create(&t, NULL, s_serve, &s);
    httpc_t *h = s_run(url, 5000, NULL, NULL);
    pthread_join(t, NULL);
    CHECK_INT(httpc_state(h), HTTPC_DONE);
    CHECK_INT(httpc_status(h), 204);
    CHECK_INT(httpc_retry_after_ms(h), -1);
    CHECK(strstr(s.got, "\r\nHost: localhost:") != NULL);
    httpc_destroy(&h);
    close(s.listener);

    /* the first transfer's lookup thread may still hold its pipe: count
       from when it has let go (the count at the start), or the check
       below sees descriptors close that this part never opened */
    const int before = s_fds_settle(s_fds_at_start, 5000);
    hookurl_t u;
    char err[128];
    CHECK_INT(hookurl_parse("http://localhost:9/", &u, err, sizeof err), 0);
    char *req = strdup("x");
    h = httpc_new(&u, NULL, req, 1, service_clock_ms() + 1000);
    CHECK(h && httpc_fd(h) >= 0);
    httpc_destroy(&h);
    CHECK_INT(s_fds_settle(before, 2000), before);

    /* last: with no DNS server at hand the lookup may run past the
       deadline, and its thread keeps the pipe until it ends */
    h = s_run("http://no-such-host.invalid/", 3000, NULL, NULL);
    CHECK_INT(httpc_state(h), HTTPC_FAILED);
    CHECK(strstr(httpc_error(h), "resolv") != NULL);
    httpc_destroy(&h);
}

int
main(void)
{
    signal(SIGPIPE, SIG_IGN); /* as service_start does */
    s_fds_at_start = s_open_fds();
    test_answer(S_ANSWER);
    test_answer(S_TRICKLE);
    test_deadline();
    test_no_answer();
    test_names();
    CHECK_INT(s_fds_settle(s_fds_at_start, 30000), s_fds_at_start);
    return check_report("test_httpc");
}
