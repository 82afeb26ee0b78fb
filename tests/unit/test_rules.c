/*  test_rules: the entry-into-force rule engine on small hand-made
    histories, one rule at a time, plus the seed's Convention (N = 40, 90
    days: 40th deposit 1 July 2003, EIF 29 September 2003). Most cases use
    N = 3 so each history fits on a few lines. */
#include "check.h"
#include "rules.h"

#include <stdlib.h>

static rdate_t
D(const char *text)
{
    rdate_t d = RDATE_NONE;
    if (rdate_parse(text, &d) != 0)
        fprintf(stderr, "bad test date %s\n", text);
    return d;
}

static event_t
s_ev(int64_t seq, action_t action, const char *who, const char *date)
{
    event_t ev;
    memset(&ev, 0, sizeof ev);
    ev.seq = seq;
    ev.action = action;
    snprintf(ev.instrument, sizeof ev.instrument, "X");
    snprintf(ev.participant, sizeof ev.participant, "%s", who);
    ev.date = D(date);
    return ev;
}

static event_t
s_retraction(int64_t seq, int64_t retracts)
{
    event_t ev;
    memset(&ev, 0, sizeof ev);
    ev.seq = seq;
    ev.action = ACTION_RETRACTION;
    ev.retracts = retracts;
    ev.date = D("2020-01-01");
    snprintf(ev.reason, sizeof ev.reason, "entered in error");
    return ev;
}

/* N counted, D days; later parties 30 days, whichever later; REIOs not
   counted; denunciation after 12 months; approaching at N-5 and N-1. */
static rules_rule_t
s_rule(int n, int delay)
{
    rules_rule_t r;
    memset(&r, 0, sizeof r);
    r.threshold = n;
    r.delay_days = delay;
    r.later_party_days = 30;
    r.later_party_whichever_later = true;
    r.denunciation_months = 12;
    r.approaching[0] = 5;
    r.approaching[1] = 1;
    r.approaching_count = 2;
    return r;
}

static void
s_add(rules_instrument_t *in, int64_t seq, action_t action, const char *who, const char *date)
{
    const event_t ev = s_ev(seq, action, who, date);
    CHECK_INT(rules_instrument_add(in, &ev, false), RULES_OK);
}

static void
s_add_reio(rules_instrument_t *in, int64_t seq, action_t action, const char *who, const char *date)
{
    const event_t ev = s_ev(seq, action, who, date);
    CHECK_INT(rules_instrument_add(in, &ev, true), RULES_OK);
}

static void
s_retract(rules_instrument_t *in, int64_t seq, int64_t retracts)
{
    const event_t ev = s_retraction(seq, retracts);
    CHECK_INT(rules_instrument_add(in, &ev, false), RULES_OK);
}

/* Returns the party entry of participant (its n-th participation), or a
   zeroed entry with eif RDATE_NONE when absent. */
static rules_party_t
s_party(const rules_instrument_t *in, const char *who, int nth)
{
    rules_party_t p;
    for (size_t i = 0; i < rules_instrument_party_count(in); i++) {
        rules_instrument_party(in, i, &p);
        if (strcmp(p.participant, who) == 0 && nth-- == 0)
            return p;
    }
    memset(&p, 0, sizeof p);
    p.eif = p.end = p.deposit = p.denounced = RDATE_NONE;
    return p;
}

/* --- the seed ----------------------------------------------------------- */

static const char *s_seed_dates[40] = {
    "2001-06-05", "2001-06-28", "2001-09-06", "2001-11-12", "2001-12-05", "2001-12-07",
    "2002-01-23", "2002-03-01", "2002-04-12", "2002-04-24", "2002-05-09", "2002-05-13",
    "2002-05-13", "2002-05-15", "2002-05-28", "2002-07-08", "2002-07-19", "2002-07-24",
    "2002-08-16", "2002-08-21", "2002-08-29", "2002-09-09", "2002-09-17", "2002-09-19",
    "2002-10-07", "2002-10-29", "2002-11-19", "2002-12-04", "2003-01-24", "2003-02-07",
    "2003-02-10", "2003-03-04", "2003-03-25", "2003-04-21", "2003-04-22", "2003-04-22",
    "2003-05-05", "2003-06-19", "2003-06-25", "2003-07-01"};

static void
test_seed(void)
{
    const rules_rule_t rule = s_rule(40, 90);
    rules_instrument_t *in = rules_instrument_new(&rule);
    CHECK(in != NULL);
    /* Added newest first, to show the input order does not matter. */
    for (int i = 39; i >= 0; i--) {
        char who[8] = "ARM";
        if (i < 39)
            snprintf(who, sizeof who, "S%02d", i + 1);
        s_add(in, 100 + i, ACTION_RATIFICATION, who, s_seed_dates[i]);
        s_add(in, 200 + i, ACTION_SIGNATURE, who, "2000-12-12");
    }
    s_add(in, 300, ACTION_SIGNATURE, "USA", "2000-12-13");

    rules_status_t st;
    CHECK_INT(rules_instrument_compute(in, D("2003-07-02"), NULL, &st), RULES_OK);
    CHECK_INT(st.counted, 40);
    CHECK_INT(st.parties, 40);
    CHECK_INT(st.signatures, 41);
    CHECK_INT(st.threshold_date, D("2003-07-01"));
    CHECK_INT(st.own_eif, D("2003-09-29"));
    CHECK_INT(st.eif, D("2003-09-29"));
    CHECK_INT(st.stage, RULES_STAGE_SCHEDULED);
    CHECK(!st.waiting_for_parent);
    CHECK_INT(st.crossing_count, 1);
    CHECK_STR(rules_instrument_crossing(in, 0), "ARM");
    CHECK(rules_instrument_crossing(in, 1) == NULL);
    /* 35th and 36th both on 22 April 2003; 39th on 25 June 2003. */
    CHECK_INT(st.approaching_count, 2);
    CHECK_INT(st.approaching[0], D("2003-04-22"));
    CHECK_INT(st.approaching[1], D("2003-06-25"));
    CHECK_INT(rules_instrument_count_at(in, D("2003-04-21")), 34);
    CHECK_INT(rules_instrument_count_at(in, D("2003-04-22")), 36);
    CHECK_INT(rules_instrument_count_at(in, D("2001-06-04")), 0);
    CHECK_INT(rules_instrument_signatures_at(in, D("2000-12-12")), 40);
    CHECK_INT(rules_instrument_signatures_at(in, D("2000-12-11")), 0);
    CHECK_INT(rules_instrument_party_count(in), 40);
    rules_party_t p;
    CHECK_INT(rules_instrument_party(in, 0, &p), RULES_OK);
    CHECK_STR(p.participant, "S01");
    CHECK_INT(p.eif, D("2003-09-29"));
    CHECK(!p.later && !p.crossing && p.counted);
    CHECK_INT(rules_instrument_party(in, 39, &p), RULES_OK);
    CHECK_STR(p.participant, "ARM");
    CHECK(p.crossing);
    CHECK_INT(p.deposit, D("2003-07-01"));
    CHECK_INT(rules_instrument_party(in, 40, &p), RULES_EINVAL);

    /* As at the day before: 39, pending. */
    CHECK_INT(rules_instrument_compute(in, D("2003-06-30"), NULL, &st), RULES_OK);
    CHECK_INT(st.counted, 39);
    CHECK_INT(st.threshold_date, RDATE_NONE);
    CHECK_INT(st.eif, RDATE_NONE);
    CHECK_INT(st.stage, RULES_STAGE_PENDING);
    CHECK_INT(st.crossing_count, 0);
    CHECK_INT(st.approaching[1], D("2003-06-25"));
    CHECK_INT(s_party(in, "S01", 0).eif, RDATE_NONE);

    /* The day before EIF: scheduled; on EIF: in force. */
    CHECK_INT(rules_instrument_compute(in, D("2003-09-28"), NULL, &st), RULES_OK);
    CHECK_INT(st.stage, RULES_STAGE_SCHEDULED);
    CHECK_INT(rules_instrument_compute(in, D("2003-09-29"), NULL, &st), RULES_OK);
    CHECK_INT(st.stage, RULES_STAGE_IN_FORCE);
    CHECK_INT(rules_instrument_compute(in, RDATE_NONE, NULL, &st), RULES_OK);
    CHECK_INT(st.stage, RULES_STAGE_IN_FORCE);
    CHECK_INT(st.eif, D("2003-09-29"));
    rules_instrument_destroy(&in);
    CHECK(in == NULL);
}

