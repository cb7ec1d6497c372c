/* reasons: dead-letter errors into classes. See reasons.h. */
#include "sink/reasons.h"

#include <string.h>

static int starts(const char *s, const char *prefix)
{
    return !strncmp(s, prefix, strlen(prefix));
}

/* Order matters: a document given up on carries its last attempt's
 * reason ("extraction took longer ... (3 attempts)"), so the causes
 * inside are looked for before the wrapping. */
reason_class_t reason_classify(const char *error)
{
    if (!error)
        return REASON_REFUSED;
    if (starts(error, "cannot read file") || starts(error, "file changed while being read"))
        return REASON_UNREADABLE;
    if (strstr(error, "over the --max-size limit") || starts(error, "document cannot be sent")
        || strstr(error, "larger than the wire") || strstr(error, "expands beyond"))
        return REASON_TOO_LARGE;
    if (strstr(error, "longer than the time limit"))
        return REASON_TIMEOUT;
    if (strstr(error, "crashed with signal") || strstr(error, "exited with status")
        || strstr(error, "produced no valid answer"))
        return REASON_CRASHED;
    if (starts(error, "no result after"))
        return REASON_LOST;
    if (starts(error, "not JSON") || starts(error, "not a JSON object")
        || strstr(error, "JSON line") || strstr(error, "\"html\"") || strstr(error, "\" is "))
        return REASON_BAD_LINE;
    if (starts(error, "cannot store record"))
        return REASON_DATABASE;
    return REASON_REFUSED;
}

const char *reason_name(reason_class_t reason)
{
    static const char *const names[REASON_COUNT] = {
        [REASON_UNREADABLE] = "unreadable", [REASON_TOO_LARGE] = "too_large",
        [REASON_TIMEOUT] = "timeout",       [REASON_CRASHED] = "crashed",
        [REASON_LOST] = "lost",             [REASON_BAD_LINE] = "bad_line",
        [REASON_DATABASE] = "database",     [REASON_REFUSED] = "refused",
    };
    return reason < REASON_COUNT ? names[reason] : "refused";
}
