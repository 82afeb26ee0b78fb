/*  bench-path-floor: the end-to-end path's shape with nothing of Ratify in
    it, measured as a whole, in the same run as the services.

    Usage: bench-path-floor DIR [SAMPLES [COMMITS]]
    Three relay processes stand where the registry, the threshold service
    and the notifier stand: the first takes a message on a ROUTER, commits
    it as one row in its own database, answers the sender (the body back)
    and publishes it on a PUB; the second and the third take it on a SUB,
    commit it the same way and publish it. Each database is opened as the
    services open theirs (db_open: WAL, synchronous=FULL, the WAL
    preallocated) in DIR. This
    program sends a 200-byte message on a DEALER and stops the clock when a
    SUB on the third relay has it: three durable commits and four hops, in
    four processes with their own libzmq I/O threads, as on the path. One
    message at a time, each GAP_USEC after the previous one arrived (the
    bench-e2e rate), WARMUP unmeasured first. COMMITS (0-3, default 3) lets
    only the first COMMITS relays commit, the others only forward: what the
    path would cost with fewer commits on it (not used by make bench).

    Prints path_floor_p50_us, path_floor_p90_us, path_floor_p99_us and
    path_floor_max_us. Where e2e_floor_us adds up medians measured apart,
    this is the distribution of the whole path, tail included: a slow spell
    of the disk or a wake-up that costs more than the median shows here as
    it shows in e2e_p99_us. For comparison; the targets stay against
    e2e_floor_us. A relay ends on SIGTERM, or when this program has gone
    (Linux's parent-death signal). Exits 0; 1 when the path could not be
    measured; 2 on a usage error. */
#include "benchutil.h"
#include "db.h"
#include "sock.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define RELAYS              3
#define DEFAULT_SAMPLES     1000
#define WARMUP              100
#define GAP_USEC            2000
#define PAYLOAD_BYTES       200
#define CONNECT_TRIES       100 /* probes, RECV_TIMEOUT_MSEC apart */
#define RECV_TIMEOUT_MSEC   100
#define SAMPLE_TIMEOUT_MSEC 5000
#define ENDPOINT_MAX        128

static volatile sig_atomic_t s_stop; /* a relay was told to end (SIGTERM) */

/* SIGTERM in a relay: ends its loop (within RECV_TIMEOUT_MSEC). */
static void
s_on_term(int sig)
{
    (void) sig;
    s_stop = 1;
}

/* Commits body as one row of db. Returns 0, or -1 (reason printed). */
static int
s_commit(sqlite3_stmt *insert, zframe_t *body)
{
    char err[256];
    sqlite3_bind_blob(insert, 1, zframe_data(body), (int) zframe_size(body), SQLITE_STATIC);
    if (db_run(insert, err, sizeof err) != 0) {
        fprintf(stderr, "bench-path-floor: commit: %s\n", err);
        return -1;
    }
    return 0;
}

/* Relay number `stage` (0 takes from a ROUTER, the others from a SUB on
   in_ep), a child of `parent`: writes its two endpoints ("in out\n") to
   report_fd, then commits (when `commit`) and forwards every message until
   SIGTERM, its parent's end or a failure. Returns the process's exit
   status. */
