/*  benchutil: see benchutil.h. */
#include "benchutil.h"

#include <stdlib.h>
#include <time.h>

int64_t
bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t
bench_now_us(void)
{
    return bench_now_ns() / 1000;
}

static int
s_cmp(const void *a, const void *b)
{
    const int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
    return (x > y) - (x < y);
}

int64_t
bench_percentile(int64_t *v, size_t n, int pct)
{
    if (n == 0)
        return 0;
    qsort(v, n, sizeof *v, s_cmp);
    const size_t rank = (n * (size_t) pct + 99) / 100;
    return v[rank ? rank - 1 : 0];
}
