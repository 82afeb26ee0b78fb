/*  test_report: the reporter's model and its text annex against the seed.

    Builds the report from data/fixtures/a58-165.csv (the seed's 428
    signatures and 99 ratifications, seq = row number) as at 2 July 2003
    and compares the text annex with tests/fixtures/a58-165-annex.txt, the
    seed's annex verbatim, under the normalisation documented at
    tru_normalise (test_report_util.h: page-break header repeats, blank
    lines, trailing white space, and two typos of the seed's table D
    footnote). Then: the same report from data naming the participant
    "Serbia" (as UNTC does today), from the separate signatures file, as at
    an earlier date, with retractions and unknown ids, the status table,
    and the projection on a small synthetic history. */
#include "check.h"
#include "render_text.h"
#include "report.h"
#include "test_report_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static report_t *
s_build(const catalog_t *catalog, const tru_events_t *events, const char *as_of)
{
    int error = 0;
    report_t *report = report_new(catalog, events->items, events->count, tru_date(as_of), &error);
    CHECK_INT(error, REPORT_OK);
    CHECK(report != NULL);
    return report;
}

/* Returns the text annex (caller frees), or NULL. */
static char *
s_annex(const report_t *report, unsigned flags)
{
    strbuf_t *out = strbuf_new();
    CHECK_INT(render_text_annex(report, flags, out), REPORT_OK);
    char *text = strbuf_detach(out);
    strbuf_destroy(&out);
    return text;
}

static void
s_check_counts(const report_t *report, const int *signatures, const int *deposits)
{
    CHECK_INT(report_instrument_count(report), 4);
    for (size_t i = 0; i < 4; i++) {
        const report_instrument_t *inst = report_instrument(report, i);
        CHECK_INT(inst->signatures, signatures[i]);
        CHECK_INT(inst->deposits, deposits[i]);
        CHECK_INT(report_deposit_count(report, i), deposits[i]);
    }
}

/* Compares the annex with the seed fixture under tru_normalise. */
static void
s_check_against_seed(const report_t *report, const char *what)
{
    char path[TRU_PATH_SIZE + 64];
    snprintf(path, sizeof path, "%s/tests/fixtures/a58-165-annex.txt", tru_source);
    char *seed = tru_read_file(path);
    CHECK(seed != NULL);
    char *annex = s_annex(report, 0);
    char *want = seed ? tru_normalise(seed) : NULL;
    char *got = annex ? tru_normalise(annex) : NULL;
    CHECK(tru_same_text(got, want, what));
    free(seed);
    free(annex);
    free(want);
    free(got);
}

