/*  ratifyctl: the command line for Ratify. Each command lives in a
    cmd_*.c file; this file only dispatches and prints the overview. */
#include "cli.h"

#include "config.h"
#include "log.h"
#include "security.h"
#include "sock.h"

#include <stdbool.h>
#include <string.h>

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
    bool offline; /* opens no socket: needs no certificate, even with CURVE on */
} s_command_t;

static const s_command_t s_commands[] = {
    {"deposit", cmd_deposit, "record a signature, ratification, accession... or denunciation",
     false},
    {"load", cmd_load, "send every row of a CSV file to the registry", false},
    {"events", cmd_events, "print the registry's event log", false},
    {"retract", cmd_retract, "mark an event as erroneous (nothing is deleted)", false},
    {"ping", cmd_ping, "ask a service whether it is ready", false},
    {"report", cmd_report, "print a report: the annex, a status table, or progress", false},
    {"subscribe", cmd_subscribe, "print the notifier's alerts, each once, in order", false},
    {"webhook", cmd_webhook, "add, list or remove webhooks; show and redeliver dead ones", false},
    {"status", cmd_status, "where each instrument stands: counts, threshold, entry into force",
     false},
    {"request", cmd_request, "send any message written as JSON to a service", false},
    {"watch", cmd_watch, "print every message of a stream as it arrives", false},
    {"decode", cmd_decode, "print a msgpack message (hex on stdin) as JSON", true},
    {"catalog", cmd_catalog, "list the instruments or participants the catalog knows", true},
    {"encode", cmd_encode, "print the msgpack encoding of a JSON message as hex", true},
    {"keygen", cmd_keygen, "make a CURVE key pair for a service or a client", true},
};
#define COMMAND_COUNT (sizeof s_commands / sizeof s_commands[0])

static void
s_usage(FILE *out)
{
    fprintf(out, "Usage: ratifyctl COMMAND [ARGS...]   (ratifyctl COMMAND --help for details)\n\n"
                 "Commands:\n");
    for (size_t i = 0; i < COMMAND_COUNT; i++)
        fprintf(out, "  %-9s %s\n", s_commands[i].name, s_commands[i].summary);
    fprintf(out, "\nExit codes: 0 success, 1 rejected by the service, 2 usage error,\n"
                 "3 timeout (service not answering), 4 other failure.\n\n"
                 "Environment (each with a default on 127.0.0.1):\n");
    for (int k = 0; k < CONFIG_KEY_COUNT; k++)
        fprintf(out, "  %-24s %s\n", config_name((config_key_t) k),
                config_default((config_key_t) k) ? config_default((config_key_t) k) : "(unset)");
    fprintf(out, "  %-24s %s\n", "RATIFY_CURVE", "1: CURVE on every socket (README: Security)");
    fprintf(out, "  %-24s %s\n", "RATIFY_KEYS_DIR", "(unset) the certificates, with CURVE");
    fprintf(out, "  %-24s %s\n", "RATIFY_CLIENT_KEY", "client: ratifyctl's certificate");
}

/* Returns whether the command's arguments ask for its help. */
static bool
s_asks_help(int argc, char **argv)
{
    for (int i = 2; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return true;
    return false;
}

int
main(int argc, char **argv)
{
    if (argc < 2) {
        s_usage(stderr);
        return CLI_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
        s_usage(stdout);
        return CLI_OK;
    }
    if (strcmp(name, "help") == 0) {
        if (argc < 3) {
            s_usage(stdout);
            return CLI_OK;
        }
        name = argv[2];
        char *help_argv[] = {argv[2], "--help", NULL};
        for (size_t i = 0; i < COMMAND_COUNT; i++)
            if (strcmp(name, s_commands[i].name) == 0)
                return s_commands[i].run(2, help_argv);
    }
    sock_init();
    log_set_output(stderr); /* library warnings never mix with the command's output */
    for (size_t i = 0; i < COMMAND_COUNT; i++) {
        if (strcmp(name, s_commands[i].name) != 0)
            continue;
        char err[512];
        if (!s_commands[i].offline && !s_asks_help(argc, argv)
            && (config_check_endpoints(err, sizeof err) != 0
                || log_check_env(err, sizeof err) != 0)) {
            fprintf(stderr, "ratifyctl: %s\n", err);
            return CLI_USAGE;
        }
        if (!s_commands[i].offline && security_init(NULL, SECURITY_CLIENT, err, sizeof err) != 0) {
            fprintf(stderr, "ratifyctl: %s\n", err);
            return CLI_FAILED;
        }
        const int rc = s_commands[i].run(argc - 1, argv + 1);
        security_shutdown();
        return rc;
    }
    fprintf(stderr, "ratifyctl: unknown command '%s'\n\n", name);
    s_usage(stderr);
    return CLI_USAGE;
}
