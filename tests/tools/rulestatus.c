/*  ratify-rulestatus: every instrument's status computed by the rule engine
    directly from the registry's log, for the chaos test.

    Usage: ratify-rulestatus [--as-of DATE] [--timeout MS]

    Reads the catalog (RATIFY_CATALOG, as the services do) and the whole
    event log from RATIFY_REGISTRY_API with events.since, feeds each event
    to its instrument's engine (common/rules.h), computes every instrument
    as at DATE (default: RATIFY_TODAY or the clock), parents first, and
    prints one JSON object per instrument, in catalog order, with the keys
    and layout of `ratifyctl status --json`. The threshold service's answer
    after any number of crashes must be byte for byte this output: the two
    share the engine, and nothing else.

    Exit 0; 3 when the registry does not answer; 4 on anything else. */
#include "catalog.h"
#include "config.h"
#include "milestone.h"
#include "msg.h"
#include "rpc.h"
#include "rules.h"
#include "sock.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const catalog_instrument_t *cat;
    rules_instrument_t *engine;
    int parent; /* index, -1 for none */
    bool computed;
    rules_status_t status;
} s_inst_t;

/* Index of the instrument with id `id`, or -1. O(n): the catalog is small. */
static int
s_index(const catalog_t *catalog, const char *id)
{
    for (size_t i = 0; i < catalog_instrument_count(catalog); i++)
        if (strcmp(catalog_instrument_id(catalog_instrument_at(catalog, i)), id) == 0)
            return (int) i;
    return -1;
}

/* Reads the log from the registry into the engines. Returns 0, 3 or 4. */
static int
s_read_log(const catalog_t *catalog, s_inst_t *insts, int timeout_ms, long *nevents)
{
    rpc_client_t *client = rpc_client_new(config_get(CONFIG_REGISTRY_API));
    if (!client)
        return 4;
    int rc = 0;
    int64_t from = 1;
    for (bool more = true; more && rc == 0;) {
        msg_events_since_t req = {.from = from, .limit = 0};
        msgpack_sbuffer buf;
        msgpack_sbuffer_init(&buf);
        msg_in_t *reply = NULL;
        msg_events_t batch = {0};
        wire_err_t err;
        rpc_status_t st = RPC_FAILED;
        if (msg_encode_events_since(&req, &buf) == 0)
            st = rpc_client_call(client, buf.data, buf.size, timeout_ms, &reply, &err);
        msgpack_sbuffer_destroy(&buf);
        if (st != RPC_OK) {
            fprintf(stderr, "ratify-rulestatus: the registry did not answer\n");
            rc = st == RPC_TIMEOUT ? 3 : 4;
            break;
        }
        if (msg_decode_events(reply, &batch, &err) != 0) {
            fprintf(stderr, "ratify-rulestatus: unexpected reply: %s\n", err.message);
            rc = 4;
        }
        for (size_t i = 0; rc == 0 && i < batch.count; i++) {
            const event_t *ev = &batch.events[i];
            const int x = s_index(catalog, ev->instrument);
            const catalog_participant_t *p = catalog_participant_by_id(catalog, ev->participant);
            if (x >= 0
                && rules_instrument_add(insts[x].engine, ev, p && catalog_participant_is_reio(p))
                       == RULES_ENOMEM)
                rc = 4;
            from = ev->seq + 1;
            (*nevents)++;
        }
        more = batch.more && batch.count > 0;
        msg_events_clear(&batch);
        msg_in_destroy(&reply);
    }
    rpc_client_destroy(&client);
    return rc;
}

/* Computes x as at as_of, its ancestors first. Returns a RULES_ code. */
static int
s_compute(s_inst_t *insts, int x, rdate_t as_of)
{
    s_inst_t *self = &insts[x];
    if (self->computed)
        return RULES_OK;
    if (self->parent >= 0) {
        const int rc = s_compute(insts, self->parent, as_of);
        if (rc != RULES_OK)
            return rc;
    }
    const int rc = rules_instrument_compute(
        self->engine, as_of, self->parent >= 0 ? insts[self->parent].engine : NULL, &self->status);
    self->computed = rc == RULES_OK;
    return rc;
}

