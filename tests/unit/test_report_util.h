/*  test_report_util.h: fixtures shared by the reporter's unit tests
    (test_report.c, test_report_formats.c), as static functions in the
    manner of check.h.

    - tru_setup: reads RATIFY_DATA / RATIFY_SOURCE_DIR (set by CTest) and
      loads the shipped catalog.
    - tru_load_events: turns a fixture CSV (instrument,participant,action,
      date, with names, not ids) into event_t, seq = data row number
      (1-based), appending to a growable array; `rename_from`/`rename_to`
      replace one participant name as read (the "Serbia" case).
    - tru_normalise: the normalisation under which the seed annex fixture is
      compared with the text renderer (see its comment).
    - tru_temp_catalog: writes a small catalog into a temporary directory,
      for the escaping and projection tests. */
#ifndef RATIFY_TEST_REPORT_UTIL_H
#define RATIFY_TEST_REPORT_UTIL_H

#include "catalog.h"
#include "csv.h"
#include "event.h"
#include "rdate.h"
#include "strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TRU_PATH_SIZE 1024

static char tru_data[TRU_PATH_SIZE];   /* <repo>/data */
static char tru_source[TRU_PATH_SIZE]; /* <repo> */

typedef struct {
    event_t *items;
    size_t count, cap;
} tru_events_t;

static inline rdate_t
tru_date(const char *text)
{
    rdate_t date = RDATE_NONE;
    if (rdate_parse(text, &date))
        fprintf(stderr, "bad test date %s\n", text);
    return date;
}

/* Returns the shipped catalog (caller destroys it), or NULL. */
static inline catalog_t *
tru_setup(void)
{
    const char *data = getenv("RATIFY_DATA");
    const char *source = getenv("RATIFY_SOURCE_DIR");
    if (!data || !source) {
        fprintf(stderr, "RATIFY_DATA and RATIFY_SOURCE_DIR must be set\n");
        return NULL;
    }
    snprintf(tru_data, sizeof tru_data, "%s", data);
    snprintf(tru_source, sizeof tru_source, "%s", source);
    char path[TRU_PATH_SIZE + 64], err[CATALOG_ERR_SIZE];
    snprintf(path, sizeof path, "%s/catalog/instruments.ini", tru_data);
    catalog_t *catalog = catalog_load(path, NULL, err, sizeof err);
    if (!catalog)
        fprintf(stderr, "catalog: %s\n", err);
    return catalog;
}

/* Appends one event; returns 0 or -1 when out of memory. */
static inline int
tru_push(tru_events_t *events, const event_t *ev)
{
    if (events->count == events->cap) {
        size_t cap = events->cap ? events->cap * 2 : 256;
        event_t *grown = realloc(events->items, cap * sizeof(event_t));
        if (!grown)
            return -1;
        events->items = grown;
        events->cap = cap;
    }
    events->items[events->count++] = *ev;
    return 0;
}

/* Builds an event of the shipped or a test catalog by ids. */
static inline event_t
tru_event(int64_t seq, const char *instrument, const char *participant, action_t action,
          const char *date)
{
    event_t ev;
    memset(&ev, 0, sizeof ev);
    ev.seq = seq;
    ev.action = action;
    snprintf(ev.instrument, sizeof ev.instrument, "%s", instrument);
    snprintf(ev.participant, sizeof ev.participant, "%s", participant);
    ev.date = tru_date(date);
    return ev;
}

/* Reads a fixture CSV under <repo>/data/fixtures into events, seq =
   first_seq + data row index. Returns the number of rows read, or -1 when
   the file is missing, malformed, or names something the catalog does not
   know. */