static int
s_relay(int stage, bool commit, const char *dir, const char *in_ep, int report_fd, pid_t parent)
{
    static const char *schema = "CREATE TABLE IF NOT EXISTS m (id INTEGER PRIMARY KEY, body BLOB)";
    char path[4096], err[256] = "";
    int status = 1;
    zsock_t *in = NULL, *out = NULL;
    sqlite3_stmt *insert = NULL;
    sqlite3 *db = NULL;
    /* SIGTERM from the start (the parent may stop the relays before this
       one has reported); SIGTERM too when the parent ends, however it
       ends, and no hold on its standard output (a pipe run.sh reads) */
    struct sigaction term = {.sa_handler = s_on_term};
    const int devnull = open("/dev/null", O_WRONLY);
    if (sigaction(SIGTERM, &term, NULL) != 0 || prctl(PR_SET_PDEATHSIG, SIGTERM) != 0
        || getppid() != parent || devnull < 0 || dup2(devnull, STDOUT_FILENO) < 0) {
        fprintf(stderr, "bench-path-floor: relay %d: %s\n", stage,
                getppid() != parent ? "its parent has gone" : strerror(errno));
        if (devnull >= 0)
            close(devnull);
        goto done;
    }
    close(devnull);
    snprintf(path, sizeof path, "%s/path-floor-%d.db", dir, stage);
    db = db_open(path, schema, err, sizeof err);
    if (!db) {
        fprintf(stderr, "bench-path-floor: %s: %s\n", path, err);
        goto done;
    }
    if (sqlite3_prepare_v2(db, "INSERT INTO m (body) VALUES (?1)", -1, &insert, NULL)
        != SQLITE_OK) {
        fprintf(stderr, "bench-path-floor: %s\n", sqlite3_errmsg(db));
        goto done;
    }
    sock_init();
    in = stage == 0 ? sock_new_server(ZMQ_ROUTER, "tcp://127.0.0.1:*", err, sizeof err)
                    : sock_new_client(ZMQ_SUB, in_ep, "");
    if (in)
        out = sock_new_server(ZMQ_PUB, "tcp://127.0.0.1:*", err, sizeof err);
    if (!in || !out) {
        fprintf(stderr, "bench-path-floor: relay %d: cannot open its %s socket%s%s\n", stage,
                in ? "outgoing" : "incoming", err[0] ? ": " : "", err);
        goto done;
    }
    char line[2 * ENDPOINT_MAX + 2];
    const int n = snprintf(line, sizeof line, "%s %s\n", stage == 0 ? zsock_endpoint(in) : in_ep,
                           zsock_endpoint(out));
    if (n <= 0 || (size_t) n >= sizeof line || write(report_fd, line, (size_t) n) != n)
        goto done;
    close(report_fd);
    report_fd = -1;
    zsock_set_rcvtimeo(in, RECV_TIMEOUT_MSEC);
    while (!s_stop) {
        zmsg_t *msg = zmsg_recv(in);
        if (!msg)
            continue;
        zframe_t *body = zmsg_last(msg);
        if (!body || (commit && s_commit(insert, body) != 0)) {
            zmsg_destroy(&msg);
            goto done;
        }
        zframe_t *copy = zframe_dup(body);
        if (stage == 0) /* the answer to the sender: its identity, the body */
            zmsg_send(&msg, in);
        zmsg_destroy(&msg);
        if (zframe_send(&copy, out, 0) != 0) {
            zframe_destroy(&copy);
            goto done;
        }
    }
    status = 0;
done:
    zsock_destroy(&out);
    zsock_destroy(&in);
    sqlite3_finalize(insert);
    db_close(&db);
    zsys_shutdown(); /* the child leaves by _exit: no atexit handler runs */
    if (report_fd >= 0)
        close(report_fd);
    return status;
}

/* Starts relay `stage` in a child process (committing when `commit`); its
   endpoints go to in_ep and out_ep (ENDPOINT_MAX each: the %127s below).
   Returns the child's pid, or -1. */
static pid_t
s_start(int stage, bool commit, const char *dir, const char *prev_out, char *in_ep, char *out_ep)
{
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    fflush(NULL);
    const pid_t parent = getpid();
    const pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        _exit(s_relay(stage, commit, dir, prev_out, fds[1], parent));
    }
    close(fds[1]);
    char line[2 * ENDPOINT_MAX + 2] = "";
    size_t len = 0;
    ssize_t got;
    while (len < sizeof line - 1 && (got = read(fds[0], line + len, sizeof line - 1 - len)) > 0)
        len += (size_t) got;
    close(fds[0]);
    line[len] = '\0';
    if (pid < 0 || sscanf(line, "%127s %127s", in_ep, out_ep) != 2) {
        if (pid > 0) {
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
        }
        return -1;
    }
    return pid;
}

/* Receives from sub until the message numbered `want` comes (older ones
   are dropped) or timeout_msec pass. Returns true when it came. */
static bool
s_await(zsock_t *sub, uint32_t want, int timeout_msec)
{
    const int64_t deadline = bench_now_us() + (int64_t) timeout_msec * 1000;
    while (bench_now_us() < deadline) {
        zframe_t *f = zframe_recv(sub);
        if (!f)
            continue; /* RECV_TIMEOUT_MSEC passed */
        uint32_t n = 0;
        const bool match =
            zframe_size(f) >= sizeof n && (memcpy(&n, zframe_data(f), sizeof n), n == want);
        zframe_destroy(&f);
        if (match)
            return true;
    }
    return false;
}

/* Sends message number n (PAYLOAD_BYTES, n first) on dealer. Returns 0,
   or -1 when it could not be sent. */
static int
s_send(zsock_t *dealer, uint32_t n)
{
    unsigned char payload[PAYLOAD_BYTES];
    memset(payload, 'x', sizeof payload);
    memcpy(payload, &n, sizeof n);
    zframe_t *f = zframe_new(payload, sizeof payload);
    if (zframe_send(&f, dealer, 0) != 0) {
        zframe_destroy(&f);
        return -1;
    }
    return 0;
}

/* Reads every answer the first relay has sent so far. */
static void
s_drain(zsock_t *dealer)
{
    while (zsock_events(dealer) & ZMQ_POLLIN) {
        zframe_t *f = zframe_recv(dealer);
        if (!f)
            break;
        zframe_destroy(&f);
    }
}

/* Sets *out to text read as a whole decimal number in [lo, hi]. Returns
   0, or -1 (anything else: empty, trailing characters, out of range). */