static json_t *
s_date(rdate_t date)
{
    char buf[RDATE_ISO_SIZE];
    return date == RDATE_NONE ? json_null() : json_string(rdate_format(date, buf));
}

/* Prints x as `ratifyctl status --json` does (cli/cmd_status.c). */
static void
s_print(const s_inst_t *insts, int x, rdate_t as_of)
{
    const s_inst_t *self = &insts[x];
    const rules_status_t *st = &self->status;
    const char *parent = self->parent >= 0 ? catalog_instrument_id(insts[self->parent].cat) : NULL;
    json_t *o = json_object();
    if (!o)
        return;
    json_object_set_new(o, "instrument", json_string(catalog_instrument_id(self->cat)));
    json_object_set_new(o, "reference", json_string(catalog_instrument_reference(self->cat)));
    json_object_set_new(o, "title", json_string(catalog_instrument_title(self->cat)));
    json_object_set_new(o, "parent", parent ? json_string(parent) : json_null());
    json_object_set_new(o, "signatures", json_integer(st->signatures));
    json_object_set_new(o, "parties", json_integer(st->parties));
    json_object_set_new(o, "counted", json_integer(st->counted));
    json_object_set_new(o, "threshold",
                        json_integer(catalog_instrument_rule(self->cat)->threshold));
    json_object_set_new(o, "threshold_date", s_date(st->threshold_date));
    json_object_set_new(o, "entry_into_force", s_date(st->eif));
    json_object_set_new(o, "stage", json_string(milestone_stage_name(st->stage)));
    json_object_set_new(o, "waiting_for",
                        st->waiting_for_parent && parent ? json_string(parent) : json_null());
    json_object_set_new(o, "as_of", s_date(as_of));
    json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
    fputc('\n', stdout);
    json_decref(o);
}

int
main(int argc, char **argv)
{
    rdate_t as_of = RDATE_NONE;
    int timeout_ms = 5000;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--as-of") == 0 && i + 1 < argc
            && rdate_parse(argv[i + 1], &as_of) == 0)
            i++;
        else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc)
            timeout_ms = atoi(argv[++i]);
        else {
            fprintf(stderr, "usage: ratify-rulestatus [--as-of DATE] [--timeout MS]\n");
            return 2;
        }
    }
    if (as_of == RDATE_NONE)
        as_of = config_today();
    sock_init();
    char err[CATALOG_ERR_SIZE];
    catalog_t *catalog = catalog_load_default(err, sizeof err);
    if (!catalog) {
        fprintf(stderr, "ratify-rulestatus: %s\n", err);
        return 4;
    }
    const size_t n = catalog_instrument_count(catalog);
    s_inst_t *insts = calloc(n ? n : 1, sizeof *insts);
    int rc = insts ? 0 : 4;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        insts[i].cat = catalog_instrument_at(catalog, i);
        insts[i].engine = rules_instrument_new(catalog_instrument_rule(insts[i].cat));
        const char *parent = catalog_instrument_parent(insts[i].cat);
        insts[i].parent = parent ? s_index(catalog, parent) : -1;
        if (!insts[i].engine)
            rc = 4;
    }
    long nevents = 0;
    if (rc == 0)
        rc = s_read_log(catalog, insts, timeout_ms, &nevents);
    for (size_t i = 0; rc == 0 && i < n; i++)
        if (s_compute(insts, (int) i, as_of) != RULES_OK) {
            fprintf(stderr, "ratify-rulestatus: cannot compute %s\n",
                    catalog_instrument_id(insts[i].cat));
            rc = 4;
        }
    for (size_t i = 0; rc == 0 && i < n; i++)
        s_print(insts, (int) i, as_of);
    if (rc == 0)
        fprintf(stderr, "ratify-rulestatus: %zu instruments from %ld events\n", n, nevents);
    for (size_t i = 0; insts && i < n; i++)
        rules_instrument_destroy(&insts[i].engine);
    free(insts);
    catalog_destroy(&catalog);
    return rc;
}
