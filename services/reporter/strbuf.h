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
    35 MB in JSON; a runaway loop fails instead of eating memory.

    Spilling. A buffer made with strbuf_new_spill keeps its text in memory
    up to mem_max bytes; the append that would pass mem_max moves the text
    to an anonymous temporary file in the given directory (O_TMPFILE, or
    mkstemp and an immediate unlink where the file system lacks it: no name
    is left behind -- but for a crash between those two calls, which can
    leave a ".ratify-spill-XXXXXX" -- and the space comes back when the
    last descriptor closes), frees the memory, and from then on every append goes to the
    file through a write buffer of STRBUF_SPILL_WRITE_BYTES. A spilled
    buffer may reach STRBUF_SPILL_MAX_BYTES (then EFBIG), and never takes
    the last STRBUF_SPILL_RESERVE_BYTES of its file system (then ENOSPC):
    the directory may be the one the services' databases live in. A file
    that cannot be made or written (no such directory, disk full, EIO) fails
    the buffer as running
    out of memory does, and strbuf_errno says why. The text of a spilled
    buffer is not in memory: strbuf_data and strbuf_detach return NULL, and
    strbuf_detach_fd hands the file over. So a spill buffer is for a
    document that is only appended to and then sent whole; scratch buffers
    that are read back stay strbuf_new.

        strbuf_t *out = strbuf_new_spill(dir, 8 << 20);
        render(report, out);
        if (strbuf_spilled(out) && strbuf_detach_fd(out, &fd, &len) == 0)
            send the file (len bytes from its start), then close(fd);
        else if (!strbuf_spilled(out) && (text = strbuf_detach(out)))
            send text, then free(text);
        strbuf_destroy(&out);   (closes a file not handed over) */
#ifndef RATIFY_STRBUF_H
#define RATIFY_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The largest text a buffer holds in memory, NUL excluded. */
#define STRBUF_MAX_BYTES ((size_t) 64 * 1024 * 1024)

/* The largest text a spilled buffer holds in its file (a runaway guard). */
#define STRBUF_SPILL_MAX_BYTES ((uint64_t) 4 * 1024 * 1024 * 1024)

/* The free space a spilled buffer leaves on its file system. */
#define STRBUF_SPILL_RESERVE_BYTES ((uint64_t) 256 * 1024 * 1024)

/* The write buffer between the appends and the file of a spilled buffer. */
#define STRBUF_SPILL_WRITE_BYTES ((size_t) 64 * 1024)

typedef struct _strbuf_t strbuf_t;

/* Returns a new, empty buffer, or NULL when out of memory. Caller owns it
   and must destroy it with strbuf_destroy. */
strbuf_t *strbuf_new(void);

/* Returns a new, empty buffer that spills to an anonymous file in dir
   (copied) once its text would pass mem_max bytes (at most
   STRBUF_MAX_BYTES; 0 spills at the first byte), or NULL when out of
   memory. Nothing is opened until then. Caller owns it and must destroy
   it with strbuf_destroy. */
strbuf_t *strbuf_new_spill(const char *dir, size_t mem_max);

/* Destroys the buffer (closing its file, if spilled and not handed over)
   and sets *self_p to NULL. Accepts NULL and a pointer to NULL. */
void strbuf_destroy(strbuf_t **self_p);

/* Appends len bytes of text (which need not be NUL-terminated). Returns 0,
   or -1 when memory (or STRBUF_MAX_BYTES) ran out now or earlier, or, for a
   spill buffer, its file could not be made or written or would pass
   STRBUF_SPILL_MAX_BYTES: then the buffer is marked failed and appends
   nothing more. */
int strbuf_appendn(strbuf_t *self, const char *text, size_t len);

/* Appends a NUL-terminated string. Returns as strbuf_appendn. */
int strbuf_append(strbuf_t *self, const char *text);

/* Appends one byte. Returns as strbuf_appendn. */
int strbuf_putc(strbuf_t *self, char c);

/* Appends printf-style formatted text. Returns as strbuf_appendn (-1 also
   for a format error). */
int strbuf_appendf(strbuf_t *self, const char *format, ...) __attribute__((format(printf, 2, 3)));

/* Same as strbuf_appendf with a va_list. */
int strbuf_vappendf(strbuf_t *self, const char *format, va_list args)
    __attribute__((format(printf, 2, 0)));

/* Returns the text so far, NUL-terminated; "" when empty; NULL when the
   text has spilled to a file (strbuf_spilled). Owned by the buffer, valid
   until its next append, reset or destroy. */
const char *strbuf_data(const strbuf_t *self);

/* Returns the length of the text in bytes, NUL excluded, in memory or
   spilled. */
size_t strbuf_len(const strbuf_t *self);

/* Returns true when an append has failed since creation or the last
   strbuf_reset. */
bool strbuf_failed(const strbuf_t *self);

/* Marks the buffer failed, as an append that ran out of memory does (a
   renderer whose scratch buffer failed passes the failure on). */
void strbuf_fail(strbuf_t *self);

/* Empties the buffer and clears its failure mark; keeps the memory. A
   spilled buffer closes its file and starts again in memory. */
void strbuf_reset(strbuf_t *self);

/* Returns the text as a string the caller owns (free it), leaving the
   buffer empty; NULL when the buffer has failed or memory runs out, and
   NULL, leaving the buffer as it is, when the text has spilled to a file
   (use strbuf_detach_fd). */
char *strbuf_detach(strbuf_t *self);

/* Returns true when the text is in a file rather than in memory (a spill
   buffer that passed its mem_max), failed or not. */
bool strbuf_spilled(const strbuf_t *self);

/* Hands over the file of a spilled buffer: writes what is still buffered,
   sets *fd to the file, positioned at its start (the caller owns it and
   must close it), and *len to the length of the text, and leaves the
   buffer empty, back in memory. Returns 0, or -1 when the buffer has
   failed (also when that last write fails now) or has not spilled; then
   *fd and *len are untouched and the buffer keeps its file. */
int strbuf_detach_fd(strbuf_t *self, int *fd, size_t *len);

/* Returns the errno of the file operation that failed a spill buffer
   (ENOSPC, ENOENT...), or 0 when the buffer has not failed or failed
   otherwise (out of memory, a cap, strbuf_fail). */
int strbuf_errno(const strbuf_t *self);

#endif
