/*  strbuf: a growable string buffer with a sticky failure mark.

    The text always ends in a NUL, so strbuf_data can be handed to any C
    string function without a copy. The buffer starts unallocated and points
    at a static "" until the first append.

    A spill buffer has two states. In memory it is a plain buffer whose
    appends check mem_max first. Spilled, `data` is the write buffer
    (STRBUF_SPILL_WRITE_BYTES, no NUL) holding the `pending` bytes not yet
    written to `fd`, and `len` still counts the whole text. The text moves
    once, when it passes mem_max: the copy costs one write of at most
    mem_max bytes, and the renderers' small appends then cost a memcpy
    each, a write(2) per 64 KiB. Reading the text back (strbuf_data) would
    cost what spilling saves, so a spilled buffer only hands its file
    over. */
#define _GNU_SOURCE /* O_TMPFILE, mkostemp */
#include "strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#define STRBUF_FIRST_CAP 256

struct _strbuf_t {
    char *data;  /* NULL until the first append; spilled: the write buffer */
    size_t len;  /* bytes of text, NUL excluded, spilled ones included */
    size_t cap;  /* bytes allocated, NUL included */
    bool failed; /* an append ran out of memory or could not write */
    int error;   /* the errno of a failed file operation, else 0 */
    /* spill buffers only */
    char *dir;      /* where the file goes; NULL: a plain buffer */
    size_t mem_max; /* the most text held in memory */
    int fd;         /* the file, -1 while in memory */
    size_t pending; /* spilled: bytes in data not yet written */
};

strbuf_t *
strbuf_new(void)
{
    strbuf_t *self = calloc(1, sizeof(strbuf_t));
    if (self)
        self->fd = -1;
    return self;
}

strbuf_t *
strbuf_new_spill(const char *dir, size_t mem_max)
{
    if (!dir)
        return NULL;
    strbuf_t *self = strbuf_new();
    if (!self)
        return NULL;
    self->dir = strdup(dir);
    if (!self->dir) {
        free(self);
        return NULL;
    }
    self->mem_max = mem_max < STRBUF_MAX_BYTES ? mem_max : STRBUF_MAX_BYTES;
    return self;
}

/* Closes the file and frees the write buffer of a spilled buffer, leaving
   it empty and in memory (the failure mark as it was). */
static void
s_unspill(strbuf_t *self)
{
    if (self->fd < 0)
        return;
    close(self->fd);
    self->fd = -1;
    free(self->data);
    self->data = NULL;
    self->cap = 0;
    self->len = 0;
    self->pending = 0;
}

void
strbuf_destroy(strbuf_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    strbuf_t *self = *self_p;
    s_unspill(self);
    free(self->data);
    free(self->dir);
    free(self);
    *self_p = NULL;
}

/* Marks the buffer failed by a file operation whose errno is `error`.
   Returns -1. */
static int
s_fail_io(strbuf_t *self, int error)
{
    self->failed = true;
    self->error = error ? error : EIO;
    return -1;
}

/* Writes n bytes to fd, through short writes and EINTR. Returns 0, or -1
   with errno set (a write that makes no progress is ENOSPC). */
static int
s_write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        const ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        if (w == 0) {
            errno = ENOSPC;
            return -1;
        }
        p += w;
        n -= (size_t) w;
    }
    return 0;
}

/* Opens an anonymous read-write file in dir: O_TMPFILE, else (a file
   system without it) a mkstemp name unlinked at once. Returns the
   descriptor (close-on-exec, mode 0600), or -1 with errno set. */
static int
s_open_anonymous(const char *dir)
{
#ifdef O_TMPFILE
    int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL))
        return fd;
