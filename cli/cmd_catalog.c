/*  ratifyctl catalog: what the catalog knows, for people and for shell
    completion (--ids prints bare ids and names, one per line). */
#include "catalog.h"
#include "cli.h"

#include <string.h>

static const char *s_usage =
    "Usage: ratifyctl catalog [instruments|participants] [--ids] [--json]\n"
    "\n"
    "Lists the instruments (id, UNTC reference, threshold, title) or the\n"
    "participants (id, kind, current name) of the catalog in use: $RATIFY_CATALOG,\n"
    "else the installed one, else the source tree's data/catalog/.\n"
    "--ids prints only ids (instruments) or names (participants), one per line.\n"
    "\n"
    "Example: ratifyctl catalog instruments\n";

int
cmd_catalog(int argc, char **argv)
{
    bool ids = false, json = false;
    const char *what = "instruments";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(s_usage, stdout);
            return CLI_OK;
        }
        if (strcmp(argv[i], "--ids") == 0)
            ids = true;
        else if (strcmp(argv[i], "--json") == 0)
            json = true;
        else if (strcmp(argv[i], "instruments") == 0 || strcmp(argv[i], "participants") == 0)
            what = argv[i];
        else {
            fprintf(stderr, "ratifyctl catalog: unexpected '%s'\n%s", argv[i], s_usage);
            return CLI_USAGE;
        }
    }
    char err[CATALOG_ERR_SIZE];
    catalog_t *catalog = catalog_load_default(err, sizeof err);
    if (!catalog) {
        fprintf(stderr, "ratifyctl catalog: %s\n", err);
        return CLI_FAILED;
    }
    if (strcmp(what, "instruments") == 0) {
        for (size_t i = 0; i < catalog_instrument_count(catalog); i++) {
            const catalog_instrument_t *in = catalog_instrument_at(catalog, i);
            const char *parent = catalog_instrument_parent(in);
            if (ids)
                printf("%s\n", catalog_instrument_id(in));
            else if (json) {
                json_t *j =
                    json_pack("{s:s, s:s, s:s, s:i, s:s?}", "instrument", catalog_instrument_id(in),
                              "reference", catalog_instrument_reference(in), "title",
                              catalog_instrument_title(in), "threshold",
                              catalog_instrument_rule(in)->threshold, "parent", parent);
                if (j)
                    cli_print_json_value(stdout, j);
                json_decref(j);
            }
            else
                printf("%-10s %-12s %3d  %s\n", catalog_instrument_id(in),
                       catalog_instrument_reference(in), catalog_instrument_rule(in)->threshold,
                       catalog_instrument_title(in));
        }
    }
    else {
        for (size_t i = 0; i < catalog_participant_count(catalog); i++) {
            const catalog_participant_t *p = catalog_participant_at(catalog, i);
            if (ids)
                printf("%s\n", catalog_participant_name(p));
            else if (json) {
                json_t *j =
                    json_pack("{s:s, s:s, s:s?, s:s}", "participant", catalog_participant_id(p),
                              "kind", catalog_kind_name(catalog_participant_kind(p)), "iso3",
                              catalog_participant_iso3(p), "name", catalog_participant_name(p));
                if (j)
                    cli_print_json_value(stdout, j);
                json_decref(j);
            }
            else
                printf("%-4s %-6s %s\n", catalog_participant_id(p),
                       catalog_kind_name(catalog_participant_kind(p)), catalog_participant_name(p));
        }
    }
    catalog_destroy(&catalog);
    return CLI_OK;
}