/* --- counting ----------------------------------------------------------- */

static void
test_same_day_crossing(void)
{
    const rules_rule_t rule = s_rule(3, 90);
    rules_instrument_t *in = rules_instrument_new(&rule);
    s_add(in, 4, ACTION_ACCESSION, "DDD", "2004-03-10");
    s_add(in, 1, ACTION_RATIFICATION, "AAA", "2004-01-05");
    s_add(in, 3, ACTION_ACCEPTANCE, "CCC", "2004-03-10");
    s_add(in, 2, ACTION_APPROVAL, "BBB", "2004-03-10");
    s_add(in, 5, ACTION_SUCCESSION, "EEE", "2004-03-11");
    rules_status_t st;
    CHECK_INT(rules_instrument_compute(in, D("2004-12-31"), NULL, &st), RULES_OK);
    CHECK_INT(st.counted, 5);
    CHECK_INT(st.threshold_date, D("2004-03-10"));
    CHECK_INT(st.eif, D("2004-06-08"));
    CHECK_INT(st.crossing_count, 3);
    CHECK_STR(rules_instrument_crossing(in, 0), "BBB");
    CHECK_STR(rules_instrument_crossing(in, 1), "CCC");
    CHECK_STR(rules_instrument_crossing(in, 2), "DDD");
    /* On the threshold date: general EIF; the day after: a later party. */
    CHECK_INT(s_party(in, "DDD", 0).eif, D("2004-06-08"));
    CHECK(!s_party(in, "DDD", 0).later);
    CHECK(s_party(in, "EEE", 0).later);
    CHECK(!s_party(in, "EEE", 0).crossing);
    CHECK_INT(s_party(in, "EEE", 0).eif, D("2004-06-08"));
    CHECK_INT(s_party(in, "EEE", 0).action, ACTION_SUCCESSION);
    /* k = 5 >= N: never announced; k = 1: the count reached 2 that day. */
    CHECK_INT(st.approaching[0], RDATE_NONE);
    CHECK_INT(st.approaching[1], D("2004-03-10"));
    rules_instrument_destroy(&in);

    /* Later parties slower than the general delay: a deposit on the
       threshold date still gets the general EIF. */
    rules_rule_t slow = s_rule(3, 30);
    slow.later_party_days = 90;
    in = rules_instrument_new(&slow);
    s_add(in, 1, ACTION_RATIFICATION, "AAA", "2004-01-05");
    s_add(in, 2, ACTION_RATIFICATION, "BBB", "2004-03-10");
    s_add(in, 3, ACTION_RATIFICATION, "CCC", "2004-03-10");
    s_add(in, 4, ACTION_RATIFICATION, "DDD", "2004-03-11");
    CHECK_INT(rules_instrument_compute(in, D("2004-12-31"), NULL, &st), RULES_OK);
    CHECK_INT(st.eif, D("2004-04-09"));
    CHECK_INT(s_party(in, "CCC", 0).eif, D("2004-04-09"));
    CHECK_INT(s_party(in, "DDD", 0).eif, D("2004-06-09"));
    rules_instrument_destroy(&in);
}

static void
test_reio(void)
{
    const rules_rule_t rule = s_rule(3, 90);
    rules_instrument_t *in = rules_instrument_new(&rule);
    s_add(in, 1, ACTION_RATIFICATION, "AAA", "2004-01-05");
    s_add_reio(in, 2, ACTION_APPROVAL, "EU", "2004-02-01");
    s_add(in, 3, ACTION_RATIFICATION, "BBB", "2004-03-01");
    rules_status_t st;
    CHECK_INT(rules_instrument_compute(in, D("2004-12-31"), NULL, &st), RULES_OK);
    CHECK_INT(st.counted, 2);
    CHECK_INT(st.parties, 3);
    CHECK_INT(st.threshold_date, RDATE_NONE);
    CHECK(s_party(in, "EU", 0).reio);
    CHECK(!s_party(in, "EU", 0).counted);

    s_add(in, 4, ACTION_RATIFICATION, "CCC", "2004-04-01");
    s_add_reio(in, 5, ACTION_ACCESSION, "EU2", "2004-04-01");
    CHECK_INT(rules_instrument_compute(in, D("2004-12-31"), NULL, &st), RULES_OK);
    CHECK_INT(st.counted, 3);
    CHECK_INT(st.threshold_date, D("2004-04-01"));
    CHECK_INT(st.eif, D("2004-06-30"));
    /* Not counted, not crossing, but a party with its own EIF. */
    CHECK_INT(st.crossing_count, 1);
    CHECK_STR(rules_instrument_crossing(in, 0), "CCC");
    CHECK_INT(s_party(in, "EU", 0).eif, D("2004-06-30"));
    CHECK_INT(s_party(in, "EU2", 0).eif, D("2004-06-30"));
    CHECK(!s_party(in, "EU2", 0).crossing);
    rules_instrument_destroy(&in);

    /* The same history where REIO instruments count. */
    rules_rule_t counted = s_rule(3, 90);
    counted.reio_counted = true;
    in = rules_instrument_new(&counted);
    s_add(in, 1, ACTION_RATIFICATION, "AAA", "2004-01-05");
    s_add_reio(in, 2, ACTION_APPROVAL, "EU", "2004-02-01");
    s_add(in, 3, ACTION_RATIFICATION, "BBB", "2004-03-01");
    CHECK_INT(rules_instrument_compute(in, D("2004-12-31"), NULL, &st), RULES_OK);
    CHECK_INT(st.counted, 3);
    CHECK_INT(st.threshold_date, D("2004-03-01"));
    CHECK(s_party(in, "EU", 0).counted);
    rules_instrument_destroy(&in);
}

