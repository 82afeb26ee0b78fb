/*  ratifyctl keygen: a CURVE key pair (czmq certificate) for a service or a
    client, written where RATIFY_KEYS_DIR says (see common/security.h for
    the layout and README.md, "Security (CURVE)", for admitting and
    revoking keys). */
#include "cli.h"
#include "security.h"

#include <czmq.h>
#include <errno.h>
#include <getopt.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KEYGEN_PATH_MAX 240 /* czmq appends "_secret" in a 256-byte buffer */

static const char *s_usage =
    "Usage: ratifyctl keygen NAME [--dir DIR] [--writer] [--reader]\n"
    "\n"
    "Makes a CURVE key pair (a czmq certificate): DIR/NAME.key, the public\n"
    "certificate, which may be copied anywhere, and DIR/NAME.key_secret (mode\n"
    "0600), which stays on the machine that uses it. DIR is --dir, else\n"
    "$RATIFY_KEYS_DIR; it is created when missing. An existing certificate is\n"
    "never overwritten. Prints the public key.\n"
    "\n"
    "  --writer   also admit it as a writer: copy NAME.key into DIR/writers/\n"
    "             ($RATIFY_WRITERS_DIR without --dir)\n"
    "  --reader   also admit it as a reader: DIR/readers/ ($RATIFY_READERS_DIR)\n"
    "\n"
    "A service uses the certificate named after it (registry, threshold,\n"
    "notifier, reporter); ratifyctl uses \"client\" unless RATIFY_CLIENT_KEY\n"
    "names another. Services read each other, so their keys go in readers/.\n"
    "\n"
    "Examples:\n"
    "  for s in registry threshold notifier reporter; do ratifyctl keygen $s --reader; done\n"
    "  ratifyctl keygen client --writer\n"
    "  ratifyctl keygen alice --dir ./alice-keys     # then hand out alice-keys/alice.key\n";

/* Writes "<dir>/<file>" into buf. Returns 0, or -1 when it is too long. */
static int
s_join(char *buf, size_t cap, const char *dir, const char *file)
{
    const int n = snprintf(buf, cap, "%s/%s", dir, file);
    return n < 0 || (size_t) n >= cap ? -1 : 0;
}

/* Creates dir when missing. Returns 0, or -1 (message printed). */
static int
s_ensure_dir(const char *dir, mode_t mode)
{
    struct stat st;
    if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
        return 0;
    if (mkdir(dir, mode) == 0)
        return 0;
    fprintf(stderr, "ratifyctl keygen: cannot create directory %s: %s\n", dir, strerror(errno));
    return -1;
}

/* The list directory for --writer or --reader. */
static int
s_list_dir(char *buf, size_t cap, const char *dir, bool dir_given, const char *variable,
           const char *sub)
{
    const char *value = getenv(variable);
    if (!dir_given && value && *value) {
        const int n = snprintf(buf, cap, "%s", value);
        return n < 0 || (size_t) n >= cap ? -1 : 0;
    }
    return s_join(buf, cap, dir, sub);
}

static bool
s_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

