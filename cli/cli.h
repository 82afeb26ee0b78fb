/*  cli: what every ratifyctl command shares.

    Exit codes (a contract: scripts test them):
      0  success (accepted, duplicate, or the answer printed)
      1  rejected: the service answered with an error
      2  usage error: bad command line or input file
      3  timeout: the service did not answer (not running, or unreachable)
      4  failure: anything else (malformed reply, I/O error)

    Services are named registry, threshold, notifier or reporter; their API
    endpoints come from the same RATIFY_* variables the services read. */
#ifndef RATIFY_CLI_H
#define RATIFY_CLI_H

#include "msg.h"
#include "rpc.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

enum {
    CLI_OK = 0,
    CLI_REJECTED = 1,
    CLI_USAGE = 2,
    CLI_TIMEOUT = 3,
    CLI_FAILED = 4,
};

#define CLI_TIMEOUT_MSEC_DEFAULT 5000

/* Options every command accepts, parsed by cli_common_option. */
typedef struct {
    bool json;      /* --json, or stdout is not a terminal where that applies */
    int timeout_ms; /* --timeout SECONDS */
} cli_opts_t;

/* Returns the API endpoint of a service name, or NULL when the name is not
   one of registry, threshold, notifier, reporter. */
const char *cli_service_endpoint(const char *service);

/* Sends a request frame to a service and waits for the answer. Returns
   CLI_OK with *reply set (caller destroys it; it may be an "error"),
   CLI_TIMEOUT or CLI_FAILED (message printed on stderr). */
int cli_call(rpc_client_t *client, const char *service, const msgpack_sbuffer *request,
             int timeout_ms, msg_in_t **reply);

/* Prints a frame as one line of compact JSON on out. Returns 0 or -1. */
int cli_print_json(FILE *out, const msg_in_t *msg);

/* Prints a JSON value as one compact line on out and decrefs nothing. */
void cli_print_json_value(FILE *out, const json_t *value);

/* Prints text for a terminal, as one line: each C0 control and DEL
   escaped (\n, \t, \r, \\, else \xHH), and so each byte of a C1
   control (U+0080-U+009F) or of what is not UTF-8, so stored text cannot
   move the cursor, colour the screen or break a one-line-per-item
   listing. Well-formed UTF-8 text is printed as it is. */
void cli_print_text(FILE *out, const char *text);

/* When reply is an "error", prints "ratifyctl: rejected (code): message"
   on stderr and returns CLI_REJECTED; returns CLI_OK otherwise. */
int cli_check_error(const msg_in_t *reply);

/* Parses a timeout in seconds (may be fractional) into *ms. Returns 0 or -1. */
int cli_parse_seconds(const char *text, int *ms);

/* Parses a non-negative integer. Returns 0 or -1. */
int cli_parse_int(const char *text, long long *out);

/* Commands: each takes the arguments after its name (argv[0] is the
   command name) and returns an exit code. */
int cmd_deposit(int argc, char **argv);
int cmd_retract(int argc, char **argv);
int cmd_load(int argc, char **argv);
int cmd_events(int argc, char **argv);
int cmd_ping(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_subscribe(int argc, char **argv);
int cmd_webhook(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_request(int argc, char **argv);
int cmd_watch(int argc, char **argv);
int cmd_decode(int argc, char **argv);
int cmd_encode(int argc, char **argv);
int cmd_catalog(int argc, char **argv);
int cmd_keygen(int argc, char **argv);

#endif
