/*  test_csv: the bounded CSV reader (common/csv.h) over in-memory files.

    Every case feeds bytes through fmemopen, so the reader sees exactly what
    a file would give it: quoting, doubled quotes, CRLF and embedded line
    breaks, the byte-order mark, blank lines, and every malformed record the
    reader refuses (with the line, and with reading resuming where it can),
    up to the limits CSV_FIELD_MAX and CSV_FIELDS_MAX. */
#include "check.h"
#include "csv.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* A reader over `size` bytes of `text`. */
typedef struct {
    FILE *file;
    csv_t *csv;
    char *copy;
} s_reader_t;

static void
s_open(s_reader_t *r, const char *text, size_t size)
{
    /* fmemopen refuses a zero-length buffer on some libcs: keep one byte
       and open only `size` of it */
    r->copy = malloc(size + 1);
    memcpy(r->copy, text, size);
    r->copy[size] = '\0';
    r->file = size ? fmemopen(r->copy, size, "r") : fopen("/dev/null", "r");
    CHECK(r->file != NULL);
    r->csv = csv_new(r->file);
    CHECK(r->csv != NULL);
}

static void
s_close(s_reader_t *r)
{
    csv_destroy(&r->csv);
    CHECK(r->csv == NULL);
    fclose(r->file);
    free(r->copy);
}

#define OPEN(r, literal) s_open((r), (literal), sizeof(literal) - 1)

/* Reads one record and checks it is exactly the n fields given. */
static void
s_expect(s_reader_t *r, int line, int n, const char *const *fields)
{
    const int got = csv_next(r->csv);
    if (got < 0)
        fprintf(stderr, "unexpected error: %s\n", csv_error(r->csv));
    CHECK_INT(got, n);
    CHECK_INT(csv_line(r->csv), line);
    for (int i = 0; got == n && i < n; i++)
        CHECK_STR(csv_field(r->csv, i), fields[i]);
}

#define EXPECT(r, line, ...)                                                                       \
    do {                                                                                           \
        const char *const f_[] = {__VA_ARGS__};                                                    \
        s_expect((r), (line), (int) (sizeof f_ / sizeof f_[0]), f_);                               \
    } while (0)

/* Reads one record and checks it is refused, naming `line` and `why`. */
static void
s_expect_error(s_reader_t *r, int line, const char *why)
{
    CHECK_INT(csv_next(r->csv), -1);
    char want[64];
    snprintf(want, sizeof want, "line %d: ", line);
    const char *msg = csv_error(r->csv);
    if (strncmp(msg, want, strlen(want)) != 0 || !strstr(msg, why)) {
        fprintf(stderr, "error \"%s\", want \"%s...%s\"\n", msg, want, why);
        CHECK(false);
    }
    else
        CHECK(true);
}

static void
s_expect_end(s_reader_t *r)
{
    CHECK_INT(csv_next(r->csv), 0);
    CHECK_INT(csv_next(r->csv), 0); /* and stays there */
}

/* ---- well-formed files --------------------------------------------------- */

static void
test_plain(void)
{
    s_reader_t r;
    OPEN(&r, "instrument,participant,action,date\n"
             "UNTOC,Armenia,ratification,2003-07-01\n"
             "TIP,,signature,2000-12-12\n"
             ",\n"
             "last,line,without,newline");
    EXPECT(&r, 1, "instrument", "participant", "action", "date");
    EXPECT(&r, 2, "UNTOC", "Armenia", "ratification", "2003-07-01");
    EXPECT(&r, 3, "TIP", "", "signature", "2000-12-12");
    EXPECT(&r, 4, "", "");
    EXPECT(&r, 5, "last", "line", "without", "newline");
    CHECK_STR(csv_field(r.csv, 4), ""); /* out of range */
    CHECK_STR(csv_field(r.csv, -1), "");
    CHECK_STR(csv_field(r.csv, 1000), "");
    s_expect_end(&r);
    s_close(&r);

    /* spaces are data; a trailing comma is an empty last field */
    OPEN(&r, " a , b ,\n");
    EXPECT(&r, 1, " a ", " b ", "");
    s_expect_end(&r);
    s_close(&r);
}

