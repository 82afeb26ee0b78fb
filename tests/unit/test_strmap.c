/*  test_strmap: the string -> small integer map (common/strmap.h).

    Insert and look up, keys present and absent (a prefix, a longer key,
    another case), values kept as inserted (0 and UINT32_MAX too), the
    key copied, the empty key, long keys, 100,000 keys (many doublings of
    the slots and growths of the pool) with the memory they take, keys
    whose hashes share their first slot in every table up to 65,536 slots
    (the last slot, so probing wraps around), and, in a child process
    whose address space is capped (not under AddressSanitizer, whose
    allocator reserves terabytes up front), out of memory: a failed insert
    leaves the map as it was and usable, and strmap_new returns NULL. */
#include "check.h"
#include "strmap.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__) /* GCC */
#define SANITIZED 1
#elif defined(__has_feature) /* clang */
#define SANITIZED __has_feature(address_sanitizer)
#else
#define SANITIZED 0
#endif

#define MANY         100000
#define COLLIDING    12
#define COLLIDE_MASK 0xFFFFu /* the first slot in a table of up to 65,536 */

static void
test_insert_get(strmap_t *m)
{
    uint32_t v = 42;
    CHECK_INT(strmap_count(m), 0);
    CHECK(!strmap_get(m, "UNTOC", &v));
    CHECK_INT(v, 42); /* untouched when absent */

    CHECK_INT(strmap_insert(m, "UNTOC", 7), 0);
    CHECK(strmap_get(m, "UNTOC", &v));
    CHECK_INT(v, 7);
    CHECK(strmap_get(m, "UNTOC", NULL));
    /* present already: 1, and the value stays */
    CHECK_INT(strmap_insert(m, "UNTOC", 9), 1);
    CHECK(strmap_get(m, "UNTOC", &v));
    CHECK_INT(v, 7);
    CHECK_INT(strmap_count(m), 1);

    /* absent: a prefix, a longer key, another case, the empty key */
    CHECK(!strmap_get(m, "UNTO", NULL));
    CHECK(!strmap_get(m, "UNTOCX", NULL));
    CHECK(!strmap_get(m, "untoc", NULL));
    CHECK(!strmap_get(m, "", NULL));

    /* values are kept as given, the extremes included */
    CHECK_INT(strmap_insert(m, "zero", 0), 0);
    CHECK_INT(strmap_insert(m, "max", UINT32_MAX), 0);
    CHECK(strmap_get(m, "zero", &v));
    CHECK_INT(v, 0);
    CHECK(strmap_get(m, "max", &v));
    CHECK_INT(v, UINT32_MAX);

    /* bytes above 0x7F hash and compare as themselves */
    CHECK_INT(strmap_insert(m, "C\xc3\xb4te", 3), 0);
    CHECK(strmap_get(m, "C\xc3\xb4te", &v));
    CHECK_INT(v, 3);
    CHECK(!strmap_get(m, "C\xc3\xb3te", NULL));

    /* the map copies the key: the caller's buffer may change or go */
    char buf[16];
    snprintf(buf, sizeof buf, "ARM");
    CHECK_INT(strmap_insert(m, buf, 11), 0);
    snprintf(buf, sizeof buf, "FRA");
    CHECK(strmap_get(m, "ARM", &v));
    CHECK_INT(v, 11);
    CHECK(!strmap_get(m, "FRA", NULL));
    CHECK_INT(strmap_count(m), 5);
}

static void
test_empty_key(strmap_t *m)
{
    CHECK_INT(strmap_insert(m, "", 5), 0);
    CHECK_INT(strmap_insert(m, "", 6), 1);
    CHECK_INT(strmap_insert(m, "a", 1), 0);
    uint32_t v = 0;
    CHECK(strmap_get(m, "", &v));
    CHECK_INT(v, 5);
    CHECK(strmap_get(m, "a", &v));
    CHECK_INT(v, 1);
    CHECK_INT(strmap_count(m), 2);
}

/* Keys far longer than any id, differing only at their first or last
   byte, and a prefix of one of them. */
