/*  test_report_evtab: the reporter's compact event table (evtab.h) and
    report_new_from_table.

    The table: ids resolved to catalog indexes (unknown ones marked, ids
    without a NUL read bounded), retractions keep the seq they name,
    reserve/room/truncate as the view uses them, 24 bytes an event. Then
    the id cache (many spellings, known and not); then the report built
    from a table prefix is the report built from the same
    events as an array (the whole JSON document, for the seed with
    retractions and unknown ids, as at several dates), and the argument
    checks of report_new_from_table. */
#include "check.h"
#include "evtab.h"
#include "render_json.h"
#include "report.h"
#include "test_report_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Returns the catalog index of instrument id, or EVTAB_UNKNOWN. */
static uint32_t
s_inst_index(const catalog_t *catalog, const char *id)
{
    const catalog_instrument_t *inst = catalog_instrument_find(catalog, id);
    for (size_t i = 0; inst && i < catalog_instrument_count(catalog); i++)
        if (catalog_instrument_at(catalog, i) == inst)
            return (uint32_t) i;
    return EVTAB_UNKNOWN;
}

static uint32_t
s_part_index(const catalog_t *catalog, const char *id)
{
    const catalog_participant_t *p = catalog_participant_by_id(catalog, id);
    for (size_t i = 0; p && i < catalog_participant_count(catalog); i++)
        if (catalog_participant_at(catalog, i) == p)
            return (uint32_t) i;
    return EVTAB_UNKNOWN;
}

static void
s_test_table(const catalog_t *catalog)
{
    CHECK(evtab_new(NULL) == NULL);
    evtab_t *tab = evtab_new(catalog);
    CHECK(tab != NULL);
    if (!tab)
        return;
    CHECK(evtab_catalog(tab) == catalog);
    CHECK_INT(evtab_count(tab), 0);
    evtab_entry_t e;
    CHECK_INT(evtab_get(tab, 0, &e), -1);

    event_t ev = tru_event(7, "untoc", "ARM", ACTION_RATIFICATION, "2003-07-01");
    ev.recorded_ms = 123;
    snprintf(ev.reason, sizeof ev.reason, "not kept");
    CHECK_INT(evtab_append(tab, &ev), 0);
    ev = tru_event(8, "NOPE", "ARM", ACTION_SIGNATURE, "2003-07-02");
    CHECK_INT(evtab_append(tab, &ev), 0);
    ev = tru_event(9, "UNTOC", "ZZZ", ACTION_ACCESSION, "2003-07-03");
    CHECK_INT(evtab_append(tab, &ev), 0);
    ev = tru_event(10, "UNTOC", "ARM", ACTION_RETRACTION, "2003-07-04");
    ev.retracts = 7;
    CHECK_INT(evtab_append(tab, &ev), 0);
    /* ids that fill their field with no NUL are read bounded */
    ev = tru_event(11, "UNTOC", "ARM", ACTION_SIGNATURE, "2003-07-05");
    memset(ev.instrument, 'X', sizeof ev.instrument);
    memset(ev.participant, 'Y', sizeof ev.participant);
    CHECK_INT(evtab_append(tab, &ev), 0);
    ev = tru_event(12, "UNTOC", "ARM", (action_t) 99, "2003-07-05");
    CHECK_INT(evtab_append(tab, &ev), 0);
    CHECK_INT(evtab_count(tab), 6);

    CHECK_INT(evtab_get(tab, 0, &e), 0);
    CHECK_INT(e.seq, 7);
    CHECK_INT(e.action, ACTION_RATIFICATION);
    CHECK_INT(e.date, tru_date("2003-07-01"));
    CHECK(e.instrument != EVTAB_UNKNOWN);
    CHECK_INT(e.instrument, s_inst_index(catalog, "UNTOC"));
    CHECK_INT(e.participant, s_part_index(catalog, "ARM"));
    CHECK_INT(e.retracts, 0);
    CHECK_INT(evtab_get(tab, 1, &e), 0);
    CHECK_INT(e.instrument, EVTAB_UNKNOWN);
    CHECK_INT(e.participant, s_part_index(catalog, "ARM"));
    CHECK_INT(e.action, ACTION_SIGNATURE);
    CHECK_INT(evtab_get(tab, 2, &e), 0);
    CHECK_INT(e.instrument, s_inst_index(catalog, "UNTOC"));
    CHECK_INT(e.participant, EVTAB_UNKNOWN);
    CHECK_INT(evtab_get(tab, 3, &e), 0);
    CHECK_INT(e.seq, 10);
    CHECK_INT(e.action, ACTION_RETRACTION);
    CHECK_INT(e.retracts, 7);
    CHECK_INT(e.date, RDATE_NONE);
    CHECK_INT(evtab_get(tab, 4, &e), 0);
    CHECK_INT(e.instrument, EVTAB_UNKNOWN);
    CHECK_INT(e.participant, EVTAB_UNKNOWN);
    CHECK_INT(evtab_get(tab, 5, &e), 0);
    CHECK_INT(e.action, ACTION_NONE);
    CHECK_INT(evtab_get(tab, 6, &e), -1);

    /* truncate drops the tail and keeps the memory */
    const size_t room = evtab_room(tab);
    evtab_truncate(tab, 10);
    CHECK_INT(evtab_count(tab), 6);
    evtab_truncate(tab, 2);
    CHECK_INT(evtab_count(tab), 2);
    CHECK_INT(evtab_room(tab), room + 4);
    CHECK_INT(evtab_get(tab, 2, &e), -1);

    /* reserve: afterwards that many appends take no allocation */
    CHECK_INT(evtab_reserve(tab, 5000), 0);
    CHECK(evtab_room(tab) >= 5000);
    const size_t before = evtab_room(tab);
    ev = tru_event(20, "UNTOC", "ARM", ACTION_SIGNATURE, "2003-07-05");
    for (int i = 0; i < 100; i++) {
        ev.seq = 20 + i;
        CHECK_INT(evtab_append(tab, &ev), 0);
    }
    CHECK_INT(evtab_room(tab), before - 100);
    CHECK(evtab_reserve(tab, SIZE_MAX) == -1);
    CHECK_INT(evtab_count(tab), 102);
    evtab_destroy(&tab);
    CHECK(tab == NULL);
    evtab_destroy(&tab);
    evtab_destroy(NULL);
}

