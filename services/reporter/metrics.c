/*  metrics: relaxed atomics, rendered on demand. */
#include "metrics.h"

#include <inttypes.h>
#include <stdatomic.h>
#include <stdlib.h>

static const char *s_routes[METRICS_ROUTE_COUNT] = {
    [METRICS_ROUTE_DASHBOARD] = "dashboard", [METRICS_ROUTE_ANNEX] = "annex",
    [METRICS_ROUTE_STATUS] = "status",       [METRICS_ROUTE_PROGRESS] = "progress",
    [METRICS_ROUTE_HEALTHZ] = "healthz",     [METRICS_ROUTE_METRICS] = "metrics",
    [METRICS_ROUTE_OTHER] = "other",
};

static const int s_codes[] = {200, 400, 404, 405, 500, 503};
#define S_CODES      (sizeof s_codes / sizeof s_codes[0])
#define S_CODE_OTHER S_CODES /* index of "other" */

static const char *s_apis[METRICS_API_COUNT] = {
    [METRICS_API_PING] = "ping",
    [METRICS_API_REPORT] = "report",
    [METRICS_API_OTHER] = "other",
};

struct _metrics_t {
    atomic_uint_fast64_t http[METRICS_ROUTE_COUNT][S_CODES + 1];
    atomic_uint_fast64_t api[METRICS_API_COUNT][2]; /* [type][ok] */
    atomic_uint_fast64_t events_processed;
    atomic_uint_fast64_t events;
    atomic_int_fast64_t last_seq;
    atomic_int_fast64_t registry_seq;
    atomic_bool synced;
    atomic_uint_fast64_t builds, build_us, renders, render_us;
};

metrics_t *
metrics_new(void)
{
    metrics_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    /* calloc's zero bytes are valid initial values for lock-free atomics;
       say so explicitly for the ones the standard asks to initialise. */
    atomic_init(&self->synced, false);
    atomic_init(&self->last_seq, 0);
    atomic_init(&self->registry_seq, 0);
    return self;
}

void
metrics_destroy(metrics_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free(*self_p);
    *self_p = NULL;
}

void
metrics_http(metrics_t *self, metrics_route_t route, int status)
{
    if (route < 0 || route >= METRICS_ROUTE_COUNT)
        route = METRICS_ROUTE_OTHER;
    size_t code = 0;
    while (code < S_CODES && s_codes[code] != status)
        code++;
    atomic_fetch_add_explicit(&self->http[route][code], 1, memory_order_relaxed);
}

void
metrics_api(metrics_t *self, metrics_api_t type, bool ok)
{
    if (type < 0 || type >= METRICS_API_COUNT)
        type = METRICS_API_OTHER;
    atomic_fetch_add_explicit(&self->api[type][ok ? 1 : 0], 1, memory_order_relaxed);
}

void
metrics_events(metrics_t *self, uint64_t n)
{
    atomic_fetch_add_explicit(&self->events_processed, n, memory_order_relaxed);
}

void
metrics_follow(metrics_t *self, size_t events, int64_t last_seq, int64_t registry_seq, bool synced)
{
    atomic_store_explicit(&self->events, events, memory_order_relaxed);
    atomic_store_explicit(&self->last_seq, last_seq, memory_order_relaxed);
    atomic_store_explicit(&self->registry_seq, registry_seq, memory_order_relaxed);
    atomic_store_explicit(&self->synced, synced, memory_order_relaxed);
}

bool
metrics_synced(const metrics_t *self, int64_t *last_seq, int64_t *registry_seq)
{
    /* the atomics are only read: cast away const for C11's non-const API */
    metrics_t *m = (metrics_t *) self;
    if (last_seq)
        *last_seq = atomic_load_explicit(&m->last_seq, memory_order_relaxed);
    if (registry_seq)
        *registry_seq = atomic_load_explicit(&m->registry_seq, memory_order_relaxed);
    return atomic_load_explicit(&m->synced, memory_order_relaxed);
}