int
cmd_keygen(int argc, char **argv)
{
    static const struct option longs[] = {{"dir", required_argument, NULL, 'd'},
                                          {"writer", no_argument, NULL, 'w'},
                                          {"reader", no_argument, NULL, 'r'},
                                          {"help", no_argument, NULL, 'h'},
                                          {NULL, 0, NULL, 0}};
    const char *dir = NULL;
    bool writer = false, reader = false;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
        switch (c) {
        case 'd':
            dir = optarg;
            break;
        case 'w':
            writer = true;
            break;
        case 'r':
            reader = true;
            break;
        case 'h':
            fputs(s_usage, stdout);
            return CLI_OK;
        default:
            fprintf(stderr, "ratifyctl keygen: unknown option '%s'\n%s", argv[optind - 1], s_usage);
            return CLI_USAGE;
        }
    }
    if (argc - optind != 1) {
        fprintf(stderr, "ratifyctl keygen: expected one NAME\n%s", s_usage);
        return CLI_USAGE;
    }
    const char *name = argv[optind];
    if (!security_name_valid(name)) {
        fprintf(stderr,
                "ratifyctl keygen: '%s' is not a certificate name: 1 to %d letters, digits, "
                "'.', '_' or '-', not starting with '.'\n",
                name, SECURITY_NAME_MAX);
        return CLI_USAGE;
    }
    const bool dir_given = dir != NULL;
    if (!dir)
        dir = getenv("RATIFY_KEYS_DIR");
    if (!dir || !*dir) {
        fprintf(stderr, "ratifyctl keygen: where? set RATIFY_KEYS_DIR or give --dir DIR\n");
        return CLI_USAGE;
    }
    if (!zsys_has_curve()) {
        fprintf(stderr, "ratifyctl keygen: this libzmq has no CURVE support\n");
        return CLI_FAILED;
    }

    char file[SECURITY_NAME_MAX + 8], path[KEYGEN_PATH_MAX], secret[KEYGEN_PATH_MAX + 8];
    char lists[2][KEYGEN_PATH_MAX], copies[2][KEYGEN_PATH_MAX];
    const bool admit[2] = {writer, reader};
    static const char *variables[2] = {"RATIFY_WRITERS_DIR", "RATIFY_READERS_DIR"};
    static const char *subdirs[2] = {"writers", "readers"};
    snprintf(file, sizeof file, "%s.key", name);
    if (s_join(path, sizeof path, dir, file) != 0) {
        fprintf(stderr, "ratifyctl keygen: path too long: %s/%s\n", dir, file);
        return CLI_USAGE;
    }
    snprintf(secret, sizeof secret, "%s_secret", path);
    for (int i = 0; i < 2; i++)
        if (admit[i]
            && (s_list_dir(lists[i], sizeof lists[i], dir, dir_given, variables[i], subdirs[i]) != 0
                || s_join(copies[i], sizeof copies[i], lists[i], file) != 0)) {
            fprintf(stderr, "ratifyctl keygen: the %s directory's path is too long\n", subdirs[i]);
            return CLI_USAGE;
        }
    /* check everything before writing anything */
    const char *taken = s_exists(path)                    ? path
                        : s_exists(secret)                ? secret
                        : admit[0] && s_exists(copies[0]) ? copies[0]
                        : admit[1] && s_exists(copies[1]) ? copies[1]
                                                          : NULL;
    if (taken) {
        fprintf(stderr,
                "ratifyctl keygen: %s already exists; a certificate is never overwritten "
                "(remove it first to replace the key)\n",
                taken);
        return CLI_FAILED;
    }
    if (s_ensure_dir(dir, 0750) != 0)
        return CLI_FAILED;

    zcert_t *cert = zcert_new();
    if (!cert) {
        fprintf(stderr, "ratifyctl keygen: cannot make a key pair\n");
        return CLI_FAILED;
    }
    zcert_set_meta(cert, "name", "%s", name);
    zcert_set_meta(cert, "created-by", "ratifyctl keygen");
    int rc = CLI_OK;
    if (zcert_save(cert, path) != 0) {
        fprintf(stderr, "ratifyctl keygen: cannot write %s: %s\n", path, strerror(errno));
        unlink(path);
        unlink(secret);
        rc = CLI_FAILED;
    }
    for (int i = 0; rc == CLI_OK && i < 2; i++) {
        if (!admit[i])
            continue;
        if (s_ensure_dir(lists[i], 0755) != 0)
            rc = CLI_FAILED;
        else if (zcert_save_public(cert, copies[i]) != 0) {
            fprintf(stderr, "ratifyctl keygen: cannot write %s: %s\n", copies[i], strerror(errno));
            rc = CLI_FAILED;
        }
    }
    if (rc == CLI_OK || s_exists(path)) {
        printf("public key: %s\n", zcert_public_txt(cert));
        printf("wrote %s (public) and %s (secret: keep it on the machine that uses it)\n", path,
               secret);
    }
    for (int i = 0; rc == CLI_OK && i < 2; i++)
        if (admit[i])
            printf("admitted as a %s: %s (revoke: rm %s)\n", i == 0 ? "writer" : "reader",
                   copies[i], copies[i]);
    if (rc == CLI_OK && !writer && !reader)
        printf("to admit it, copy %s into the services' writers/ (deposit and retract) or "
               "readers/ (read and subscribe) directory\n",
               path);
    zcert_destroy(&cert);
    return rc;
}