#endif
    static const char leaf[] = "/.ratify-spill-XXXXXX";
    const size_t dlen = strlen(dir);
    char *path = malloc(dlen + sizeof leaf);
    if (!path) {
        errno = ENOMEM;
        return -1;
    }
    memcpy(path, dir, dlen);
    memcpy(path + dlen, leaf, sizeof leaf);
    int tmp = mkostemp(path, O_CLOEXEC); /* mode 0600 */
    if (tmp >= 0 && unlink(path) != 0) {
        const int saved = errno;
        close(tmp);
        errno = saved;
        tmp = -1;
    }
    const int saved = errno;
    free(path);
    errno = saved;
    return tmp;
}

/* Returns 0 when n more bytes leave STRBUF_SPILL_RESERVE_BYTES free on
   the file's file system, else -1 with errno ENOSPC (or fstatvfs's). */
static int
s_room(int fd, size_t n)
{
    struct statvfs st;
    if (fstatvfs(fd, &st) != 0)
        return -1;
    const uint64_t avail = (uint64_t) st.f_bavail * (uint64_t) st.f_frsize;
    if (avail < STRBUF_SPILL_RESERVE_BYTES || avail - STRBUF_SPILL_RESERVE_BYTES < n) {
        errno = ENOSPC;
        return -1;
    }
    return 0;
}

/* Writes n bytes to the file of a spilled buffer, if they leave the
   reserve free. Returns 0, or -1 with errno set. */
static int
s_write_file(int fd, const char *p, size_t n)
{
    return s_room(fd, n) == 0 ? s_write_all(fd, p, n) : -1;
}

/* Moves the text of an in-memory spill buffer to its file and makes data
   the write buffer. Returns 0, or -1 (marked failed, the file closed and
   the text left in memory). */
static int
s_spill(strbuf_t *self)
{
    char *wbuf = malloc(STRBUF_SPILL_WRITE_BYTES);
    if (!wbuf) {
        self->failed = true;
        return -1;
    }
    const int fd = s_open_anonymous(self->dir);
    if (fd < 0 || s_write_file(fd, self->data ? self->data : "", self->len) != 0) {
        const int saved = errno;
        if (fd >= 0)
            close(fd);
        free(wbuf);
        return s_fail_io(self, saved);
    }
    free(self->data);
    self->data = wbuf;
    self->cap = STRBUF_SPILL_WRITE_BYTES;
    self->pending = 0;
    self->fd = fd;
    return 0;
}

/* Writes the write buffer of a spilled buffer. Returns 0 or -1 (marks
   failed). */
static int
s_flush(strbuf_t *self)
{
    if (self->pending > 0 && s_write_file(self->fd, self->data, self->pending) != 0)
        return s_fail_io(self, errno);
    self->pending = 0;
    return 0;
}

/* Appends to a spilled buffer. Returns 0 or -1 (marks failed). */
static int
s_spill_append(strbuf_t *self, const char *text, size_t len)
{
    if ((uint64_t) len > STRBUF_SPILL_MAX_BYTES - (uint64_t) self->len
        || len > SIZE_MAX - self->len)
        return s_fail_io(self, EFBIG);
    if (len > self->cap - self->pending) {
        if (s_flush(self) != 0)
            return -1;
        if (len >= self->cap) { /* too big to buffer: straight to the file */
            if (s_write_file(self->fd, text, len) != 0)
                return s_fail_io(self, errno);
            self->len += len;
            return 0;
        }
    }
    memcpy(self->data + self->pending, text, len);
    self->pending += len;
    self->len += len;
    return 0;
}

/* Makes room for `more` bytes plus the NUL. Returns 0 or -1 (marks failed). */
static int
s_reserve(strbuf_t *self, size_t more)
{
    if (self->failed)
        return -1;
    if (more > STRBUF_MAX_BYTES - self->len) {
        self->failed = true;
        return -1;
    }
    size_t need = self->len + more + 1;
    if (need <= self->cap)
        return 0;
    size_t cap = self->cap ? self->cap : STRBUF_FIRST_CAP;
    while (cap < need)
        cap *= 2;
    char *data = realloc(self->data, cap);
    if (!data) {
        self->failed = true;
        return -1;
    }
    self->data = data;
    self->cap = cap;
    return 0;
}