static void
test_second_consent(void)
{
    const rules_rule_t rule = s_rule(3, 90);
    rules_instrument_t *in = rules_instrument_new(&rule);
    s_add(in, 1, ACTION_RATIFICATION, "AAA", "2004-01-05");
    s_add(in, 2, ACTION_ACCESSION, "AAA", "2004-02-05");
    s_add(in, 3, ACTION_RATIFICATION, "BBB", "2004-03-01");
    s_add(in, 4, ACTION_SIGNATURE, "BBB", "2003-03-01");
    s_add(in, 5, ACTION_SIGNATURE, "BBB", "2003-04-01");
    rules_status_t st;
    CHECK_INT(rules_instrument_compute(in, D("2004-12-31"), NULL, &st), RULES_OK);
    CHECK_INT(st.counted, 2);
    CHECK_INT(st.signatures, 1);
    CHECK_INT(rules_instrument_party_count(in), 2);
    CHECK_INT(s_party(in, "AAA", 0).deposit, D("2004-01-05"));
    CHECK_INT(s_party(in, "AAA", 0).action, ACTION_RATIFICATION);
    CHECK_INT(rules_instrument_signatures_at(in, D("2003-03-31")), 1);

    /* The same event delivered twice is one event. */
    s_add(in, 6, ACTION_RATIFICATION, "CCC", "2004-04-01");
    s_add(in, 6, ACTION_RATIFICATION, "CCC", "2004-04-01");
    CHECK_INT(rules_instrument_event_count(in), 7);
    CHECK_INT(rules_instrument_compute(in, D("2004-12-31"), NULL, &st), RULES_OK);
    CHECK_INT(st.counted, 3);
    CHECK_INT(st.crossing_count, 1);
    CHECK_INT(rules_instrument_party_count(in), 3);
    rules_instrument_destroy(&in);
}

/* --- dates -------------------------------------------------------------- */

static void
test_later_parties(void)
{
    const rules_rule_t rule = s_rule(3, 90);
    rules_instrument_t *in = rules_instrument_new(&rule);
    s_add(in, 1, ACTION_RATIFICATION, "AAA", "2003-01-10");
    s_add(in, 2, ACTION_RATIFICATION, "BBB", "2003-02-10");
    s_add(in, 3, ACTION_RATIFICATION, "CCC", "2003-07-01");
    /* between threshold and EIF: deposit + 30 < EIF, so the EIF */
    s_add(in, 4, ACTION_ACCESSION, "DDD", "2003-07-11");
    /* between threshold and EIF, deposit + 30 after EIF */
    s_add(in, 5, ACTION_ACCESSION, "EEE", "2003-09-20");
    /* after EIF */
    s_add(in, 6, ACTION_ACCESSION, "FFF", "2003-10-04");
    rules_status_t st;
    CHECK_INT(rules_instrument_compute(in, D("2004-12-31"), NULL, &st), RULES_OK);
    CHECK_INT(st.eif, D("2003-09-29"));
    CHECK_INT(s_party(in, "CCC", 0).eif, D("2003-09-29"));
    CHECK_INT(s_party(in, "DDD", 0).eif, D("2003-09-29"));
    CHECK(s_party(in, "DDD", 0).later);
    CHECK_INT(s_party(in, "EEE", 0).eif, D("2003-10-20"));
    CHECK_INT(s_party(in, "FFF", 0).eif, D("2003-11-03"));
    rules_instrument_destroy(&in);

    /* Without "whichever is later" the EIF is still the floor. */
    rules_rule_t plain = s_rule(3, 90);
    plain.later_party_whichever_later = false;
    in = rules_instrument_new(&plain);
    s_add(in, 1, ACTION_RATIFICATION, "AAA", "2003-01-10");
    s_add(in, 2, ACTION_RATIFICATION, "BBB", "2003-02-10");
    s_add(in, 3, ACTION_RATIFICATION, "CCC", "2003-07-01");
    s_add(in, 4, ACTION_ACCESSION, "DDD", "2003-07-11");
    CHECK_INT(rules_instrument_compute(in, D("2004-12-31"), NULL, &st), RULES_OK);
    CHECK_INT(s_party(in, "DDD", 0).eif, D("2003-09-29"));
    rules_instrument_destroy(&in);
}

static void
test_first_of_month(void)
{
    rules_rule_t rule = s_rule(3, 60);
    rule.first_of_next_month = true;
    rule.later_party_first_of_next_month = true;
    rules_instrument_t *in = rules_instrument_new(&rule);
    s_add(in, 1, ACTION_RATIFICATION, "AAA", "2003-01-10");
    s_add(in, 2, ACTION_RATIFICATION, "BBB", "2003-02-10");
    s_add(in, 3, ACTION_RATIFICATION, "CCC", "2003-10-15");
    /* later: 2004-11-20 + 30 = 2004-12-20 -> 2005-01-01 */
    s_add(in, 4, ACTION_ACCESSION, "DDD", "2004-11-20");
    /* later: 2004-05-01 + 30 = 2004-05-31 -> 2004-06-01 */
    s_add(in, 5, ACTION_ACCESSION, "EEE", "2004-05-01");
    /* later, before EIF: 2003-11-01 + 30 -> 2003-12-01 < EIF */
    s_add(in, 6, ACTION_ACCESSION, "FFF", "2003-11-01");
    rules_status_t st;
    CHECK_INT(rules_instrument_compute(in, D("2005-12-31"), NULL, &st), RULES_OK);
    /* 2003-10-15 + 60 = 2003-12-14, the month after: 2004-01-01 */
    CHECK_INT(st.threshold_date, D("2003-10-15"));
    CHECK_INT(st.own_eif, D("2004-01-01"));
    CHECK_INT(st.eif, D("2004-01-01"));
    CHECK_INT(s_party(in, "DDD", 0).eif, D("2005-01-01"));
    CHECK_INT(s_party(in, "EEE", 0).eif, D("2004-06-01"));
    CHECK_INT(s_party(in, "FFF", 0).eif, D("2004-01-01"));
    rules_instrument_destroy(&in);

    /* The 60th day on the first of a month still moves to the next one. */
    in = rules_instrument_new(&rule);
    s_add(in, 1, ACTION_RATIFICATION, "AAA", "2003-01-10");
    s_add(in, 2, ACTION_RATIFICATION, "BBB", "2003-02-10");
    s_add(in, 3, ACTION_RATIFICATION, "CCC", "2003-03-02"); /* +60 = 05-01 */
    CHECK_INT(rules_instrument_compute(in, D("2005-12-31"), NULL, &st), RULES_OK);
    CHECK_INT(st.eif, D("2003-06-01"));
    rules_instrument_destroy(&in);
}

static rdate_t
s_eif_of_third(const char *third, int delay)
{
    const rules_rule_t rule = s_rule(3, delay);
    rules_instrument_t *in = rules_instrument_new(&rule);
    s_add(in, 1, ACTION_RATIFICATION, "AAA", "2001-01-10");
    s_add(in, 2, ACTION_RATIFICATION, "BBB", "2001-02-10");
    s_add(in, 3, ACTION_RATIFICATION, "CCC", third);
    rules_status_t st;
    rules_instrument_compute(in, D("2009-12-31"), NULL, &st);
    rules_instrument_destroy(&in);
    return st.eif;
}

static void
test_leap_years(void)
{
    CHECK_INT(s_eif_of_third("2004-01-15", 90), D("2004-04-14"));
    CHECK_INT(s_eif_of_third("2003-01-15", 90), D("2003-04-15"));
    CHECK_INT(s_eif_of_third("2004-02-01", 30), D("2004-03-02"));
    CHECK_INT(s_eif_of_third("2003-02-01", 30), D("2003-03-03"));
    CHECK_INT(s_eif_of_third("2004-02-28", 1), D("2004-02-29"));
    CHECK_INT(s_eif_of_third("2003-12-15", 90), D("2004-03-14"));
    CHECK_INT(s_eif_of_third("2003-07-01", 90), D("2003-09-29"));
}

/* --- retraction and denunciation --------------------------------------- */

