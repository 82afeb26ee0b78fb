/*  strbuf: a growable string buffer with a sticky failure mark.

    The text always ends in a NUL, so strbuf_data can be handed to any C
    string function without a copy. The buffer starts unallocated and points
    at a static "" until the first append. */
#include "strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STRBUF_FIRST_CAP 256

struct _strbuf_t {
    char *data;  /* NULL until the first append */
    size_t len;  /* bytes used, NUL excluded */
    size_t cap;  /* bytes allocated, NUL included */
    bool failed; /* an append ran out of memory */
};

strbuf_t *
strbuf_new(void)
{
    return calloc(1, sizeof(strbuf_t));
}

void
strbuf_destroy(strbuf_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free((*self_p)->data);
    free(*self_p);
    *self_p = NULL;
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
    self->len = 0;
    if (self->data)
        self->data[0] = '\0';
    self->failed = false;
}

char *
strbuf_detach(strbuf_t *self)
{
    if (!self || self->failed)
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