void
metrics_report(metrics_t *self, int64_t build_us, int64_t render_us)
{
    atomic_fetch_add_explicit(&self->builds, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&self->build_us, (uint64_t) (build_us > 0 ? build_us : 0),
                              memory_order_relaxed);
    atomic_fetch_add_explicit(&self->renders, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&self->render_us, (uint64_t) (render_us > 0 ? render_us : 0),
                              memory_order_relaxed);
}

/* Reads an atomic counter. */
static uint64_t
s_get(const atomic_uint_fast64_t *v)
{
    return atomic_load_explicit((atomic_uint_fast64_t *) v, memory_order_relaxed);
}

static void
s_header(strbuf_t *out, const char *name, const char *type, const char *help)
{
    strbuf_appendf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
s_summary(strbuf_t *out, const char *name, const char *help, uint64_t count, uint64_t sum_us)
{
    s_header(out, name, "summary", help);
    strbuf_appendf(out, "%s_sum %" PRIu64 ".%06" PRIu64 "\n%s_count %" PRIu64 "\n", name,
                   sum_us / 1000000, sum_us % 1000000, name, count);
}

int
metrics_render(const metrics_t *self, strbuf_t *out)
{
    metrics_t *m = (metrics_t *) self;
    int64_t last = 0, registry = 0;
    const bool synced = metrics_synced(self, &last, &registry);

    s_header(out, "ratify_reporter_events_processed_total", "counter",
             "Registry events stored in the reporter's view since it started.");
    strbuf_appendf(out, "ratify_reporter_events_processed_total %" PRIu64 "\n",
                   s_get(&m->events_processed));
    s_header(out, "ratify_reporter_events", "gauge", "Registry events held in the view.");
    strbuf_appendf(out, "ratify_reporter_events %" PRIu64 "\n", s_get(&m->events));
    s_header(out, "ratify_reporter_last_seq", "gauge", "Last registry sequence processed.");
    strbuf_appendf(out, "ratify_reporter_last_seq %" PRId64 "\n", last);
    s_header(out, "ratify_reporter_registry_seq", "gauge", "Last sequence the registry announced.");
    strbuf_appendf(out, "ratify_reporter_registry_seq %" PRId64 "\n", registry);
    s_header(out, "ratify_reporter_synced", "gauge",
             "1 once the reporter has caught up with the registry.");
    strbuf_appendf(out, "ratify_reporter_synced %d\n", synced ? 1 : 0);

    s_header(out, "ratify_reporter_http_requests_total", "counter",
             "HTTP requests answered, by route and status code.");
    for (int r = 0; r < METRICS_ROUTE_COUNT; r++)
        for (size_t c = 0; c <= S_CODES; c++) {
            const uint64_t n = s_get(&m->http[r][c]);
            if (n == 0)
                continue;
            if (c == S_CODE_OTHER)
                strbuf_appendf(out,
                               "ratify_reporter_http_requests_total{route=\"%s\",code=\"other\"} "
                               "%" PRIu64 "\n",
                               s_routes[r], n);
            else
                strbuf_appendf(out,
                               "ratify_reporter_http_requests_total{route=\"%s\",code=\"%d\"} "
                               "%" PRIu64 "\n",
                               s_routes[r], s_codes[c], n);
        }
    s_header(out, "ratify_reporter_api_requests_total", "counter",
             "ZeroMQ API requests, by type and outcome.");
    for (int t = 0; t < METRICS_API_COUNT; t++)
        for (int ok = 1; ok >= 0; ok--) {
            const uint64_t n = s_get(&m->api[t][ok]);
            if (n > 0)
                strbuf_appendf(out,
                               "ratify_reporter_api_requests_total{type=\"%s\",outcome=\"%s\"} "
                               "%" PRIu64 "\n",
                               s_apis[t], ok ? "ok" : "error", n);
        }
    s_summary(out, "ratify_reporter_report_build_seconds",
              "Time spent building report models from the events.", s_get(&m->builds),
              s_get(&m->build_us));
    s_summary(out, "ratify_reporter_report_render_seconds", "Time spent rendering reports.",
              s_get(&m->renders), s_get(&m->render_us));
    return strbuf_failed(out) ? -1 : 0;
}