static void
test_retraction(void)
{
    const rules_rule_t rule = s_rule(3, 90);
    rules_instrument_t *in = rules_instrument_new(&rule);
    /* the retraction of seq 3 arrives before seq 3 itself */
    s_retract(in, 10, 3);
    s_add(in, 1, ACTION_RATIFICATION, "AAA", "2004-01-05");
    s_add(in, 2, ACTION_RATIFICATION, "BBB", "2004-02-05");
    s_add(in, 3, ACTION_RATIFICATION, "CCC", "2004-03-05");
    s_add(in, 4, ACTION_RATIFICATION, "DDD", "2004-04-05");
    rules_status_t st;
    CHECK_INT(rules_instrument_compute(in, D("2004-12-31"), NULL, &st), RULES_OK);
    CHECK_INT(st.counted, 3);
    CHECK_INT(st.threshold_date, D("2004-04-05"));
    CHECK_STR(rules_instrument_crossing(in, 0), "DDD");
    CHECK_INT(s_party(in, "CCC", 0).deposit, RDATE_NONE);

    /* A retraction of a retraction is ignored; a second one applies. */
    s_retract(in, 11, 10);
    s_retract(in, 12, 1);
    CHECK_INT(rules_instrument_compute(in, D("2004-12-31"), NULL, &st), RULES_OK);
    CHECK_INT(st.counted, 2);
    CHECK_INT(st.threshold_date, RDATE_NONE);
    CHECK_INT(st.eif, RDATE_NONE);
    CHECK_INT(st.stage, RULES_STAGE_PENDING);
    CHECK_INT(st.crossing_count, 0);
    /* A retraction for an event of another instrument changes nothing. */
    s_retract(in, 13, 999);
    CHECK_INT(rules_instrument_compute(in, D("2004-12-31"), NULL, &st), RULES_OK);
    CHECK_INT(st.counted, 2);
    rules_instrument_destroy(&in);
}

static void
test_denunciation(void)
{
    const rules_rule_t rule = s_rule(3, 90);
    rules_instrument_t *in = rules_instrument_new(&rule);
    s_add(in, 1, ACTION_RATIFICATION, "AAA", "2003-01-05");
    s_add(in, 2, ACTION_RATIFICATION, "BBB", "2003-02-05");
    s_add(in, 3, ACTION_RATIFICATION, "CCC", "2003-03-05");
    s_add(in, 4, ACTION_RATIFICATION, "DDD", "2003-04-05");
    s_add(in, 5, ACTION_DENUNCIATION, "BBB", "2005-03-10");
    /* a second denunciation while one is pending, and one by a non-party:
       ignored */
    s_add(in, 6, ACTION_DENUNCIATION, "CCC", "2005-04-01");
    s_add(in, 7, ACTION_DENUNCIATION, "CCC", "2005-05-01");
    s_add(in, 8, ACTION_DENUNCIATION, "ZZZ", "2005-07-01");
    rules_status_t st;
    CHECK_INT(rules_instrument_compute(in, D("2006-03-09"), NULL, &st), RULES_OK);
    CHECK_INT(st.counted, 4);
    CHECK_INT(st.parties, 4);
    rules_party_t b = s_party(in, "BBB", 0);
    CHECK_INT(b.denounced, D("2005-03-10"));
    CHECK_INT(b.end, D("2006-03-10"));
    CHECK(!b.ended_by_parent);
    CHECK_INT(b.eif, D("2003-06-03"));
    CHECK_INT(s_party(in, "CCC", 0).end, D("2006-04-01"));
    CHECK_INT(rules_instrument_count_at(in, D("2006-03-09")), 4);
    CHECK_INT(rules_instrument_count_at(in, D("2006-03-10")), 3);
    CHECK_INT(rules_instrument_count_at(in, D("2006-04-01")), 2);
    CHECK_INT(rules_instrument_compute(in, D("2006-03-10"), NULL, &st), RULES_OK);
    CHECK_INT(st.counted, 3);
    CHECK_INT(st.parties, 3);
    CHECK_INT(st.threshold_date, D("2003-03-05"));
    CHECK_INT(st.stage, RULES_STAGE_IN_FORCE);
    CHECK_INT(rules_instrument_party_count(in), 4);
    /* As at before the denunciation was received: no end known. */
    CHECK_INT(rules_instrument_compute(in, D("2005-03-09"), NULL, &st), RULES_OK);
    CHECK_INT(s_party(in, "BBB", 0).end, RDATE_NONE);
    CHECK_INT(rules_instrument_count_at(in, D("2007-01-01")), 4);

    /* A consent on or after the end: a new participation, counted again. */
    s_add(in, 9, ACTION_ACCESSION, "BBB", "2006-03-10");
    CHECK_INT(rules_instrument_compute(in, D("2007-01-01"), NULL, &st), RULES_OK);
    CHECK_INT(st.counted, 3);
    /* AAA, BBB (again, the day the old participation ends), CCC, DDD */
    CHECK_INT(rules_instrument_count_at(in, D("2006-03-10")), 4);
    CHECK_INT(rules_instrument_party_count(in), 5);
    rules_party_t again = s_party(in, "BBB", 1);
    CHECK_INT(again.deposit, D("2006-03-10"));
    CHECK_INT(again.action, ACTION_ACCESSION);
    CHECK_INT(again.eif, D("2006-04-09"));
    CHECK_INT(again.end, RDATE_NONE);
    CHECK(again.later);
    rules_instrument_destroy(&in);

    /* Denunciations can undo the threshold before it is reached again. */
    rules_rule_t quick = s_rule(3, 90);
    quick.denunciation_months = 1;
    in = rules_instrument_new(&quick);
    s_add(in, 1, ACTION_RATIFICATION, "AAA", "2003-01-05");
    s_add(in, 2, ACTION_RATIFICATION, "BBB", "2003-01-06");
    s_add(in, 3, ACTION_DENUNCIATION, "AAA", "2003-01-10");
    s_add(in, 4, ACTION_RATIFICATION, "CCC", "2003-03-01");
    s_add(in, 5, ACTION_RATIFICATION, "DDD", "2003-04-01");
    CHECK_INT(rules_instrument_compute(in, D("2003-12-31"), NULL, &st), RULES_OK);
    CHECK_INT(rules_instrument_count_at(in, D("2003-02-10")), 1);
    CHECK_INT(st.threshold_date, D("2003-04-01"));
    CHECK_INT(st.crossing_count, 1);
    CHECK_STR(rules_instrument_crossing(in, 0), "DDD");
    rules_instrument_destroy(&in);
}

/* --- parent and child --------------------------------------------------- */