static inline int
tru_load_events(const catalog_t *catalog, const char *fixture, int64_t first_seq,
                const char *rename_from, const char *rename_to, tru_events_t *events)
{
    char path[TRU_PATH_SIZE + 128];
    snprintf(path, sizeof path, "%s/fixtures/%s", tru_data, fixture);
    FILE *file = fopen(path, "r");
    if (!file) {
        fprintf(stderr, "cannot open %s\n", path);
        return -1;
    }
    csv_t *csv = csv_new(file);
    int rows = 0, rc = 0;
    if (!csv || csv_next(csv) < 4) /* the header */
        rc = -1;
    while (rc == 0) {
        int n = csv_next(csv);
        if (n == 0)
            break;
        if (n < 4) {
            fprintf(stderr, "%s:%d: bad record\n", path, csv ? csv_line(csv) : 0);
            rc = -1;
            break;
        }
        const char *name = csv_field(csv, 1);
        if (rename_from && strcmp(name, rename_from) == 0)
            name = rename_to;
        const catalog_instrument_t *inst = catalog_instrument_find(catalog, csv_field(csv, 0));
        const catalog_participant_t *p = catalog_participant_find(catalog, name);
        action_t action = action_parse(csv_field(csv, 2));
        rdate_t date;
        if (!inst || !p || action == ACTION_NONE || rdate_parse(csv_field(csv, 3), &date)) {
            fprintf(stderr, "%s:%d: cannot resolve %s / %s\n", path, csv_line(csv),
                    csv_field(csv, 0), name);
            rc = -1;
            break;
        }
        event_t ev = tru_event(first_seq + rows, catalog_instrument_id(inst),
                               catalog_participant_id(p), action, "2000-01-01");
        ev.date = date;
        if (tru_push(events, &ev)) {
            rc = -1;
            break;
        }
        rows++;
    }
    csv_destroy(&csv);
    fclose(file);
    return rc ? -1 : rows;
}

/* Reads a whole file into a string the caller frees, or NULL. */
static inline char *
tru_read_file(const char *path)
{
    FILE *file = fopen(path, "rb");
    if (!file)
        return NULL;
    strbuf_t *buf = strbuf_new();
    char chunk[4096];
    size_t n;
    while (buf && (n = fread(chunk, 1, sizeof chunk, file)) > 0)
        strbuf_appendn(buf, chunk, n);
    fclose(file);
    char *text = strbuf_detach(buf);
    strbuf_destroy(&buf);
    return text;
}

/* The normalisation under which the seed's annex (tests/fixtures/
   a58-165-annex.txt, the seed text verbatim) and the text renderer are
   compared. Applied to both sides; each step only ever changes the
   fixture, and each undoes an artefact of the seed's print layout or a
   typo of the seed, never a difference of data:
   1. trailing white space is dropped from every line (table E's header
      and rows end in a stray tab; the file ends without a newline);
   2. blank lines are dropped (they only reflect the page layout);
   3. within one table, a repeat of the column header "State\tDate of
      ratification" is dropped: the seed repeats it after each page break
      (tables B and C), and a generated report has no pages;
   4. the footnote of table D lost its mark to a LaTeX superscript in the
      seed's text, " $^{^{\}it a}$ On ...": the line is read as "^a On ...";
   5. the same footnote misses the day, "On February 2003": read as "On 4
      February 2003", as the identical footnotes of tables B and C print.
   Returns a string the caller frees, or NULL when out of memory. */
static inline char *
tru_normalise(const char *text)
{
    static const char header[] = "State\tDate of ratification";
    static const char latex[] = "$^{^{\\}it ";
    static const char typo[] = "On February 2003, the Federal Republic";
    strbuf_t *out = strbuf_new();
    int headers_in_table = 0;
    const char *p = text;
    while (out && *p) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t) (eol - p) : strlen(p);
        const char *line = p;
        p += len + (eol ? 1 : 0);
        while (len > 0 && strchr(" \t\r", line[len - 1])) /* step 1 */
            len--;
        if (len == 0) /* step 2 */
            continue;
        /* A table starts with "B. Ratification..." (or "A. ..."). */
        if (len > 3 && line[0] >= 'A' && line[0] <= 'Z' && line[1] == '.' && line[2] == ' ')
            headers_in_table = 0;
        if (len == sizeof header - 1 && memcmp(line, header, len) == 0
            && headers_in_table++ > 0) /* step 3 */
            continue;
        strbuf_t *fixed = strbuf_new();
        if (!fixed)
            break;
        const char *start = line;
        size_t rest = len;
        while (rest > 0 && *start == ' ') {
            start++;
            rest--;
        }
        if (rest > sizeof latex - 1 && memcmp(start, latex, sizeof latex - 1) == 0) { /* step 4 */
            const char *mark = start + sizeof latex - 1;
            const char *close = memchr(mark, '}', rest - (sizeof latex - 1));
            if (close && close[1] == '$') {
                strbuf_putc(fixed, '^');
                strbuf_appendn(fixed, mark, (size_t) (close - mark));
                strbuf_appendn(fixed, close + 2, (size_t) (line + len - (close + 2)));
            }
            else
                strbuf_appendn(fixed, line, len);
        }
        else
            strbuf_appendn(fixed, line, len);
        const char *f = strbuf_data(fixed);
        const char *hit = strstr(f, typo); /* step 5 */
        if (hit) {
            strbuf_appendn(out, f, (size_t) (hit - f));
            strbuf_append(out, "On 4 February 2003, the Federal Republic");
            strbuf_append(out, hit + sizeof typo - 1);
        }
        else
            strbuf_append(out, f);
        strbuf_putc(out, '\n');
        strbuf_destroy(&fixed);
    }
    char *result = strbuf_detach(out);
    strbuf_destroy(&out);
    return result;
}

