/*  catalog: instruments and participants, loaded once, then read-only.

    Loading reads each file whole, walks it line by line and copies every
    string it keeps into an arena owned by the catalog, so destroying a
    catalog is a walk over a few blocks and no pointer handed out ever
    moves. Errors name the file and line and stop the load (goto cleanup);
    nothing is asserted, since a bad catalog is an operator's typo, not a
    programming error.

    Lookups:
    - instruments: a sorted array of upper-cased ids and references;
    - participants by id: the participant array itself, sorted by id;
    - participants by any name: a sorted array of normalised keys (see
      catalog.h), each pointing at its participant. Duplicate keys of one
      participant are merged at load; keys shared by two participants are
      a load error.
    Suggestions scan every key with a bounded optimal-string-alignment
    distance: O(keys x length^2), some 10^6 steps, only on a failed lookup.

    Name history is kept per participant as a short array of former names,
    each with the first day of the name that replaced it ("until"), oldest
    first; name_at walks it (a participant has at most a handful). */
#include "catalog.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#ifndef RATIFY_SOURCE_DATA_DIR
#define RATIFY_SOURCE_DATA_DIR "data"
#endif

#define S_ARENA_BLOCK_BYTES 65536
#define S_KEY_MAX           256 /* normalised key, NUL included */
#define S_PATH_MAX          4096
#define S_ID_MAX            16      /* participant id, NUL included (event.h) */
#define S_INSTRUMENT_ID_MAX 32      /* instrument id, NUL included (event.h) */
#define S_INT_MAX           1000000 /* bound for counts, days and months */

/* ---- Types ------------------------------------------------------------ */

typedef struct s_block {
    struct s_block *next;
    size_t used, size;
    char data[];
} s_block_t;

typedef struct {
    rdate_t until; /* first day of the next name */
    const char *name;
    const char *formal;
    const char *note;
    size_t participant; /* index while loading */
    int line;
} s_former_t;

struct _catalog_participant_t {
    const char *id;
    const char *iso3;
    const char *iso2;
    const char *name;
    catalog_kind_t kind;
    const s_former_t *formers;
    size_t former_count;
    int line;
};

struct _catalog_instrument_t {
    const char *id;
    const char *reference;
    const char *title;
    const char *short_title;
    const char *adopted_by;
    const char *parent;
    rdate_t adopted;
    rdate_t signature_open;
    rdate_t signature_close;
    rules_rule_t rule;
    int line;
};

typedef struct {
    const char *key;  /* normalised */
    const char *name; /* as written */
    size_t index;     /* participant or instrument */
    bool code;        /* an id or code: no suggestion */
    const char *path; /* where it came from, for errors */
    int line;
    size_t seq; /* order of loading, for errors and a stable sort */
} s_key_t;

struct _catalog_t {
    char *source;
    s_block_t *blocks;
    catalog_instrument_t *instruments;
    size_t instrument_count, instrument_cap;
    s_key_t *instrument_keys;
    size_t instrument_key_count;
    catalog_participant_t *participants;
    size_t participant_count, participant_cap;
    s_former_t *formers;
    size_t former_count, former_cap;
    s_key_t *keys;
    size_t key_count, key_cap;
};

/* ---- Small helpers ---------------------------------------------------- */

static int
s_fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static char *
s_alloc(catalog_t *self, size_t size)
{
    size = (size + 7) & ~(size_t) 7;
    s_block_t *block = self->blocks;
    if (!block || block->size - block->used < size) {
        size_t cap = size > S_ARENA_BLOCK_BYTES ? size : S_ARENA_BLOCK_BYTES;
        block = malloc(sizeof(s_block_t) + cap);
        if (!block)
            return NULL;
        block->size = cap;
        block->used = 0;
        block->next = self->blocks;
        self->blocks = block;
    }
    char *p = block->data + block->used;
    block->used += size;
    return p;
}

static const char *
s_strdup(catalog_t *self, const char *text)
{
    size_t len = strlen(text);
    char *copy = s_alloc(self, len + 1);
    if (copy)
        memcpy(copy, text, len + 1);
    return copy;
}

static int
s_grow(void **array, size_t *cap, size_t count, size_t item_size)
{
    if (count < *cap)
        return 0;
    size_t new_cap = *cap ? *cap * 2 : 64;
    void *grown = realloc(*array, new_cap * item_size);
    if (!grown)
        return -1;
    *array = grown;
    *cap = new_cap;
    return 0;
}

static char *
s_trim(char *text)
{
    while (*text == ' ' || *text == '\t')
        text++;
    size_t len = strlen(text);
    while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t' || text[len - 1] == '\r'))
        text[--len] = '\0';
    return text;
}

/* Reads a whole file into a NUL-terminated buffer. Returns 0, -1 on error
   (message in err), or -2 when the file does not exist. Caller frees. */
static int
s_read_file(const char *path, char **out, char *err, size_t errlen)
{
    FILE *file = fopen(path, "rb");
    if (!file) {
        if (errno == ENOENT)
            return s_fail(err, errlen, "%s: no such file", path), -2;
        return s_fail(err, errlen, "%s: %s", path, strerror(errno));
    }
    int rc = -1;
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len + 4096 + 1 > cap) {
            size_t new_cap = cap ? cap * 2 : 65536;
            char *grown = realloc(buf, new_cap);
            if (!grown) {
                s_fail(err, errlen, "%s: out of memory", path);
                goto cleanup;
            }
            buf = grown;
            cap = new_cap;
        }
        size_t got = fread(buf + len, 1, cap - len - 1, file);
        len += got;
        if (got == 0)
            break;
    }
    if (ferror(file)) {
        s_fail(err, errlen, "%s: read error", path);
        goto cleanup;
    }
    if (memchr(buf, '\0', len)) {
        s_fail(err, errlen, "%s: not a text file (NUL byte)", path);
        goto cleanup;
    }
    buf[len] = '\0';
    *out = buf;
    buf = NULL;
    rc = 0;
cleanup:
    free(buf);
    fclose(file);
    return rc;
}

/* Returns the next line of *cursor (NUL-terminated in place, '\r'
   stripped) and advances, or NULL at the end. */
static char *
s_next_line(char **cursor)
{
    char *line = *cursor;
    if (!line || !*line)
        return NULL;
    char *nl = strchr(line, '\n');
    if (nl) {
        *nl = '\0';
        *cursor = nl + 1;
    }
    else
        *cursor = line + strlen(line);
    size_t len = strlen(line);
    if (len > 0 && line[len - 1] == '\r')
        line[len - 1] = '\0';
    return line;
}

