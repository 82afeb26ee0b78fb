/*  fuzz_csv: libFuzzer target for the CSV reader (ratifyctl load reads
    operator-supplied files with it).

    Arbitrary bytes are read through fmemopen, record by record, until the
    end. Checked on every record: the field count is 1..CSV_FIELDS_MAX, no
    field is longer than CSV_FIELD_MAX, line numbers never go back, an error
    names its line, and the reader always makes progress (no more calls
    than bytes, plus the end). Any violation aborts.

    Build: tests/fuzz/CMakeLists.txt (clang, RATIFY_FUZZ=ON) or
    tests/fuzz/run.sh SECONDS. */
#include "csv.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_ASSERT(cond)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_csv: %s:%d: %s\n", __FILE__, __LINE__, #cond);                   \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0; /* fmemopen refuses an empty buffer */
    char *copy = malloc(size);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    FILE *file = fmemopen(copy, size, "r");
    FUZZ_ASSERT(file != NULL);
    csv_t *csv = csv_new(file);
    FUZZ_ASSERT(csv != NULL);
    int last_line = 0;
    size_t calls = 0;
    for (;;) {
        FUZZ_ASSERT(++calls <= size + 1);
        const int n = csv_next(csv);
        if (n == 0)
            break;
        FUZZ_ASSERT(csv_line(csv) >= last_line);
        if (n < 0) {
            FUZZ_ASSERT(strncmp(csv_error(csv), "line ", 5) == 0);
            continue;
        }
        last_line = csv_line(csv);
        FUZZ_ASSERT(last_line >= 1);
        FUZZ_ASSERT(n >= 1 && n <= CSV_FIELDS_MAX);
        for (int i = 0; i < n; i++)
            FUZZ_ASSERT(strlen(csv_field(csv, i)) <= CSV_FIELD_MAX);
        FUZZ_ASSERT(csv_field(csv, n)[0] == '\0');
    }
    FUZZ_ASSERT(csv_next(csv) == 0); /* the end stays the end */
    csv_destroy(&csv);
    fclose(file);
    free(copy);
    return 0;
}
