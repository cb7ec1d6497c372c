/* curve: CurveZMQ with CZMQ's zcert and zauth. See curve.h. */
#include "curve.h"

#include <czmq.h>
/* czmq.h brings syslog.h, whose LOG_DEBUG and LOG_INFO are macros that
 * would replace the level names of common/log.h. */
#undef LOG_DEBUG
#undef LOG_INFO
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/signals.h"

enum {
    REFUSED_WINDOW_MS = 10000,   /* rate limit: at most REFUSED_BURST lines */
    REFUSED_BURST = 5,           /* about refused peers per window */
    RECHECK_MS = 1000,           /* a key's verdict is trusted this long */
    CACHE_SIZE = 64,             /* keys whose verdict is remembered */
    MAX_NAMED = 4,               /* servers a process connects to */
};

/* zauth publishes its verdicts through CZMQ's log, here. */
#define ZAUTH_LOG_ENDPOINT "inproc://feedmill-zauth-log"

typedef struct verdict {
    char key[CURVE_KEY_LEN + 1];
    int allowed;
    int64_t checked;          /* clock_ms() of the lookup */
} verdict_t;

struct curve {
    int insecure;
    void *ctx;                /* CZMQ's context: zauth guards its sockets */
    zcert_t *cert;            /* our own certificate, or NULL */
    char *allow;              /* the allow folder, or NULL */
    zactor_t *auth;           /* zauth, when there is an allow folder */
    void *log;                /* SUB: zauth's log lines */
    zcertstore_t *store;      /* our own view of the allow folder */
    char address[64];         /* the client of the ZAP request being judged */
    verdict_t cache[CACHE_SIZE];
    size_t cached;
    char named[MAX_NAMED][CURVE_KEY_LEN + 1];
    int named_count;
    int64_t window_start;     /* rate limit of refusal lines */
    int window_logged;
    unsigned long long window_suppressed;
    unsigned long long refused_total;   /* every refusal, logged or not (metrics) */
};

static int fail(char **error, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(char **error, const char *fmt, ...)
{
    buf_t msg = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&msg, fmt, ap);
    va_end(ap);
    *error = buf_detach(&msg);
    return -1;
}

int curve_needed(const char *endpoint)
{
    return strncmp(endpoint, "ipc://", 6) != 0 && strncmp(endpoint, "inproc://", 9) != 0;
}

/* A certificate with a secret key: the _secret file, or a public file
 * beside it (zcert_load tries PATH_secret first). A public certificate
 * alone has a secret key of zeros. */
static zcert_t *load_own(const char *path, char **error)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fail(error, "--cert %s: %s", path, strerror(errno));
        return NULL;
    }
    zcert_t *cert = zcert_load(path);
    if (!cert) {
        fail(error, "--cert %s: not a CZMQ certificate (make one with `feedmill keygen PATH`)",
             path);
        return NULL;
    }
    static const unsigned char zeros[32];
    if (!memcmp(zcert_secret_key(cert), zeros, sizeof zeros)) {
        zcert_destroy(&cert);
        fail(error, "--cert %s: holds no secret key: give the %s_secret file `feedmill keygen` "
             "wrote", path, path);
        return NULL;
    }
    /* A secret others can read is no secret; ssh refuses such keys,
     * we only say so, since the file may come from a secrets manager. */
    char secret[4096];
    snprintf(secret, sizeof secret, "%s_secret", path);
    if ((stat(secret, &st) == 0 || stat(path, &st) == 0) && (st.st_mode & 077))
        log_warn("secret certificate readable by others, chmod 600 it path=%s", log_q(path));
    return cert;
}

int curve_public_key(const char *cert, char *key, char **error)
{
    struct stat st;
    if (stat(cert, &st) != 0)
        return fail(error, "%s: %s", cert, strerror(errno));
    /* The public file alone: a server's secret is not ours to read. */
    zconfig_t *root = zconfig_load(cert);
    const char *text = root ? zconfig_get(root, "curve/public-key", NULL) : NULL;
    int ok = text && strlen(text) == CURVE_KEY_LEN;
    if (ok)
        memcpy(key, text, CURVE_KEY_LEN + 1);
    zconfig_destroy(&root);
    return ok ? 0 : fail(error, "%s: not a CZMQ certificate (no curve/public-key)", cert);
}

