/*  csv: a strict, bounded CSV reader (RFC 4180).

    Fields may be quoted ("a, b" and "say ""hi"""), records end in LF or
    CRLF, a UTF-8 byte-order mark before the header is skipped, and blank
    lines are skipped. A field longer than CSV_FIELD_MAX bytes or a record
    of more than CSV_FIELDS_MAX fields is an error naming the line, so a
    hostile file cannot make the reader grow without bound. */
#ifndef RATIFY_CSV_H
#define RATIFY_CSV_H

#include <stddef.h>
#include <stdio.h>

#define CSV_FIELD_MAX  4096
#define CSV_FIELDS_MAX 64

typedef struct _csv_t csv_t;

/* Returns a reader over `file` (borrowed: the caller closes it after
   destroying the reader), or NULL when out of memory. */
csv_t *csv_new(FILE *file);

/* Destroys the reader; accepts NULL and sets *self_p to NULL. */
void csv_destroy(csv_t **self_p);

/* Reads the next record. Returns its number of fields (>= 1), 0 at end of
   file, or -1 on a malformed record (csv_error says why; reading may go on
   from the next line). */
int csv_next(csv_t *self);

/* Returns field i of the current record ("" when out of range). Borrowed,
   valid until the next csv_next. */
const char *csv_field(const csv_t *self, int i);

/* Returns the line number where the current record starts (1-based). */
int csv_line(const csv_t *self);

/* Returns the reason of the last -1 from csv_next. Borrowed. */
const char *csv_error(const csv_t *self);

#endif
