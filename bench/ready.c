/*  bench-ready: how long a service takes from exec to answering ping.

    Usage: bench-ready NAME API_ENDPOINT LOG PIDFILE PROGRAM [ARGS...]

    Forks, execs PROGRAM (stdout and stderr appended to LOG, environment
    inherited: RATIFY_DATA_DIR and the endpoints say where it lives), and
    sends `ping` to API_ENDPOINT every POLL_MSEC until a `pong` comes back.
    Prints `ready_ms_NAME: T ms`, T measured from just before the fork to
    the reception of the first pong, writes the child's pid into PIDFILE and
    exits, leaving the service running (the caller stops it).

    Each attempt is an rpc_client_call with a POLL_MSEC timeout: after a
    timeout the client drops its DEALER and connects a new one, so an
    attempt made before the service has bound its port does not sit in
    ZeroMQ's reconnect back-off (100 ms by default) and the figure keeps a
    resolution of about POLL_MSEC. Exits 1 when the service exits or stays
    silent for GIVE_UP_MSEC. */
#include "benchutil.h"
#include "msg.h"
#include "rpc.h"
#include "sock.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define POLL_MSEC    1
#define GIVE_UP_MSEC 60000

int
main(int argc, char **argv)
{
    if (argc < 6) {
        fprintf(stderr, "usage: bench-ready NAME API_ENDPOINT LOG PIDFILE PROGRAM [ARGS...]\n");
        return 2;
    }
    const char *name = argv[1], *endpoint = argv[2], *logpath = argv[3], *pidfile = argv[4];
    sock_init();
    msgpack_sbuffer ping;
    msgpack_sbuffer_init(&ping);
    msg_encode_ping(&ping);
    rpc_client_t *rpc = rpc_client_new(endpoint);
    if (!rpc) {
        fprintf(stderr, "bench-ready: cannot make a client for %s\n", endpoint);
        return 1;
    }
    const int64_t start = bench_now_us();
    const pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 1;
    }
    if (pid == 0) {
        const int fd = open(logpath, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
            close(fd);
        }
        execv(argv[5], &argv[5]);
        fprintf(stderr, "bench-ready: cannot exec %s: %s\n", argv[5], strerror(errno));
        _exit(127);
    }
    int64_t ready = -1;
    while (bench_now_us() - start < (int64_t) GIVE_UP_MSEC * 1000) {
        msg_in_t *reply = NULL;
        wire_err_t err;
        if (rpc_client_call(rpc, ping.data, ping.size, POLL_MSEC, &reply, &err) == RPC_OK
            && msg_in_type(reply) == MSG_PONG) {
            ready = bench_now_us() - start;
            msg_in_destroy(&reply);
            break;
        }
        msg_in_destroy(&reply);
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid) {
            fprintf(stderr, "bench-ready: %s exited before answering (see %s)\n", name, logpath);
            break;
        }
    }
    rpc_client_destroy(&rpc);
    msgpack_sbuffer_destroy(&ping);
    FILE *f = fopen(pidfile, "w");
    if (f) {
        fprintf(f, "%d\n", (int) pid);
        fclose(f);
    }
    if (ready < 0) {
        kill(pid, SIGTERM);
        return 1;
    }
    printf("ready_ms_%s: %.1f ms\n", name, ready / 1000.0);
    return 0;
}