static int start_auth_now(curve_t *self, char **error)
{
    /* Our own SUB first, so no verdict is published before we listen. */
    zsys_set_logsender(ZAUTH_LOG_ENDPOINT);
    self->log = zmq_socket(self->ctx, ZMQ_SUB);
    int linger = 0;
    if (!self->log || zmq_setsockopt(self->log, ZMQ_LINGER, &linger, sizeof linger) != 0
        || zmq_setsockopt(self->log, ZMQ_SUBSCRIBE, "", 0) != 0
        || zmq_connect(self->log, ZAUTH_LOG_ENDPOINT) != 0)
        return fail(error, "cannot listen to zauth: %s", zmq_strerror(zmq_errno()));
    self->auth = zactor_new(zauth, NULL);
    if (!self->auth)
        return fail(error, "cannot start zauth");
    /* VERBOSE: each verdict is a log line, the only place zauth names
     * the address and key it refused. */
    if (zstr_send(self->auth, "VERBOSE") != 0 || zsock_wait(self->auth) != 0
        || zstr_sendx(self->auth, "CURVE", self->allow, NULL) != 0
        || zsock_wait(self->auth) != 0)
        return fail(error, "cannot configure zauth with --allow %s", self->allow);
    self->store = zcertstore_new(self->allow);
    return self->store ? 0 : fail(error, "--allow %s: cannot read it", self->allow);
}

/* zauth starts with SIGINT and SIGTERM held. CZMQ's handshakes with the
 * actor (zactor_new, zsock_wait) take an interrupted wait for a failure:
 * a stop sent during start-up made it "cannot configure zauth" (exit 2),
 * or let the replies fall out of step. Held, the stop is delivered once
 * zauth is up, and the loop sees it. The zauth thread inherits the mask,
 * so stop signals always land on a thread that polls them. */
static int start_auth(curve_t *self, char **error)
{
    sigset_t saved;
    signals_hold(&saved);
    int rc = start_auth_now(self, error);
    signals_release(&saved);
    return rc;
}

curve_t *curve_new(const char *cert, const char *allow, int insecure, char **error)
{
    *error = NULL;
    /* SIGINT and SIGTERM stay ours (common/signals.h): CZMQ must not
     * install its own handler when it starts. */
    zsys_handler_set(NULL);
    curve_t *self = xcalloc(1, sizeof(curve_t));
    self->insecure = insecure;
    /* ZeroMQ's I/O threads run as SCHED_BATCH: woken by a message,
     * one does not preempt the thread that sent it (the sink's writer
     * sending a commit's ACKs, a worker passing a result on), so a
     * burst of messages goes out in one wake-up instead of a wake-up
     * and two context switches each. 6000 texts, `feedmill run
     * --workers 2`: context switches in the whole machine 19,800 ->
     * 14,000 (the sink's writer preempted 3,600 -> 600 times), elapsed
     * 1-4% less in three series of 6-8 alternating runs. The price: a
     * woken I/O thread may wait for its core while the other idles
     * (more idle under `perf sched record`, less CPU without it); the
     * processes' own threads keep their policy. */
    zsys_set_thread_sched_policy(SCHED_BATCH);
    self->ctx = zsys_init();
    /* CZMQ's own log lines would go to stdout, which `feedmill run`
     * reads for the producer's summary. */
    zsys_set_logstream(NULL);
    if (!self->ctx) {
        fail(error, "cannot create a ZeroMQ context");
        curve_destroy(&self);
        return NULL;
    }
    if (cert && !(self->cert = load_own(cert, error))) {
        curve_destroy(&self);
        return NULL;
    }
    if (allow && !insecure) {
        struct stat st;
        self->allow = xstrdup(allow);
        if (stat(allow, &st) != 0 || !S_ISDIR(st.st_mode)) {
            fail(error, "--allow %s: %s", allow, stat(allow, &st) != 0 ? strerror(errno)
                                                                     : "not a folder");
            curve_destroy(&self);
            return NULL;
        }
        if (start_auth(self, error) != 0) {
            curve_destroy(&self);
            return NULL;
        }
    }
    return self;
}

void curve_destroy(curve_t **self_p)
{
    curve_t *self = *self_p;
    if (!self)
        return;
    curve_tick(self);   /* the last verdicts */
    if (self->window_suppressed)
        log_warn("refused more peers without logging each (rate limit) count=%llu",
                 self->window_suppressed);
    zactor_destroy(&self->auth);
    if (self->log)
        zmq_close(self->log);
    zcertstore_destroy(&self->store);
    zcert_destroy(&self->cert);
    free(self->allow);
    free(self);
    *self_p = NULL;
    /* Terminates the context: the sockets made in it are closed by now. */
    zsys_shutdown();
}

void *curve_context(curve_t *self)
{
    return self->ctx;
}

