/*  test_threshold_tracker: which milestones an instrument's status makes
    due (services/threshold/tracker.h), on hand-made statuses with N = 40
    and approaching levels N-5 and N-1: the count climbing one deposit at a
    time, a jump over several levels at once, the threshold reached
    directly, a Protocol waiting for its Convention, a back-dated deposit
    and a retraction revising an announced date, a deposit again after a
    retraction, the effective date, and a state rebuilt with tracker_note
    (as at start, from the milestones table) giving the same answers. */
#include "check.h"
#include "tracker.h"

static rdate_t
D(const char *text)
{
    rdate_t d = RDATE_NONE;
    if (rdate_parse(text, &d) != 0)
        fprintf(stderr, "bad test date %s\n", text);
    return d;
}

static rules_rule_t
s_rule(void)
{
    rules_rule_t r;
    memset(&r, 0, sizeof r);
    r.threshold = 40;
    r.delay_days = 90;
    r.later_party_days = 30;
    r.denunciation_months = 12;
    r.approaching[0] = 5;
    r.approaching[1] = 1;
    r.approaching_count = 2;
    return r;
}

/* A status with `counted` instruments; threshold/eif as given. */
static rules_status_t
s_status(int counted, rdate_t threshold_date, rdate_t eif)
{
    rules_status_t st;
    memset(&st, 0, sizeof st);
    st.as_of = D("2003-07-02");
    st.counted = counted;
    st.threshold_date = threshold_date;
    st.own_eif = st.eif = eif;
    st.stage = eif == RDATE_NONE ? RULES_STAGE_PENDING : RULES_STAGE_SCHEDULED;
    st.approaching_count = 2;
    st.approaching[0] = counted >= 35 ? D("2003-04-22") : RDATE_NONE;
    st.approaching[1] = counted >= 39 ? D("2003-06-25") : RDATE_NONE;
    return st;
}

/* Runs one step and returns the number due; out receives them. */
static size_t
s_step(tracker_announced_t *a, const rules_status_t *st, const char *today, tracker_due_t *out)
{
    const rules_rule_t rule = s_rule();
    return tracker_step(&rule, st, D(today), a, out);
}

static void
test_climb(void)
{
    tracker_announced_t a;
    tracker_announced_init(&a);
    tracker_due_t due[TRACKER_DUE_MAX];
    const char *today = "2003-07-02";
    rules_status_t st;

    for (int c = 0; c < 35; c++) {
        st = s_status(c, RDATE_NONE, RDATE_NONE);
        CHECK_INT(s_step(&a, &st, today, due), 0);
    }
    st = s_status(35, RDATE_NONE, RDATE_NONE);
    CHECK_INT(s_step(&a, &st, today, due), 1);
    CHECK_INT(due[0].kind, MILESTONE_APPROACHING);
    CHECK_INT(due[0].level, 5);
    CHECK_INT(due[0].date, D("2003-04-22"));
    for (int c = 35; c < 39; c++) {
        st = s_status(c, RDATE_NONE, RDATE_NONE);
        CHECK_INT(s_step(&a, &st, today, due), 0); /* announced once */
    }
    st = s_status(39, RDATE_NONE, RDATE_NONE);
    CHECK_INT(s_step(&a, &st, today, due), 1);
    CHECK_INT(due[0].level, 1);
    st = s_status(40, D("2003-07-01"), D("2003-09-29"));
    CHECK_INT(s_step(&a, &st, today, due), 2);
    CHECK_INT(due[0].kind, MILESTONE_REACHED);
    CHECK_INT(due[0].date, D("2003-07-01"));
    CHECK_INT(due[1].kind, MILESTONE_SCHEDULED);
    CHECK_INT(due[1].date, D("2003-09-29"));
    /* later parties change nothing */
    st = s_status(41, D("2003-07-01"), D("2003-09-29"));
    CHECK_INT(s_step(&a, &st, today, due), 0);
    /* the day comes */
    CHECK_INT(s_step(&a, &st, "2003-09-28", due), 0);
    CHECK_INT(s_step(&a, &st, "2003-09-29", due), 1);
    CHECK_INT(due[0].kind, MILESTONE_EFFECTIVE);
    CHECK_INT(due[0].date, D("2003-09-29"));
    CHECK_INT(s_step(&a, &st, "2003-09-30", due), 0);
    /* denunciations later bring the count below N: the threshold date
       stays, nothing is due */
    st = s_status(38, D("2003-07-01"), D("2003-09-29"));
    CHECK_INT(s_step(&a, &st, "2005-01-01", due), 0);
}

