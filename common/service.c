/*  service: command line, signals, start-up, clocks. */
#include "service.h"

#include "config.h"
#include "log.h"
#include "security.h"
#include "sock.h"

#include <errno.h>
#include <signal.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <string.h>
#include <time.h>

static volatile sig_atomic_t s_stop = 0;

static void
s_on_signal(int sig)
{
    (void) sig;
    s_stop = 1;
}

int
service_start(const char *name, int argc, char **argv, service_usage_fn *usage)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        }
        fprintf(stderr, "ratify-%s: unknown argument '%s'\n", name, argv[i]);
        usage(stderr);
        return 2;
    }
    log_init(name);
    sock_init();
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = s_on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    /* a file past RLIMIT_FSIZE fails its write (EFBIG) instead of killing */
    signal(SIGXFSZ, SIG_IGN);
    if (config_get(CONFIG_TODAY) && config_today() == RDATE_NONE) {
        log_error("RATIFY_TODAY=%s is not a date YYYY-MM-DD", config_get(CONFIG_TODAY));
        return 1;
    }
    char err[512];
    if (log_check_env(err, sizeof err) != 0 || config_check_endpoints(err, sizeof err) != 0) {
        log_error("%s", err);
        return 1;
    }
    if (security_init(name, SECURITY_SERVER, err, sizeof err) != 0) {
        log_error("%s", err);
        return 1;
    }
    return SERVICE_GO;
}

catalog_t *
service_load_catalog(void)
{
    char err[CATALOG_ERR_SIZE];
    catalog_t *catalog = catalog_load_default(err, sizeof err);
    if (!catalog)
        log_error("cannot load the catalog: %s", err);
    return catalog;
}

int
service_data_path(const char *file, char *path, size_t size)
{
    if (config_data_path(file, path, size) != 0) {
        log_error("cannot use data directory %s: %s", config_get(CONFIG_DATA_DIR), strerror(errno));
        return -1;
    }
    return 0;
}

bool
service_stopping(void)
{
    return s_stop != 0;
}

void
service_block_stop_signals(sigset_t *old)
{
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, old);
}

int64_t
service_clock_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
service_wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
service_idle_beat(service_idle_t *self, uint64_t mark)
{
    if (mark != self->mark)
        self->trimmed = false; /* work came: not quiet yet */
    else if (!self->trimmed) {
#ifdef __GLIBC__
        malloc_trim(0);
#endif
        self->trimmed = true;
    }
    self->mark = mark;
}