static void
s_test_seed(const catalog_t *catalog, const tru_events_t *events)
{
    report_t *report = s_build(catalog, events, "2003-07-02");
    if (!report)
        return;
    static const int sigs[4] = {147, 117, 112, 52}, deps[4] = {40, 28, 27, 4};
    s_check_counts(report, sigs, deps);
    CHECK_INT(report_skipped(report), 0);

    const report_instrument_t *untoc = report_instrument(report, 0);
    CHECK_STR(untoc->id, "UNTOC");
    CHECK_INT(untoc->counted, 40);
    CHECK_INT(untoc->threshold_date, tru_date("2003-07-01"));
    CHECK_INT(untoc->eif, tru_date("2003-09-29"));
    CHECK_INT(untoc->stage, RULES_STAGE_SCHEDULED);
    CHECK(!untoc->projection.available);
    const report_instrument_t *tip = report_instrument(report, 1);
    CHECK_INT(tip->eif, RDATE_NONE);
    CHECK_INT(tip->stage, RULES_STAGE_PENDING);

    /* Same-day deposits keep their registry order (Canada, then Venezuela;
       Cyprus, then Seychelles). */
    CHECK_STR(report_deposit(report, 0, 11)->name, "Canada");
    CHECK_STR(report_deposit(report, 0, 12)->name, "Venezuela");
    CHECK_STR(report_deposit(report, 0, 34)->name, "Cyprus");
    CHECK_STR(report_deposit(report, 0, 35)->name, "Seychelles");
    /* Names as on the date, with the footnote on the change. */
    const report_deposit_t *srb = report_deposit(report, 0, 2);
    CHECK_STR(srb->participant, "SRB");
    CHECK_STR(srb->name, "Serbia and Montenegro");
    CHECK_INT(srb->mark_count, 1);
    CHECK_STR(report_deposit(report, 0, 32)->name, "Turkey");
    CHECK_INT(report_annex_footnote_count(report, 0), 1);
    CHECK_STR(report_annex_footnote(report, 0, 0),
              "On 4 February 2003, the Federal Republic of Yugoslavia "
              "changed its name to Serbia and Montenegro.");
    CHECK_INT(report_annex_footnote_count(report, 3), 0);
    /* Parties deposited on or before the threshold date share the EIF. */
    CHECK_INT(report_deposit(report, 0, 39)->eif, tru_date("2003-09-29"));
    CHECK_INT(report_deposit(report, 0, 0)->eif, tru_date("2003-09-29"));

    s_check_against_seed(report, "annex as at 2 July 2003");

    /* Unnormalised details the comparison forgives: one header per table,
       no trailing tab, the footnote exactly as tables B and C print it. */
    char *annex = s_annex(report, 0);
    CHECK(annex != NULL);
    if (annex) {
        int headers = 0;
        for (const char *p = annex; (p = strstr(p, "State\tDate of ratification\n")); p++)
            headers++;
        CHECK_INT(headers, 4);
        CHECK(strstr(annex, "\t\n") == NULL || strstr(annex, "\t\t\n") != NULL);
        CHECK(strstr(annex, "\n3. Serbia and Montenegro ^a\t6 September 2001\n"));
        CHECK(strstr(annex, "\n2. Serbia and Montenegro ^a\t6 September 2001\n"));
        CHECK(strstr(annex, "\n^a On 4 February 2003, the Federal Republic of "
                            "Yugoslavia changed its name to Serbia and "
                            "Montenegro.\n"));
        CHECK(strncmp(annex, "A. Summary of signatures and ratifications\n\n", 44) == 0);
        CHECK(strstr(annex, "United Nations Convention against Transnational "
                            "Organized\t\t\nCrime\t147\t40\n"));
        free(annex);
    }
    char *headed = s_annex(report, RENDER_TEXT_HEADING);
    static const char heading[] =
        "Annex\n\nStatus of ratifications of the United Nations Convention "
        "against Transnational Organized Crime and the Protocols thereto as at "
        "2 July 2003\n\nA. Summary";
    CHECK(headed && strncmp(headed, heading, sizeof heading - 1) == 0);
    free(headed);
    report_destroy(&report);
    report_destroy(&report); /* harmless */
    CHECK(report == NULL);
}

/* The participant named as UNTC names it today: the report of 2003 still
   prints the name of 2003, since events carry the id. */
static void
s_test_serbia(const catalog_t *catalog)
{
    tru_events_t events = {0};
    CHECK_INT(
        tru_load_events(catalog, "a58-165.csv", 1, "Serbia and Montenegro", "Serbia", &events),
        527);
    report_t *report = s_build(catalog, &events, "2003-07-02");
    if (report) {
        CHECK_STR(report_deposit(report, 0, 2)->name, "Serbia and Montenegro");
        s_check_against_seed(report, "annex from \"Serbia\" data");
    }
    report_destroy(&report);
    free(events.items);

    /* The separate signatures file (428 rows, "Serbia" among them) plus
       only the ratifications of the fixture give the same table A. */
    tru_events_t mixed = {0};
    CHECK_INT(tru_load_events(catalog, "signatures-to-2003-07-02.csv", 1, NULL, NULL, &mixed), 428);
    tru_events_t all = {0};
    CHECK_INT(tru_load_events(catalog, "a58-165.csv", 1000, NULL, NULL, &all), 527);
    for (size_t i = 0; i < all.count; i++)
        if (all.items[i].action != ACTION_SIGNATURE)
            tru_push(&mixed, &all.items[i]);
    report = s_build(catalog, &mixed, "2003-07-02");
    if (report) {
        static const int sigs[4] = {147, 117, 112, 52}, deps[4] = {40, 28, 27, 4};
        s_check_counts(report, sigs, deps);
        s_check_against_seed(report, "annex from the signatures file");
    }
    report_destroy(&report);
    free(mixed.items);
    free(all.items);
}