int curve_check(curve_t *self, const char *endpoint, const char *server_cert,
                const char *option, char **error)
{
    *error = NULL;
    if (!curve_needed(endpoint) || self->insecure)
        return 0;
    buf_t missing = BUF_INIT;
    if (!self->cert)
        buf_puts(&missing, "--cert FILE (this process's secret certificate)");
    if (!option && !self->auth)
        buf_printf(&missing, "%s--allow DIR (the public certificates of the peers allowed to "
                   "connect)", missing.len ? " and " : "");
    if (option && !server_cert)
        buf_printf(&missing, "%s%s FILE (the public certificate of the server it connects to)",
                   missing.len ? " and " : "", option);
    if (missing.len) {
        buf_t msg = BUF_INIT;
        buf_printf(&msg, "%s is a network endpoint and CurveZMQ is on by default: it needs %s. "
                   "Make certificates with `feedmill keygen PATH`, or give --insecure to run "
                   "plain TCP (then anyone who reaches the port can read and forge messages)",
                   endpoint, missing.data);
        buf_free(&missing);
        *error = buf_detach(&msg);
        return -1;
    }
    char key[CURVE_KEY_LEN + 1];
    return server_cert ? curve_public_key(server_cert, key, error) : 0;
}

curve_t *curve_open(const char *command, const char *cert, const char *allow, int insecure,
                    const curve_peer_t *peers, size_t count)
{
    char *error = NULL;
    curve_t *self = curve_new(cert, allow, insecure, &error);
    for (size_t i = 0; self && i < count; i++)
        if (peers[i].endpoint
            && curve_check(self, peers[i].endpoint, peers[i].server_cert, peers[i].option,
                           &error) != 0)
            curve_destroy(&self);
    if (!self)
        fprintf(stderr, "feedmill %s: %s\n", command, error);
    free(error);
    return self;
}

static void warn_insecure(const char *endpoint)
{
    log_warn("no CurveZMQ on this endpoint (--insecure): whoever reaches it can read, take "
             "and forge messages endpoint=%s", log_q(endpoint));
}

/* Our own keys go on every CURVE socket, server or client. */
static int apply_own(curve_t *self, void *socket)
{
    return zmq_setsockopt(socket, ZMQ_CURVE_PUBLICKEY, zcert_public_key(self->cert), 32) == 0
        && zmq_setsockopt(socket, ZMQ_CURVE_SECRETKEY, zcert_secret_key(self->cert), 32) == 0
               ? 0 : -1;
}

int curve_server(curve_t *self, void *socket, const char *endpoint)
{
    if (!curve_needed(endpoint))
        return 0;
    if (self->insecure) {
        warn_insecure(endpoint);
        return 0;
    }
    if (!self->cert || !self->auth) {
        log_error("no keys for a network endpoint endpoint=%s", log_q(endpoint));
        return -1;
    }
    int on = 1;
    if (zmq_setsockopt(socket, ZMQ_CURVE_SERVER, &on, sizeof on) != 0
        || apply_own(self, socket) != 0) {
        log_error("cannot make a CurveZMQ server endpoint=%s error=%s", log_q(endpoint),
                  log_q(zmq_strerror(zmq_errno())));
        return -1;
    }
    return 0;
}

int curve_client(curve_t *self, void *socket, const char *endpoint, const char *server_cert)
{
    if (!curve_needed(endpoint))
        return 0;
    if (self->insecure) {
        warn_insecure(endpoint);
        return 0;
    }
    char key[CURVE_KEY_LEN + 1], *error = NULL;
    if (!self->cert || !server_cert || curve_public_key(server_cert, key, &error) != 0) {
        log_error("no keys for a network endpoint endpoint=%s error=%s", log_q(endpoint),
                  log_q(error ? error : "no --cert or no server certificate"));
        free(error);
        return -1;
    }
    if (zmq_setsockopt(socket, ZMQ_CURVE_SERVERKEY, key, CURVE_KEY_LEN) != 0
        || apply_own(self, socket) != 0) {
        log_error("cannot make a CurveZMQ client endpoint=%s error=%s", log_q(endpoint),
                  log_q(zmq_strerror(zmq_errno())));
        return -1;
    }
    if (self->named_count < MAX_NAMED)
        memcpy(self->named[self->named_count++], key, sizeof key);
    return 0;
}

static int named(const curve_t *self, const char *key)
{
    if (!self->named_count)
        return 1;
    for (int i = 0; i < self->named_count; i++)
        if (!strcmp(self->named[i], key))
            return 1;
    return 0;
}

/* One refused peer: logged while the window has room, else counted. */
static void refused(curve_t *self, const char *endpoint, const char *address, const char *key,
                    const char *reason)
{
    self->refused_total++;
    int64_t now = clock_ms();
    if (now - self->window_start >= REFUSED_WINDOW_MS) {
        if (self->window_suppressed)
            log_warn("refused more peers without logging each (rate limit) count=%llu "
                     "seconds=%d", self->window_suppressed, REFUSED_WINDOW_MS / 1000);
        self->window_start = now;
        self->window_logged = 0;
        self->window_suppressed = 0;
    }
    if (self->window_logged >= REFUSED_BURST) {
        self->window_suppressed++;
        return;
    }
    self->window_logged++;
    buf_t line = BUF_INIT;
    if (endpoint)
        buf_printf(&line, " endpoint=%s", log_q(endpoint));
    if (address && *address)
        buf_printf(&line, " address=%s", log_q(address));
    if (key && *key)
        buf_printf(&line, " key=%s", log_q(key));
    log_warn("refused a peer%s reason=%s", buf_str(&line), log_q(reason));
    buf_free(&line);
}

