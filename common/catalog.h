/*  catalog: the instruments Ratify tracks and the participants that act on
    them, loaded from human-editable files (data/catalog/README.md).

    Instruments come from an INI-like file, one [ID] section each, carrying
    the entry-into-force rule as data (a rules_rule_t), so an operator adds a
    treaty with a count-based rule without changing code. Participants come
    from three TSV files beside it: one row per participant, a dated name
    history, and aliases (ISO 3166 names, usual short forms, codes).

    Every name a participant has ever had, every alias and every code goes
    into one sorted index of normalised keys: lower case, diacritics
    dropped ("Türkiye" = "Turkiye"), apostrophes dropped, other punctuation
    and runs of white space made one space, the word "the" dropped anywhere
    ("The Gambia" = "Gambia"), "Saint" written "St" ("Saint Lucia" =
    "St. Lucia"), "&" read as "and", and runs of single letters joined
    ("U.S.A." = "USA"). A lookup normalises its text the same way and
    binary-searches: O(log n) and no allocation. Two participants claiming
    one key is a load error, so a lookup never has to choose.

    A loaded catalog is immutable and holds no global state: any number of
    threads may read one. Every pointer it returns (participants,
    instruments, strings) lives until catalog_destroy. */
#ifndef RATIFY_CATALOG_H
#define RATIFY_CATALOG_H

#include "rdate.h"
#include "rules.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct _catalog_t catalog_t;
typedef struct _catalog_instrument_t catalog_instrument_t;
typedef struct _catalog_participant_t catalog_participant_t;

/* File names inside a participants directory. */
#define CATALOG_PARTICIPANTS_FILE "participants.tsv"
#define CATALOG_NAMES_FILE        "participant-names.tsv"
#define CATALOG_ALIASES_FILE      "participant-aliases.tsv"
/* The instruments file catalog_load_default looks for in a directory. */
#define CATALOG_INSTRUMENTS_FILE "instruments.ini"
/* The installed catalog directory. */
/* The installed catalog directory: <install prefix>/share/ratify/catalog,
   set by the build (`make install` puts the shipped catalog there). */
#ifndef CATALOG_INSTALLED_DIR
#define CATALOG_INSTALLED_DIR "/usr/share/ratify/catalog"
#endif
/* A suggested size for the err buffer of the load functions. */
#define CATALOG_ERR_SIZE 512

typedef enum {
    CATALOG_KIND_STATE = 1, /* a Member State of the United Nations */
    CATALOG_KIND_REIO,      /* a regional economic integration organization */
    CATALOG_KIND_OTHER,     /* any other participant (Holy See, Niue...) */
} catalog_kind_t;

/* One change of name, for a report footnote such as "On 4 February 2003,
   the Federal Republic of Yugoslavia changed its name to Serbia and
   Montenegro." The strings belong to the catalog. */
typedef struct {
    rdate_t date;           /* first day of the new name */
    const char *old_name;   /* UNTC short name used before `date` */
    const char *old_formal; /* formal form for prose ("the Federal Republic
                               of Yugoslavia"); old_name when none given */
    const char *new_name;   /* name used from `date` */
    const char *note;       /* footnote text to print as is, or NULL */
} catalog_rename_t;

/* A near miss for a name that did not resolve. */
typedef struct {
    const catalog_participant_t *participant;
    const char *name; /* the known name that came close, as written */
    int distance;     /* edit distance between normalised forms */
} catalog_suggestion_t;

/* ---- Loading ---------------------------------------------------------- */

/* Loads the instruments file at instruments_path and the participant files
   in participants_dir (NULL: the directory holding instruments_path).
   participants.tsv is required; participant-names.tsv and
   participant-aliases.tsv are optional. Returns a new catalog (caller owns
   it: catalog_destroy), or NULL with a message in err ("path:line: what is
   wrong") when a file is missing or malformed. err may be NULL. */
catalog_t *catalog_load(const char *instruments_path, const char *participants_dir, char *err,
                        size_t errlen);

/* Loads the catalog a service uses when told nothing: the instruments file
   named by $RATIFY_CATALOG (a missing file is then an error, never a
   silent fallback), else CATALOG_INSTALLED_DIR/instruments.ini when it
   exists, else RATIFY_SOURCE_DATA_DIR/catalog/instruments.ini (the source
   tree). Participants are read beside the instruments file when a
   participants.tsv is there, else from the installed directory, else from
   the source tree. Returns a new catalog (caller owns it) or NULL with a
   message in err. */
catalog_t *catalog_load_default(char *err, size_t errlen);

/* Destroys the catalog and sets *self_p to NULL. Accepts NULL and a pointer
   to NULL. */
void catalog_destroy(catalog_t **self_p);

/* Returns the path of the instruments file this catalog was read from.
   Owned by the catalog. */
const char *catalog_source(const catalog_t *self);

/* ---- Instruments ------------------------------------------------------ */

/* Returns the number of instruments. */
size_t catalog_instrument_count(const catalog_t *self);

/* Returns the index-th instrument in file order, or NULL when index is out
   of range. Owned by the catalog. */