static void
s_test_earlier(const catalog_t *catalog, const tru_events_t *events)
{
    report_t *report = s_build(catalog, events, "2002-12-31");
    if (!report)
        return;
    static const int sigs[4] = {147, 117, 112, 52}, deps[4] = {28, 21, 20, 3};
    s_check_counts(report, sigs, deps);
    /* Before the change of name: the old name, no footnote. */
    const report_deposit_t *srb = report_deposit(report, 0, 2);
    CHECK_STR(srb->name, "Yugoslavia");
    CHECK_INT(srb->mark_count, 0);
    CHECK_INT(report_annex_footnote_count(report, 0), 0);
    CHECK_INT(report_instrument(report, 0)->threshold_date, RDATE_NONE);
    char *annex = s_annex(report, RENDER_TEXT_HEADING);
    CHECK(annex && strstr(annex, "as at 31 December 2002\n"));
    CHECK(annex && strstr(annex, "\n28. Romania\t4 December 2002\n"));
    CHECK(annex && !strstr(annex, "29. "));
    CHECK(annex && !strstr(annex, "^a"));
    free(annex);
    report_destroy(&report);

    /* Before the Firearms Protocol's opening: nothing at all for it. */
    report = s_build(catalog, events, "2000-12-11");
    if (report) {
        CHECK_INT(report_instrument(report, 3)->signatures, 0);
        CHECK_INT(report_deposit_count(report, 3), 0);
        CHECK_INT(report_row_count(report, 3), 0);
        char *text = s_annex(report, 0);
        CHECK(text && strstr(text, "State\tDate of ratification\n(none)\n"));
        free(text);
    }
    report_destroy(&report);
}

static void
s_test_retractions(const catalog_t *catalog, const tru_events_t *seed)
{
    tru_events_t events = {0};
    for (size_t i = 0; i < seed->count; i++)
        tru_push(&events, &seed->items[i]);
    int64_t armenia = 0;
    for (size_t i = 0; i < events.count; i++)
        if (strcmp(events.items[i].participant, "ARM") == 0
            && strcmp(events.items[i].instrument, "UNTOC") == 0
            && events.items[i].action == ACTION_RATIFICATION)
            armenia = events.items[i].seq;
    CHECK(armenia > 0);
    /* Retract Armenia's ratification; a retraction of that retraction is
       ignored; a duplicate delivery of another event changes nothing. */
    event_t r1 = tru_event(10001, "UNTOC", "ARM", ACTION_RETRACTION, "2003-07-02");
    r1.retracts = armenia;
    event_t r2 = tru_event(10002, "UNTOC", "ARM", ACTION_RETRACTION, "2003-07-02");
    r2.retracts = 10001;
    tru_push(&events, &r1);
    tru_push(&events, &r2);
    tru_push(&events, &seed->items[500]);
    report_t *report = s_build(catalog, &events, "2003-07-02");
    if (report) {
        const report_instrument_t *untoc = report_instrument(report, 0);
        CHECK_INT(untoc->deposits, 39);
        CHECK_INT(untoc->counted, 39);
        CHECK_INT(untoc->threshold_date, RDATE_NONE);
        CHECK_INT(untoc->eif, RDATE_NONE);
        CHECK_STR(report_deposit(report, 0, 38)->name, "Belarus");
        CHECK_INT(report_instrument(report, 1)->deposits, 28);
    }
    report_destroy(&report);

    /* Unknown ids are skipped and counted. */
    event_t bad = tru_event(20001, "NOPE", "ARM", ACTION_RATIFICATION, "2003-01-01");
    event_t bad2 = tru_event(20002, "UNTOC", "ZZZ", ACTION_RATIFICATION, "2003-01-01");
    tru_push(&events, &bad);
    tru_push(&events, &bad2);
    report = s_build(catalog, &events, "2003-07-02");
    CHECK(report && report_skipped(report) == 2);
    report_destroy(&report);
    free(events.items);
}