static int
s_parse_int(const char *text, long lo, long hi, int *out)
{
    char *end = NULL;
    errno = 0;
    const long v = strtol(text, &end, 10);
    if (end == text || *end != '\0' || errno != 0 || v < lo || v > hi)
        return -1;
    *out = (int) v;
    return 0;
}

int
main(int argc, char **argv)
{
    const bool help = argc == 2 && strcmp(argv[1], "--help") == 0;
    if (help || argc < 2 || argc > 4) {
        fprintf(help ? stdout : stderr,
                "usage: bench-path-floor DIR [SAMPLES [COMMITS]]\n"
                "  three relay processes, each committing every message in DIR (or\n"
                "  only the first COMMITS of them), timed end to end (see the top of\n"
                "  bench/pathfloor.c)\n");
        return help ? 0 : 2;
    }
    int samples = DEFAULT_SAMPLES, commits = RELAYS;
    if (argc >= 3 && s_parse_int(argv[2], 1, 1000000, &samples) != 0) {
        fprintf(stderr, "bench-path-floor: SAMPLES must be 1..1000000, not '%s'\n", argv[2]);
        return 2;
    }
    if (argc == 4 && s_parse_int(argv[3], 0, RELAYS, &commits) != 0) {
        fprintf(stderr, "bench-path-floor: COMMITS must be 0..%d, not '%s'\n", RELAYS, argv[3]);
        return 2;
    }
    int status = 1;
    pid_t pids[RELAYS] = {0};
    char in_ep[RELAYS][ENDPOINT_MAX], out_ep[RELAYS][ENDPOINT_MAX];
    int64_t *t = calloc((size_t) samples, sizeof *t);
    zsock_t *dealer = NULL, *sub = NULL;
    if (!t)
        goto done;
    /* the relays first: this process has no libzmq context to fork yet */
    for (int i = 0; i < RELAYS; i++) {
        pids[i] = s_start(i, i < commits, argv[1], i ? out_ep[i - 1] : "", in_ep[i], out_ep[i]);
        if (pids[i] < 0) {
            pids[i] = 0;
            fprintf(stderr, "bench-path-floor: relay %d did not start\n", i);
            goto done;
        }
    }
    sock_init();
    dealer = sock_new_client(ZMQ_DEALER, in_ep[0], NULL);
    sub = sock_new_client(ZMQ_SUB, out_ep[RELAYS - 1], "");
    if (!dealer || !sub)
        goto done;
    zsock_set_rcvtimeo(sub, RECV_TIMEOUT_MSEC);
    /* a SUB only gets what is published after its subscription has reached
       the PUB: probe until one message makes it through every relay */
    uint32_t n = 0;
    bool through = false;
    for (int i = 0; i < CONNECT_TRIES && !through; i++) {
        if (s_send(dealer, ++n) != 0)
            goto done;
        through = s_await(sub, n, RECV_TIMEOUT_MSEC);
    }
    if (!through) {
        fprintf(stderr, "bench-path-floor: no message came through the relays\n");
        goto done;
    }
    for (int i = 0; i < WARMUP + samples; i++) {
        usleep(GAP_USEC);
        s_drain(dealer);
        const int64_t start = bench_now_ns();
        if (s_send(dealer, ++n) != 0) {
            fprintf(stderr, "bench-path-floor: message %u could not be sent\n", n);
            goto done;
        }
        if (!s_await(sub, n, SAMPLE_TIMEOUT_MSEC)) {
            fprintf(stderr, "bench-path-floor: message %u did not come through in %d ms\n", n,
                    SAMPLE_TIMEOUT_MSEC);
            goto done;
        }
        if (i >= WARMUP)
            t[i - WARMUP] = bench_now_ns() - start;
    }
    if (commits != RELAYS)
        printf("# %d of the %d relays commit\n", commits, RELAYS);
    const int pct[] = {50, 90, 99, 100};
    const char *name[] = {"p50", "p90", "p99", "max"};
    for (int i = 0; i < 4; i++)
        printf("path_floor_%s_us: %.0f us\n", name[i],
               bench_percentile(t, (size_t) samples, pct[i]) / 1000.0);
    status = 0;
done:
    zsock_destroy(&sub);
    zsock_destroy(&dealer);
    for (int i = 0; i < RELAYS; i++)
        if (pids[i] > 0) {
            kill(pids[i], SIGTERM);
            int how = 0;
            if (waitpid(pids[i], &how, 0) == pids[i]
                && !(WIFEXITED(how) && WEXITSTATUS(how) == 0)) {
                fprintf(stderr, "bench-path-floor: relay %d failed (%s %d)\n", i,
                        WIFEXITED(how) ? "exit status" : "signal",
                        WIFEXITED(how) ? WEXITSTATUS(how) : WTERMSIG(how));
                status = 1;
            }
        }
    free(t);
    return status;
}
