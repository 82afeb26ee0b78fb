/*  test_catalog: the shipped catalog (data/catalog) and the loader.

    Loads the catalog CTest points at through RATIFY_DATA, checks the seed's
    four instruments and their rules, every kind of participant lookup, the
    name history around each change, suggestions, the errors a broken file
    gives, and that every name in the seed annex, the signatures file and
    the seed fixture resolves (and, for the annex, displays as the seed
    prints it as at 2 July 2003). */
#include "catalog.h"
#include "check.h"
#include "event.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PATH_SIZE 4096
#define LINE_SIZE 1024

static char s_data[PATH_SIZE / 4];   /* <repo>/data */
static char s_source[PATH_SIZE / 4]; /* <repo> */

static rdate_t
s_date(const char *text)
{
    rdate_t date = RDATE_NONE;
    if (rdate_parse(text, &date))
        fprintf(stderr, "bad test date %s\n", text);
    return date;
}

static const char *
s_id_of(const catalog_t *catalog, const char *name)
{
    const catalog_participant_t *p = catalog_participant_find(catalog, name);
    return p ? catalog_participant_id(p) : "(none)";
}

static const char *
s_name_at(const catalog_t *catalog, const char *id, const char *date)
{
    const catalog_participant_t *p = catalog_participant_by_id(catalog, id);
    return p ? catalog_participant_name_at(p, s_date(date)) : "(none)";
}

static void
s_test_instruments(const catalog_t *catalog)
{
    CHECK_INT(catalog_instrument_count(catalog), 4);
    static const struct {
        const char *id, *ref, *title, *adopted, *open, *close, *parent;
    } want[] = {
        {"UNTOC", "XVIII-12", "United Nations Convention against Transnational Organized Crime",
         "2000-11-15", "2000-12-12", "2002-12-12", NULL},
        {"TIP", "XVIII-12-a",
         "Protocol to Prevent, Suppress and Punish Trafficking in Persons, "
         "Especially Women and Children",
         "2000-11-15", "2000-12-12", "2002-12-12", "UNTOC"},
        {"SOM", "XVIII-12-b", "Protocol against the Smuggling of Migrants by Land, Sea and Air",
         "2000-11-15", "2000-12-12", "2002-12-12", "UNTOC"},
        {"FIREARMS", "XVIII-12-c",
         "Protocol against the Illicit Manufacturing of and Trafficking in "
         "Firearms, Their Parts and Components and Ammunition",
         "2001-05-31", "2001-06-30", "2002-12-12", "UNTOC"},
    };
    for (size_t i = 0; i < 4; i++) {
        const catalog_instrument_t *inst = catalog_instrument_at(catalog, i);
        CHECK(inst != NULL);
        if (!inst)
            continue;
        CHECK_STR(catalog_instrument_id(inst), want[i].id);
        CHECK_STR(catalog_instrument_reference(inst), want[i].ref);
        CHECK_STR(catalog_instrument_title(inst), want[i].title);
        CHECK_INT(catalog_instrument_adopted(inst), s_date(want[i].adopted));
        CHECK_INT(catalog_instrument_signature_open(inst), s_date(want[i].open));
        CHECK_INT(catalog_instrument_signature_close(inst), s_date(want[i].close));
        if (want[i].parent)
            CHECK_STR(catalog_instrument_parent(inst), want[i].parent);
        else
            CHECK(catalog_instrument_parent(inst) == NULL);
        const rules_rule_t *rule = catalog_instrument_rule(inst);
        CHECK_INT(rule->threshold, 40);
        CHECK_INT(rule->delay_days, 90);
        CHECK(!rule->first_of_next_month);
        CHECK(!rule->reio_counted);
        CHECK_INT(rule->later_party_days, 30);
        CHECK(!rule->later_party_first_of_next_month);
        CHECK(rule->later_party_whichever_later);
        CHECK_INT(rule->denunciation_months, 12);
        CHECK_INT(rule->approaching_count, 2);
        CHECK_INT(rule->approaching[0], 5);
        CHECK_INT(rule->approaching[1], 1);
        CHECK(catalog_instrument_find(catalog, want[i].id) == inst);
        CHECK(catalog_instrument_find(catalog, want[i].ref) == inst);
    }
    CHECK(catalog_instrument_at(catalog, 4) == NULL);
    const catalog_instrument_t *untoc = catalog_instrument_at(catalog, 0);
    CHECK(catalog_instrument_find(catalog, "untoc") == untoc);
    CHECK(catalog_instrument_find(catalog, " xviii-12 ") == untoc);
    CHECK(catalog_instrument_find(catalog, "Firearms") == catalog_instrument_at(catalog, 3));
    CHECK(catalog_instrument_find(catalog, "xviii-12-A") == catalog_instrument_at(catalog, 1));
    CHECK(catalog_instrument_find(catalog, "XVIII-12-d") == NULL);
    CHECK(catalog_instrument_find(catalog, "") == NULL);
    CHECK_STR(catalog_instrument_short_title(untoc), "Organized Crime Convention");
    CHECK_STR(catalog_instrument_adopted_by(untoc), "General Assembly resolution 55/25");
    CHECK(catalog_instrument_open_for_signature(untoc, s_date("2000-12-12")));
    CHECK(catalog_instrument_open_for_signature(untoc, s_date("2002-12-12")));
    CHECK(!catalog_instrument_open_for_signature(untoc, s_date("2002-12-13")));
    CHECK(!catalog_instrument_open_for_signature(catalog_instrument_at(catalog, 3),
                                                 s_date("2001-06-29")));
}