/* Many distinct spellings (beyond what the id cache remembers) resolve
   as the catalog says, as do known ids in other spellings. */
static void
s_test_spellings(const catalog_t *catalog)
{
    evtab_t *tab = evtab_new(catalog);
    CHECK(tab != NULL);
    if (!tab)
        return;
    int wrong = 0;
    evtab_entry_t e;
    const uint32_t untoc = s_inst_index(catalog, "UNTOC");
    const uint32_t arm = s_part_index(catalog, "ARM");
    for (int i = 0; i < 20000; i++) {
        char inst[32], part[16];
        snprintf(inst, sizeof inst, "NOPE%d", i);
        snprintf(part, sizeof part, "Z%d", i);
        event_t ev = tru_event(2 * i + 1, inst, part, ACTION_SIGNATURE, "2003-07-05");
        event_t ok = tru_event(2 * i + 2, i % 2 ? "untoc" : " UNTOC ", "ARM", ACTION_SIGNATURE,
                               "2003-07-05");
        if (evtab_append(tab, &ev) || evtab_append(tab, &ok)) {
            wrong++;
            continue;
        }
        wrong += evtab_get(tab, 2 * (size_t) i, &e) != 0 || e.instrument != EVTAB_UNKNOWN
                 || e.participant != EVTAB_UNKNOWN;
        wrong += evtab_get(tab, 2 * (size_t) i + 1, &e) != 0 || e.instrument != untoc
                 || e.participant != arm;
    }
    CHECK_INT(wrong, 0);
    /* the caches stop growing (4096 ids each): under the bound of the
       tables they replaced, 2 x 8192 slots of 40 bytes */
    CHECK(evtab_memory(tab) < 65536 * 24 + 2 * 8192 * 40 + 65536);
    evtab_destroy(&tab);
}

/* 100 000 events take no more than 24 bytes each, plus the catalog's
   indexes and the doubling slack. */
static void
s_test_memory(const catalog_t *catalog)
{
    evtab_t *tab = evtab_new(catalog);
    CHECK(tab != NULL);
    if (!tab)
        return;
    const size_t empty = evtab_memory(tab);
    event_t ev = tru_event(1, "UNTOC", "ARM", ACTION_SIGNATURE, "2003-07-05");
    int failed = 0;
    for (int i = 0; i < 100000; i++) {
        ev.seq = i + 1;
        failed += evtab_append(tab, &ev) != 0;
    }
    CHECK_INT(failed, 0);
    CHECK_INT(evtab_count(tab), 100000);
    const size_t bytes = evtab_memory(tab) - empty;
    CHECK(bytes >= 100000 * 16);
    CHECK(bytes <= 131072 * 24 + 65536); /* rows (doubling) and two id caches */
    evtab_destroy(&tab);
}