const catalog_instrument_t *catalog_instrument_at(const catalog_t *self, size_t index);

/* Returns the instrument whose id ("UNTOC") or UNTC reference
   ("XVIII-12-a") is text, compared case-insensitively after trimming white
   space, or NULL. Owned by the catalog. */
const catalog_instrument_t *catalog_instrument_find(const catalog_t *self, const char *text);

/* Accessors. Strings are owned by the catalog; never NULL unless said. */
const char *catalog_instrument_id(const catalog_instrument_t *inst);
const char *catalog_instrument_reference(const catalog_instrument_t *inst);
const char *catalog_instrument_title(const catalog_instrument_t *inst);
/* Returns the short title, or the title when the file gives none. */
const char *catalog_instrument_short_title(const catalog_instrument_t *inst);
/* Returns the adoption date, or RDATE_NONE when the file gives none. */
rdate_t catalog_instrument_adopted(const catalog_instrument_t *inst);
/* Returns the adopting act ("General Assembly resolution 55/25"), or NULL. */
const char *catalog_instrument_adopted_by(const catalog_instrument_t *inst);
/* Return the first and last days of the signature period, or RDATE_NONE
   (no date given: open from adoption / never closes). */
rdate_t catalog_instrument_signature_open(const catalog_instrument_t *inst);
rdate_t catalog_instrument_signature_close(const catalog_instrument_t *inst);
/* Returns true when date lies inside the signature period (a missing bound
   does not limit it). */
bool catalog_instrument_open_for_signature(const catalog_instrument_t *inst, rdate_t date);
/* Returns the id of the instrument this one supplements ("UNTOC" for a
   Protocol), or NULL. The id always names an instrument of the catalog. */
const char *catalog_instrument_parent(const catalog_instrument_t *inst);
/* Returns the entry-into-force rule. Owned by the catalog. */
const rules_rule_t *catalog_instrument_rule(const catalog_instrument_t *inst);

/* ---- Participants ----------------------------------------------------- */

/* Returns the number of participants. */
size_t catalog_participant_count(const catalog_t *self);

/* Returns the index-th participant, in id order, or NULL when index is out
   of range. Owned by the catalog. */
const catalog_participant_t *catalog_participant_at(const catalog_t *self, size_t index);

/* Returns the participant whose catalog id is id (case-insensitive, exact),
   or NULL. This is the lookup for ids carried by events. */
const catalog_participant_t *catalog_participant_by_id(const catalog_t *self, const char *id);

/* Returns the participant that text names: its id, ISO 3166-1 alpha-3 or
   alpha-2 code, current or former name, formal former name, or an alias,
   compared after normalisation (see the top of this file). Returns NULL
   when nothing matches; catalog_participant_suggest then offers near
   misses. */
const catalog_participant_t *catalog_participant_find(const catalog_t *self, const char *text);

/* Fills out[0..max) with the known names closest to text (edit distance
   on normalised forms, a transposition counting one; a known name that
   starts with the text counts as distance 1), best first, at most one per
   participant, codes left out, and only within a distance that grows with
   the length of text (2 up to 8 characters, then a quarter of it).
   Returns the number written. */
size_t catalog_participant_suggest(const catalog_t *self, const char *text,
                                   catalog_suggestion_t *out, size_t max);

/* Accessors. Strings are owned by the catalog. */
const char *catalog_participant_id(const catalog_participant_t *p);
/* Return the ISO 3166-1 codes, or NULL (the European Union has none). */
const char *catalog_participant_iso3(const catalog_participant_t *p);
const char *catalog_participant_iso2(const catalog_participant_t *p);
catalog_kind_t catalog_participant_kind(const catalog_participant_t *p);
/* Returns true for a regional economic integration organization. */
bool catalog_participant_is_reio(const catalog_participant_t *p);
/* Returns the current UNTC short name ("Türkiye"). */
const char *catalog_participant_name(const catalog_participant_t *p);
/* Returns the UNTC short name in use on date ("Turkey" on 2003-07-02);
   RDATE_NONE gives the current name. */
const char *catalog_participant_name_at(const catalog_participant_t *p, rdate_t date);

/* Fills out[0..max) with the participant's changes of name dated after
   `after` and on or before `until`, oldest first (RDATE_NONE for `after`:
   from the beginning). Returns the number of such changes, which may exceed
   max (then only max are written). */
size_t catalog_participant_renames(const catalog_participant_t *p, rdate_t after, rdate_t until,
                                   catalog_rename_t *out, size_t max);

/* Writes the footnote for one change into buf: its note when it has one,
   else "On 4 February 2003, the Federal Republic of Yugoslavia changed its
   name to Serbia and Montenegro." Returns the length of the full text (as
   snprintf: a value >= len means buf was too small and holds a truncated
   copy), or -1 on bad arguments. */
int catalog_rename_sentence(const catalog_rename_t *rename, char *buf, size_t len);

/* Returns the kind's file spelling ("state", "reio", "other"), or "" for
   an unknown value. Static string. */
const char *catalog_kind_name(catalog_kind_t kind);

#endif