static void
test_protocol_before_convention(void)
{
    const rules_rule_t rule = s_rule(3, 90);
    rules_instrument_t *conv = rules_instrument_new(&rule);
    rules_instrument_t *prot = rules_instrument_new(&rule);
    s_add(conv, 1, ACTION_RATIFICATION, "AAA", "2003-01-05");
    s_add(conv, 2, ACTION_RATIFICATION, "BBB", "2003-02-05");
    s_add(conv, 3, ACTION_RATIFICATION, "CCC", "2003-07-01");
    s_add(prot, 11, ACTION_RATIFICATION, "AAA", "2003-01-05");
    s_add(prot, 12, ACTION_RATIFICATION, "BBB", "2003-02-05");
    s_add(prot, 13, ACTION_RATIFICATION, "CCC", "2003-06-01");
    /* later party to both, after both EIFs */
    s_add(conv, 4, ACTION_ACCESSION, "DDD", "2003-12-01");
    s_add(prot, 14, ACTION_ACCESSION, "DDD", "2003-12-01");

    rules_status_t cs, ps;
    /* the parent must be computed first, at the same date */
    CHECK_INT(rules_instrument_compute(prot, D("2003-08-01"), conv, &ps), RULES_EPARENT);
    CHECK_INT(rules_instrument_compute(conv, D("2003-07-31"), NULL, &cs), RULES_OK);
    CHECK_INT(rules_instrument_compute(prot, D("2003-08-01"), conv, &ps), RULES_EPARENT);
    CHECK_INT(rules_instrument_compute(conv, D("2003-08-01"), NULL, &cs), RULES_OK);
    CHECK_INT(rules_instrument_compute(prot, D("2003-08-01"), conv, &ps), RULES_OK);
    CHECK_INT(rules_instrument_compute(prot, D("2003-08-01"), prot, &ps), RULES_EINVAL);
    CHECK_INT(rules_instrument_compute(prot, D("2003-08-01"), conv, &ps), RULES_OK);
    CHECK_INT(ps.threshold_date, D("2003-06-01"));
    CHECK_INT(ps.own_eif, D("2003-08-30"));
    CHECK_INT(ps.eif, D("2003-09-29"));
    CHECK_INT(ps.stage, RULES_STAGE_SCHEDULED);
    CHECK(!ps.waiting_for_parent);
    CHECK_INT(s_party(prot, "AAA", 0).eif, D("2003-09-29"));

    CHECK_INT(rules_instrument_compute(conv, D("2004-06-01"), NULL, &cs), RULES_OK);
    CHECK_INT(rules_instrument_compute(prot, D("2004-06-01"), conv, &ps), RULES_OK);
    CHECK_INT(ps.stage, RULES_STAGE_IN_FORCE);
    CHECK_INT(s_party(prot, "DDD", 0).eif, D("2003-12-31"));

    /* A change to the parent makes it stale for its children. */
    s_add(conv, 5, ACTION_SIGNATURE, "EEE", "2001-01-01");
    CHECK_INT(rules_instrument_compute(prot, D("2004-06-01"), conv, &ps), RULES_EPARENT);
    rules_instrument_destroy(&prot);
    rules_instrument_destroy(&conv);
}

static void
test_protocol_waiting(void)
{
    const rules_rule_t rule = s_rule(3, 90);
    rules_instrument_t *conv = rules_instrument_new(&rule);
    rules_instrument_t *prot = rules_instrument_new(&rule);
    s_add(conv, 1, ACTION_RATIFICATION, "AAA", "2003-01-05");
    s_add(conv, 2, ACTION_RATIFICATION, "BBB", "2003-02-05");
    s_add(prot, 11, ACTION_RATIFICATION, "AAA", "2003-01-05");
    s_add(prot, 12, ACTION_RATIFICATION, "BBB", "2003-02-05");
    s_add(prot, 13, ACTION_RATIFICATION, "CCC", "2003-06-01");
    rules_status_t cs, ps;
    CHECK_INT(rules_instrument_compute(conv, D("2004-01-01"), NULL, &cs), RULES_OK);
    CHECK_INT(rules_instrument_compute(prot, D("2004-01-01"), conv, &ps), RULES_OK);
    CHECK_INT(cs.eif, RDATE_NONE);
    CHECK_INT(ps.threshold_date, D("2003-06-01"));
    CHECK_INT(ps.own_eif, D("2003-08-30"));
    CHECK_INT(ps.eif, RDATE_NONE);
    CHECK(ps.waiting_for_parent);
    CHECK_INT(ps.stage, RULES_STAGE_PENDING);
    CHECK_INT(ps.crossing_count, 1);
    CHECK_INT(s_party(prot, "AAA", 0).eif, RDATE_NONE);

    /* Without its own threshold it waits for its own count, not the parent. */
    CHECK_INT(rules_instrument_compute(conv, D("2003-05-01"), NULL, &cs), RULES_OK);
    CHECK_INT(rules_instrument_compute(prot, D("2003-05-01"), conv, &ps), RULES_OK);
    CHECK(!ps.waiting_for_parent);
    CHECK_INT(ps.stage, RULES_STAGE_PENDING);

    /* The parent's threshold arrives later: the Protocol follows it. */
    s_add(conv, 3, ACTION_RATIFICATION, "CCC", "2004-02-01");
    CHECK_INT(rules_instrument_compute(conv, D("2004-12-31"), NULL, &cs), RULES_OK);
    CHECK_INT(rules_instrument_compute(prot, D("2004-12-31"), conv, &ps), RULES_OK);
    CHECK_INT(cs.eif, D("2004-05-01"));
    CHECK_INT(ps.eif, D("2004-05-01"));
    CHECK(!ps.waiting_for_parent);
    rules_instrument_destroy(&prot);
    rules_instrument_destroy(&conv);
}

static void
test_parent_denunciation(void)
{
    const rules_rule_t rule = s_rule(3, 90);
    rules_instrument_t *conv = rules_instrument_new(&rule);
    rules_instrument_t *prot = rules_instrument_new(&rule);
    const char *who[4] = {"AAA", "BBB", "CCC", "DDD"};
    const char *when[4] = {"2003-01-05", "2003-02-05", "2003-03-05", "2003-04-05"};
    for (int i = 0; i < 4; i++) {
        s_add(conv, 1 + i, ACTION_RATIFICATION, who[i], when[i]);
        s_add(prot, 11 + i, ACTION_RATIFICATION, who[i], when[i]);
    }
    /* BBB denounces the Convention only; CCC denounces the Protocol first */
    s_add(conv, 5, ACTION_DENUNCIATION, "BBB", "2005-03-10");
    s_add(prot, 15, ACTION_DENUNCIATION, "CCC", "2005-01-10");
    s_add(conv, 6, ACTION_DENUNCIATION, "CCC", "2005-05-10");
    rules_status_t cs, ps;
    CHECK_INT(rules_instrument_compute(conv, D("2006-12-31"), NULL, &cs), RULES_OK);
    CHECK_INT(rules_instrument_compute(prot, D("2006-12-31"), conv, &ps), RULES_OK);
    const rules_party_t b = s_party(prot, "BBB", 0);
    CHECK_INT(b.end, D("2006-03-10"));
    CHECK(b.ended_by_parent);
    CHECK_INT(b.denounced, RDATE_NONE);
    const rules_party_t c = s_party(prot, "CCC", 0);
    CHECK_INT(c.end, D("2006-01-10"));
    CHECK(!c.ended_by_parent);
    CHECK_INT(rules_instrument_count_at(prot, D("2006-03-09")), 3);
    CHECK_INT(rules_instrument_count_at(prot, D("2006-03-10")), 2);
    CHECK_INT(ps.counted, 2);
    CHECK_INT(ps.parties, 2);

    /* Without the parent, only the Protocol's own denunciation applies. */
    CHECK_INT(rules_instrument_compute(prot, D("2006-12-31"), NULL, &ps), RULES_OK);
    CHECK_INT(ps.counted, 3);
    CHECK_INT(s_party(prot, "BBB", 0).end, RDATE_NONE);
    rules_instrument_destroy(&prot);
    rules_instrument_destroy(&conv);
}