int
strbuf_appendn(strbuf_t *self, const char *text, size_t len)
{
    if (!self)
        return -1;
    if (!text) {
        self->failed = true;
        return -1;
    }
    if (self->failed)
        return -1;
    if (self->fd >= 0)
        return s_spill_append(self, text, len);
    if (self->dir && len > self->mem_max - self->len)
        return s_spill(self) == 0 ? s_spill_append(self, text, len) : -1;
    if (s_reserve(self, len))
        return -1;
    memcpy(self->data + self->len, text, len);
    self->len += len;
    self->data[self->len] = '\0';
    return 0;
}

int
strbuf_append(strbuf_t *self, const char *text)
{
    if (!text) {
        if (self)
            self->failed = true;
        return -1;
    }
    return strbuf_appendn(self, text, strlen(text));
}

int
strbuf_putc(strbuf_t *self, char c)
{
    return strbuf_appendn(self, &c, 1);
}

int
strbuf_vappendf(strbuf_t *self, const char *format, va_list args)
{
    if (!self)
        return -1;
    if (!format || self->failed) {
        self->failed = true;
        return -1;
    }
    va_list copy;
    va_copy(copy, args);
    char small[256];
    int n = vsnprintf(small, sizeof small, format, copy);
    va_end(copy);
    if (n < 0) {
        self->failed = true;
        return -1;
    }
    if ((size_t) n < sizeof small)
        return strbuf_appendn(self, small, (size_t) n);
    if (self->dir) { /* may spill: format apart, then append */
        char *text = malloc((size_t) n + 1);
        if (!text) {
            self->failed = true;
            return -1;
        }
        vsnprintf(text, (size_t) n + 1, format, args);
        const int rc = strbuf_appendn(self, text, (size_t) n);
        free(text);
        return rc;
    }
    if (s_reserve(self, (size_t) n))
        return -1;
    vsnprintf(self->data + self->len, (size_t) n + 1, format, args);
    self->len += (size_t) n;
    return 0;
}

int
strbuf_appendf(strbuf_t *self, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    int rc = strbuf_vappendf(self, format, args);
    va_end(args);
    return rc;
}

const char *
strbuf_data(const strbuf_t *self)
{
    if (self && self->fd >= 0)
        return NULL;
    return self && self->data ? self->data : "";
}

size_t
strbuf_len(const strbuf_t *self)
{
    return self ? self->len : 0;
}

bool
strbuf_failed(const strbuf_t *self)
{
    return !self || self->failed;
}

void
strbuf_fail(strbuf_t *self)
{
    if (self)
        self->failed = true;
}

void
strbuf_reset(strbuf_t *self)
{
    if (!self)
        return;
    s_unspill(self);
    self->len = 0;
    if (self->data)
        self->data[0] = '\0';
    self->failed = false;
    self->error = 0;
}

char *
strbuf_detach(strbuf_t *self)
{
    if (!self || self->failed || self->fd >= 0)
        return NULL;
    char *text = self->data;
    if (!text) {
        text = calloc(1, 1);
        if (!text)
            return NULL;
    }
    self->data = NULL;
    self->len = 0;
    self->cap = 0;
    return text;
}

bool
strbuf_spilled(const strbuf_t *self)
{
    return self && self->fd >= 0;
}

int
strbuf_detach_fd(strbuf_t *self, int *fd, size_t *len)
{
    if (!self || self->failed || self->fd < 0 || !fd || !len)
        return -1;
    if (s_flush(self) != 0)
        return -1;
    if (lseek(self->fd, 0, SEEK_SET) != 0)
        return s_fail_io(self, errno);
    *fd = self->fd;
    *len = self->len;
    self->fd = -1; /* handed over: s_unspill must not close it */
    free(self->data);
    self->data = NULL;
    self->cap = 0;
    self->len = 0;
    self->pending = 0;
    return 0;
}

int
strbuf_errno(const strbuf_t *self)
{
    return self && self->failed ? self->error : 0;
}
