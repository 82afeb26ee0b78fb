/*  metrics: the reporter's counters, and GET /metrics in the Prometheus
    text exposition format (version 0.0.4).

    Written by two threads (the service loop and the HTTP server) and read
    by the HTTP server, so every value is a C11 atomic: an update is one
    relaxed atomic add or store, never a lock. What is exported:

      ratify_reporter_events_processed_total   counter  events stored since start
      ratify_reporter_events                   gauge    events held in the view
      ratify_reporter_last_seq                 gauge    last registry sequence processed
      ratify_reporter_registry_seq             gauge    last sequence the registry announced
      ratify_reporter_synced                   gauge    1 once caught up with the registry
      ratify_reporter_http_requests_total      counter  {route, code}
      ratify_reporter_api_requests_total       counter  {type, outcome}
      ratify_reporter_report_build_seconds     summary  report model builds (_sum, _count)
      ratify_reporter_report_render_seconds    summary  renderings (_sum, _count)

    Label values come from fixed tables (routes, codes, types), never from
    a request, so a client cannot grow the output. */
#ifndef RATIFY_REPORTER_METRICS_H
#define RATIFY_REPORTER_METRICS_H

#include "strbuf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    METRICS_ROUTE_DASHBOARD = 0, /* GET / */
    METRICS_ROUTE_ANNEX,         /* /reports/annex.* */
    METRICS_ROUTE_STATUS,        /* /reports/status/ID.* */
    METRICS_ROUTE_PROGRESS,      /* /reports/progress.* */
    METRICS_ROUTE_HEALTHZ,
    METRICS_ROUTE_METRICS,
    METRICS_ROUTE_OTHER, /* unknown paths */
    METRICS_ROUTE_COUNT
} metrics_route_t;

typedef enum {
    METRICS_API_PING = 0,
    METRICS_API_REPORT,
    METRICS_API_OTHER, /* unknown types and malformed frames */
    METRICS_API_COUNT
} metrics_api_t;

typedef struct _metrics_t metrics_t;

/* Returns new zeroed counters (caller destroys them), or NULL. */
metrics_t *metrics_new(void);

/* Destroys the counters; accepts NULL and sets *self_p to NULL. */
void metrics_destroy(metrics_t **self_p);

/* Counts one HTTP response with that status code (codes other than 200,
   400, 404, 405, 500 and 503 are counted as "other"). */
void metrics_http(metrics_t *self, metrics_route_t route, int status);

/* Counts one ZeroMQ API request, answered (ok) or with an "error". */
void metrics_api(metrics_t *self, metrics_api_t type, bool ok);

/* Adds n events stored. */
void metrics_events(metrics_t *self, uint64_t n);

/* Records the follower's state: view size, last sequence processed, last
   sequence the registry announced, and whether the reporter has caught up. */
void metrics_follow(metrics_t *self, size_t events, int64_t last_seq, int64_t registry_seq,
                    bool synced);

/* Reads back what metrics_follow recorded. Returns synced; the pointers
   may be NULL. */
bool metrics_synced(const metrics_t *self, int64_t *last_seq, int64_t *registry_seq);

/* Records one report built (model) and rendered, in microseconds. */
void metrics_report(metrics_t *self, int64_t build_us, int64_t render_us);

/* Appends every metric in the Prometheus text format. Returns 0, or -1
   when out of memory (out is then marked failed). */
int metrics_render(const metrics_t *self, strbuf_t *out);

#endif
