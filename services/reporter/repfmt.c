/*  repfmt: shared formatting conventions of the renderers. */
#include "repfmt.h"

#include "report.h"

#include <stdio.h>
#include <string.h>

char *
repfmt_date_short(rdate_t date, char *buf)
{
    static const char *months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int y, m, d;
    buf[0] = '\0';
    if (date == RDATE_NONE || rdate_to_ymd(date, &y, &m, &d))
        return buf;
    snprintf(buf, REPFMT_SIZE, "%d %s %d", d, months[m - 1], y);
    return buf;
}

char *
repfmt_untc_cell(rdate_t date, action_t action, char *buf)
{
    repfmt_date_short(date, buf);
    const char *suffix = action_untc_suffix(action);
    if (buf[0] && suffix[0]) {
        size_t len = strlen(buf);
        snprintf(buf + len, REPFMT_SIZE - len, " %s", suffix);
    }
    return buf;
}

char *
repfmt_annex_date(rdate_t date, action_t action, char *buf)
{
    char long_date[RDATE_LONG_SIZE];
    buf[0] = '\0';
    if (date == RDATE_NONE)
        return buf;
    rdate_format_long(date, long_date);
    const char *suffix = action_untc_suffix(action);
    if (!long_date[0])
        return buf;
    if (suffix[0])
        snprintf(buf, REPFMT_SIZE, "%s (%s)", long_date, suffix);
    else
        snprintf(buf, REPFMT_SIZE, "%s", long_date);
    return buf;
}

char *
repfmt_marks(const int *marks, int count, char *buf)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i < count; i++) {
        char mark[16];
        report_mark((size_t) marks[i], mark, sizeof mark);
        size_t need = strlen(mark) + (i ? 1 : 0);
        if (len + need + 1 > REPFMT_SIZE)
            break;
        len += (size_t) snprintf(buf + len, REPFMT_SIZE - len, "%s%s", i ? "," : "", mark);
    }
    return buf;
}

char *
repfmt_section(size_t i, char *buf)
{
    char mark[16];
    report_mark(i, mark, sizeof mark);
    size_t n = 0;
    for (; mark[n] && n + 1 < REPFMT_SIZE; n++)
        buf[n] = (char) (mark[n] - 'a' + 'A');
    buf[n] = '\0';
    return buf;
}