static void
test_quoted(void)
{
    s_reader_t r;
    OPEN(&r, "\"Bosnia and Herzegovina\",\"Korea, Republic of\",x\n"
             "\"say \"\"hi\"\"\",\"\"\"\",\"\"\n"
             "\"\",\"a\"\"\"\"b\"\n"
             "plain,\"mixed, \"\"quoted\"\"\",end\n");
    EXPECT(&r, 1, "Bosnia and Herzegovina", "Korea, Republic of", "x");
    EXPECT(&r, 2, "say \"hi\"", "\"", "");
    EXPECT(&r, 3, "", "a\"\"b");
    EXPECT(&r, 4, "plain", "mixed, \"quoted\"", "end");
    s_expect_end(&r);
    s_close(&r);

    /* a line break inside quotes belongs to the field, and the record's
       line is where it started */
    OPEN(&r, "id,note\n"
             "1,\"first line\nsecond line\"\n"
             "2,\"crlf\r\ninside\"\r\n"
             "3,\"\n\n\"\n"
             "4,after\n");
    EXPECT(&r, 1, "id", "note");
    EXPECT(&r, 2, "1", "first line\nsecond line");
    EXPECT(&r, 4, "2", "crlf\r\ninside");
    EXPECT(&r, 6, "3", "\n\n");
    EXPECT(&r, 9, "4", "after");
    s_expect_end(&r);
    s_close(&r);

    /* UTF-8 passes through as bytes */
    OPEN(&r, "T\xc3\xbcrkiye,\"C\xc3\xb4te d'Ivoire\"\n");
    EXPECT(&r, 1, "T\xc3\xbcrkiye", "C\xc3\xb4te d'Ivoire");
    s_expect_end(&r);
    s_close(&r);
}

static void
test_line_ends(void)
{
    s_reader_t r;
    OPEN(&r, "a,b\r\nc,d\r\n\r\ne,f\r\n");
    EXPECT(&r, 1, "a", "b");
    EXPECT(&r, 2, "c", "d");
    EXPECT(&r, 4, "e", "f");
    s_expect_end(&r);
    s_close(&r);

    /* blank lines anywhere, LF or CRLF, are skipped and counted */
    OPEN(&r, "\n\r\n\nh1,h2\n\n\n1,2\n\n");
    EXPECT(&r, 4, "h1", "h2");
    EXPECT(&r, 7, "1", "2");
    s_expect_end(&r);
    s_close(&r);

    /* a lone CR inside a record is refused; the next line reads */
    OPEN(&r, "a\rb,c\nd,e\n");
    s_expect_error(&r, 1, "carriage return");
    EXPECT(&r, 2, "d", "e");
    s_expect_end(&r);
    s_close(&r);
    OPEN(&r, "a,b\r");
    s_expect_error(&r, 1, "carriage return");
    s_expect_end(&r);
    s_close(&r);
}

static void
test_bom(void)
{
    s_reader_t r;
    OPEN(&r, "\xef\xbb\xbfinstrument,date\nUNTOC,2003-07-01\n");
    EXPECT(&r, 1, "instrument", "date");
    EXPECT(&r, 2, "UNTOC", "2003-07-01");
    s_expect_end(&r);
    s_close(&r);

    /* a BOM and then a quoted field, a BOM alone, a BOM before blank lines */
    OPEN(&r, "\xef\xbb\xbf\"q\",x\n");
    EXPECT(&r, 1, "q", "x");
    s_close(&r);
    OPEN(&r, "\xef\xbb\xbf");
    s_expect_end(&r);
    s_close(&r);
    OPEN(&r, "\xef\xbb\xbf\n\na\n");
    EXPECT(&r, 3, "a");
    s_close(&r);

    /* only at the start: later it is data */
    OPEN(&r, "a\n\xef\xbb\xbf"
             "b\n");
    EXPECT(&r, 1, "a");
    EXPECT(&r, 2,
           "\xef\xbb\xbf"
           "b");
    s_close(&r);

    /* a broken BOM is refused */
    OPEN(&r, "\xef\xbb"
             "a,b\n");
    s_expect_error(&r, 1, "UTF-8");
    s_close(&r);
}