static void
s_test_status(const catalog_t *catalog, const tru_events_t *events)
{
    report_t *report = s_build(catalog, events, "2003-07-02");
    if (!report)
        return;
    /* Every signatory, plus parties that never signed. */
    size_t rows = report_row_count(report, 0);
    CHECK(rows >= 147);
    const report_row_t *algeria = NULL, *srb = NULL;
    for (size_t j = 0; j < rows; j++) {
        const report_row_t *row = report_row(report, 0, j);
        if (strcmp(row->participant, "DZA") == 0)
            algeria = row;
        if (strcmp(row->participant, "SRB") == 0)
            srb = row;
    }
    CHECK(algeria && algeria->signature == tru_date("2000-12-12")
          && algeria->consent == tru_date("2002-10-07") && algeria->action == ACTION_RATIFICATION
          && algeria->eif == tru_date("2003-09-29"));
    CHECK(srb && strcmp(srb->name, "Serbia and Montenegro") == 0 && srb->mark_count == 1);
    CHECK_INT(report_status_footnote_count(report, 0), 1);

    strbuf_t *out = strbuf_new();
    CHECK_INT(render_text_status(report, 0, out), REPORT_OK);
    const char *text = strbuf_data(out);
    CHECK(strstr(text, "Entry into force: 29 September 2003 (scheduled)\n"));
    CHECK(strstr(text, "Status: Signatories: 147. Parties: 40.\n"));
    CHECK(strstr(text, "\nAlgeria\t12 Dec 2000\t7 Oct 2002\t29 Sep 2003\n"));
    CHECK(strstr(text, "\nSerbia and Montenegro ^a\t12 Dec 2000\t6 Sep 2001\t"
                       "29 Sep 2003\n"));
    CHECK(strstr(text, "\n^a On 4 February 2003, the Federal Republic"));
    CHECK_INT(render_text_status(report, 9, out), REPORT_EINVAL);

    strbuf_reset(out);
    CHECK_INT(render_text_progress(report, out), REPORT_OK);
    text = strbuf_data(out);
    CHECK(strstr(text, "Counted instruments: 40 of 40; threshold reached on "
                       "1 July 2003; enters into force on 29 September "
                       "2003.\n"));
    CHECK(strstr(text, "linear projection from the deposits of the last 365 "
                       "days"));
    CHECK(strstr(text, "\n1 July 2003\t40\n"));
    strbuf_destroy(&out);

    /* The cumulative series: one step per date the count changed. */
    CHECK_INT(report_point_count(report, 0), 38); /* 40 deposits, 2 shared days */
    const report_point_t *last = report_point(report, 0, 37);
    CHECK(last && last->date == tru_date("2003-07-01") && last->count == 40);
    report_destroy(&report);
}