static void
test_parent_party_floor(void)
{
    /* The Convention gives later parties 90 days, the Protocol 30: a State
       joining both on one day gets the Protocol no earlier than the
       Convention. */
    rules_rule_t crule = s_rule(3, 90);
    crule.later_party_days = 90;
    const rules_rule_t prule = s_rule(3, 90);
    rules_instrument_t *conv = rules_instrument_new(&crule);
    rules_instrument_t *prot = rules_instrument_new(&prule);
    const char *who[3] = {"AAA", "BBB", "CCC"};
    for (int i = 0; i < 3; i++) {
        s_add(conv, 1 + i, ACTION_RATIFICATION, who[i], "2003-01-05");
        s_add(prot, 11 + i, ACTION_RATIFICATION, who[i], "2003-01-05");
    }
    s_add(conv, 4, ACTION_ACCESSION, "DDD", "2004-01-10");
    s_add(prot, 14, ACTION_ACCESSION, "DDD", "2004-01-10");
    /* EEE's Protocol deposit precedes its Convention one (the registry
       rejects that): no parent participation, so no parent floor or end. */
    s_add(prot, 15, ACTION_ACCESSION, "EEE", "2004-01-10");
    s_add(conv, 5, ACTION_ACCESSION, "EEE", "2004-01-11");
    s_add(conv, 6, ACTION_DENUNCIATION, "EEE", "2004-06-01");
    /* FFF's Convention participation ended before its Protocol deposit. */
    s_add(conv, 7, ACTION_RATIFICATION, "FFF", "2003-01-06");
    s_add(conv, 8, ACTION_DENUNCIATION, "FFF", "2003-02-01");
    s_add(prot, 17, ACTION_ACCESSION, "FFF", "2004-03-01");
    /* GGG denounces both on one day: its own denunciation ends it. */
    s_add(conv, 9, ACTION_RATIFICATION, "GGG", "2003-01-06");
    s_add(prot, 19, ACTION_RATIFICATION, "GGG", "2003-01-06");
    s_add(conv, 10, ACTION_DENUNCIATION, "GGG", "2005-02-01");
    s_add(prot, 20, ACTION_DENUNCIATION, "GGG", "2005-02-01");
    rules_status_t cs, ps;
    CHECK_INT(rules_instrument_compute(conv, D("2006-01-01"), NULL, &cs), RULES_OK);
    CHECK_INT(rules_instrument_compute(prot, D("2006-01-01"), conv, &ps), RULES_OK);
    CHECK_INT(s_party(conv, "DDD", 0).eif, D("2004-04-09"));
    CHECK_INT(s_party(prot, "DDD", 0).eif, D("2004-04-09"));
    CHECK_INT(s_party(prot, "EEE", 0).eif, D("2004-02-09"));
    CHECK_INT(s_party(prot, "EEE", 0).end, RDATE_NONE);
    CHECK_INT(s_party(conv, "EEE", 0).end, D("2005-06-01"));
    CHECK_INT(s_party(conv, "FFF", 0).end, D("2004-02-01"));
    CHECK_INT(s_party(prot, "FFF", 0).end, RDATE_NONE);
    CHECK(!s_party(prot, "FFF", 0).ended_by_parent);
    CHECK_INT(s_party(prot, "GGG", 0).end, D("2006-02-01"));
    CHECK(!s_party(prot, "GGG", 0).ended_by_parent);
    CHECK_INT(rules_instrument_compute(prot, D("2006-01-01"), NULL, &ps), RULES_OK);
    CHECK_INT(s_party(prot, "DDD", 0).eif, D("2004-02-09"));
    rules_instrument_destroy(&prot);
    rules_instrument_destroy(&conv);
}

static void
test_reaccession(void)
{
    /* Trinidad and Tobago's pattern: a denunciation and a re-accession
       recorded on one day. The old participation ends a year later; the
       new one runs from its deposit; the count never doubles or dips. */
    const rules_rule_t rule = s_rule(3, 90);
    rules_instrument_t *in = rules_instrument_new(&rule);
    s_add(in, 1, ACTION_RATIFICATION, "AAA", "2003-01-05");
    s_add(in, 2, ACTION_RATIFICATION, "BBB", "2003-02-05");
    s_add(in, 3, ACTION_RATIFICATION, "TTO", "2003-03-05");
    s_add(in, 4, ACTION_DENUNCIATION, "TTO", "2005-05-26");
    s_add(in, 5, ACTION_ACCESSION, "TTO", "2005-05-26");
    /* BBB re-accedes a month into its pending denunciation */
    s_add(in, 6, ACTION_DENUNCIATION, "BBB", "2005-01-10");
    s_add(in, 7, ACTION_ACCESSION, "BBB", "2005-02-10");
    rules_status_t st;
    CHECK_INT(rules_instrument_compute(in, D("2007-01-01"), NULL, &st), RULES_OK);
    CHECK_INT(rules_instrument_party_count(in), 5);
    const rules_party_t old = s_party(in, "TTO", 0);
    const rules_party_t again = s_party(in, "TTO", 1);
    CHECK_INT(old.end, D("2006-05-26"));
    CHECK_INT(again.deposit, D("2005-05-26"));
    CHECK_INT(again.action, ACTION_ACCESSION);
    CHECK_INT(again.eif, D("2005-06-25"));
    CHECK_INT(again.end, RDATE_NONE);
    CHECK_INT(s_party(in, "BBB", 1).deposit, D("2005-02-10"));
    const char *days[5] = {"2005-01-09", "2005-02-10", "2005-05-26", "2006-01-10", "2006-05-26"};
    for (int i = 0; i < 5; i++)
        CHECK_INT(rules_instrument_count_at(in, D(days[i])), 3);
    CHECK_INT(st.counted, 3);
    CHECK_INT(st.parties, 3);
    CHECK_INT(rules_instrument_compute(in, D("2005-06-01"), NULL, &st), RULES_OK);
    CHECK_INT(st.parties, 3);
    rules_instrument_destroy(&in);

    /* A denunciation recorded before the same-day consent of a non-party
       is read in that order, as the registry would: ignored. */
    in = rules_instrument_new(&rule);
    s_add(in, 1, ACTION_DENUNCIATION, "AAA", "2003-01-05");
    s_add(in, 2, ACTION_RATIFICATION, "AAA", "2003-01-05");
    CHECK_INT(rules_instrument_compute(in, D("2003-12-31"), NULL, &st), RULES_OK);
    CHECK_INT(s_party(in, "AAA", 0).denounced, RDATE_NONE);
    CHECK_INT(s_party(in, "AAA", 0).end, RDATE_NONE);
    rules_instrument_destroy(&in);
}

static void
test_same_day_acts(void)
{
    /* A consent and a denunciation on one day, in that order. */
    const rules_rule_t rule = s_rule(3, 90);
    rules_instrument_t *in = rules_instrument_new(&rule);
    s_add(in, 2, ACTION_DENUNCIATION, "AAA", "2003-01-05");
    s_add(in, 1, ACTION_RATIFICATION, "AAA", "2003-01-05");
    rules_status_t st;
    CHECK_INT(rules_instrument_compute(in, D("2003-12-31"), NULL, &st), RULES_OK);
    CHECK_INT(s_party(in, "AAA", 0).denounced, D("2003-01-05"));
    CHECK_INT(s_party(in, "AAA", 0).end, D("2004-01-05"));

    /* Two events with one seq: one kept, whatever their order; a
       retraction of that seq removes it. */
    s_add(in, 7, ACTION_RATIFICATION, "BBB", "2003-02-01");
    s_add(in, 7, ACTION_RATIFICATION, "CCC", "2003-02-01");
    CHECK_INT(rules_instrument_compute(in, D("2003-12-31"), NULL, &st), RULES_OK);
    CHECK_INT(st.counted, 2);
    CHECK_INT(rules_instrument_party_count(in), 2);
    CHECK_INT(s_party(in, "BBB", 0).deposit, D("2003-02-01"));
    s_retract(in, 8, 7);
    CHECK_INT(rules_instrument_compute(in, D("2003-12-31"), NULL, &st), RULES_OK);
    CHECK_INT(st.counted, 1);
    rules_instrument_destroy(&in);
}