static void
s_test_participants(const catalog_t *catalog)
{
    CHECK_INT(catalog_participant_count(catalog), 198);
    int states = 0, reios = 0, others = 0;
    for (size_t i = 0; i < catalog_participant_count(catalog); i++) {
        const catalog_participant_t *p = catalog_participant_at(catalog, i);
        /* Every participant resolves by id and by its own current name. */
        CHECK(catalog_participant_by_id(catalog, catalog_participant_id(p)) == p);
        CHECK(catalog_participant_find(catalog, catalog_participant_name(p)) == p);
        CHECK(strlen(catalog_participant_id(p)) < EVENT_PARTICIPANT_MAX);
        if (i > 0)
            CHECK(strcmp(catalog_participant_id(catalog_participant_at(catalog, i - 1)),
                         catalog_participant_id(p))
                  < 0);
        switch (catalog_participant_kind(p)) {
        case CATALOG_KIND_STATE:
            states++;
            break;
        case CATALOG_KIND_REIO:
            reios++;
            break;
        case CATALOG_KIND_OTHER:
            others++;
            break;
        }
    }
    CHECK_INT(states, 193);
    CHECK_INT(reios, 1);
    CHECK_INT(others, 4);
    CHECK(catalog_participant_at(catalog, 198) == NULL);

    /* UNTC names, ISO names, aliases, codes. */
    static const char *pairs[][2] = {
        {"St. Kitts and Nevis", "KNA"},
        {"Saint Kitts and Nevis", "KNA"},
        {"st kitts & nevis", "KNA"},
        {"Venezuela (Bolivarian Republic of)", "VEN"},
        {"Venezuela, Bolivarian Republic of", "VEN"},
        {"Venezuela", "VEN"},
        {"Micronesia (Federated States of)", "FSM"},
        {"Micronesia, Federated States of", "FSM"},
        {"Iran (Islamic Republic of)", "IRN"},
        {"Iran", "IRN"},
        {"Bolivia (Plurinational State of)", "BOL"},
        {"Bolivia", "BOL"},
        {"United Kingdom of Great Britain and Northern Ireland", "GBR"},
        {"United Kingdom", "GBR"},
        {"UK", "GBR"},
        {"Türkiye", "TUR"},
        {"Turkiye", "TUR"},
        {"TURKIYE", "TUR"},
        {"Republic of Türkiye", "TUR"},
        {"Czechia", "CZE"},
        {"Czech Republic", "CZE"},
        {"Côte d'Ivoire", "CIV"},
        {"Cote d'Ivoire", "CIV"},
        {"Cote d\xe2\x80\x99Ivoire", "CIV"},
        {"cote divoire", "CIV"},
        {"The Gambia", "GMB"},
        {"Gambia", "GMB"},
        {"Guinea Bissau", "GNB"},
        {"  guinea-bissau ", "GNB"},
        {"Korea, Republic of", "KOR"},
        {"Democratic People's Republic of Korea", "PRK"},
        {"Congo", "COG"},
        {"Congo, The Democratic Republic of the", "COD"},
        {"Democratic Republic of the Congo", "COD"},
        {"Holy See", "VAT"},
        {"Holy See (Vatican City State)", "VAT"},
        {"State of Palestine", "PSE"},
        {"Palestine, State of", "PSE"},
        {"Cook Islands", "COK"},
        {"Niue", "NIU"},
        {"European Union", "EU"},
        {"European Community", "EU"},
        {"eu", "EU"},
        {"United States of America", "USA"},
        {"U.S.A.", "USA"},
        {"usa", "USA"},
        {"US", "USA"},
        {"srb", "SRB"},
        {"RS", "SRB"},
        {"ARM", "ARM"},
        {"Åland Islands", "(none)"},
        {"Viet Nam", "VNM"},
        {"Vietnam", "VNM"},
        {"Lao People's Democratic Republic", "LAO"},
        {"Lao Peoples Democratic Republic", "LAO"},
        {"Republic of Moldova", "MDA"},
        {"Moldova, Republic of", "MDA"},
        {"Sao Tome and Principe", "STP"},
        {"São Tomé and Príncipe", "STP"},
        {"Timor-Leste", "TLS"},
        {"East Timor", "TLS"},
        {"St. Vincent and the Grenadines", "VCT"},
        {"Saint Vincent and the Grenadines", "VCT"},
        {"Saint Lucia", "LCA"},
        /* Former names. */
        {"Serbia and Montenegro", "SRB"},
        {"Yugoslavia", "SRB"},
        {"Federal Republic of Yugoslavia", "SRB"},
        {"the Federal Republic of Yugoslavia", "SRB"},
        {"YUG", "SRB"},
        {"SCG", "SRB"},
        {"Serbia", "SRB"},
        {"Montenegro", "MNE"},
        {"Swaziland", "SWZ"},
        {"Eswatini", "SWZ"},
        {"Turkey", "TUR"},
        {"The former Yugoslav Republic of Macedonia", "MKD"},
        {"North Macedonia", "MKD"},
        {"Cape Verde", "CPV"},
        {"Cabo Verde", "CPV"},
        {"Libyan Arab Jamahiriya", "LBY"},
        {"Libya", "LBY"},
        {"Burma", "MMR"},
        {"Zaire", "COD"},
        /* Not names. */
        {"", "(none)"},
        {"   ", "(none)"},
        {"Armenai", "(none)"},
        {"Korea", "(none)"},
        {"Atlantis", "(none)"},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        const char *got = s_id_of(catalog, pairs[i][0]);
        if (strcmp(got, pairs[i][1]) != 0)
            fprintf(stderr, "lookup '%s'\n", pairs[i][0]);
        CHECK_STR(got, pairs[i][1]);
    }
    CHECK(catalog_participant_find(catalog, NULL) == NULL);
    CHECK(catalog_participant_by_id(catalog, "srb") == catalog_participant_find(catalog, "Serbia"));
    CHECK(catalog_participant_by_id(catalog, "Serbia") == NULL);

    const catalog_participant_t *eu = catalog_participant_by_id(catalog, "EU");
    CHECK(eu && catalog_participant_is_reio(eu));
    CHECK(eu && catalog_participant_iso3(eu) == NULL);
    CHECK(eu && catalog_participant_iso2(eu) == NULL);
    const catalog_participant_t *tur = catalog_participant_by_id(catalog, "TUR");
    CHECK(tur && !catalog_participant_is_reio(tur));
    if (tur) {
        CHECK_STR(catalog_participant_iso3(tur), "TUR");
        CHECK_STR(catalog_participant_iso2(tur), "TR");
        CHECK_STR(catalog_participant_name(tur), "Türkiye");
        CHECK_INT(catalog_participant_kind(tur), CATALOG_KIND_STATE);
    }
    const catalog_participant_t *vat = catalog_participant_by_id(catalog, "VAT");
    CHECK(vat && catalog_participant_kind(vat) == CATALOG_KIND_OTHER);
    CHECK_STR(catalog_kind_name(CATALOG_KIND_REIO), "reio");
    CHECK_STR(catalog_kind_name((catalog_kind_t) 0), "");
}