static void
test_long_keys(strmap_t *m)
{
    const size_t len = 100000;
    char *key = malloc(len + 1);
    CHECK(key != NULL);
    if (!key)
        return;
    memset(key, 'x', len);
    key[len] = '\0';
    CHECK_INT(strmap_insert(m, key, 1), 0);
    key[len - 1] = 'y';
    CHECK(!strmap_get(m, key, NULL));
    CHECK_INT(strmap_insert(m, key, 2), 0);
    key[len - 1] = 'x';
    key[0] = 'y';
    CHECK_INT(strmap_insert(m, key, 3), 0);
    key[0] = 'x';
    uint32_t v = 0;
    CHECK(strmap_get(m, key, &v));
    CHECK_INT(v, 1);
    key[len - 1] = 'y';
    CHECK(strmap_get(m, key, &v));
    CHECK_INT(v, 2);
    key[len - 1] = '\0'; /* a prefix */
    CHECK(!strmap_get(m, key, NULL));
    CHECK_INT(strmap_count(m), 3);
    CHECK(strmap_memory(m) >= 3 * (len + 1));
    free(key);
}

/* MANY keys: the slots double from 64 past 65,536 and the pool grows
   again and again; every key keeps its value, no other key is found, and
   the memory is what strmap.h says (2 to 4 slots of 8 bytes a key, the
   keys' bytes with up to half again of slack). */
static void
test_growth(strmap_t *m)
{
    const size_t empty = strmap_memory(m);
    size_t key_bytes = 0;
    int failed = 0;
    for (uint32_t i = 0; i < MANY; i++) {
        char key[32];
        key_bytes += (size_t) snprintf(key, sizeof key, "id-%u", i) + 1;
        failed += strmap_insert(m, key, i) != 0;
    }
    CHECK_INT(failed, 0);
    CHECK_INT(strmap_count(m), MANY);
    int wrong = 0;
    for (uint32_t i = 0; i < MANY; i++) {
        char key[32];
        snprintf(key, sizeof key, "id-%u", i);
        uint32_t v = UINT32_MAX;
        wrong += !strmap_get(m, key, &v) || v != i;
        snprintf(key, sizeof key, "id-%u", i + MANY);
        wrong += strmap_get(m, key, NULL);
        snprintf(key, sizeof key, "id-%u ", i);
        wrong += strmap_get(m, key, NULL);
    }
    CHECK_INT(wrong, 0);
    const size_t bytes = strmap_memory(m) - empty;
    CHECK(bytes >= 2 * 8 * MANY + key_bytes);
    CHECK(bytes <= 4 * 8 * MANY + key_bytes + key_bytes / 2 + 1);
}

/* FNV-1a, as strmap.c hashes: the test picks keys that collide with it. */
static uint64_t
s_fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char) *s) * 1099511628211ULL;
    return h;
}

/* Keys whose hashes agree in their low 16 bits, all ones: each wants the
   last slot of any table up to 65,536 slots, so they form one probe chain
   that wraps around to the first slot, and stay one chain as the slots
   double. An absent key with the same first slot walks the whole chain. */
static void
test_collisions(strmap_t *m)
{
    char keys[COLLIDING + 1][16];
    int found = 0;
    for (unsigned n = 0; found < COLLIDING + 1 && n < 100000000u; n++) {
        snprintf(keys[found], sizeof keys[found], "c%u", n);
        if ((s_fnv1a(keys[found]) & COLLIDE_MASK) == COLLIDE_MASK)
            found++;
    }
    CHECK_INT(found, COLLIDING + 1);
    if (found < COLLIDING + 1)
        return;
    const char *absent = keys[COLLIDING];
    for (uint32_t i = 0; i < COLLIDING; i++)
        CHECK_INT(strmap_insert(m, keys[i], 100 + i), 0);
    for (uint32_t i = 0; i < COLLIDING; i++) {
        uint32_t v = 0;
        CHECK(strmap_get(m, keys[i], &v));
        CHECK_INT(v, 100 + i);
        CHECK_INT(strmap_insert(m, keys[i], 0), 1);
    }
    CHECK(!strmap_get(m, absent, NULL));
    /* more keys: the slots double four times with the chain in them */
    int failed = 0, wrong = 0;
    for (uint32_t i = 0; i < 1000; i++) {
        char key[16];
        snprintf(key, sizeof key, "other%u", i);
        failed += strmap_insert(m, key, i) != 0;
    }
    for (uint32_t i = 0; i < COLLIDING; i++) {
        uint32_t v = 0;
        wrong += !strmap_get(m, keys[i], &v) || v != 100 + i;
    }
    CHECK_INT(failed, 0);
    CHECK_INT(wrong, 0);
    CHECK(!strmap_get(m, absent, NULL));
    CHECK_INT(strmap_insert(m, absent, 7), 0);
    uint32_t v = 0;
    CHECK(strmap_get(m, absent, &v));
    CHECK_INT(v, 7);
    CHECK_INT(strmap_count(m), COLLIDING + 1000 + 1);
}

