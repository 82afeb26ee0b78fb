/*  csv: a character-at-a-time state machine; one buffer holds the current
    record's fields back to back, NUL-separated. O(record) per call. */
#include "csv.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct _csv_t {
    FILE *file;
    int line;        /* line the next record starts on */
    int record_line; /* line the current record started on */
    bool started;    /* past the optional byte-order mark */
    char *buf;       /* fields, NUL-terminated, back to back */
    size_t used;
    size_t cap;
    int offsets[CSV_FIELDS_MAX];
    int nfields;
    char error[160];
};

csv_t *
csv_new(FILE *file)
{
    csv_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->file = file;
    self->line = 1;
    self->cap = 1024;
    self->buf = malloc(self->cap);
    if (!self->buf)
        csv_destroy(&self);
    return self;
}

void
csv_destroy(csv_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free((*self_p)->buf);
    free(*self_p);
    *self_p = NULL;
}

static int
s_put(csv_t *self, char c)
{
    if (self->used + 1 > self->cap) {
        size_t cap = self->cap * 2;
        char *grown = realloc(self->buf, cap);
        if (!grown)
            return -1;
        self->buf = grown;
        self->cap = cap;
    }
    self->buf[self->used++] = c;
    return 0;
}

/* Skips the rest of a broken record so reading can resume. */
static int
s_fail(csv_t *self, int c, const char *why)
{
    snprintf(self->error, sizeof self->error, "line %d: %s", self->record_line, why);
    while (c != EOF && c != '\n')
        c = fgetc(self->file);
    if (c == '\n')
        self->line++;
    return -1;
}

int
csv_next(csv_t *self)
{
    if (!self->started) {
        self->started = true;
        int c1 = fgetc(self->file);
        if (c1 == 0xEF) {
            int c2 = fgetc(self->file), c3 = fgetc(self->file);
            if (c2 != 0xBB || c3 != 0xBF) {
                snprintf(self->error, sizeof self->error, "line 1: not UTF-8 text");
                return -1;
            }
        }
        else if (c1 != EOF)
            ungetc(c1, self->file);
    }
    for (;;) { /* skip blank lines */
        int c = fgetc(self->file);
        if (c == EOF)
            return 0;
        if (c == '\r') {
            int n = fgetc(self->file);
            if (n == '\n') {
                self->line++;
                continue;
            }
            if (n != EOF)
                ungetc(n, self->file);
        }
        if (c == '\n') {
            self->line++;
            continue;
        }
        ungetc(c, self->file);
        break;
    }
    self->record_line = self->line;
    self->used = 0;
    self->nfields = 0;
    size_t field_start = 0;
    bool quoted = false, was_quoted = false;
    for (;;) {
        int c = fgetc(self->file);
        if (quoted) {
            if (c == EOF)
                return s_fail(self, c, "unterminated quoted field");
            if (c == '"') {
                int n = fgetc(self->file);
                if (n == '"')
                    c = '"';
                else {
                    quoted = false;
                    if (n != EOF)
                        ungetc(n, self->file);
                    continue;
                }
            }
            else if (c == '\n')
                self->line++;
        }
        else if (c == '"') {
            if (self->used != field_start || was_quoted)
                return s_fail(self, c, "a quote inside an unquoted field");
            quoted = was_quoted = true;
            continue;
        }
        else if (c == ',' || c == '\n' || c == '\r' || c == EOF) {
            if (c == '\r') {
                int n = fgetc(self->file);
                if (n != '\n')
                    return s_fail(self, n, "a carriage return inside a record");
                c = '\n';
            }
            if (self->nfields == CSV_FIELDS_MAX)
                return s_fail(self, c, "too many fields");
            if (s_put(self, '\0') != 0)
                return s_fail(self, c, "out of memory");
            self->offsets[self->nfields++] = (int) field_start;
            field_start = self->used;
            was_quoted = false;
            if (c == ',')
                continue;
            if (c == '\n')
                self->line++;
            return self->nfields;
        }
        else if (was_quoted)
            return s_fail(self, c, "text after a closing quote");
        if (self->used - field_start >= CSV_FIELD_MAX)
            return s_fail(self, c, "a field is longer than 4096 bytes");
        if (c == '\0')
            return s_fail(self, c, "a NUL byte in the text");
        if (s_put(self, (char) c) != 0)
            return s_fail(self, c, "out of memory");
    }
}

const char *
csv_field(const csv_t *self, int i)
{
    if (i < 0 || i >= self->nfields)
        return "";
    return self->buf + self->offsets[i];
}

int
csv_line(const csv_t *self)
{
    return self->record_line;
}

const char *
csv_error(const csv_t *self)
{
    return self->error;
}