static bool
s_valid_id(const char *id, size_t max)
{
    size_t len = strlen(id);
    if (len == 0 || len >= max)
        return false;
    for (const char *c = id; *c; c++)
        if (!isalnum((unsigned char) *c) && *c != '-' && *c != '_')
            return false;
    return true;
}

static bool
s_file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* ---- Name normalisation ----------------------------------------------- */

/* ASCII spelling of U+00C0..U+00FF; "" (for the signs x and /) separates. */
static const char *s_latin1[64] = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "y"};

/* Base letter of U+0100..U+017F; '*' marks the ligatures IJ and OE, which
   s_normalise spells out. */
static const char s_latin_ext_a[] =
    "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii**jjkkklllllllllln"
    "nnnnnnnnoooooo**rrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";

/* Appends the ASCII spelling of one code point to raw; returns the new
   length, or SIZE_MAX when raw is full. */
static size_t
s_append(char *raw, size_t len, size_t cap, const char *text)
{
    size_t add = strlen(text);
    if (len + add + 1 > cap)
        return SIZE_MAX;
    memcpy(raw + len, text, add);
    return len + add;
}

/* Writes the normalised form of text into out (S_KEY_MAX bytes). Returns
   its length, or 0 when it is empty or too long. */
static size_t
s_normalise(const char *text, char *out)
{
    char raw[S_KEY_MAX * 2];
    size_t len = 0, cap = sizeof raw;
    const unsigned char *s = (const unsigned char *) text;
    while (*s && len != SIZE_MAX) {
        unsigned c = *s;
        if (c < 0x80) {
            s++;
            if (isalnum(c)) {
                char one[2] = {(char) tolower((int) c), '\0'};
                len = s_append(raw, len, cap, one);
            }
            else if (c == '\'' || c == '`')
                continue;
            else if (c == '&')
                len = s_append(raw, len, cap, " and ");
            else
                len = s_append(raw, len, cap, " ");
            continue;
        }
        /* A multi-byte sequence: decode the code point. */
        unsigned cp = 0;
        int extra = 0;
        if ((c & 0xE0) == 0xC0)
            cp = c & 0x1F, extra = 1;
        else if ((c & 0xF0) == 0xE0)
            cp = c & 0x0F, extra = 2;
        else if ((c & 0xF8) == 0xF0)
            cp = c & 0x07, extra = 3;
        else {
            s++;
            len = s_append(raw, len, cap, " ");
            continue;
        }
        s++;
        int i;
        for (i = 0; i < extra && (*s & 0xC0) == 0x80; i++, s++)
            cp = (cp << 6) | (*s & 0x3F);
        if (i < extra) {
            len = s_append(raw, len, cap, " ");
            continue;
        }
        if (cp >= 0xC0 && cp <= 0xFF)
            len = s_append(raw, len, cap, s_latin1[cp - 0xC0][0] ? s_latin1[cp - 0xC0] : " ");
        else if (cp >= 0x100 && cp <= 0x17F) {
            char letter = s_latin_ext_a[cp - 0x100];
            if (cp == 0x132 || cp == 0x133)
                len = s_append(raw, len, cap, "ij");
            else if (cp == 0x152 || cp == 0x153)
                len = s_append(raw, len, cap, "oe");
            else {
                char one[2] = {letter, '\0'};
                len = s_append(raw, len, cap, one);
            }
        }
        else if (cp == 0x2018 || cp == 0x2019 || cp == 0x02BC)
            continue; /* typographic apostrophes */
        else
            len = s_append(raw, len, cap, " ");
    }
    if (len == SIZE_MAX)
        return 0;
    raw[len] = '\0';

    /* Tokens: drop "the", read "saint" as "st", join runs of single
       letters ("u s a" -> "usa"). */
    size_t out_len = 0;
    bool last_single = false;
    char *save = NULL;
    for (char *tok = strtok_r(raw, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        if (strcmp(tok, "the") == 0)
            continue;
        const char *word = strcmp(tok, "saint") == 0 ? "st" : tok;
        size_t tok_len = strlen(word);
        bool single = tok_len == 1 && isalpha((unsigned char) word[0]);
        bool join = single && last_single;
        size_t need = out_len + (out_len && !join ? 1 : 0) + tok_len;
        if (need + 1 > S_KEY_MAX)
            return 0;
        if (out_len && !join)
            out[out_len++] = ' ';
        memcpy(out + out_len, word, tok_len);
        out_len += tok_len;
        if (!join)
            last_single = single;
    }
    out[out_len] = '\0';
    return out_len;
}

/* ---- Keys ------------------------------------------------------------- */

static int
s_key_cmp(const void *a, const void *b)
{
    const s_key_t *ka = a, *kb = b;
    int c = strcmp(ka->key, kb->key);
    if (c)
        return c;
    /* Names before codes, so a merged duplicate keeps its name. */
    if (ka->code != kb->code)
        return ka->code ? 1 : -1;
    return (ka->seq > kb->seq) - (ka->seq < kb->seq);
}

/* Adds a participant key; text is normalised here. */
static int
s_add_key(catalog_t *self, const char *text, size_t participant, bool code, const char *path,
          int line, char *err, size_t errlen)
{
    char key[S_KEY_MAX];
    if (s_normalise(text, key) == 0)
        return s_fail(err, errlen, "%s:%d: name '%s' is empty or too long", path, line, text);
    if (s_grow((void **) &self->keys, &self->key_cap, self->key_count, sizeof(s_key_t)))
        return s_fail(err, errlen, "out of memory");
    const char *key_copy = s_strdup(self, key);
    const char *name_copy = s_strdup(self, text);
    if (!key_copy || !name_copy)
        return s_fail(err, errlen, "out of memory");
    size_t seq = self->key_count++;
    self->keys[seq] = (s_key_t){
        .key = key_copy,
        .name = name_copy,
        .index = participant,
        .code = code,
        .path = path,
        .line = line,
        .seq = seq,
    };
    return 0;
}

/* Returns the first key equal to key in a sorted array, or NULL. */
static const s_key_t *
s_key_find(const s_key_t *keys, size_t count, const char *key)
{
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(keys[mid].key, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < count && strcmp(keys[lo].key, key) == 0)
        return &keys[lo];
    return NULL;
}

/* Sorts the participant keys, merges one participant's duplicates and
   rejects a key two participants share. */
static int
s_index_participants(catalog_t *self, char *err, size_t errlen)
{
    if (self->key_count == 0)
        return 0;
    qsort(self->keys, self->key_count, sizeof(s_key_t), s_key_cmp);
    size_t kept = 0;
    for (size_t i = 0; i < self->key_count; i++) {
        if (kept > 0 && strcmp(self->keys[kept - 1].key, self->keys[i].key) == 0) {
            const s_key_t *a = &self->keys[kept - 1], *b = &self->keys[i];
            if (a->seq > b->seq) {
                const s_key_t *t = a;
                a = b;
                b = t;
            }
            if (a->index != b->index)
                return s_fail(err, errlen, "%s:%d: '%s' names %s, but %s:%d gives it to %s",
                              b->path, b->line, b->name, self->participants[b->index].id, a->path,
                              a->line, self->participants[a->index].id);
            continue;
        }
        self->keys[kept++] = self->keys[i];
    }
    self->key_count = kept;
    return 0;
}

/* ---- Instruments file ------------------------------------------------- */

typedef enum {
    K_REFERENCE,
    K_TITLE,
    K_SHORT_TITLE,
    K_ADOPTED,
    K_ADOPTED_BY,
    K_SIGNATURE_OPEN,
    K_SIGNATURE_CLOSE,
    K_PARENT,
    K_THRESHOLD,
    K_DELAY_DAYS,
    K_FIRST_OF_NEXT_MONTH,
    K_REIO_COUNTED,
    K_LATER_PARTY_DAYS,
    K_LATER_PARTY_FIRST_OF_NEXT_MONTH,
    K_LATER_PARTY_WHICHEVER_LATER,
    K_DENUNCIATION_MONTHS,
    K_APPROACHING,
    K_COUNT
} s_ini_key_t;

static const char *s_ini_keys[K_COUNT] = {
    [K_REFERENCE] = "reference",
    [K_TITLE] = "title",
    [K_SHORT_TITLE] = "short_title",
    [K_ADOPTED] = "adopted",
    [K_ADOPTED_BY] = "adopted_by",
    [K_SIGNATURE_OPEN] = "signature_open",
    [K_SIGNATURE_CLOSE] = "signature_close",
    [K_PARENT] = "parent",
    [K_THRESHOLD] = "threshold",
    [K_DELAY_DAYS] = "delay_days",
    [K_FIRST_OF_NEXT_MONTH] = "first_of_next_month",
    [K_REIO_COUNTED] = "reio_counted",
    [K_LATER_PARTY_DAYS] = "later_party_days",
    [K_LATER_PARTY_FIRST_OF_NEXT_MONTH] = "later_party_first_of_next_month",
    [K_LATER_PARTY_WHICHEVER_LATER] = "later_party_whichever_later",
    [K_DENUNCIATION_MONTHS] = "denunciation_months",
    [K_APPROACHING] = "approaching",
};

static int
s_parse_int(const char *text, int min, int *out)
{
    char *end;
    errno = 0;
    long value = strtol(text, &end, 10);
    if (errno || end == text || *end || value < min || value > S_INT_MAX)
        return -1;
    *out = (int) value;
    return 0;
}

static int
s_parse_bool(const char *text, bool *out)
{
    static const char *yes[] = {"yes", "true", "on", "1"};
    static const char *no[] = {"no", "false", "off", "0"};
    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp(text, yes[i]) == 0)
            return *out = true, 0;
        if (strcasecmp(text, no[i]) == 0)
            return *out = false, 0;
    }
    return -1;
}

