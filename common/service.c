/*  service: signals, clocks, start-up checks. */
#include "service.h"

#include "config.h"
#include "log.h"
#include "sock.h"

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
service_init(const char *name)
{
    log_init(name);
    sock_init();
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = s_on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (config_get(CONFIG_TODAY) && config_today() == RDATE_NONE) {
        log_error("RATIFY_TODAY=%s is not a date YYYY-MM-DD", config_get(CONFIG_TODAY));
        return -1;
    }
    return 0;
}

bool
service_stopping(void)
{
    return s_stop != 0;
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