static void
test_empty_and_header_only(void)
{
    s_reader_t r;
    s_open(&r, "", 0);
    s_expect_end(&r);
    s_close(&r);
    OPEN(&r, "\n\n\r\n");
    s_expect_end(&r);
    s_close(&r);
    OPEN(&r, "instrument,participant,action,date\n");
    EXPECT(&r, 1, "instrument", "participant", "action", "date");
    s_expect_end(&r);
    s_close(&r);
    OPEN(&r, "instrument,participant,action,date");
    EXPECT(&r, 1, "instrument", "participant", "action", "date");
    s_expect_end(&r);
    s_close(&r);
}

/* ---- malformed records ---------------------------------------------------- */

static void
test_malformed(void)
{
    s_reader_t r;
    /* text after a closing quote: refused, the rest of the line skipped */
    OPEN(&r, "\"a\"b,c\nd,e\n\"x\" ,y\nf\n");
    s_expect_error(&r, 1, "after a closing quote");
    EXPECT(&r, 2, "d", "e");
    s_expect_error(&r, 3, "after a closing quote");
    EXPECT(&r, 4, "f");
    s_expect_end(&r);
    s_close(&r);

    /* a quote inside an unquoted field */
    OPEN(&r, "ab\"c,d\nok\n");
    s_expect_error(&r, 1, "quote inside an unquoted field");
    EXPECT(&r, 2, "ok");
    s_expect_end(&r);
    s_close(&r);

    /* an unterminated quote: the field runs to the end of the file, so it
       swallows every later line and the error is the last thing read */
    OPEN(&r, "h\n\"never closed,x\ny,z\n");
    EXPECT(&r, 1, "h");
    s_expect_error(&r, 2, "unterminated quoted field");
    s_expect_end(&r);
    s_close(&r);
    OPEN(&r, "a,\"b");
    s_expect_error(&r, 1, "unterminated");
    s_expect_end(&r);
    s_close(&r);

    /* a NUL byte, quoted or not */
    static const char nul[] = "a,b\0c\nd\n\"x\0\"\ne\n";
    s_open(&r, nul, sizeof nul - 1);
    s_expect_error(&r, 1, "NUL");
    EXPECT(&r, 2, "d");
    s_expect_error(&r, 3, "NUL");
    EXPECT(&r, 4, "e");
    s_expect_end(&r);
    s_close(&r);

    /* errors after good records keep the right line numbers */
    OPEN(&r, "1\n\n\"multi\nline\"\n\"bad\"x\n5\n");
    EXPECT(&r, 1, "1");
    EXPECT(&r, 3, "multi\nline");
    s_expect_error(&r, 5, "after a closing quote");
    EXPECT(&r, 6, "5");
    s_close(&r);
}

