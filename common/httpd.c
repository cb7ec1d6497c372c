/* httpd: /metrics, /healthz and /readyz on libmicrohttpd. See httpd.h.
 *
 * The listening socket is made here (getaddrinfo, bind, listen) and
 * handed to libmicrohttpd with MHD_OPTION_LISTEN_SOCKET: the operator then
 * gets the real reason of a failure ("Address already in use"), and port
 * 0 gives a port we can read back. Everything HTTP is libmicrohttpd's. */
#include "httpd.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

enum {
    MAX_CONNECTIONS = 16,     /* scrapers and probes: a handful at most */
    CONNECTION_TIMEOUT_S = 10,
};

struct httpd {
    struct MHD_Daemon *daemon;
    httpd_handlers_t handlers;
    char address[128];
};

static enum MHD_Result respond(struct MHD_Connection *connection, unsigned int status,
                               const char *content_type, buf_t *body)
{
    size_t len = body->len;
    char *data = buf_detach(body);
    struct MHD_Response *response =
        MHD_create_response_from_buffer_with_free_callback(len, data, &free);
    if (!response) {
        free(data);
        return MHD_NO;
    }
    enum MHD_Result rc = MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE,
                                                 content_type);
    if (rc == MHD_YES && status == MHD_HTTP_METHOD_NOT_ALLOWED)
        rc = MHD_add_response_header(response, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
    if (rc == MHD_YES)
        rc = MHD_queue_response(connection, status, response);
    MHD_destroy_response(response);
    return rc;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *connection, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **request_state)
{
    (void)version;
    (void)upload_data;
    (void)upload_data_size;
    (void)request_state;
    httpd_t *self = cls;
    buf_t body = BUF_INIT;
    static const char text[] = "text/plain; charset=utf-8";
    if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
        buf_puts(&body, "only GET and HEAD\n");
        return respond(connection, MHD_HTTP_METHOD_NOT_ALLOWED, text, &body);
    }
    if (!strcmp(url, "/metrics")) {
        self->handlers.metrics(self->handlers.ctx, &body);
        return respond(connection, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8",
                       &body);
    }
    if (!strcmp(url, "/healthz")) {
        buf_puts(&body, "ok\n");
        return respond(connection, MHD_HTTP_OK, text, &body);
    }
    if (!strcmp(url, "/readyz")) {
        buf_t why = BUF_INIT;
        int ready = self->handlers.ready(self->handlers.ctx, &why);
        if (ready)
            buf_puts(&body, "ready\n");
        else
            buf_printf(&body, "not ready: %s\n", buf_str(&why));
        buf_free(&why);
        return respond(connection, ready ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE, text,
                       &body);
    }
    buf_puts(&body, "not found: try /metrics, /healthz or /readyz\n");
    return respond(connection, MHD_HTTP_NOT_FOUND, text, &body);
}

/* "HOST:PORT" into host and port; [v6] brackets are removed, and an
 * empty or "*" host means every interface (host NULL). */
static int split_address(const char *address, char *host, size_t host_size, char *port,
                         size_t port_size, int *any)
{
    const char *colon = strrchr(address, ':');
    if (!colon || !colon[1] || strlen(colon + 1) >= port_size)
        return -1;
    for (const char *p = colon + 1; *p; p++)
        if (*p < '0' || *p > '9')
            return -1;
    snprintf(port, port_size, "%s", colon + 1);
    const char *start = address;
    size_t len = (size_t)(colon - address);
    if (len >= 2 && start[0] == '[' && start[len - 1] == ']') {
        start++;
        len -= 2;
    } else if (memchr(start, ':', len)) {
        return -1;   /* an IPv6 address needs its brackets */
    }
    if (len >= host_size)
        return -1;
    memcpy(host, start, len);
    host[len] = '\0';
    *any = len == 0 || !strcmp(host, "*");
    return 0;
}

/* A bound, listening socket for address, or -1 with a reason. */
static int listen_on(const char *address, char *bound, size_t bound_size, char **error)
{
    char host[256], port[16];
    int any;
    buf_t why = BUF_INIT;
    if (split_address(address, host, sizeof host, port, sizeof port, &any) != 0) {
        buf_printf(&why, "%s is not HOST:PORT (e.g. 127.0.0.1:9464, [::1]:9464, :9464)",
                   address);
        *error = buf_detach(&why);
        return -1;
    }
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                              .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
    struct addrinfo *found = NULL;
    int rc = getaddrinfo(any ? NULL : host, port, &hints, &found);
    if (rc != 0) {
        buf_printf(&why, "%s: %s", address, gai_strerror(rc));
        *error = buf_detach(&why);
        return -1;
    }
    int fd = -1, last_errno = 0;
    /* Every interface: IPv4 first, the form most scrapers reach. */
    for (int pass = 0; pass < 2 && fd < 0; pass++) {
        for (struct addrinfo *a = found; a && fd < 0; a = a->ai_next) {
            if (any && (pass == 0) != (a->ai_family == AF_INET))
                continue;
            if (!any && pass == 1)
                break;
            fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
            if (fd < 0) {
                last_errno = errno;
                continue;
            }
            int on = 1;
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
            if (bind(fd, a->ai_addr, a->ai_addrlen) != 0 || listen(fd, 32) != 0) {
                last_errno = errno;
                close(fd);
                fd = -1;
            }
        }
    }
    freeaddrinfo(found);
    if (fd < 0) {
        buf_printf(&why, "cannot listen on %s: %s", address, strerror(last_errno));
        *error = buf_detach(&why);
        return -1;
    }
    struct sockaddr_storage ss;
    socklen_t ss_len = sizeof ss;
    char name[NI_MAXHOST], service[NI_MAXSERV];
    if (getsockname(fd, (struct sockaddr *)&ss, &ss_len) == 0
        && getnameinfo((struct sockaddr *)&ss, ss_len, name, sizeof name, service,
                       sizeof service, NI_NUMERICHOST | NI_NUMERICSERV) == 0)
        snprintf(bound, bound_size, ss.ss_family == AF_INET6 ? "[%s]:%s" : "%s:%s", name,
                 service);
    else
        snprintf(bound, bound_size, "%s", address);
    return fd;
}

httpd_t *httpd_start(const char *address, const httpd_handlers_t *handlers, char **error)
{
    httpd_t *self = xcalloc(1, sizeof(httpd_t));
    self->handlers = *handlers;
    int fd = listen_on(address, self->address, sizeof self->address, error);
    if (fd < 0) {
        free(self);
        return NULL;
    }
    /* The daemon's thread inherits this mask: stop signals stay with the
     * main thread, whose poll they must interrupt. */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGCHLD);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    self->daemon = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, &on_request, self,
        MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned int)MAX_CONNECTIONS,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)CONNECTION_TIMEOUT_S,
        MHD_OPTION_END);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!self->daemon) {
        buf_t why = BUF_INIT;
        buf_printf(&why, "cannot start the HTTP server on %s", address);
        *error = buf_detach(&why);
        close(fd);
        free(self);
        return NULL;
    }
    return self;
}

const char *httpd_address(const httpd_t *self)
{
    return self->address;
}

void httpd_stop(httpd_t **self_p)
{
    httpd_t *self = *self_p;
    if (!self)
        return;
    /* Closes the listening socket too, ours included (the unit test
     * checks that no descriptor is left behind). */
    MHD_stop_daemon(self->daemon);
    free(self);
    *self_p = NULL;
}