static void
test_jumps(void)
{
    tracker_announced_t a;
    tracker_announced_init(&a);
    tracker_due_t due[TRACKER_DUE_MAX];
    /* from 30 to 39 in one step: N-5 then N-1, in that order */
    rules_status_t st = s_status(39, RDATE_NONE, RDATE_NONE);
    CHECK_INT(s_step(&a, &st, "2003-07-02", due), 2);
    CHECK_INT(due[0].level, 5);
    CHECK_INT(due[1].level, 1);

    /* straight to the threshold: no approaching, reached and scheduled;
       with today past the EIF, effective too */
    tracker_announced_init(&a);
    st = s_status(45, D("2003-07-01"), D("2003-09-29"));
    CHECK_INT(s_step(&a, &st, "2010-01-01", due), 3);
    CHECK_INT(due[0].kind, MILESTONE_REACHED);
    CHECK_INT(due[1].kind, MILESTONE_SCHEDULED);
    CHECK_INT(due[2].kind, MILESTONE_EFFECTIVE);
    CHECK_INT(s_step(&a, &st, "2010-01-02", due), 0);
}

static void
test_parent(void)
{
    tracker_announced_t a;
    tracker_announced_init(&a);
    tracker_due_t due[TRACKER_DUE_MAX];
    /* a Protocol reaches its threshold while the Convention's EIF is
       unknown: reached only */
    rules_status_t st = s_status(40, D("2003-05-01"), RDATE_NONE);
    st.waiting_for_parent = true;
    CHECK_INT(s_step(&a, &st, "2003-06-01", due), 1);
    CHECK_INT(due[0].kind, MILESTONE_REACHED);
    CHECK_INT(s_step(&a, &st, "2003-06-02", due), 0);
    /* the Convention's date becomes known: scheduled, not revised */
    st = s_status(40, D("2003-05-01"), D("2003-09-29"));
    CHECK_INT(s_step(&a, &st, "2003-07-02", due), 1);
    CHECK_INT(due[0].kind, MILESTONE_SCHEDULED);
    CHECK_INT(due[0].date, D("2003-09-29"));
}

static void
test_revisions(void)
{
    tracker_announced_t a;
    tracker_announced_init(&a);
    tracker_due_t due[TRACKER_DUE_MAX];
    const char *today = "2003-07-02";
    rules_status_t st = s_status(40, D("2003-07-01"), D("2003-09-29"));
    CHECK_INT(s_step(&a, &st, today, due), 2);

    /* a late, back-dated deposit: the threshold was reached on 2003-06-25;
       reached stands (no second one), the EIF is revised */
    st = s_status(41, D("2003-06-25"), D("2003-09-23"));
    CHECK_INT(s_step(&a, &st, today, due), 1);
    CHECK_INT(due[0].kind, MILESTONE_REVISED);
    CHECK_INT(due[0].date, D("2003-09-23"));
    CHECK_INT(s_step(&a, &st, today, due), 0);

    /* a retraction takes the count back to 39: revised to "none"; the
       approaching levels were not announced in this history (it jumped),
       so N-1 falls due now */
    st = s_status(39, RDATE_NONE, RDATE_NONE);
    CHECK_INT(s_step(&a, &st, today, due), 3);
    CHECK_INT(due[0].kind, MILESTONE_APPROACHING);
    CHECK_INT(due[0].level, 5);
    CHECK_INT(due[1].level, 1);
    CHECK_INT(due[2].kind, MILESTONE_REVISED);
    CHECK_INT(due[2].date, RDATE_NONE);
    CHECK(!a.reached);

    /* deposited again: reached is due again (the caller drops it when its
       id, same date, was published), and the EIF revised to the date */
    st = s_status(40, D("2003-06-25"), D("2003-09-23"));
    CHECK_INT(s_step(&a, &st, today, due), 2);
    CHECK_INT(due[0].kind, MILESTONE_REACHED);
    CHECK_INT(due[0].date, D("2003-06-25"));
    CHECK_INT(due[1].kind, MILESTONE_REVISED);
    CHECK_INT(due[1].date, D("2003-09-23"));
}