/* Returns the report's JSON (caller frees), or NULL. */
static char *
s_json(report_t *report)
{
    if (!report)
        return NULL;
    strbuf_t *out = strbuf_new();
    char *text = NULL;
    if (out && render_json(report, out) == REPORT_OK)
        text = strbuf_detach(out);
    strbuf_destroy(&out);
    return text;
}

/* The same events as an array and as a table prefix give the same report. */
static void
s_test_same_report(const catalog_t *catalog)
{
    tru_events_t events = {0};
    CHECK_INT(tru_load_events(catalog, "a58-165.csv", 1, NULL, NULL, &events), 527);
    event_t extra[] = {
        tru_event(1001, "UNTOC", "ARM", ACTION_RETRACTION, "2003-07-02"),
        tru_event(1002, "NOPE", "ARM", ACTION_RATIFICATION, "2003-01-01"),
        tru_event(1003, "UNTOC", "ZZZ", ACTION_RATIFICATION, "2003-01-01"),
        tru_event(1004, "UNTOC", "ARM", ACTION_RETRACTION, "2003-07-02"),
        tru_event(1005, "UNTOC", "ARM", ACTION_RATIFICATION, "2003-07-01"),
    };
    extra[0].retracts = 5;    /* an early signature */
    extra[3].retracts = 1001; /* a retraction of a retraction: ignored */
    snprintf(extra[0].reason, sizeof extra[0].reason, "entered in error");
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
        CHECK_INT(tru_push(&events, &extra[i]), 0);

    evtab_t *tab = evtab_new(catalog);
    CHECK(tab != NULL);
    for (size_t i = 0; tab && i < events.count; i++)
        CHECK_INT(evtab_append(tab, &events.items[i]), 0);
    /* a staged tail the report must not see */
    event_t staged = tru_event(2000, "UNTOC", "FRA", ACTION_RATIFICATION, "2003-01-01");
    if (tab)
        CHECK_INT(evtab_append(tab, &staged), 0);

    const char *dates[] = {"2000-12-15", "2003-07-02", "2003-09-29", "2010-01-01"};
    for (size_t d = 0; tab && d < sizeof dates / sizeof dates[0]; d++) {
        int e1 = 1, e2 = 1;
        report_t *a = report_new(catalog, events.items, events.count, tru_date(dates[d]), &e1);
        report_t *b = report_new_from_table(tab, events.count, tru_date(dates[d]), &e2);
        CHECK_INT(e1, REPORT_OK);
        CHECK_INT(e2, REPORT_OK);
        CHECK_INT(report_skipped(b), report_skipped(a));
        char *ja = s_json(a), *jb = s_json(b);
        CHECK(ja != NULL && jb != NULL);
        if (ja && jb)
            CHECK_STR(jb, ja);
        free(ja);
        free(jb);
        report_destroy(&a);
        report_destroy(&b);
    }
    /* the unknown ids are counted as skipped */
    report_t *r =
        tab ? report_new_from_table(tab, events.count, tru_date("2003-07-02"), NULL) : NULL;
    CHECK_INT(report_skipped(r), 2);
    report_destroy(&r);

    int error = 0;
    CHECK(report_new_from_table(NULL, 0, tru_date("2003-07-02"), &error) == NULL);
    CHECK_INT(error, REPORT_EINVAL);
    CHECK(report_new_from_table(tab, events.count + 2, tru_date("2003-07-02"), &error) == NULL);
    CHECK_INT(error, REPORT_EINVAL);
    CHECK(report_new_from_table(tab, 0, RDATE_NONE, &error) == NULL);
    CHECK_INT(error, REPORT_EINVAL);
    r = report_new_from_table(tab, 0, tru_date("2003-07-02"), &error);
    CHECK(r != NULL);
    CHECK_INT(error, REPORT_OK);
    CHECK_INT(report_skipped(r), 0);
    report_destroy(&r);
    evtab_destroy(&tab);
    free(events.items);
}

int
main(void)
{
    catalog_t *catalog = tru_setup();
    CHECK(catalog != NULL);
    if (!catalog)
        return check_report("test_report_evtab");
    s_test_table(catalog);
    s_test_spellings(catalog);
    s_test_memory(catalog);
    s_test_same_report(catalog);
    catalog_destroy(&catalog);
    return check_report("test_report_evtab");
}