/* A synthetic history for the projection: threshold 10, 90 days. */
static void
s_test_projection(void)
{
    static const char ini[] = "[CONV]\nreference = T-1\ntitle = Test Convention\n"
                              "threshold = 10\ndelay_days = 90\nlater_party_days = 30\n"
                              "[PROT]\nreference = T-1-a\ntitle = Protocol to the Test Convention\n"
                              "parent = CONV\nthreshold = 3\ndelay_days = 30\n"
                              "[SLOW]\nreference = T-2\ntitle = Slow Convention\n"
                              "threshold = 10\ndelay_days = 90\nfirst_of_next_month = yes\n";
    static const char participants[] = "id\tkind\tiso3\tiso2\tname\n"
                                       "P01\tstate\t-\t-\tAlpha\nP02\tstate\t-\t-\tBravo\n"
                                       "P03\tstate\t-\t-\tCharlie\nP04\tstate\t-\t-\tDelta\n"
                                       "P05\tstate\t-\t-\tEcho\nP06\tstate\t-\t-\tFoxtrot\n"
                                       "P07\tstate\t-\t-\tGolf\n";
    char dir[TRU_PATH_SIZE];
    catalog_t *catalog = tru_temp_catalog(ini, participants, NULL, dir);
    CHECK(catalog != NULL);
    if (!catalog)
        return;
    tru_events_t events = {0};
    int64_t seq = 1;
    /* CONV: 2 old deposits (outside the window), 4 within it. */
    static const char *conv[][2] = {{"P01", "2009-01-10"}, {"P02", "2009-06-01"},
                                    {"P03", "2010-03-01"}, {"P04", "2010-06-01"},
                                    {"P05", "2010-09-01"}, {"P06", "2010-12-31"}};
    for (size_t i = 0; i < 6; i++) {
        event_t ev = tru_event(seq++, "CONV", conv[i][0], ACTION_RATIFICATION, conv[i][1]);
        tru_push(&events, &ev);
    }
    /* PROT: reached its 3 already; waits for CONV. */
    for (size_t i = 0; i < 3; i++) {
        event_t ev = tru_event(seq++, "PROT", conv[i][0], ACTION_ACCESSION, conv[i + 3][1]);
        tru_push(&events, &ev);
    }
    /* SLOW: one deposit, long ago; then nothing. */
    event_t slow = tru_event(seq++, "SLOW", "P07", ACTION_RATIFICATION, "2005-05-05");
    tru_push(&events, &slow);
    /* A deposit after the date is left out. */
    event_t late = tru_event(seq++, "CONV", "P07", ACTION_RATIFICATION, "2011-02-01");
    tru_push(&events, &late);

    report_t *report = s_build(catalog, &events, "2010-12-31");
    if (report) {
        const report_instrument_t *conv_i = report_instrument(report, 0);
        const report_projection_t *pr = &conv_i->projection;
        CHECK_INT(conv_i->counted, 6);
        CHECK(pr->available);
        CHECK_INT(pr->window_days, 365);
        CHECK_INT(pr->window_deposits, 4); /* 2010-03-01 .. 2010-12-31 */
        CHECK_INT(pr->remaining, 4);
        /* 4 more at 4 per 365 days: 365 days after the date. */
        CHECK_INT(pr->threshold_date, tru_date("2011-12-31"));
        CHECK_INT(pr->eif, tru_date("2012-03-30"));
        CHECK_STR(pr->method, "linear projection from the deposits of the last 365 days");

        const report_instrument_t *prot = report_instrument(report, 1);
        CHECK_INT(prot->threshold_date, tru_date("2010-12-31"));
        CHECK(prot->waiting_for_parent);
        CHECK(prot->projection.available);
        /* Its own EIF (2011-01-30) is floored at the parent's projection. */
        CHECK_INT(prot->projection.eif, tru_date("2012-03-30"));

        const report_instrument_t *slow_i = report_instrument(report, 2);
        CHECK(!slow_i->projection.available);
        CHECK_INT(slow_i->projection.window_deposits, 0);

        strbuf_t *out = strbuf_new();
        CHECK_INT(render_text_progress(report, out), REPORT_OK);
        CHECK(strstr(strbuf_data(out), "Projection (linear projection from the deposits of the "
                                       "last 365 days): 4 counted instrument(s) gained in the "
                                       "last 365 days; 4 more needed, reached about 31 "
                                       "December 2011; entry into force about 30 March "
                                       "2012.\n"));
        CHECK(strstr(strbuf_data(out), "0 counted instrument(s) gained in the "
                                       "last 365 days; no projection.\n"));
        strbuf_destroy(&out);
    }
    report_destroy(&report);

    /* Half the rate: twice the time; first_of_next_month applies. */
    free(events.items);
    events = (tru_events_t){0};
    for (int i = 0; i < 2; i++) {
        event_t ev = tru_event(i + 1, "SLOW", conv[i][0], ACTION_RATIFICATION,
                               i ? "2010-12-01" : "2010-06-01");
        tru_push(&events, &ev);
    }
    report = s_build(catalog, &events, "2010-12-31");
    if (report) {
        const report_projection_t *pr = &report_instrument(report, 2)->projection;
        CHECK_INT(pr->window_deposits, 2);
        CHECK_INT(pr->remaining, 8);
        CHECK_INT(pr->threshold_date, rdate_add_days(tru_date("2010-12-31"), 4 * 365));
        CHECK_INT(pr->eif, rdate_first_of_next_month(rdate_add_days(pr->threshold_date, 90)));
    }
    report_destroy(&report);
    free(events.items);
    catalog_destroy(&catalog);
    tru_remove_temp(dir);
}