/* --- order independence ------------------------------------------------- */

static bool
s_same_status(const rules_status_t *a, const rules_status_t *b)
{
    bool same = a->as_of == b->as_of && a->counted == b->counted && a->parties == b->parties
                && a->signatures == b->signatures && a->threshold_date == b->threshold_date
                && a->own_eif == b->own_eif && a->eif == b->eif && a->stage == b->stage
                && a->waiting_for_parent == b->waiting_for_parent
                && a->crossing_count == b->crossing_count
                && a->approaching_count == b->approaching_count;
    for (int i = 0; same && i < a->approaching_count; i++)
        same = a->approaching[i] == b->approaching[i];
    return same;
}

static bool
s_same_parties(const rules_instrument_t *x, const rules_instrument_t *y)
{
    if (rules_instrument_party_count(x) != rules_instrument_party_count(y))
        return false;
    for (size_t i = 0; i < rules_instrument_party_count(x); i++) {
        rules_party_t a, b;
        rules_instrument_party(x, i, &a);
        rules_instrument_party(y, i, &b);
        if (strcmp(a.participant, b.participant) != 0 || a.action != b.action || a.seq != b.seq
            || a.deposit != b.deposit || a.reio != b.reio || a.counted != b.counted
            || a.crossing != b.crossing || a.later != b.later || a.eif != b.eif
            || a.denounced != b.denounced || a.end != b.end
            || a.ended_by_parent != b.ended_by_parent)
            return false;
    }
    return true;
}