static void
s_test_history(const catalog_t *catalog)
{
    static const char *cases[][3] = {
        {"SRB", "2001-09-06", "Yugoslavia"},
        {"SRB", "2003-02-03", "Yugoslavia"},
        {"SRB", "2003-02-04", "Serbia and Montenegro"},
        {"SRB", "2003-07-02", "Serbia and Montenegro"},
        {"SRB", "2006-06-02", "Serbia and Montenegro"},
        {"SRB", "2006-06-03", "Serbia"},
        {"SWZ", "2018-04-18", "Swaziland"},
        {"SWZ", "2018-04-19", "Eswatini"},
        {"MKD", "2019-02-13", "The former Yugoslav Republic of Macedonia"},
        {"MKD", "2019-02-14", "North Macedonia"},
        {"TUR", "2003-07-02", "Turkey"},
        {"TUR", "2022-05-31", "Turkey"},
        {"TUR", "2022-06-01", "Türkiye"},
        {"CPV", "2013-10-23", "Cape Verde"},
        {"CPV", "2013-10-24", "Cabo Verde"},
        {"LBY", "2011-09-15", "Libyan Arab Jamahiriya"},
        {"LBY", "2011-09-16", "Libya"},
        {"CZE", "2016-05-16", "Czech Republic"},
        {"CZE", "2016-05-17", "Czechia"},
        {"VEN", "2003-07-02", "Venezuela"},
        {"VEN", "2024-01-01", "Venezuela (Bolivarian Republic of)"},
        {"BOL", "2003-07-02", "Bolivia"},
        {"BOL", "2009-04-09", "Bolivia (Plurinational State of)"},
        {"EU", "2000-12-12", "European Community"},
        {"EU", "2009-12-01", "European Union"},
        {"KNA", "2003-07-02", "St. Kitts and Nevis"},
        {"GMB", "2003-07-02", "Gambia"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        CHECK_STR(s_name_at(catalog, cases[i][0], cases[i][1]), cases[i][2]);
    const catalog_participant_t *srb = catalog_participant_by_id(catalog, "SRB");
    if (!srb)
        return;
    CHECK_STR(catalog_participant_name_at(srb, RDATE_NONE), "Serbia");

    /* The seed's footnote: a change after the ratification (6 September
       2001), on or before the report date (2 July 2003). */
    catalog_rename_t renames[4];
    size_t n =
        catalog_participant_renames(srb, s_date("2001-09-06"), s_date("2003-07-02"), renames, 4);
    CHECK_INT(n, 1);
    char sentence[256];
    if (n == 1) {
        CHECK_INT(renames[0].date, s_date("2003-02-04"));
        CHECK_STR(renames[0].old_name, "Yugoslavia");
        CHECK_STR(renames[0].new_name, "Serbia and Montenegro");
        CHECK(renames[0].note == NULL);
        CHECK_INT(catalog_rename_sentence(&renames[0], sentence, sizeof sentence),
                  strlen(sentence));
        CHECK_STR(sentence, "On 4 February 2003, the Federal Republic of "
                            "Yugoslavia changed its name to Serbia and "
                            "Montenegro.");
    }
    n = catalog_participant_renames(srb, RDATE_NONE, s_date("2030-01-01"), renames, 4);
    CHECK_INT(n, 2);
    if (n == 2) {
        CHECK_STR(renames[1].old_name, "Serbia and Montenegro");
        CHECK_STR(renames[1].new_name, "Serbia");
        CHECK(renames[1].note != NULL);
    }
    /* Counting without room to write. */
    CHECK_INT(catalog_participant_renames(srb, RDATE_NONE, s_date("2030-01-01"), NULL, 0), 2);
    /* Bounds: after is exclusive, until inclusive. */
    CHECK_INT(
        catalog_participant_renames(srb, s_date("2003-02-04"), s_date("2006-06-03"), renames, 4),
        1);
    CHECK_INT(
        catalog_participant_renames(srb, s_date("2003-02-03"), s_date("2003-02-04"), renames, 4),
        1);
    const catalog_participant_t *tur = catalog_participant_by_id(catalog, "TUR");
    if (tur
        && catalog_participant_renames(tur, RDATE_NONE, s_date("2030-01-01"), renames, 4) == 1) {
        catalog_rename_sentence(&renames[0], sentence, sizeof sentence);
        CHECK_STR(sentence, "On 1 June 2022, Turkey changed its name to Türkiye.");
    }
    const catalog_participant_t *fra = catalog_participant_by_id(catalog, "FRA");
    CHECK(fra
          && catalog_participant_renames(fra, RDATE_NONE, s_date("2030-01-01"), renames, 4) == 0);
    /* A short buffer truncates and reports the full length. */
    if (catalog_participant_renames(srb, RDATE_NONE, s_date("2004-01-01"), renames, 4) == 1) {
        char small[8];
        int full = catalog_rename_sentence(&renames[0], small, sizeof small);
        CHECK(full > (int) sizeof small);
        CHECK_INT(strlen(small), sizeof small - 1);
    }
}

static void
s_test_suggestions(const catalog_t *catalog)
{
    catalog_suggestion_t out[5];
    size_t n = catalog_participant_suggest(catalog, "Armenai", out, 5);
    CHECK(n >= 1);
    if (n >= 1) {
        CHECK_STR(out[0].name, "Armenia");
        CHECK_STR(catalog_participant_id(out[0].participant), "ARM");
        CHECK_INT(out[0].distance, 1);
    }
    n = catalog_participant_suggest(catalog, "Swazilnd", out, 5);
    CHECK(n >= 1 && strcmp(out[0].name, "Swaziland") == 0);
    n = catalog_participant_suggest(catalog, "Venez", out, 5);
    CHECK(n >= 1 && strcmp(catalog_participant_id(out[0].participant), "VEN") == 0);
    n = catalog_participant_suggest(catalog, "Austira", out, 5);
    CHECK(n >= 1 && strcmp(out[0].name, "Austria") == 0);
    /* One entry per participant, best first. */
    n = catalog_participant_suggest(catalog, "Nigera", out, 5);
    CHECK(n >= 2);
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            CHECK(out[i].participant != out[j].participant);
    for (size_t i = 1; i < n; i++)
        CHECK(out[i - 1].distance <= out[i].distance);
    /* max is honoured. */
    CHECK(catalog_participant_suggest(catalog, "Nigera", out, 1) == 1);
    CHECK(catalog_participant_suggest(catalog, "Qqqqqqqqqqqq", out, 5) == 0);
    CHECK(catalog_participant_suggest(catalog, "", out, 5) == 0);
    CHECK(catalog_participant_suggest(catalog, "Armenai", out, 0) == 0);
}

/* Every numbered row of lists B to E of the seed annex resolves and shows
   as the seed prints it on 2 July 2003. */
static void
s_test_annex(const catalog_t *catalog)
{
    char path[PATH_SIZE];
    snprintf(path, sizeof path, "%s/tests/fixtures/a58-165-annex.txt", s_source);
    FILE *file = fopen(path, "r");
    CHECK(file != NULL);
    if (!file)
        return;
    char line[LINE_SIZE];
    int rows = 0;
    bool in_lists = false;
    rdate_t as_at = s_date("2003-07-02");
    while (fgets(line, sizeof line, file)) {
        if (strncmp(line, "B. ", 3) == 0)
            in_lists = true;
        int number, used = 0;
        if (!in_lists || sscanf(line, "%d. %n", &number, &used) != 1 || used == 0)
            continue;
        char *name = line + used;
        char *tab = strchr(name, '\t');
        if (!tab)
            continue;
        *tab = '\0';
        char *mark = strstr(name, " ^a");
        if (mark)
            *mark = '\0';
        rows++;
        const catalog_participant_t *p = catalog_participant_find(catalog, name);
        if (!p)
            fprintf(stderr, "annex name '%s' does not resolve\n", name);
        CHECK(p != NULL);
        if (p)
            CHECK_STR(catalog_participant_name_at(p, as_at), name);
    }
    fclose(file);
    CHECK_INT(rows, 40 + 28 + 27 + 4);
}

/* Every row of a CSV whose second column names a participant resolves;
   returns the number of rows. Counts rows per instrument column. */
static int
s_check_csv(const catalog_t *catalog, const char *path, int *per_instrument)
{
    FILE *file = fopen(path, "r");
    CHECK(file != NULL);
    if (!file)
        return 0;
    char line[LINE_SIZE];
    int rows = 0;
    bool header = true;
    while (fgets(line, sizeof line, file)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (header) {
            header = false;
            continue;
        }
        char *fields[4] = {0};
        char *save = NULL;
        int n = 0;
        for (char *f = strtok_r(line, ",", &save); f && n < 4; f = strtok_r(NULL, ",", &save))
            fields[n++] = f;
        CHECK_INT(n, 4);
        if (n != 4)
            continue;
        rows++;
        const catalog_instrument_t *inst = catalog_instrument_find(catalog, fields[0]);
        CHECK(inst != NULL);
        const catalog_participant_t *p = catalog_participant_find(catalog, fields[1]);
        if (!p)
            fprintf(stderr, "%s: '%s' does not resolve\n", path, fields[1]);
        CHECK(p != NULL);
        action_t action = action_parse(fields[2]);
        CHECK(action == ACTION_SIGNATURE || action == ACTION_RATIFICATION);
        rdate_t date;
        CHECK(rdate_parse(fields[3], &date) == 0);
        if (inst && action == ACTION_SIGNATURE)
            CHECK(catalog_instrument_open_for_signature(inst, date));
        for (size_t i = 0; inst && i < catalog_instrument_count(catalog); i++)
            if (catalog_instrument_at(catalog, i) == inst && action == ACTION_SIGNATURE)
                per_instrument[i]++;
    }
    fclose(file);
    return rows;
}

static void
s_test_data_files(const catalog_t *catalog)
{
    char path[PATH_SIZE];
    int signatures[4] = {0};
    snprintf(path, sizeof path, "%s/fixtures/signatures-to-2003-07-02.csv", s_data);
    CHECK_INT(s_check_csv(catalog, path, signatures), 428);
    CHECK_INT(signatures[0], 147);
    CHECK_INT(signatures[1], 117);
    CHECK_INT(signatures[2], 112);
    CHECK_INT(signatures[3], 52);
    int fixture[4] = {0};
    snprintf(path, sizeof path, "%s/fixtures/a58-165.csv", s_data);
    CHECK_INT(s_check_csv(catalog, path, fixture), 428 + 40 + 28 + 27 + 4);
    CHECK_INT(fixture[0], 147);
    CHECK_INT(fixture[3], 52);
}

/* ---- Broken catalogs -------------------------------------------------- */

static const char *s_good_instrument = "[X]\n"
                                       "reference = R-1\n"
                                       "title = T\n"
                                       "threshold = 3\n"
                                       "delay_days = 10\n";
static const char *s_good_participants = "# comment\n"
                                         "id\tkind\tiso3\tiso2\tname\n"
                                         "AAA\tstate\tAAA\tAA\tAland\n"
                                         "BBB\tstate\t-\t-\tBeeland\n"
                                         "EU\treio\t-\t-\tEuropean Union\n";

static void
s_write(const char *dir, const char *file, const char *text)
{
    char path[PATH_SIZE];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static void
s_remove(const char *dir, const char *file)
{
    char path[PATH_SIZE];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    unlink(path);
}

/* Loads dir's catalog; returns it (caller destroys) and copies the error. */
static catalog_t *
s_load(const char *dir, char *err, size_t errlen)
{
    char path[PATH_SIZE];
    snprintf(path, sizeof path, "%s/instruments.ini", dir);
    return catalog_load(path, NULL, err, errlen);
}

static void
s_expect_error(const char *dir, const char *instruments, const char *want, int want_line)
{
    s_write(dir, "instruments.ini", instruments);
    char err[CATALOG_ERR_SIZE] = "";
    catalog_t *catalog = s_load(dir, err, sizeof err);
    CHECK(catalog == NULL);
    catalog_destroy(&catalog);
    if (!strstr(err, want))
        fprintf(stderr, "error '%s' lacks '%s'\n", err, want);
    CHECK(strstr(err, want) != NULL);
    if (want_line > 0) {
        char where[64];
        snprintf(where, sizeof where, "instruments.ini:%d:", want_line);
        if (!strstr(err, where))
            fprintf(stderr, "error '%s' lacks '%s'\n", err, where);
        CHECK(strstr(err, where) != NULL);
    }
}

static void
s_expect_participant_error(const char *dir, const char *file, const char *text, const char *want)
{
    s_write(dir, "instruments.ini", s_good_instrument);
    s_write(dir, "participants.tsv", s_good_participants);
    s_write(dir, file, text);
    char err[CATALOG_ERR_SIZE] = "";
    catalog_t *catalog = s_load(dir, err, sizeof err);
    CHECK(catalog == NULL);
    catalog_destroy(&catalog);
    if (!strstr(err, want))
        fprintf(stderr, "error '%s' lacks '%s'\n", err, want);
    CHECK(strstr(err, want) != NULL);
    s_remove(dir, file);
}

static void
s_test_broken(void)
{
    char dir[] = "/tmp/test_catalog.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    s_write(dir, "participants.tsv", s_good_participants);

    /* A minimal good catalog, with the defaults of omitted keys. */
    s_write(dir, "instruments.ini", s_good_instrument);
    char err[CATALOG_ERR_SIZE] = "";
    catalog_t *catalog = s_load(dir, err, sizeof err);
    CHECK(catalog != NULL);
    if (!catalog)
        fprintf(stderr, "minimal catalog: %s\n", err);
    if (catalog) {
        const catalog_instrument_t *x = catalog_instrument_find(catalog, "x");
        CHECK(x != NULL);
        if (x) {
            const rules_rule_t *rule = catalog_instrument_rule(x);
            CHECK_INT(rule->later_party_days, 10);
            CHECK(!rule->first_of_next_month);
            CHECK(!rule->reio_counted);
            CHECK(rule->later_party_whichever_later);
            CHECK_INT(rule->denunciation_months, 12);
            CHECK_INT(rule->approaching_count, 0);
            CHECK_INT(catalog_instrument_adopted(x), RDATE_NONE);
            CHECK(catalog_instrument_open_for_signature(x, s_date("1900-01-01")));
            CHECK_STR(catalog_instrument_short_title(x), "T");
            CHECK(catalog_instrument_parent(x) == NULL);
        }
        CHECK_INT(catalog_participant_count(catalog), 3);
        CHECK_STR(s_id_of(catalog, "beeland"), "BBB");
        CHECK_STR(s_id_of(catalog, "aa"), "AAA");
        catalog_destroy(&catalog);
        CHECK(catalog == NULL);
    }

    s_expect_error(dir, "[X]\nreference = R-1\ntitle = T\ntreshold = 3\n",
                   "unknown key 'treshold' in [X]", 4);
    s_expect_error(dir, "[X]\nreference = R-1\ntitle = T\ndelay_days = 1\n", "[X] has no threshold",
                   1);
    s_expect_error(dir,
                   "[X]\nreference = R-1\ntitle = T\nthreshold = 3\n"
                   "delay_days = 1\nadopted = 2001-02-30\n",
                   "bad date '2001-02-30'", 6);
    s_expect_error(dir,
                   "[X]\nreference = R-1\ntitle = T\nthreshold = 3\n"
                   "threshold = 4\n",
                   "threshold given twice", 5);
    s_expect_error(dir, "[X]\nreference = R-1\ntitle = T\nthreshold = zero\n",
                   "bad number 'zero' for threshold", 4);
    s_expect_error(dir, "[X]\nreference = R-1\ntitle = T\nthreshold = 0\n",
                   "bad number '0' for threshold", 4);
    s_expect_error(dir,
                   "[X]\nreference = R-1\ntitle = T\nthreshold = 3\n"
                   "delay_days = 1\nreio_counted = maybe\n",
                   "bad boolean 'maybe'", 6);
    s_expect_error(dir,
                   "[X]\nreference = R-1\ntitle = T\nthreshold = 3\n"
                   "delay_days = 1\napproaching = 1, 1\n",
                   "bad approaching list", 6);
    s_expect_error(dir,
                   "[X]\nreference = R-1\ntitle = T\nthreshold = 3\n"
                   "delay_days = 1\napproaching = 5\n",
                   "approaching 5 is not below the threshold 3", 1);
    s_expect_error(dir, "reference = R-1\n", "before any [ID] section", 1);
    s_expect_error(dir, "# nothing\n", "no instruments", 0);
    s_expect_error(dir, "[X\n", "without ']'", 1);
    s_expect_error(dir, "[a b]\n", "bad instrument id 'a b'", 1);
    s_expect_error(dir, "[X]\nreference R-1\n", "expected `key = value`", 2);
    s_expect_error(dir,
                   "[X]\nreference = R-1\ntitle = T\nthreshold = 3\n"
                   "delay_days = 1\nparent = Y\n",
                   "parent 'Y' is not an instrument", 1);
    s_expect_error(dir,
                   "[X]\nreference = R-1\ntitle = T\nthreshold = 3\n"
                   "delay_days = 1\nparent = X\n",
                   "own parent", 1);
    s_expect_error(dir,
                   "[X]\nreference = R-1\ntitle = T\nthreshold = 3\n"
                   "delay_days = 1\n[Y]\nreference = r-1\ntitle = U\n"
                   "threshold = 3\ndelay_days = 1\n",
                   "'r-1' already names [X]", 6);
    s_expect_error(dir,
                   "[X]\nreference = R-1\ntitle = T\nthreshold = 3\n"
                   "delay_days = 1\nsignature_open = 2002-01-01\n"
                   "signature_close = 2001-01-01\n",
                   "signature_close is before signature_open", 1);

    s_expect_participant_error(dir, "participants.tsv", "id\tkind\tname\nAAA\tstate\tAland\n",
                               "participants.tsv:1: expected the header line");
    s_expect_participant_error(dir, "participants.tsv",
                               "id\tkind\tiso3\tiso2\tname\n"
                               "AAA\tcountry\tAAA\tAA\tAland\n",
                               "participants.tsv:2: bad kind 'country'");
    s_expect_participant_error(dir, "participants.tsv",
                               "id\tkind\tiso3\tiso2\tname\n"
                               "AAA\tstate\tAAA\tAA\tAland\n"
                               "aaa\tstate\t-\t-\tOther\n",
                               "participant id 'aaa' repeats line 2");
    s_expect_participant_error(dir, "participants.tsv",
                               "id\tkind\tiso3\tiso2\tname\n"
                               "AAA\tstate\tAAA\tAA\n",
                               "participants.tsv:2: expected 5 non-empty");
    s_expect_participant_error(dir, "participant-aliases.tsv",
                               "id\talias\tsource\nBBB\tÅland\tusual\n",
                               "participant-aliases.tsv:2: 'Åland' names BBB");
    s_expect_participant_error(dir, "participant-aliases.tsv",
                               "id\talias\tsource\nZZZ\tZed\tusual\n", "unknown participant 'ZZZ'");
    s_expect_participant_error(dir, "participant-names.tsv",
                               "id\tuntil\tname\tformal\tnote\n"
                               "AAA\t2001-13-01\tOld\t-\t-\n",
                               "participant-names.tsv:2: bad date '2001-13-01'");
    s_expect_participant_error(dir, "participant-names.tsv",
                               "id\tuntil\tname\tformal\tnote\n"
                               "AAA\t2001-01-01\tOld\t-\t-\n"
                               "AAA\t2001-01-01\tOlder\t-\t-\n",
                               "two names ending on 2001-01-01");

    /* Missing files. */
    s_remove(dir, "participants.tsv");
    s_write(dir, "instruments.ini", s_good_instrument);
    catalog = s_load(dir, err, sizeof err);
    CHECK(catalog == NULL);
    CHECK(strstr(err, "participants.tsv: no such file") != NULL);
    catalog = catalog_load("/nonexistent/instruments.ini", NULL, err, sizeof err);
    CHECK(catalog == NULL);
    CHECK(strstr(err, "/nonexistent/instruments.ini: no such file") != NULL);
    CHECK(catalog_load(NULL, NULL, NULL, 0) == NULL);

    catalog_destroy(&catalog);
    catalog_destroy(NULL);
    s_remove(dir, "instruments.ini");
    rmdir(dir);
}

static void
s_test_default(void)
{
    char path[PATH_SIZE], err[CATALOG_ERR_SIZE];
    snprintf(path, sizeof path, "%s/catalog/examples/first-of-month.ini", s_data);
    setenv("RATIFY_CATALOG", path, 1);
    catalog_t *catalog = catalog_load_default(err, sizeof err);
    CHECK(catalog != NULL);
    if (!catalog)
        fprintf(stderr, "first-of-month.ini: %s\n", err);
    if (catalog) {
        CHECK_STR(catalog_source(catalog), path);
        CHECK_INT(catalog_instrument_count(catalog), 1);
        const catalog_instrument_t *x = catalog_instrument_at(catalog, 0);
        const rules_rule_t *rule = catalog_instrument_rule(x);
        CHECK_INT(rule->threshold, 20);
        CHECK_INT(rule->delay_days, 60);
        CHECK(rule->first_of_next_month);
        CHECK(rule->later_party_first_of_next_month);
        /* Participants came from the shipped directory. */
        CHECK_INT(catalog_participant_count(catalog), 198);
        catalog_destroy(&catalog);
    }
    setenv("RATIFY_CATALOG", "/nonexistent/instruments.ini", 1);
    catalog = catalog_load_default(err, sizeof err);
    CHECK(catalog == NULL);
    CHECK(strstr(err, "RATIFY_CATALOG") != NULL);
    unsetenv("RATIFY_CATALOG");
    catalog = catalog_load_default(err, sizeof err);
    CHECK(catalog != NULL);
    if (!catalog)
        fprintf(stderr, "default catalog: %s\n", err);
    CHECK_INT(catalog_instrument_count(catalog), 4);
    catalog_destroy(&catalog);
}

int
main(void)
{
    const char *data = getenv("RATIFY_DATA");
    const char *source = getenv("RATIFY_SOURCE_DIR");
    snprintf(s_data, sizeof s_data, "%s", data ? data : "data");
    snprintf(s_source, sizeof s_source, "%s", source ? source : "..");

    char path[PATH_SIZE], err[CATALOG_ERR_SIZE] = "";
    snprintf(path, sizeof path, "%s/catalog/instruments.ini", s_data);
    catalog_t *catalog = catalog_load(path, NULL, err, sizeof err);
    CHECK(catalog != NULL);
    if (!catalog) {
        fprintf(stderr, "%s\n", err);
        return check_report("test_catalog");
    }
    s_test_instruments(catalog);
    s_test_participants(catalog);
    s_test_history(catalog);
    s_test_suggestions(catalog);
    s_test_annex(catalog);
    s_test_data_files(catalog);
    catalog_destroy(&catalog);
    CHECK(catalog == NULL);
    s_test_broken();
    s_test_default();
    return check_report("test_catalog");
}