static void
test_limits(void)
{
    s_reader_t r;
    /* CSV_FIELDS_MAX fields are fine, one more is refused */
    char text[CSV_FIELDS_MAX * 4 + 64];
    size_t n = 0;
    for (int i = 0; i < CSV_FIELDS_MAX; i++)
        n += (size_t) snprintf(text + n, sizeof text - n, "%s%d", i ? "," : "", i % 10);
    n += (size_t) snprintf(text + n, sizeof text - n, "\n");
    for (int i = 0; i <= CSV_FIELDS_MAX; i++)
        n += (size_t) snprintf(text + n, sizeof text - n, "%s%d", i ? "," : "", i % 10);
    n += (size_t) snprintf(text + n, sizeof text - n, "\nafter\n");
    s_open(&r, text, n);
    CHECK_INT(csv_next(r.csv), CSV_FIELDS_MAX);
    CHECK_STR(csv_field(r.csv, CSV_FIELDS_MAX - 1), "3");
    s_expect_error(&r, 2, "too many fields");
    EXPECT(&r, 3, "after");
    s_expect_end(&r);
    s_close(&r);

    /* a field of CSV_FIELD_MAX bytes is fine, one more is refused, quoted
       or not */
    const size_t big = CSV_FIELD_MAX + 1;
    char *buf = malloc(4 * big + 64);
    n = 0;
    memset(buf + n, 'x', CSV_FIELD_MAX);
    n += CSV_FIELD_MAX;
    buf[n++] = ',';
    buf[n++] = 'y';
    buf[n++] = '\n';
    memset(buf + n, 'z', big);
    n += big;
    buf[n++] = '\n';
    buf[n++] = '"';
    memset(buf + n, 'q', big);
    n += big;
    buf[n++] = '"';
    buf[n++] = '\n';
    memcpy(buf + n, "ok\n", 3);
    n += 3;
    s_open(&r, buf, n);
    CHECK_INT(csv_next(r.csv), 2);
    CHECK_INT(strlen(csv_field(r.csv, 0)), CSV_FIELD_MAX);
    CHECK_STR(csv_field(r.csv, 1), "y");
    s_expect_error(&r, 2, "longer than");
    s_expect_error(&r, 3, "longer than");
    EXPECT(&r, 4, "ok");
    s_expect_end(&r);
    s_close(&r);

    /* the largest record the reader holds: every field at its maximum */
    n = 0;
    char *huge = malloc((size_t) CSV_FIELDS_MAX * (CSV_FIELD_MAX + 1) + 2);
    for (int i = 0; i < CSV_FIELDS_MAX; i++) {
        memset(huge + n, 'a' + i % 26, CSV_FIELD_MAX);
        n += CSV_FIELD_MAX;
        huge[n++] = i + 1 < CSV_FIELDS_MAX ? ',' : '\n';
    }
    s_open(&r, huge, n);
    CHECK_INT(csv_next(r.csv), CSV_FIELDS_MAX);
    int full = 0;
    for (int i = 0; i < CSV_FIELDS_MAX; i++)
        full +=
            strlen(csv_field(r.csv, i)) == CSV_FIELD_MAX && csv_field(r.csv, i)[0] == 'a' + i % 26;
    CHECK_INT(full, CSV_FIELDS_MAX);
    s_expect_end(&r);
    s_close(&r);
    free(huge);
    free(buf);
}

/* The shipped fixtures read without an error and with the same number of
   fields on every line. */
static void
test_fixtures(void)
{
    const char *data = getenv("RATIFY_DATA");
    if (!data) {
        fprintf(stderr, "RATIFY_DATA is not set (CTest sets it)\n");
        CHECK(data != NULL);
        return;
    }
    static const char *files[] = {"fixtures/a58-165.csv", "fixtures/signatures-to-2003-07-02.csv"};
    for (int i = 0; i < 2; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", data, files[i]);
        FILE *f = fopen(path, "r");
        CHECK(f != NULL);
        if (!f)
            continue;
        csv_t *csv = csv_new(f);
        int records = 0, header = 0, odd = 0, rc;
        while ((rc = csv_next(csv)) != 0) {
            if (rc < 0) {
                fprintf(stderr, "%s: %s\n", path, csv_error(csv));
                odd++;
                continue;
            }
            if (records++ == 0)
                header = rc;
            else if (rc != header)
                odd++;
        }
        CHECK_INT(odd, 0);
        CHECK(records > 100);
        csv_destroy(&csv);
        fclose(f);
    }
    csv_destroy(NULL);
}

int
main(void)
{
    test_plain();
    test_quoted();
    test_line_ends();
    test_bom();
    test_empty_and_header_only();
    test_malformed();
    test_limits();
    test_fixtures();
    return check_report("test_csv");
}