/* Compares two texts line by line; prints the first difference. Returns
   true when equal. */
static inline bool
tru_same_text(const char *got, const char *want, const char *what)
{
    if (!got || !want) {
        fprintf(stderr, "%s: missing text\n", what);
        return false;
    }
    int line = 1;
    const char *g = got, *w = want;
    while (*g && *w) {
        const char *ge = strchr(g, '\n'), *we = strchr(w, '\n');
        size_t gl = ge ? (size_t) (ge - g) : strlen(g);
        size_t wl = we ? (size_t) (we - w) : strlen(w);
        if (gl != wl || memcmp(g, w, gl) != 0) {
            fprintf(stderr, "%s: line %d differs:\n  got:  %.*s\n  want: %.*s\n", what, line,
                    (int) gl, g, (int) wl, w);
            return false;
        }
        g += gl + (ge ? 1 : 0);
        w += wl + (we ? 1 : 0);
        line++;
    }
    if (*g || *w) {
        fprintf(stderr,
                "%s: line %d: one text is longer:\n  got:  %.60s\n"
                "  want: %.60s\n",
                what, line, g, w);
        return false;
    }
    return true;
}

/* Writes name = content into dir. Returns 0 or -1. */
static inline int
tru_write(const char *dir, const char *name, const char *content)
{
    char path[TRU_PATH_SIZE + 64];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *file = fopen(path, "w");
    if (!file)
        return -1;
    int rc = fputs(content, file) < 0 ? -1 : 0;
    if (fclose(file))
        rc = -1;
    return rc;
}

/* Removes the files tru_temp_catalog wrote and the directory. */
static inline void
tru_remove_temp(const char *dir)
{
    static const char *names[] = {"instruments.ini", CATALOG_PARTICIPANTS_FILE, CATALOG_NAMES_FILE};
    char path[TRU_PATH_SIZE + 64];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

/* Writes instruments.ini and participants.tsv (and participant-names.tsv
   when names is not NULL) into a new temporary directory whose path goes
   into dir (TRU_PATH_SIZE bytes), and loads them. Returns the catalog
   (caller destroys it, then calls tru_remove_temp), or NULL. */
static inline catalog_t *
tru_temp_catalog(const char *ini, const char *participants, const char *names, char *dir)
{
    snprintf(dir, TRU_PATH_SIZE, "/tmp/ratify-report-XXXXXX");
    if (!mkdtemp(dir))
        return NULL;
    if (tru_write(dir, "instruments.ini", ini)
        || tru_write(dir, CATALOG_PARTICIPANTS_FILE, participants)
        || (names && tru_write(dir, CATALOG_NAMES_FILE, names))) {
        tru_remove_temp(dir);
        return NULL;
    }
    char path[TRU_PATH_SIZE + 64], err[CATALOG_ERR_SIZE];
    snprintf(path, sizeof path, "%s/instruments.ini", dir);
    catalog_t *catalog = catalog_load(path, NULL, err, sizeof err);
    if (!catalog) {
        fprintf(stderr, "test catalog: %s\n", err);
        tru_remove_temp(dir);
    }
    return catalog;
}

#endif