static int
s_int_desc(const void *a, const void *b)
{
    int x = *(const int *) a, y = *(const int *) b;
    return (x < y) - (x > y);
}

/* Parses "5, 1" into the rule's approaching list (sorted, largest first). */
static int
s_parse_approaching(char *text, rules_rule_t *rule)
{
    rule->approaching_count = 0;
    char *save = NULL;
    for (char *tok = strtok_r(text, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        int k;
        if (s_parse_int(s_trim(tok), 1, &k) || rule->approaching_count == RULES_APPROACHING_MAX)
            return -1;
        for (int i = 0; i < rule->approaching_count; i++)
            if (rule->approaching[i] == k)
                return -1;
        rule->approaching[rule->approaching_count++] = k;
    }
    qsort(rule->approaching, (size_t) rule->approaching_count, sizeof(int), s_int_desc);
    return 0;
}

/* Checks a finished section and fills the defaults of omitted keys. */
static int
s_finish_instrument(catalog_instrument_t *inst, unsigned seen, const char *path, char *err,
                    size_t errlen)
{
    static const s_ini_key_t required[] = {K_REFERENCE, K_TITLE, K_THRESHOLD, K_DELAY_DAYS};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (!(seen & (1u << required[i])))
            return s_fail(err, errlen, "%s:%d: [%s] has no %s", path, inst->line, inst->id,
                          s_ini_keys[required[i]]);
    rules_rule_t *rule = &inst->rule;
    if (!(seen & (1u << K_LATER_PARTY_DAYS)))
        rule->later_party_days = rule->delay_days;
    if (!(seen & (1u << K_LATER_PARTY_FIRST_OF_NEXT_MONTH)))
        rule->later_party_first_of_next_month = rule->first_of_next_month;
    if (inst->signature_open != RDATE_NONE && inst->signature_close != RDATE_NONE
        && inst->signature_open > inst->signature_close)
        return s_fail(err, errlen, "%s:%d: [%s] signature_close is before signature_open", path,
                      inst->line, inst->id);
    for (int i = 0; i < rule->approaching_count; i++)
        if (rule->approaching[i] >= rule->threshold)
            return s_fail(err, errlen,
                          "%s:%d: [%s] approaching %d is not below the "
                          "threshold %d",
                          path, inst->line, inst->id, rule->approaching[i], rule->threshold);
    return 0;
}

/* Applies one `key = value` line to the current instrument. */
static int
s_set_ini_key(catalog_t *self, catalog_instrument_t *inst, unsigned *seen, char *key, char *value,
              const char *path, int line, char *err, size_t errlen)
{
    int k;
    for (k = 0; k < K_COUNT; k++)
        if (strcmp(key, s_ini_keys[k]) == 0)
            break;
    if (k == K_COUNT)
        return s_fail(err, errlen, "%s:%d: unknown key '%s' in [%s]", path, line, key, inst->id);
    if (*seen & (1u << k))
        return s_fail(err, errlen, "%s:%d: %s given twice in [%s]", path, line, key, inst->id);
    *seen |= 1u << k;
    if (!*value && k != K_APPROACHING)
        return s_fail(err, errlen, "%s:%d: %s has no value", path, line, key);

    rules_rule_t *rule = &inst->rule;
    const char **text_slot = NULL;
    rdate_t *date_slot = NULL;
    int *int_slot = NULL;
    int int_min = 0;
    bool *bool_slot = NULL;
    switch ((s_ini_key_t) k) {
    case K_REFERENCE:
        text_slot = &inst->reference;
        break;
    case K_TITLE:
        text_slot = &inst->title;
        break;
    case K_SHORT_TITLE:
        text_slot = &inst->short_title;
        break;
    case K_ADOPTED_BY:
        text_slot = &inst->adopted_by;
        break;
    case K_PARENT:
        text_slot = &inst->parent;
        break;
    case K_ADOPTED:
        date_slot = &inst->adopted;
        break;
    case K_SIGNATURE_OPEN:
        date_slot = &inst->signature_open;
        break;
    case K_SIGNATURE_CLOSE:
        date_slot = &inst->signature_close;
        break;
    case K_THRESHOLD:
        int_slot = &rule->threshold, int_min = 1;
        break;
    case K_DELAY_DAYS:
        int_slot = &rule->delay_days;
        break;
    case K_LATER_PARTY_DAYS:
        int_slot = &rule->later_party_days;
        break;
    case K_DENUNCIATION_MONTHS:
        int_slot = &rule->denunciation_months;
        break;
    case K_FIRST_OF_NEXT_MONTH:
        bool_slot = &rule->first_of_next_month;
        break;
    case K_REIO_COUNTED:
        bool_slot = &rule->reio_counted;
        break;
    case K_LATER_PARTY_FIRST_OF_NEXT_MONTH:
        bool_slot = &rule->later_party_first_of_next_month;
        break;
    case K_LATER_PARTY_WHICHEVER_LATER:
        bool_slot = &rule->later_party_whichever_later;
        break;
    case K_APPROACHING:
        if (s_parse_approaching(value, rule))
            return s_fail(err, errlen,
                          "%s:%d: bad approaching list (want up to %d "
                          "distinct positive counts, e.g. \"5, 1\")",
                          path, line, RULES_APPROACHING_MAX);
        return 0;
    case K_COUNT:
        break;
    }
    if (text_slot) {
        if (k == K_PARENT && !s_valid_id(value, S_INSTRUMENT_ID_MAX))
            return s_fail(err, errlen, "%s:%d: bad parent id '%s'", path, line, value);
        if (!(*text_slot = s_strdup(self, value)))
            return s_fail(err, errlen, "out of memory");
    }
    else if (date_slot) {
        if (rdate_parse(value, date_slot))
            return s_fail(err, errlen, "%s:%d: bad date '%s' for %s (want YYYY-MM-DD)", path, line,
                          value, key);
    }
    else if (int_slot) {
        if (s_parse_int(value, int_min, int_slot))
            return s_fail(err, errlen, "%s:%d: bad number '%s' for %s (want %d..%d)", path, line,
                          value, key, int_min, S_INT_MAX);
    }
    else if (bool_slot) {
        if (s_parse_bool(value, bool_slot))
            return s_fail(err, errlen, "%s:%d: bad boolean '%s' for %s (want yes or no)", path,
                          line, value, key);
    }
    return 0;
}

static void
s_instrument_defaults(catalog_instrument_t *inst)
{
    *inst = (catalog_instrument_t){
        .adopted = RDATE_NONE,
        .signature_open = RDATE_NONE,
        .signature_close = RDATE_NONE,
    };
    inst->rule.denunciation_months = 12;
    inst->rule.later_party_whichever_later = true;
}

static int
s_load_instruments(catalog_t *self, const char *path, char *err, size_t errlen)
{
    char *text = NULL;
    int rc = s_read_file(path, &text, err, errlen);
    if (rc)
        return -1;
    rc = -1;
    char *cursor = text, *raw;
    int line = 0;
    catalog_instrument_t *inst = NULL;
    unsigned seen = 0;
    while ((raw = s_next_line(&cursor))) {
        line++;
        char *l = s_trim(raw);
        if (!*l || *l == '#' || *l == ';')
            continue;
        if (*l == '[') {
            size_t len = strlen(l);
            if (l[len - 1] != ']') {
                s_fail(err, errlen, "%s:%d: section header without ']'", path, line);
                goto cleanup;
            }
            l[len - 1] = '\0';
            char *id = s_trim(l + 1);
            if (!s_valid_id(id, S_INSTRUMENT_ID_MAX)) {
                s_fail(err, errlen,
                       "%s:%d: bad instrument id '%s' (letters, digits, '-', "
                       "'_'; at most %d)",
                       path, line, id, S_INSTRUMENT_ID_MAX - 1);
                goto cleanup;
            }
            if (inst && s_finish_instrument(inst, seen, path, err, errlen))
                goto cleanup;
            if (s_grow((void **) &self->instruments, &self->instrument_cap, self->instrument_count,
                       sizeof(catalog_instrument_t))) {
                s_fail(err, errlen, "out of memory");
                goto cleanup;
            }
            inst = &self->instruments[self->instrument_count++];
            s_instrument_defaults(inst);
            inst->line = line;
            seen = 0;
            if (!(inst->id = s_strdup(self, id))) {
                s_fail(err, errlen, "out of memory");
                goto cleanup;
            }
            continue;
        }
        char *eq = strchr(l, '=');
        if (!eq) {
            s_fail(err, errlen, "%s:%d: expected `key = value` or [ID]", path, line);
            goto cleanup;
        }
        *eq = '\0';
        char *key = s_trim(l), *value = s_trim(eq + 1);
        if (!inst) {
            s_fail(err, errlen, "%s:%d: key '%s' before any [ID] section", path, line, key);
            goto cleanup;
        }
        if (s_set_ini_key(self, inst, &seen, key, value, path, line, err, errlen))
            goto cleanup;
    }
    if (!inst) {
        s_fail(err, errlen, "%s: no instruments", path);
        goto cleanup;
    }
    if (s_finish_instrument(inst, seen, path, err, errlen))
        goto cleanup;
    rc = 0;
cleanup:
    free(text);
    return rc;
}

static int
s_upper_key(catalog_t *self, const char *text, const char **out)
{
    size_t len = strlen(text);
    char *copy = s_alloc(self, len + 1);
    if (!copy)
        return -1;
    for (size_t i = 0; i <= len; i++)
        copy[i] = (char) toupper((unsigned char) text[i]);
    *out = copy;
    return 0;
}

/* Builds the id/reference index and resolves parents. */
static int
s_index_instruments(catalog_t *self, const char *path, char *err, size_t errlen)
{
    size_t n = self->instrument_count;
    self->instrument_keys = calloc(2 * n, sizeof(s_key_t));
    if (!self->instrument_keys)
        return s_fail(err, errlen, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const catalog_instrument_t *inst = &self->instruments[i];
        s_key_t *a = &self->instrument_keys[2 * i];
        s_key_t *b = &self->instrument_keys[2 * i + 1];
        if (s_upper_key(self, inst->id, &a->key) || s_upper_key(self, inst->reference, &b->key))
            return s_fail(err, errlen, "out of memory");
        a->name = inst->id, a->index = i, a->line = inst->line, a->seq = 2 * i;
        b->name = inst->reference, b->index = i, b->line = inst->line, b->seq = 2 * i + 1;
    }
    self->instrument_key_count = 2 * n;
    qsort(self->instrument_keys, 2 * n, sizeof(s_key_t), s_key_cmp);
    for (size_t i = 1; i < 2 * n; i++) {
        const s_key_t *a = &self->instrument_keys[i - 1];
        const s_key_t *b = &self->instrument_keys[i];
        if (strcmp(a->key, b->key) == 0 && a->index != b->index)
            return s_fail(err, errlen, "%s:%d: [%s] '%s' already names [%s] (line %d)", path,
                          b->line, self->instruments[b->index].id, b->name,
                          self->instruments[a->index].id, a->line);
    }
    for (size_t i = 0; i < n; i++) {
        catalog_instrument_t *inst = &self->instruments[i];
        if (!inst->parent)
            continue;
        const catalog_instrument_t *parent = NULL;
        for (size_t j = 0; j < n; j++)
            if (strcasecmp(self->instruments[j].id, inst->parent) == 0)
                parent = &self->instruments[j];
        if (!parent)
            return s_fail(err, errlen,
                          "%s:%d: [%s] parent '%s' is not an instrument of "
                          "this catalog",
                          path, inst->line, inst->id, inst->parent);
        inst->parent = parent->id;
    }
    /* No instrument may be its own ancestor. */
    for (size_t i = 0; i < n; i++) {
        const char *up = self->instruments[i].parent;
        for (size_t steps = 0; up; steps++) {
            if (steps >= n || strcmp(up, self->instruments[i].id) == 0)
                return s_fail(err, errlen, "%s:%d: [%s] is its own parent or ancestor", path,
                              self->instruments[i].line, self->instruments[i].id);
            const catalog_instrument_t *next = NULL;
            for (size_t j = 0; j < n; j++)
                if (self->instruments[j].id == up)
                    next = &self->instruments[j];
            up = next ? next->parent : NULL;
        }
    }
    return 0;
}

/* ---- Participant files ------------------------------------------------ */

/* Splits a TSV line into exactly `want` fields (in place). */
static int
s_split_tsv(char *line, char **fields, int want)
{
    int n = 0;
    char *field = line;
    for (;;) {
        char *tab = strchr(field, '\t');
        if (n == want)
            return -1;
        fields[n++] = field;
        if (!tab)
            break;
        *tab = '\0';
        field = tab + 1;
    }
    if (n != want)
        return -1;
    for (int i = 0; i < n; i++) {
        fields[i] = s_trim(fields[i]);
        if (!*fields[i])
            return -1;
    }
    return 0;
}

/* Calls row() for every data row of a TSV file whose header is `header`.
   Returns 0, -1 on error, or -2 when the file does not exist and
   optional is set. */
typedef int (*s_row_fn)(catalog_t *self, char **fields, const char *path, int line, char *err,
                        size_t errlen);

static int
s_read_tsv(catalog_t *self, const char *path, const char *header, int columns, bool optional,
           s_row_fn row, char *err, size_t errlen)
{
    char *text = NULL;
    int rc = s_read_file(path, &text, err, errlen);
    if (rc == -2 && optional)
        return -2;
    if (rc)
        return -1;
    rc = -1;
    char *cursor = text, *raw;
    int line = 0;
    bool have_header = false;
    while ((raw = s_next_line(&cursor))) {
        line++;
        if (!*s_trim(raw) || raw[0] == '#')
            continue;
        if (!have_header) {
            if (strcmp(raw, header) != 0) {
                s_fail(err, errlen, "%s:%d: expected the header line '%s' (tab-separated)", path,
                       line, header);
                goto cleanup;
            }
            have_header = true;
            continue;
        }
        char *fields[8];
        if (s_split_tsv(raw, fields, columns)) {
            s_fail(err, errlen,
                   "%s:%d: expected %d non-empty tab-separated fields ('-' "
                   "for none)",
                   path, line, columns);
            goto cleanup;
        }
        if (row(self, fields, path, line, err, errlen))
            goto cleanup;
    }
    if (!have_header) {
        s_fail(err, errlen, "%s: no header line", path);
        goto cleanup;
    }
    rc = 0;
cleanup:
    free(text);
    return rc;
}

static const char *
s_optional(catalog_t *self, const char *field, bool *oom)
{
    if (strcmp(field, "-") == 0)
        return NULL;
    const char *copy = s_strdup(self, field);
    if (!copy)
        *oom = true;
    return copy;
}

static bool
s_valid_code(const char *code, size_t len)
{
    if (strcmp(code, "-") == 0)
        return true;
    if (strlen(code) != len)
        return false;
    for (size_t i = 0; i < len; i++)
        if (code[i] < 'A' || code[i] > 'Z')
            return false;
    return true;
}

static int
s_participant_row(catalog_t *self, char **f, const char *path, int line, char *err, size_t errlen)
{
    catalog_kind_t kind = 0;
    for (int k = CATALOG_KIND_STATE; k <= CATALOG_KIND_OTHER; k++)
        if (strcmp(f[1], catalog_kind_name((catalog_kind_t) k)) == 0)
            kind = (catalog_kind_t) k;
    if (!s_valid_id(f[0], S_ID_MAX))
        return s_fail(err, errlen,
                      "%s:%d: bad participant id '%s' (letters, digits, '-', "
                      "'_'; at most %d)",
                      path, line, f[0], S_ID_MAX - 1);
    if (!kind)
        return s_fail(err, errlen, "%s:%d: bad kind '%s' (want state, reio or other)", path, line,
                      f[1]);
    if (!s_valid_code(f[2], 3) || !s_valid_code(f[3], 2))
        return s_fail(err, errlen,
                      "%s:%d: bad ISO code (want 3 and 2 capital letters, or "
                      "'-')",
                      path, line);
    if (s_grow((void **) &self->participants, &self->participant_cap, self->participant_count,
               sizeof(catalog_participant_t)))
        return s_fail(err, errlen, "out of memory");
    bool oom = false;
    catalog_participant_t *p = &self->participants[self->participant_count++];
    *p = (catalog_participant_t){
        .id = s_strdup(self, f[0]),
        .kind = kind,
        .iso3 = s_optional(self, f[2], &oom),
        .iso2 = s_optional(self, f[3], &oom),
        .name = s_strdup(self, f[4]),
        .line = line,
    };
    if (oom || !p->id || !p->name)
        return s_fail(err, errlen, "out of memory");
    return 0;
}

static int
s_participant_cmp(const void *a, const void *b)
{
    const catalog_participant_t *pa = a, *pb = b;
    return strcasecmp(pa->id, pb->id);
}

static long
s_participant_index(const catalog_t *self, const char *id)
{
    size_t lo = 0, hi = self->participant_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcasecmp(self->participants[mid].id, id);
        if (c == 0)
            return (long) mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

static int
s_name_row(catalog_t *self, char **f, const char *path, int line, char *err, size_t errlen)
{
    long index = s_participant_index(self, f[0]);
    if (index < 0)
        return s_fail(err, errlen, "%s:%d: unknown participant '%s'", path, line, f[0]);
    rdate_t until;
    if (rdate_parse(f[1], &until))
        return s_fail(err, errlen, "%s:%d: bad date '%s' for until (want YYYY-MM-DD)", path, line,
                      f[1]);
    if (s_grow((void **) &self->formers, &self->former_cap, self->former_count, sizeof(s_former_t)))
        return s_fail(err, errlen, "out of memory");
    bool oom = false;
    s_former_t *former = &self->formers[self->former_count++];
    *former = (s_former_t){
        .until = until,
        .name = s_strdup(self, f[2]),
        .formal = s_optional(self, f[3], &oom),
        .note = s_optional(self, f[4], &oom),
        .participant = (size_t) index,
        .line = line,
    };
    if (oom || !former->name)
        return s_fail(err, errlen, "out of memory");
    if (!former->formal)
        former->formal = former->name;
    if (s_add_key(self, f[2], (size_t) index, false, path, line, err, errlen))
        return -1;
    if (strcmp(f[3], "-") != 0
        && s_add_key(self, f[3], (size_t) index, false, path, line, err, errlen))
        return -1;
    return 0;
}

/* An alias written like a code ("UK", "USA", "DRC"): all capitals, at most
   four letters. Codes resolve but are never suggested. */
static bool
s_looks_like_code(const char *text)
{
    size_t len = strlen(text);
    if (len < 2 || len > 4)
        return false;
    for (size_t i = 0; i < len; i++)
        if (text[i] < 'A' || text[i] > 'Z')
            return false;
    return true;
}

static int
s_alias_row(catalog_t *self, char **f, const char *path, int line, char *err, size_t errlen)
{
    long index = s_participant_index(self, f[0]);
    if (index < 0)
        return s_fail(err, errlen, "%s:%d: unknown participant '%s'", path, line, f[0]);
    return s_add_key(self, f[1], (size_t) index, s_looks_like_code(f[1]), path, line, err, errlen);
}

static int
s_former_cmp(const void *a, const void *b)
{
    const s_former_t *fa = a, *fb = b;
    if (fa->participant != fb->participant)
        return fa->participant < fb->participant ? -1 : 1;
    if (fa->until != fb->until)
        return fa->until < fb->until ? -1 : 1;
    return (fa->line > fb->line) - (fa->line < fb->line);
}

static int
s_load_participants(catalog_t *self, const char *dir, char *err, size_t errlen)
{
    int rc = -1;
    char *path = NULL, *names_path = NULL, *aliases_path = NULL;
    size_t size = strlen(dir) + 64;
    path = malloc(size);
    names_path = malloc(size);
    aliases_path = malloc(size);
    if (!path || !names_path || !aliases_path) {
        s_fail(err, errlen, "out of memory");
        goto cleanup;
    }
    snprintf(path, size, "%s/%s", dir, CATALOG_PARTICIPANTS_FILE);
    snprintf(names_path, size, "%s/%s", dir, CATALOG_NAMES_FILE);
    snprintf(aliases_path, size, "%s/%s", dir, CATALOG_ALIASES_FILE);
    /* Error messages point into these paths: keep them in the arena. */
    const char *p_path = s_strdup(self, path);
    const char *n_path = s_strdup(self, names_path);
    const char *a_path = s_strdup(self, aliases_path);
    if (!p_path || !n_path || !a_path) {
        s_fail(err, errlen, "out of memory");
        goto cleanup;
    }

    if (s_read_tsv(self, p_path, "id\tkind\tiso3\tiso2\tname", 5, false, s_participant_row, err,
                   errlen))
        goto cleanup;
    if (self->participant_count == 0) {
        s_fail(err, errlen, "%s: no participants", p_path);
        goto cleanup;
    }
    qsort(self->participants, self->participant_count, sizeof(catalog_participant_t),
          s_participant_cmp);
    for (size_t i = 1; i < self->participant_count; i++)
        if (strcasecmp(self->participants[i - 1].id, self->participants[i].id) == 0) {
            const catalog_participant_t *a = &self->participants[i - 1];
            const catalog_participant_t *b = &self->participants[i];
            s_fail(err, errlen, "%s:%d: participant id '%s' repeats line %d", p_path,
                   a->line > b->line ? a->line : b->line, b->id,
                   a->line < b->line ? a->line : b->line);
            goto cleanup;
        }
    for (size_t i = 0; i < self->participant_count; i++) {
        const catalog_participant_t *p = &self->participants[i];
        if (s_add_key(self, p->id, i, true, p_path, p->line, err, errlen)
            || (p->iso3 && s_add_key(self, p->iso3, i, true, p_path, p->line, err, errlen))
            || (p->iso2 && s_add_key(self, p->iso2, i, true, p_path, p->line, err, errlen))
            || s_add_key(self, p->name, i, false, p_path, p->line, err, errlen))
            goto cleanup;
    }

    int got =
        s_read_tsv(self, n_path, "id\tuntil\tname\tformal\tnote", 5, true, s_name_row, err, errlen);
    if (got == -1)
        goto cleanup;
    got = s_read_tsv(self, a_path, "id\talias\tsource", 3, true, s_alias_row, err, errlen);
    if (got == -1)
        goto cleanup;

    if (self->former_count > 0)
        qsort(self->formers, self->former_count, sizeof(s_former_t), s_former_cmp);
    for (size_t i = 0; i < self->former_count; i++) {
        const s_former_t *former = &self->formers[i];
        catalog_participant_t *p = &self->participants[former->participant];
        if (p->former_count > 0 && p->formers[p->former_count - 1].until == former->until) {
            char day[RDATE_ISO_SIZE];
            s_fail(err, errlen, "%s:%d: %s has two names ending on %s", n_path, former->line, p->id,
                   rdate_format(former->until, day));
            goto cleanup;
        }
        if (p->former_count == 0)
            p->formers = former;
        p->former_count++;
    }
    if (s_index_participants(self, err, errlen))
        goto cleanup;
    rc = 0;
cleanup:
    free(path);
    free(names_path);
    free(aliases_path);
    return rc;
}

/* ---- Life cycle ------------------------------------------------------- */

void
catalog_destroy(catalog_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    catalog_t *self = *self_p;
    while (self->blocks) {
        s_block_t *next = self->blocks->next;
        free(self->blocks);
        self->blocks = next;
    }
    free(self->source);
    free(self->instruments);
    free(self->instrument_keys);
    free(self->participants);
    free(self->formers);
    free(self->keys);
    free(self);
    *self_p = NULL;
}

catalog_t *
catalog_load(const char *instruments_path, const char *participants_dir, char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    if (!instruments_path || !*instruments_path) {
        s_fail(err, errlen, "no instruments file given");
        return NULL;
    }
    char *dir = NULL;
    catalog_t *self = calloc(1, sizeof(catalog_t));
    if (!self || !(self->source = strdup(instruments_path))) {
        s_fail(err, errlen, "out of memory");
        goto failed;
    }
    if (participants_dir)
        dir = strdup(participants_dir);
    else {
        const char *slash = strrchr(instruments_path, '/');
        dir = slash ? strndup(instruments_path,
                              slash == instruments_path ? 1 : (size_t) (slash - instruments_path))
                    : strdup(".");
    }
    if (!dir) {
        s_fail(err, errlen, "out of memory");
        goto failed;
    }
    if (s_load_instruments(self, self->source, err, errlen)
        || s_index_instruments(self, self->source, err, errlen)
        || s_load_participants(self, dir, err, errlen))
        goto failed;
    free(dir);
    return self;
failed:
    free(dir);
    catalog_destroy(&self);
    return NULL;
}

/* Returns dir when dir/file exists (written into buf), else NULL. */
static const char *
s_try(char *buf, size_t len, const char *dir, const char *file)
{
    if (!dir || !*dir)
        return NULL;
    int n = snprintf(buf, len, "%s/%s", dir, file);
    if (n < 0 || (size_t) n >= len || !s_file_exists(buf))
        return NULL;
    return buf;
}

catalog_t *
catalog_load_default(char *err, size_t errlen)
{
    char instruments[S_PATH_MAX], probe[S_PATH_MAX], dir[S_PATH_MAX];
    static const char *shipped[] = {CATALOG_INSTALLED_DIR, RATIFY_SOURCE_DATA_DIR "/catalog"};
    const char *env = getenv("RATIFY_CATALOG");
    if (env && *env) {
        if (!s_file_exists(env)) {
            s_fail(err, errlen, "RATIFY_CATALOG=%s: no such file", env);
            return NULL;
        }
        if (strlen(env) >= sizeof instruments) {
            s_fail(err, errlen, "RATIFY_CATALOG: path too long");
            return NULL;
        }
        strcpy(instruments, env);
    }
    else {
        const char *found = NULL;
        for (size_t i = 0; i < 2 && !found; i++)
            found = s_try(instruments, sizeof instruments, shipped[i], CATALOG_INSTRUMENTS_FILE);
        if (!found) {
            s_fail(err, errlen, "no catalog: set RATIFY_CATALOG, or install %s/%s",
                   CATALOG_INSTALLED_DIR, CATALOG_INSTRUMENTS_FILE);
            return NULL;
        }
    }
    /* Participants: beside the instruments file, else shipped. */
    const char *slash = strrchr(instruments, '/');
    if (slash) {
        size_t len = slash == instruments ? 1 : (size_t) (slash - instruments);
        memcpy(dir, instruments, len);
        dir[len] = '\0';
    }
    else
        strcpy(dir, ".");
    const char *participants = NULL;
    if (s_try(probe, sizeof probe, dir, CATALOG_PARTICIPANTS_FILE))
        participants = dir;
    for (size_t i = 0; i < 2 && !participants; i++)
        if (s_try(probe, sizeof probe, shipped[i], CATALOG_PARTICIPANTS_FILE))
            participants = shipped[i];
    if (!participants) {
        s_fail(err, errlen, "no %s beside %s nor in %s", CATALOG_PARTICIPANTS_FILE, instruments,
               CATALOG_INSTALLED_DIR);
        return NULL;
    }
    return catalog_load(instruments, participants, err, errlen);
}

const char *
catalog_source(const catalog_t *self)
{
    return self ? self->source : NULL;
}

/* ---- Instruments ------------------------------------------------------ */

size_t
catalog_instrument_count(const catalog_t *self)
{
    return self ? self->instrument_count : 0;
}

const catalog_instrument_t *
catalog_instrument_at(const catalog_t *self, size_t index)
{
    if (!self || index >= self->instrument_count)
        return NULL;
    return &self->instruments[index];
}

const catalog_instrument_t *
catalog_instrument_find(const catalog_t *self, const char *text)
{
    if (!self || !text)
        return NULL;
    while (*text == ' ' || *text == '\t')
        text++;
    char key[S_KEY_MAX];
    size_t len = strlen(text);
    while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t'))
        len--;
    if (len == 0 || len >= sizeof key)
        return NULL;
    for (size_t i = 0; i < len; i++)
        key[i] = (char) toupper((unsigned char) text[i]);
    key[len] = '\0';
    const s_key_t *hit = s_key_find(self->instrument_keys, self->instrument_key_count, key);
    return hit ? &self->instruments[hit->index] : NULL;
}

const char *
catalog_instrument_id(const catalog_instrument_t *inst)
{
    return inst->id;
}

const char *
catalog_instrument_reference(const catalog_instrument_t *inst)
{
    return inst->reference;
}

const char *
catalog_instrument_title(const catalog_instrument_t *inst)
{
    return inst->title;
}

const char *
catalog_instrument_short_title(const catalog_instrument_t *inst)
{
    return inst->short_title ? inst->short_title : inst->title;
}

rdate_t
catalog_instrument_adopted(const catalog_instrument_t *inst)
{
    return inst->adopted;
}

const char *
catalog_instrument_adopted_by(const catalog_instrument_t *inst)
{
    return inst->adopted_by;
}

rdate_t
catalog_instrument_signature_open(const catalog_instrument_t *inst)
{
    return inst->signature_open;
}

rdate_t
catalog_instrument_signature_close(const catalog_instrument_t *inst)
{
    return inst->signature_close;
}

bool
catalog_instrument_open_for_signature(const catalog_instrument_t *inst, rdate_t date)
{
    if (date == RDATE_NONE)
        return false;
    if (inst->signature_open != RDATE_NONE && date < inst->signature_open)
        return false;
    if (inst->signature_close != RDATE_NONE && date > inst->signature_close)
        return false;
    return true;
}

const char *
catalog_instrument_parent(const catalog_instrument_t *inst)
{
    return inst->parent;
}

const rules_rule_t *
catalog_instrument_rule(const catalog_instrument_t *inst)
{
    return &inst->rule;
}

/* ---- Participants ----------------------------------------------------- */

size_t
catalog_participant_count(const catalog_t *self)
{
    return self ? self->participant_count : 0;
}

const catalog_participant_t *
catalog_participant_at(const catalog_t *self, size_t index)
{
    if (!self || index >= self->participant_count)
        return NULL;
    return &self->participants[index];
}

const catalog_participant_t *
catalog_participant_by_id(const catalog_t *self, const char *id)
{
    if (!self || !id)
        return NULL;
    long index = s_participant_index(self, id);
    return index < 0 ? NULL : &self->participants[index];
}

const catalog_participant_t *
catalog_participant_find(const catalog_t *self, const char *text)
{
    if (!self || !text)
        return NULL;
    char key[S_KEY_MAX];
    if (s_normalise(text, key) == 0)
        return NULL;
    const s_key_t *hit = s_key_find(self->keys, self->key_count, key);
    return hit ? &self->participants[hit->index] : NULL;
}

/* Optimal string alignment distance between a and b, or limit + 1 when it
   exceeds limit. Both are shorter than S_KEY_MAX. */
static int
s_distance(const char *a, size_t la, const char *b, size_t lb, int limit)
{
    int diff = (int) la - (int) lb;
    if (diff > limit || -diff > limit)
        return limit + 1;
    int rows[3][S_KEY_MAX];
    int *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = (int) j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = (int) i;
        int row_min = cur[0];
        for (size_t j = 1; j <= lb; j++) {
            int cost = a[i - 1] == b[j - 1] ? 0 : 1;
            int best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            if (prev[j - 1] + cost < best)
                best = prev[j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]
                && prev2[j - 2] + 1 < best)
                best = prev2[j - 2] + 1;
            cur[j] = best;
            if (best < row_min)
                row_min = best;
        }
        if (row_min > limit)
            return limit + 1;
        int *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[lb];
}

static bool
s_better(const catalog_suggestion_t *a, const catalog_suggestion_t *b)
{
    if (a->distance != b->distance)
        return a->distance < b->distance;
    return strcmp(a->name, b->name) < 0;
}

size_t
catalog_participant_suggest(const catalog_t *self, const char *text, catalog_suggestion_t *out,
                            size_t max)
{
    if (!self || !text || !out || max == 0)
        return 0;
    char query[S_KEY_MAX];
    size_t qlen = s_normalise(text, query);
    if (qlen == 0)
        return 0;
    int limit = qlen <= 8 ? 2 : (int) (qlen / 4);
    size_t count = 0;
    for (size_t k = 0; k < self->key_count; k++) {
        const s_key_t *key = &self->keys[k];
        if (key->code)
            continue;
        size_t klen = strlen(key->key);
        int d;
        if (klen > qlen && strncmp(key->key, query, qlen) == 0 && qlen >= 3)
            d = 1;
        else
            d = s_distance(query, qlen, key->key, klen, limit);
        if (d > limit)
            continue;
        catalog_suggestion_t cand = {
            .participant = &self->participants[key->index],
            .name = key->name,
            .distance = d,
        };
        /* One entry per participant: its best name. */
        size_t at = count;
        for (size_t i = 0; i < count; i++)
            if (out[i].participant == cand.participant)
                at = i;
        if (at < count) {
            if (!s_better(&cand, &out[at]))
                continue;
            memmove(&out[at], &out[at + 1], (count - at - 1) * sizeof *out);
            count--;
        }
        else if (count == max && !s_better(&cand, &out[count - 1]))
            continue;
        else if (count == max)
            count--;
        size_t pos = count;
        while (pos > 0 && s_better(&cand, &out[pos - 1])) {
            out[pos] = out[pos - 1];
            pos--;
        }
        out[pos] = cand;
        count++;
    }
    return count;
}

const char *
catalog_participant_id(const catalog_participant_t *p)
{
    return p->id;
}

const char *
catalog_participant_iso3(const catalog_participant_t *p)
{
    return p->iso3;
}

const char *
catalog_participant_iso2(const catalog_participant_t *p)
{
    return p->iso2;
}

catalog_kind_t
catalog_participant_kind(const catalog_participant_t *p)
{
    return p->kind;
}

bool
catalog_participant_is_reio(const catalog_participant_t *p)
{
    return p->kind == CATALOG_KIND_REIO;
}

const char *
catalog_participant_name(const catalog_participant_t *p)
{
    return p->name;
}

const char *
catalog_participant_name_at(const catalog_participant_t *p, rdate_t date)
{
    if (date == RDATE_NONE)
        return p->name;
    for (size_t i = 0; i < p->former_count; i++)
        if (date < p->formers[i].until)
            return p->formers[i].name;
    return p->name;
}

size_t
catalog_participant_renames(const catalog_participant_t *p, rdate_t after, rdate_t until,
                            catalog_rename_t *out, size_t max)
{
    size_t count = 0;
    for (size_t i = 0; i < p->former_count; i++) {
        const s_former_t *former = &p->formers[i];
        if ((after != RDATE_NONE && former->until <= after) || former->until > until)
            continue;
        if (out && count < max)
            out[count] = (catalog_rename_t){
                .date = former->until,
                .old_name = former->name,
                .old_formal = former->formal,
                .new_name = i + 1 < p->former_count ? p->formers[i + 1].name : p->name,
                .note = former->note,
            };
        count++;
    }
    return count;
}

int
catalog_rename_sentence(const catalog_rename_t *rename, char *buf, size_t len)
{
    if (!rename || (!buf && len > 0))
        return -1;
    if (rename->note)
        return snprintf(buf, len, "%s", rename->note);
    char date[RDATE_LONG_SIZE];
    rdate_format_long(rename->date, date);
    return snprintf(buf, len, "On %s, %s changed its name to %s.", date, rename->old_formal,
                    rename->new_name);
}

const char *
catalog_kind_name(catalog_kind_t kind)
{
    switch (kind) {
    case CATALOG_KIND_STATE:
        return "state";
    case CATALOG_KIND_REIO:
        return "reio";
    case CATALOG_KIND_OTHER:
        return "other";
    }
    return "";
}