/* Returns the process's address space size in bytes, 0 when unknown. */
static size_t
s_vm_size(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long pages = 0;
    if (!f)
        return 0;
    if (fscanf(f, "%lu", &pages) != 1)
        pages = 0;
    fclose(f);
    return (size_t) pages * (size_t) sysconf(_SC_PAGESIZE);
}

/* In a child with its address space capped a few MiB above what it uses:
   inserts long keys until one fails, then checks the map. Exits 0 when all
   is as strmap.h says, 1 when not, 2 when the cap could not be set (or did
   not bite). The child writes nothing: its output could need memory. */
static void
s_oom_child(void)
{
    strmap_t *m = strmap_new();
    const size_t vm = s_vm_size();
    struct rlimit cap;
    if (!m || vm == 0 || getrlimit(RLIMIT_AS, &cap) != 0)
        _exit(2);
    cap.rlim_cur = vm + 8 * 1024 * 1024;
    if (setrlimit(RLIMIT_AS, &cap) != 0)
        _exit(2);
    char key[200];
    memset(key, 'k', sizeof key - 1);
    key[sizeof key - 1] = '\0';
    uint32_t n = 0;
    int rc = 0;
    for (; n < 10000000u && rc == 0; n++) {
        snprintf(key, 16, "%015u", n); /* the rest of the key stays 'k's */
        key[15] = 'k';
        rc = strmap_insert(m, key, n);
    }
    if (rc == 0)
        _exit(2);
    const uint32_t failed_at = n - 1;
    int bad = rc != -1 || strmap_count(m) != failed_at || strmap_get(m, key, NULL);
    /* what was there is there, and asks for no memory */
    for (uint32_t i = 0; i < failed_at; i++) {
        uint32_t v = UINT32_MAX;
        snprintf(key, 16, "%015u", i);
        key[15] = 'k';
        bad |= !strmap_get(m, key, &v) || v != i || strmap_insert(m, key, 0) != 1;
    }
    /* with every byte taken, strmap_new fails cleanly */
    void *blocks = NULL, *b;
    while ((b = malloc(16))) {
        *(void **) b = blocks;
        blocks = b;
    }
    strmap_t *none = strmap_new();
    bad |= none != NULL;
    strmap_destroy(&none);
    while (blocks) {
        b = blocks;
        blocks = *(void **) b;
        free(b);
    }
    /* freed, the map takes keys again */
    strmap_destroy(&m);
    m = strmap_new();
    bad |= !m || strmap_insert(m, "after", 1) != 0 || !strmap_get(m, "after", NULL);
    strmap_destroy(&m);
    _exit(bad ? 1 : 0);
}

static void
test_out_of_memory(void)
{
    if (SANITIZED) {
        printf("test_strmap: out of memory not tested under AddressSanitizer\n");
        return;
    }
    fflush(stdout);
    fflush(stderr);
    const pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0)
        s_oom_child();
    int status = -1;
    CHECK(child > 0 && waitpid(child, &status, 0) == child);
    CHECK(WIFEXITED(status));
    if (WIFEXITED(status) && WEXITSTATUS(status) == 2)
        printf("test_strmap: the address space could not be capped: out of memory not "
               "tested\n");
    else
        CHECK_INT(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 0);
}

/* Runs test on a new map, then destroys it as strmap.h says. */
static void
s_run(void (*test)(strmap_t *m))
{
    strmap_t *m = strmap_new();
    CHECK(m != NULL);
    if (m)
        test(m);
    strmap_destroy(&m);
    CHECK(m == NULL);
    strmap_destroy(&m);
}

int
main(void)
{
    s_run(test_insert_get);
    s_run(test_empty_key);
    s_run(test_long_keys);
    s_run(test_growth);
    s_run(test_collisions);
    strmap_destroy(NULL);
    test_out_of_memory();
    return check_report("test_strmap");
}
