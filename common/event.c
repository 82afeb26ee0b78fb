/*  event: action names and classes. */
#include "event.h"

#include <ctype.h>
#include <strings.h>

static const char *s_names[] = {
    [ACTION_NONE] = "",
    [ACTION_SIGNATURE] = "signature",
    [ACTION_RATIFICATION] = "ratification",
    [ACTION_ACCEPTANCE] = "acceptance",
    [ACTION_APPROVAL] = "approval",
    [ACTION_ACCESSION] = "accession",
    [ACTION_SUCCESSION] = "succession",
    [ACTION_DENUNCIATION] = "denunciation",
    [ACTION_RETRACTION] = "retraction",
};

const char *
action_name(action_t action)
{
    if (action < ACTION_NONE || action > ACTION_RETRACTION)
        return "";
    return s_names[action];
}

action_t
action_parse(const char *text)
{
    if (!text)
        return ACTION_NONE;
    /* the first letter picks the candidates: every follower parses every
       event's action, and the names start with four different letters */
    const int first = tolower((unsigned char) text[0]);
    for (int a = ACTION_SIGNATURE; a <= ACTION_RETRACTION; a++)
        if (first == s_names[a][0] && strcasecmp(text, s_names[a]) == 0)
            return (action_t) a;
    return ACTION_NONE;
}

bool
action_is_consent(action_t action)
{
    return action >= ACTION_RATIFICATION && action <= ACTION_SUCCESSION;
}

const char *
action_untc_suffix(action_t action)
{
    switch (action) {
    case ACTION_ACCEPTANCE:
        return "A";
    case ACTION_APPROVAL:
        return "AA";
    case ACTION_ACCESSION:
        return "a";
    case ACTION_SUCCESSION:
        return "d";
    default:
        return "";
    }
}
