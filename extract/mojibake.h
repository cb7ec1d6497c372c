/* mojibake: UTF-8 text that was decoded as Latin-1 once too often, put
 * back. See mojibake.c. */
#ifndef FEEDMILL_EXTRACT_MOJIBAKE_H
#define FEEDMILL_EXTRACT_MOJIBAKE_H

#include <stddef.h>

#include "common/buf.h"

/* When the UTF-8 text s (len bytes) holds a character encoded twice with
 * a C1 control in it (the sure sign, "Investorâ\u0080\u0099s"), writes
 * it to out with every such character encoded once ("Investor’s") and
 * returns 1; otherwise returns 0 and leaves out alone. */
int mojibake_repair(const char *s, size_t len, buf_t *out);

#endif
