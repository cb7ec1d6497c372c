/* httpd: the operator's HTTP endpoint of a component, on libmicrohttpd.
 *
 *   GET /metrics   Prometheus text exposition (version 0.0.4)
 *   GET /healthz   200 "ok": the process is alive and its loop answers
 *   GET /readyz    200 "ready", or 503 with what is missing (database not
 *                  open, sockets not bound, no peer heard from yet)
 *
 * libmicrohttpd serves on a thread of its own
 * (MHD_USE_INTERNAL_POLLING_THREAD), so a slow or stuck scraper never
 * delays the component's loop. The callbacks therefore run on that thread
 * and must be thread-safe: they read a metrics registry (common/metrics.h,
 * which locks) or state guarded by their own mutex. Nothing else of the
 * component is touched from that thread, and it never logs.
 *
 * The thread blocks SIGINT and SIGTERM, so a stop request always reaches
 * the main loop (and interrupts its poll) rather than this thread. */
#ifndef FEEDMILL_HTTPD_H
#define FEEDMILL_HTTPD_H

#include "common/buf.h"

typedef struct httpd httpd_t;

typedef struct httpd_handlers {
    /* Appends the exposition text to out. */
    void (*metrics)(void *ctx, buf_t *out);
    /* Returns 1 when ready; else 0, with what is missing appended to why. */
    int (*ready)(void *ctx, buf_t *why);
    void *ctx;
} httpd_handlers_t;

/* Listens on address, "HOST:PORT" ("127.0.0.1:9464", "[::1]:9464",
 * ":9464" or "*:9464" for every interface; port 0 picks a free one).
 * Returns NULL with a reason in *error (malloc'd) when the address is
 * malformed or cannot be bound. */
httpd_t *httpd_start(const char *address, const httpd_handlers_t *handlers, char **error);
/* The address actually bound, "HOST:PORT", with the port chosen. */
const char *httpd_address(const httpd_t *self);
/* Stops the thread after the requests in progress; NULL is allowed. */
void httpd_stop(httpd_t **self_p);

#endif
