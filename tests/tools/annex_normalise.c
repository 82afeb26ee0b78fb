/*  ratify-annex-normalise: reads an annex in the seed's text layout on
    stdin and writes it normalised on stdout, with the very function the
    unit tests compare under (tru_normalise in tests/unit/
    test_report_util.h: trailing white space, blank lines, repeated page
    headers and the two typos of the seed's table D footnote). The
    integration tests pipe both the seed fixture and `ratifyctl report
    annex` through it and diff the results. Exit 0, or 1 when out of
    memory or on a read error. */
#include "test_report_util.h"

#include <stdio.h>
#include <stdlib.h>

int
main(void)
{
    strbuf_t *in = strbuf_new();
    char chunk[4096];
    size_t n;
    while (in && (n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
        strbuf_appendn(in, chunk, n);
    if (!in || ferror(stdin) || strbuf_failed(in)) {
        fprintf(stderr, "ratify-annex-normalise: cannot read stdin\n");
        strbuf_destroy(&in);
        return 1;
    }
    char *out = tru_normalise(strbuf_data(in));
    strbuf_destroy(&in);
    if (!out) {
        fprintf(stderr, "ratify-annex-normalise: out of memory\n");
        return 1;
    }
    const int rc = fputs(out, stdout) < 0 || fflush(stdout) ? 1 : 0;
    free(out);
    return rc;
}
