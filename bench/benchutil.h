/*  benchutil: the clock and the percentile every bench program uses, so
    that the figures they print are taken and ranked the same way. */
#ifndef RATIFY_BENCHUTIL_H
#define RATIFY_BENCHUTIL_H

#include <stddef.h>
#include <stdint.h>

/* Returns CLOCK_MONOTONIC in nanoseconds. */
int64_t bench_now_ns(void);

/* Returns CLOCK_MONOTONIC in microseconds. */
int64_t bench_now_us(void);

/* Sorts v[0, n) in place and returns its pct-th percentile by nearest
   rank: the smallest value with at least pct per cent of the values at or
   below it (50 the median, 100 the maximum). Returns 0 when n is 0. */
int64_t bench_percentile(int64_t *v, size_t n, int pct);

#endif