static void
test_order_independence(void)
{
    enum { NEV = 18 };
    event_t evs[NEV];
    bool reio[NEV] = {false};
    int n = 0;
    evs[n++] = s_ev(1, ACTION_SIGNATURE, "AAA", "2001-01-01");
    evs[n++] = s_ev(2, ACTION_SIGNATURE, "BBB", "2001-01-01");
    evs[n++] = s_ev(3, ACTION_RATIFICATION, "AAA", "2002-05-01");
    evs[n++] = s_ev(4, ACTION_RATIFICATION, "BBB", "2002-06-01");
    evs[n++] = s_ev(5, ACTION_ACCESSION, "CCC", "2002-06-01");
    evs[n++] = s_ev(6, ACTION_ACCESSION, "DDD", "2002-07-15");
    evs[n++] = s_ev(7, ACTION_APPROVAL, "EEE", "2002-07-15");
    reio[n - 1] = true;
    evs[n++] = s_ev(8, ACTION_ACCEPTANCE, "FFF", "2002-07-15");
    evs[n++] = s_ev(9, ACTION_ACCESSION, "GGG", "2002-08-01");
    evs[n++] = s_retraction(10, 9);
    evs[n++] = s_ev(11, ACTION_ACCESSION, "HHH", "2002-08-02");
    evs[n++] = s_ev(12, ACTION_ACCESSION, "III", "2002-12-20");
    evs[n++] = s_ev(13, ACTION_DENUNCIATION, "BBB", "2004-01-31");
    evs[n++] = s_ev(14, ACTION_RATIFICATION, "AAA", "2004-02-01");
    evs[n++] = s_ev(15, ACTION_SUCCESSION, "JJJ", "2002-07-15");
    evs[n++] = s_ev(16, ACTION_SIGNATURE, "CCC", "2001-03-01");
    evs[n++] = s_ev(17, ACTION_ACCESSION, "BBB", "2005-03-01");
    evs[n++] = s_ev(4, ACTION_RATIFICATION, "BBB", "2002-06-01");

    rules_rule_t rule = s_rule(5, 90);
    rule.first_of_next_month = true;
    const rdate_t dates[3] = {D("2002-07-14"), D("2002-07-15"), D("2006-01-01")};

    rules_instrument_t *ref = rules_instrument_new(&rule);
    for (int i = 0; i < n; i++)
        rules_instrument_add(ref, &evs[i], reio[i]);
    int order[NEV];
    unsigned seed = 12345;
    for (int round = 0; round < 20; round++) {
        for (int i = 0; i < n; i++)
            order[i] = round == 0 ? n - 1 - i : i;
        for (int i = n - 1; round > 0 && i > 0; i--) {
            seed = seed * 1103515245u + 12345u;
            const int j = (int) ((seed >> 16) % (unsigned) (i + 1));
            const int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        rules_instrument_t *shuffled = rules_instrument_new(&rule);
        for (int i = 0; i < n; i++)
            rules_instrument_add(shuffled, &evs[order[i]], reio[order[i]]);
        for (int d = 0; d < 3; d++) {
            rules_status_t a, b;
            CHECK_INT(rules_instrument_compute(ref, dates[d], NULL, &a), RULES_OK);
            CHECK_INT(rules_instrument_compute(shuffled, dates[d], NULL, &b), RULES_OK);
            CHECK(s_same_status(&a, &b));
            CHECK(s_same_parties(ref, shuffled));
            for (int i = 0; i < a.crossing_count; i++)
                CHECK_STR(rules_instrument_crossing(shuffled, (size_t) i),
                          rules_instrument_crossing(ref, (size_t) i));
        }
        rules_instrument_destroy(&shuffled);
    }

    /* And the answer itself: 5 counted on 2002-07-15 (EEE is a REIO). */
    rules_status_t st;
    CHECK_INT(rules_instrument_compute(ref, dates[1], NULL, &st), RULES_OK);
    CHECK_INT(st.threshold_date, D("2002-07-15"));
    CHECK_INT(st.eif, D("2002-11-01")); /* 07-15 + 90 = 10-13 */
    CHECK_INT(st.crossing_count, 3);
    CHECK_STR(rules_instrument_crossing(ref, 0), "DDD");
    CHECK_STR(rules_instrument_crossing(ref, 1), "FFF");
    CHECK_STR(rules_instrument_crossing(ref, 2), "JJJ");
    CHECK_INT(st.signatures, 3);
    CHECK_INT(rules_instrument_compute(ref, dates[2], NULL, &st), RULES_OK);
    CHECK_INT(st.counted, 8); /* AAA BBB(again) CCC DDD FFF HHH III JJJ */
    CHECK_INT(rules_instrument_party_count(ref), 10);
    rules_instrument_destroy(&ref);
}

/* --- incremental upkeep -------------------------------------------------- */

/* Computing after every add (records merged in one by one, the way the
   threshold service feeds the engine) gives what one compute over the
   whole set gives, duplicates with conflicting contents included; a
   released result is gone and comes back on the next compute. */
static void
test_incremental(void)
{
    const rules_rule_t rule = s_rule(3, 90);
    rules_instrument_t *once = rules_instrument_new(&rule);
    rules_instrument_t *step = rules_instrument_new(&rule);
    rules_instrument_t *child = rules_instrument_new(&rule);
    CHECK(once && step && child);
    event_t evs[] = {
        s_ev(1, ACTION_SIGNATURE, "MMM", "2001-01-01"),
        s_ev(2, ACTION_RATIFICATION, "MMM", "2002-03-01"),
        s_ev(3, ACTION_ACCESSION, "AAA", "2002-03-01"),
        s_ev(5, ACTION_ACCESSION, "ZZZ", "2002-04-01"),
        s_retraction(6, 3),
        s_ev(7, ACTION_ACCESSION, "BBB", "2002-02-01"),
        /* seq 4 twice, different contents: one is kept, the first by
           (action, date, participant): the signature, whatever the order
           they came in */
        s_ev(4, ACTION_SIGNATURE, "CCC", "2001-05-01"),
        s_ev(4, ACTION_ACCESSION, "CCC", "2002-05-01"),
        s_ev(8, ACTION_ACCESSION, "AAA", "2002-05-01"),
        s_ev(2, ACTION_RATIFICATION, "MMM", "2002-03-01"),
    };
    const size_t n = sizeof evs / sizeof evs[0];
    rules_status_t a, b;
    for (size_t i = 0; i < n; i++) {
        CHECK_INT(rules_instrument_add(once, &evs[i], false), RULES_OK);
        CHECK_INT(rules_instrument_add(step, &evs[i], false), RULES_OK);
        CHECK_INT(rules_instrument_compute(step, RDATE_NONE, NULL, &b), RULES_OK);
    }
    CHECK_INT(rules_instrument_event_count(step), n);
    CHECK_INT(rules_instrument_compute(once, RDATE_NONE, NULL, &a), RULES_OK);
    CHECK_INT(rules_instrument_compute(step, RDATE_NONE, NULL, &b), RULES_OK);
    CHECK(s_same_status(&a, &b));
    CHECK(s_same_parties(once, step));
    CHECK_INT(a.threshold_date, D("2002-04-01")); /* BBB, MMM, ZZZ */
    CHECK_INT(a.counted, 4);                      /* then AAA */
    CHECK_INT(a.signatures, 2);                   /* MMM, CCC */
    CHECK_INT(rules_instrument_party_count(once), 4);
    rules_party_t p;
    CHECK_INT(rules_instrument_party(once, 0, &p), RULES_OK);
    CHECK_STR(p.participant, "BBB");
    CHECK_INT(rules_instrument_party(once, 3, &p), RULES_OK);
    CHECK_STR(p.participant, "AAA"); /* its accession of 05-01, seq 8 */
    CHECK_INT(p.seq, 8);

    rules_instrument_release(step);
    rules_instrument_release(NULL);
    CHECK_INT(rules_instrument_party_count(step), 0);
    CHECK_INT(rules_instrument_count_at(step, D("2003-01-01")), -1);
    CHECK(rules_instrument_crossing(step, 0) == NULL);
    CHECK_INT(rules_instrument_compute(child, RDATE_NONE, step, &b), RULES_EPARENT);
    CHECK_INT(rules_instrument_compute(step, RDATE_NONE, NULL, &b), RULES_OK);
    CHECK(s_same_status(&a, &b));
    CHECK(s_same_parties(once, step));
    CHECK_INT(rules_instrument_compute(child, RDATE_NONE, step, &b), RULES_OK);
    rules_instrument_destroy(&once);
    rules_instrument_destroy(&step);
    rules_instrument_destroy(&child);
}

/* --- misuse ------------------------------------------------------------- */

static void
test_errors(void)
{
    rules_rule_t bad = s_rule(0, 90);
    CHECK_INT(rules_rule_check(&bad), RULES_EINVAL);
    CHECK(rules_instrument_new(&bad) == NULL);
    bad = s_rule(3, -1);
    CHECK(rules_instrument_new(&bad) == NULL);
    bad = s_rule(3, 90);
    bad.approaching_count = RULES_APPROACHING_MAX + 1;
    CHECK(rules_instrument_new(&bad) == NULL);
    CHECK(rules_instrument_new(NULL) == NULL);

    const rules_rule_t rule = s_rule(3, 90);
    CHECK_INT(rules_rule_check(&rule), RULES_OK);
    rules_instrument_t *in = rules_instrument_new(&rule);
    CHECK_INT(rules_instrument_rule(in)->threshold, 3);
    event_t ev = s_ev(0, ACTION_RATIFICATION, "AAA", "2003-01-01");
    CHECK_INT(rules_instrument_add(in, &ev, false), RULES_EINVAL);
    ev = s_ev(1, ACTION_RATIFICATION, "", "2003-01-01");
    CHECK_INT(rules_instrument_add(in, &ev, false), RULES_EINVAL);
    ev = s_ev(1, ACTION_RATIFICATION, "AAA", "2003-01-01");
    ev.date = RDATE_NONE;
    CHECK_INT(rules_instrument_add(in, &ev, false), RULES_EINVAL);
    ev.date = INT32_MAX;
    CHECK_INT(rules_instrument_add(in, &ev, false), RULES_EINVAL);
    ev = s_ev(1, ACTION_RATIFICATION, "AAA", "2003-01-01");
    memset(ev.participant, 'x', sizeof ev.participant);
    CHECK_INT(rules_instrument_add(in, &ev, false), RULES_EINVAL);
    ev = s_ev(1, ACTION_NONE, "AAA", "2003-01-01");
    CHECK_INT(rules_instrument_add(in, &ev, false), RULES_IGNORED);
    ev = s_retraction(2, 0);
    CHECK_INT(rules_instrument_add(in, &ev, false), RULES_EINVAL);
    CHECK_INT(rules_instrument_add(NULL, &ev, false), RULES_EINVAL);
    CHECK_INT(rules_instrument_add(in, NULL, false), RULES_EINVAL);
    CHECK_INT(rules_instrument_event_count(in), 0);

    /* No result before compute, nor after an add. */
    rules_party_t p;
    CHECK_INT(rules_instrument_count_at(in, D("2003-01-01")), -1);
    CHECK_INT(rules_instrument_signatures_at(in, D("2003-01-01")), -1);
    CHECK_INT(rules_instrument_party_count(in), 0);
    CHECK_INT(rules_instrument_party(in, 0, &p), RULES_EINVAL);
    CHECK(rules_instrument_crossing(in, 0) == NULL);
    rules_status_t st;
    CHECK_INT(rules_instrument_compute(in, D("2003-01-01"), NULL, &st), RULES_OK);
    CHECK_INT(st.counted, 0);
    CHECK_INT(st.threshold_date, RDATE_NONE);
    CHECK_INT(rules_instrument_count_at(in, D("2003-01-01")), 0);
    s_add(in, 1, ACTION_RATIFICATION, "AAA", "2003-01-01");
    CHECK_INT(rules_instrument_count_at(in, D("2003-01-01")), -1);
    CHECK_INT(rules_instrument_compute(NULL, D("2003-01-01"), NULL, &st), RULES_EINVAL);
    CHECK_INT(rules_instrument_compute(in, D("2003-01-01"), NULL, NULL), RULES_EINVAL);

    rules_instrument_destroy(&in);
    rules_instrument_destroy(&in);
    rules_instrument_destroy(NULL);
    CHECK(in == NULL);
}

int
main(void)
{
    test_seed();
    test_same_day_crossing();
    test_reio();
    test_second_consent();
    test_later_parties();
    test_first_of_month();
    test_leap_years();
    test_retraction();
    test_denunciation();
    test_reaccession();
    test_protocol_before_convention();
    test_protocol_waiting();
    test_parent_denunciation();
    test_parent_party_floor();
    test_same_day_acts();
    test_order_independence();
    test_incremental();
    test_errors();
    return check_report("test_rules");
}
