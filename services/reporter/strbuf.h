/*  strbuf: a growable, NUL-terminated string buffer for the renderers.

    Every renderer writes its whole document into one strbuf. An append that
    runs out of memory does not fail the call site: the buffer remembers the
    failure ("sticky"), ignores every later append, and the renderer checks
    strbuf_failed once at the end. Straight-line rendering code thus needs no
    error branch per line, and a failed render never returns half a
    document as if it were whole.

    Growth doubles the capacity, so n appends cost O(total length)
    amortised. A buffer never grows past STRBUF_MAX_BYTES: a report of the
    seed is a few hundred kilobytes, the annex of a 100,000-event history
    35 MB in JSON; a runaway loop fails instead of eating memory. */
#ifndef RATIFY_STRBUF_H
#define RATIFY_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* The largest text a buffer holds, NUL excluded. */
#define STRBUF_MAX_BYTES ((size_t) 64 * 1024 * 1024)

typedef struct _strbuf_t strbuf_t;

/* Returns a new, empty buffer, or NULL when out of memory. Caller owns it
   and must destroy it with strbuf_destroy. */
strbuf_t *strbuf_new(void);

/* Destroys the buffer and sets *self_p to NULL. Accepts NULL and a pointer
   to NULL. */
void strbuf_destroy(strbuf_t **self_p);

/* Appends len bytes of text (which need not be NUL-terminated). Returns 0,
   or -1 when memory (or STRBUF_MAX_BYTES) ran out now or earlier: then the
   buffer is marked failed and keeps its previous text. */
int strbuf_appendn(strbuf_t *self, const char *text, size_t len);

/* Appends a NUL-terminated string. Returns as strbuf_appendn. */
int strbuf_append(strbuf_t *self, const char *text);

/* Appends one byte. Returns as strbuf_appendn. */
int strbuf_putc(strbuf_t *self, char c);

/* Appends printf-style formatted text. Returns as strbuf_appendn (-1 also
   for a format error). */
int strbuf_appendf(strbuf_t *self, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

/* Same as strbuf_appendf with a va_list. */
int strbuf_vappendf(strbuf_t *self, const char *format, va_list args)
    __attribute__((format(printf, 2, 0)));

/* Returns the text so far, NUL-terminated; "" when empty. Owned by the
   buffer, valid until its next append, reset or destroy. */
const char *strbuf_data(const strbuf_t *self);

/* Returns the length of the text in bytes, NUL excluded. */
size_t strbuf_len(const strbuf_t *self);

/* Returns true when an append has failed since creation or the last
   strbuf_reset. */
bool strbuf_failed(const strbuf_t *self);

/* Marks the buffer failed, as an append that ran out of memory does (a
   renderer whose scratch buffer failed passes the failure on). */
void strbuf_fail(strbuf_t *self);

/* Empties the buffer and clears its failure mark; keeps the memory. */
void strbuf_reset(strbuf_t *self);

/* Returns the text as a string the caller owns (free it), leaving the
   buffer empty; NULL when the buffer has failed or memory runs out. */
char *strbuf_detach(strbuf_t *self);

#endif