unsigned long long curve_refused_count(const curve_t *self)
{
    return self ? self->refused_total : 0;
}

void curve_refused(void *self, const char *endpoint, const char *problem)
{
    refused(self, endpoint, NULL, NULL, problem);
}

/* The verdict on key, from the allow folder as it is now (at most
 * RECHECK_MS old). zcertstore_lookup re-reads a changed folder. */
static int allowed_now(curve_t *self, const char *key)
{
    int64_t now = clock_ms();
    verdict_t *v = NULL;
    for (size_t i = 0; i < self->cached && !v; i++)
        if (!strcmp(self->cache[i].key, key))
            v = &self->cache[i];
    if (v && now - v->checked < RECHECK_MS)
        return v->allowed;
    if (!v) {
        /* Full: the oldest verdict goes. Keys come from authenticated
         * connections only, so there are few. */
        size_t slot = self->cached < CACHE_SIZE ? self->cached++ : 0;
        for (size_t i = 1; self->cached == CACHE_SIZE && i < CACHE_SIZE; i++)
            if (self->cache[i].checked < self->cache[slot].checked)
                slot = i;
        v = &self->cache[slot];
        snprintf(v->key, sizeof v->key, "%s", key);
    }
    v->allowed = zcertstore_lookup(self->store, key) != NULL;
    v->checked = now;
    return v->allowed;
}

int curve_admits(curve_t *self, const message_t *msg, const char *where)
{
    if (!msg->peer_key[0] || !self->store || allowed_now(self, msg->peer_key))
        return 1;
    buf_t reason = BUF_INIT;
    buf_printf(&reason, "a message on the %s socket from a key no longer in the --allow folder "
               "(revoked while connected): dropped", where);
    refused(self, NULL, msg->peer_address, msg->peer_key, reason.data);
    buf_free(&reason);
    return 0;
}

int curve_admits_named(curve_t *self, const message_t *msg, const char *where)
{
    if (!curve_admits(self, msg, where))
        return 0;
    if (!msg->peer_key[0] || named(self, msg->peer_key))
        return 1;
    buf_t reason = BUF_INIT;
    buf_printf(&reason, "a message on the %s socket from an allowed key that is not the peer "
               "named by --sink-cert / --producer-cert: dropped", where);
    refused(self, NULL, msg->peer_address, msg->peer_key, reason.data);
    buf_free(&reason);
    return 0;
}

/* zauth's log line, "I: 26-11-21 12:50:46 zauth: ...": a request names
 * the client's address, the verdict that follows names its key (zauth
 * judges one request at a time, in order). */
static void on_zauth_line(curve_t *self, const char *line)
{
    const char *text = strstr(line, "zauth: ");
    if (!text) {
        /* CZMQ's other lines: its errors and warnings ("E:", "W:") are
         * worth an operator's eye, the rest is chatter. */
        if (!strncmp(line, "E:", 2) || !strncmp(line, "W:", 2))
            log_warn("czmq says line=%s", log_q(line));
        else
            log_debug("czmq says line=%s", log_q(line));
        return;
    }
    text += strlen("zauth: ");
    const char *field;
    if ((field = strstr(text, "ipaddress=")) && !strncmp(text, "ZAP request", 11))
        snprintf(self->address, sizeof self->address, "%s", field + strlen("ipaddress="));
    else if ((field = strstr(text, "denied (CURVE) client_key=")))
        refused(self, NULL, self->address, field + strlen("denied (CURVE) client_key="),
                "its key is not in the --allow folder");
    else if ((field = strstr(text, "allowed (CURVE) client_key=")))
        log_debug("peer authenticated address=%s key=%s", log_q(self->address),
                  log_q(field + strlen("allowed (CURVE) client_key=")));
}

void curve_tick(curve_t *self)
{
    while (self->log) {
        char line[512];
        int n = zmq_recv(self->log, line, sizeof line - 1, ZMQ_DONTWAIT);
        if (n < 0)
            break;
        line[n < (int)sizeof line - 1 ? n : (int)sizeof line - 1] = '\0';
        on_zauth_line(self, line);
    }
    if (self->window_suppressed && clock_ms() - self->window_start >= REFUSED_WINDOW_MS) {
        log_warn("refused more peers without logging each (rate limit) count=%llu seconds=%d",
                 self->window_suppressed, REFUSED_WINDOW_MS / 1000);
        self->window_suppressed = 0;
        self->window_logged = 0;
        self->window_start = clock_ms();
    }
}