static void
test_rebuilt_state(void)
{
    /* the milestones of test_climb, noted as the service does at start */
    tracker_announced_t a;
    tracker_announced_init(&a);
    tracker_note(&a, MILESTONE_APPROACHING, 5, D("2003-04-22"));
    tracker_note(&a, MILESTONE_APPROACHING, 1, D("2003-06-25"));
    tracker_note(&a, MILESTONE_REACHED, 0, D("2003-07-01"));
    tracker_note(&a, MILESTONE_SCHEDULED, 0, D("2003-09-29"));
    tracker_due_t due[TRACKER_DUE_MAX];
    rules_status_t st = s_status(40, D("2003-07-01"), D("2003-09-29"));
    CHECK_INT(s_step(&a, &st, "2003-07-02", due), 0);
    CHECK_INT(s_step(&a, &st, "2003-09-29", due), 1);
    CHECK_INT(due[0].kind, MILESTONE_EFFECTIVE);

    /* a retraction after a restart: same answer as without the restart */
    tracker_announced_init(&a);
    tracker_note(&a, MILESTONE_APPROACHING, 5, D("2003-04-22"));
    tracker_note(&a, MILESTONE_APPROACHING, 1, D("2003-06-25"));
    tracker_note(&a, MILESTONE_REACHED, 0, D("2003-07-01"));
    tracker_note(&a, MILESTONE_SCHEDULED, 0, D("2003-09-29"));
    st = s_status(39, RDATE_NONE, RDATE_NONE);
    CHECK_INT(s_step(&a, &st, "2003-07-02", due), 1);
    CHECK_INT(due[0].kind, MILESTONE_REVISED);
    CHECK_INT(due[0].date, RDATE_NONE);
}

static void
test_odd_rules(void)
{
    tracker_announced_t a;
    tracker_announced_init(&a);
    tracker_due_t due[TRACKER_DUE_MAX];
    rules_rule_t rule = s_rule();
    /* levels out of range are skipped; a level listed twice is due once */
    rule.threshold = 3;
    rule.approaching[0] = 5;
    rule.approaching[1] = 1;
    rule.approaching[2] = 1;
    rule.approaching_count = 3;
    rules_status_t st;
    memset(&st, 0, sizeof st);
    st.counted = 2;
    st.threshold_date = st.eif = RDATE_NONE;
    st.approaching_count = 3;
    st.approaching[0] = RDATE_NONE;
    st.approaching[1] = st.approaching[2] = D("2003-01-01");
    CHECK_INT(tracker_step(&rule, &st, D("2003-07-02"), &a, due), 1);
    CHECK_INT(due[0].level, 1);
    CHECK_INT(tracker_step(&rule, &st, D("2003-07-02"), &a, due), 0);

    /* levels announced under an older catalog fill the array: the loop
       still ends (the caller's id check then decides) */
    tracker_announced_init(&a);
    for (int k = 10; k < 10 + RULES_APPROACHING_MAX; k++)
        tracker_note(&a, MILESTONE_APPROACHING, k, RDATE_NONE);
    CHECK_INT(tracker_step(&rule, &st, D("2003-07-02"), &a, due), 1);
    CHECK_INT(tracker_step(&rule, &st, D("2003-07-02"), &a, due), 1);
}

int
main(void)
{
    test_climb();
    test_jumps();
    test_parent();
    test_revisions();
    test_rebuilt_state();
    test_odd_rules();
    return check_report("test_threshold_tracker");
}