static void
s_test_misc(const catalog_t *catalog)
{
    int error = 0;
    CHECK(report_new(NULL, NULL, 0, tru_date("2003-07-02"), &error) == NULL);
    CHECK_INT(error, REPORT_EINVAL);
    CHECK(report_new(catalog, NULL, 0, RDATE_NONE, &error) == NULL);
    CHECK_INT(error, REPORT_EINVAL);
    CHECK(report_new(catalog, NULL, 3, tru_date("2003-07-02"), &error) == NULL);
    report_t *empty = report_new(catalog, NULL, 0, tru_date("2003-07-02"), NULL);
    CHECK(empty && report_deposit_count(empty, 0) == 0);
    CHECK(report_deposit(empty, 0, 0) == NULL);
    CHECK(report_instrument(empty, 4) == NULL);
    report_destroy(&empty);
    report_destroy(NULL);

    char mark[16];
    CHECK_STR(report_mark(0, mark, sizeof mark), "a");
    CHECK_STR(report_mark(25, mark, sizeof mark), "z");
    CHECK_STR(report_mark(26, mark, sizeof mark), "aa");
    CHECK_STR(report_mark(27, mark, sizeof mark), "ab");

    /* Title wrapping reproduces the seed's breaks. */
    strbuf_t *out = strbuf_new();
    render_text_wrap("Protocol against the Smuggling of Migrants by Land, Sea "
                     "and Air",
                     RENDER_TEXT_TITLE_WIDTH, "|", out);
    CHECK_STR(strbuf_data(out), "Protocol against the Smuggling of Migrants by Land, Sea|and Air");
    strbuf_reset(out);
    render_text_wrap("Short", RENDER_TEXT_TITLE_WIDTH, "|", out);
    CHECK_STR(strbuf_data(out), "Short");
    strbuf_destroy(&out);
}

int
main(void)
{
    catalog_t *catalog = tru_setup();
    CHECK(catalog != NULL);
    if (!catalog)
        return check_report("test_report");
    tru_events_t events = {0};
    CHECK_INT(tru_load_events(catalog, "a58-165.csv", 1, NULL, NULL, &events), 527);
    s_test_seed(catalog, &events);
    s_test_serbia(catalog);
    s_test_earlier(catalog, &events);
    s_test_retractions(catalog, &events);
    s_test_status(catalog, &events);
    s_test_projection();
    s_test_misc(catalog);
    free(events.items);
    catalog_destroy(&catalog);
    return check_report("test_report");
}
