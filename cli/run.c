/* run: the whole pipeline on this machine, supervised.
 *
 * Starts one process per component, each this same binary:
 *   feedmill sink     --results ipc://RUNDIR/results --acks ipc://RUNDIR/acks
 *   feedmill worker   (N of them) --work ipc://RUNDIR/work --results ...
 *   feedmill producer --work ... --acks ... --sink ... PATH...
 * and restarts any that dies, with backoff. The ipc:// sockets live in a
 * private folder (mode 0700), so they need no CurveZMQ keys. The producer
 * exits once the sink has acknowledged every document, i.e. once every row
 * is committed; then the workers and the sink are stopped and a summary is
 * printed.
 * A child that exits 1 reports a fatal setup error (unwritable database,
 * endpoint in use): restarting would only repeat it, so the run fails.
 * A producer that exits 4 finished (or stopped) but could not write its
 * state at the end: the run fails too, as the next one repeats work.
 *
 * What operators see (common/monitor.h, cli/progress.h):
 *   sink, producer ──--metrics-file──> RUNDIR/sink.prom, RUNDIR/producer.prom
 *   Prometheus ──HTTP──> run --metrics: its own figures + those two files
 * so one endpoint serves the whole local pipeline, with no port per child.
 * /readyz is ready when both children's figures are fresh and say ready.
 * In a terminal, a live progress line (done of total, rate, ETA) stays at
 * the bottom: every log line, the children's included, comes through a
 * pipe and is written above it (cli/run_term.h). Otherwise a plain
 * `progress` line is logged every --status-interval. The command line is
 * cli/run_options.h's, the last lines cli/run_summary.h's, each child
 * (start, exit, backoff) cli/run_child.h's. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/commands.h"
#include "common/args.h"
#include "common/buf.h"
#include "common/clock.h"
#include "cli/progress.h"
#include "cli/run_child.h"
#include "cli/run_options.h"
#include "cli/run_summary.h"
#include "cli/run_term.h"
#include "common/log.h"
#include "common/metrics.h"
#include "common/monitor.h"
#include "common/signals.h"
#include "sink/store.h"

enum {
    PROGRESS_DRAW_MS = 250,    /* the live line's refresh */
    READY_CHECK_MS = 1000,
    FIGURES_STALE_MS = 5000,   /* a child's figures older than this: it is not answering */
    /* The sink and the workers, stopped after the producer (which gets
     * RUN_DRAIN_GRACE_MS past its --drain-timeout), get this long. */
    CHILD_STOP_MS = 10000,
};

typedef struct run {
    char exe[PATH_MAX];
    char rundir[PATH_MAX];
    char endpoint_work[PATH_MAX + 16];
    char endpoint_results[PATH_MAX + 16];
    char endpoint_acks[PATH_MAX + 16];
    char state[PATH_MAX + 16];     /* the producer's memory: DB.producer */
    child_t children[RUN_MAX_WORKERS + 2];
    int count;
    char summary_file[PATH_MAX + 16];   /* the producer's --summary-file */
    int stopping;              /* a stop was requested: the producer drains */
    int64_t drain_ms;          /* the producer's --drain-timeout */
    int64_t kill_at;           /* stopping: when a producer still draining is killed */
    int unclean;               /* stopping: the producer did not exit 0 or 3 itself */
    /* Operators. */
    char sink_figures[PATH_MAX + 16];       /* the children's --metrics-file */
    char producer_figures[PATH_MAX + 16];
    monitor_t *monitor;
    metric_t *restarts, *running;
    progress_t *progress;
    int64_t next_draw, next_ready_check;
    /* In a terminal: every line written to stderr (ours, the children's,
     * who inherit it) is passed on above the progress line. NULL
     * otherwise. */
    run_term_t *term;
} run_t;

/* Sleeps up to ms, less when a child exits (`only`, if not NULL): the
 * supervisor then sees a finished producer, or a stopped sink, at once
 * rather than at its next look round (20 ms of every run, and 10 ms for
 * each child reaped). A child's pidfd stays readable until it is reaped,
 * so callers reap what exited before they wait again. */
static void wait_for_exit(const run_t *self, const child_t *only, int64_t ms)
{
    struct pollfd fds[RUN_MAX_WORKERS + 2];
    nfds_t n = 0;
    for (int i = 0; i < self->count; i++) {
        const child_t *c = &self->children[i];
        if (c->pid && c->pidfd >= 0 && (!only || c == only))
            fds[n++] = (struct pollfd){ .fd = c->pidfd, .events = POLLIN };
    }
    if (n == 0) {
        clock_sleep_ms(ms);
        return;
    }
    poll(fds, n, (int)ms);   /* EINTR: a signal, looked at by the caller */
}

static child_t *add_child(run_t *self, const char *name, const char *command)
{
    child_t *c = &self->children[self->count++];
    child_init(c, name, command);
    return c;
}

static void free_children(run_t *self)
{
    for (int i = 0; i < self->count; i++)
        child_free(&self->children[i]);
}

static child_t *find_child(run_t *self, pid_t pid)
{
    for (int i = 0; i < self->count; i++)
        if (self->children[i].pid == pid)
            return &self->children[i];
    return NULL;
}

/* waitpid(pid, status, WNOHANG) that also charges the exited process's
 * CPU to its child_t (wait4's rusage: the process and the children it
 * reaped), for the account run logs at the end. */
static pid_t reap(run_t *self, pid_t pid, int *status)
{
    struct rusage ru;
    pid_t gone = wait4(pid, status, WNOHANG, &ru);
    child_t *c = gone > 0 ? find_child(self, gone) : NULL;
    if (c)
        c->cpu_seconds += child_cpu_of(&ru);
    return gone;
}

/* The producer's figures, as it wrote them at its end; all 0 when it
 * wrote none (killed while draining). Said when the file is there but
 * cannot be read, or when a producer that finished by itself left none. */
static void read_summary(run_t *self, producer_summary_t *summary)
{
    char *error = NULL;
    if (producer_summary_read(summary, self->summary_file, &error) != 0
        && (access(self->summary_file, F_OK) == 0 || !self->stopping))
        log_warn("the producer's summary is missing, its figures count 0 error=%s",
                 log_q(error));
    free(error);
}

/* A stop request goes to the producer alone: it stops reading and waits
 * for what is in flight, which needs the workers and the sink still up
 * (still restarted if they die). It gets its --drain-timeout for that,
 * and RUN_DRAIN_GRACE_MS more before it is killed. */
static void begin_stop(run_t *self, child_t *producer)
{
    self->stopping = 1;
    self->kill_at = clock_ms() + self->drain_ms + RUN_DRAIN_GRACE_MS;
    log_info("stopping, letting the producer drain what is in flight drain_timeout_s=%.1f",
             self->drain_ms / 1000.0);
    producer->restart_at = 0;
    if (producer->pid)
        kill(producer->pid, SIGTERM);
    else
        producer->finished = 1;
}

/* The producer exited while stopping: its drain is over. */
static void producer_stopped(run_t *self, child_t *producer, int status)
{
    child_gone(producer);
    producer->finished = 1;
    producer->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    /* 4: its state could not be written at the end; run_pipeline says so. */
    if (producer->exit_code != 0 && producer->exit_code != 3 && producer->exit_code != 4) {
        char how[96];
        child_describe_exit(status, how, sizeof how);
        log_warn("child stopped uncleanly child=%s reason=%s", log_q(producer->name),
                 log_q(how));
        self->unclean = 1;
    }
}

/* ---- operators: figures, readiness, progress, the terminal ------------ */

/* Appends one child's figures file; a child that has not written one
 * yet (starting) adds nothing. Runs on the HTTP thread: touches nothing
 * but the file, whose name is fixed before the thread starts. */
static void append_file(const char *path, buf_t *out)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(out, chunk, n);
    fclose(f);
}

/* A child's figures without its feedmill_build_info: the children are
 * this same binary, run's own figures say it once, and a family may
 * appear only once in an exposition. */
static void append_figures(const char *path, buf_t *out)
{
    buf_t text = BUF_INIT;
    append_file(path, &text);
    const char *line = buf_str(&text);
    while (*line) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line + 1) : strlen(line);
        if (strncmp(line, "feedmill_build_info", 19) != 0
            && strncmp(line, "# HELP feedmill_build_info ", 27) != 0
            && strncmp(line, "# TYPE feedmill_build_info ", 27) != 0)
            buf_append(out, line, len);
        line += len;
    }
    buf_free(&text);
}

static void render_children(void *ctx, buf_t *out)
{
    run_t *self = ctx;
    append_figures(self->sink_figures, out);
    append_figures(self->producer_figures, out);
}

/* What a child's figures say of its readiness: NULL when ready. */
static const char *child_missing(const char *path, const char *name, const char *gauge,
                                 int64_t now_realtime)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return !strcmp(name, "sink") ? "the sink has not reported yet"
                                     : "the producer has not reported yet";
    if (now_realtime - clock_realtime_ms_of(&st.st_mtim) > FIGURES_STALE_MS)
        return !strcmp(name, "sink") ? "no fresh figures from the sink"
                                     : "no fresh figures from the producer";
    buf_t text = BUF_INIT;
    append_file(path, &text);
    double ready = metrics_text_value(buf_str(&text), gauge, 0);
    buf_free(&text);
    if (ready == 1)
        return NULL;
    return !strcmp(name, "sink") ? "the sink is not ready (see its /readyz reasons)"
                                 : "the producer is not ready (no worker, or no sink)";
}

/* Every second: readiness, and the children's counts into run's figures. */
static void check_children(run_t *self)
{
    int64_t now = clock_ms();
    if (now < self->next_ready_check)
        return;
    self->next_ready_check = now + READY_CHECK_MS;
    const char *missing = child_missing(self->sink_figures, "sink", "feedmill_sink_ready",
                                        clock_realtime_ms());
    if (!missing)
        missing = child_missing(self->producer_figures, "producer", "feedmill_producer_ready",
                                clock_realtime_ms());
    monitor_set_ready(self->monitor, missing);
    static const char *const kinds[] = { "sink", "worker", "producer" };
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        int running = 0, restarts = 0;
        for (int i = 0; i < self->count; i++) {
            const child_t *c = &self->children[i];
            if (strcmp(child_kind(c), kinds[k]) != 0)
                continue;
            running += c->pid != 0;
            restarts += c->total_restarts;
        }
        metric_set(self->running, kinds[k], running);
        metric_set(self->restarts, kinds[k], restarts);
    }
}

static void show_progress(run_t *self)
{
    progress_count(self->progress);
    int64_t now = clock_ms();
    double seconds = monitor_tick(self->monitor, now);
    if (now >= self->next_draw) {
        self->next_draw = now + PROGRESS_DRAW_MS;
        buf_t text = BUF_INIT;
        append_file(self->producer_figures, &text);
        progress_update(self->progress, text.len ? text.data : NULL, now);
        buf_free(&text);
        if (self->term) {
            buf_t line = BUF_INIT;
            buf_puts(&line, "feedmill run: ");
            progress_line(self->progress, &line);
            run_term_show(self->term, buf_str(&line));
            buf_free(&line);
        }
    }
    if (seconds > 0 && !self->term)
        progress_log(self->progress);
}

/* Supervises until the producer is done. Returns its exit code, or -1. */
static int supervise(run_t *self, child_t *producer)
{
    while (!producer->finished) {
        if (signals_stop_requested() && !self->stopping)
            begin_stop(self, producer);
        int status;
        pid_t pid;
        while ((pid = reap(self, -1, &status)) > 0) {
            child_t *c = find_child(self, pid);
            if (c && self->stopping && c == producer)
                producer_stopped(self, producer, status);
            else if (c && child_exited(c, status) != 0)
                return -1;
        }
        int64_t now = clock_ms();
        if (self->stopping && producer->pid && now >= self->kill_at) {
            log_warn("the producer did not stop within its --drain-timeout, killing it "
                     "child=producer drain_timeout_s=%.1f waited_s=%.1f",
                     self->drain_ms / 1000.0, (self->drain_ms + RUN_DRAIN_GRACE_MS) / 1000.0);
            kill(producer->pid, SIGKILL);
            self->kill_at = INT64_MAX;
        }
        for (int i = 0; i < self->count; i++) {
            child_t *c = &self->children[i];
            if (c->restart_at && c->restart_at <= now && child_start(c, self->exe) != 0)
                return -1;
        }
        check_children(self);
        run_term_pump(self->term, 0);
        show_progress(self);
        if (!producer->finished)   /* done: stop the rest now, not 20 ms later */
            wait_for_exit(self, NULL, 20);
    }
    return producer->exit_code;
}

/* Waits for a child sent SIGTERM; SIGKILL once `wait_ms` have passed.
 * Returns 0 when it exited 0 (or 3, the producer's "some dead letters")
 * on its own. */
static int reap_child(run_t *self, child_t *c, int64_t wait_ms)
{
    int64_t deadline = clock_ms() + wait_ms;
    int clean = 1;
    while (c->pid) {
        int status;
        pid_t pid = reap(self, c->pid, &status);
        if (pid == c->pid) {
            int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            if (code != 0 && !(code == 3 && child_is_producer(c))) {
                char how[96];
                child_describe_exit(status, how, sizeof how);
                log_warn("child stopped uncleanly child=%s reason=%s", log_q(c->name), log_q(how));
                clean = 0;
            }
            child_gone(c);
        } else if (clock_ms() > deadline) {
            log_warn("child did not stop in time, killing it child=%s waited_s=%.1f",
                     log_q(c->name), wait_ms / 1000.0);
            kill(c->pid, SIGKILL);
            deadline = clock_ms() + 5000;
            clean = 0;
        } else {
            run_term_pump(self->term, 0);
            wait_for_exit(self, c, 10);
        }
    }
    return clean ? 0 : -1;
}

/* Stops what still runs: a producer first (only on a failure is it still
 * there), given its drain, then the sink and the workers, which it may
 * need to drain. Returns 0 when every child exited cleanly on its own. */
static int stop_children(run_t *self)
{
    int clean = 1;
    child_t *producer = &self->children[self->count - 1];
    if (producer->pid) {
        kill(producer->pid, SIGTERM);
        clean &= reap_child(self, producer, self->drain_ms + RUN_DRAIN_GRACE_MS) == 0;
    }
    for (int i = 0; i < self->count; i++)
        if (self->children[i].pid)
            kill(self->children[i].pid, SIGTERM);
    for (int i = 0; i < self->count; i++)
        clean &= reap_child(self, &self->children[i], CHILD_STOP_MS) == 0;
    return clean ? 0 : -1;
}

/* A message of run's own on stderr: "feedmill run: ..." for a person,
 * or with --log-format json a JSON line like every other line there (a
 * log shipper parses each one). `error` picks the level: error, else
 * warn, so that FEEDMILL_LOG=warn still shows what run says at the end. */
static void say(int error, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(int error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf_t message = BUF_INIT;
    buf_vprintf(&message, fmt, ap);
    va_end(ap);
    if (log_get_format() == LOG_FORMAT_JSON)
        log_at(error ? LOG_ERROR : LOG_WARN, "%s", buf_str(&message));
    else
        fprintf(stderr, "feedmill run: %s\n", buf_str(&message));
    buf_free(&message);
}

static int make_rundir(run_t *self)
{
    const char *base = getenv("XDG_RUNTIME_DIR");
    if (!base || access(base, W_OK) != 0 || strlen(base) > 60)
        base = getenv("TMPDIR");
    /* ipc:// paths are unix socket paths, limited to ~107 bytes. */
    if (!base || access(base, W_OK) != 0 || strlen(base) > 60)
        base = "/tmp";
    snprintf(self->rundir, sizeof self->rundir, "%s/feedmill-XXXXXX", base);
    /* mkdtemp makes a new folder, mode 0700 whatever the umask: only this
     * user (and root) can reach the ipc:// sockets inside, which is why
     * the local pipeline needs no CurveZMQ keys (proto/curve.h). */
    if (!mkdtemp(self->rundir)) {
        say(1, "cannot create a runtime folder in %s: %s", base, strerror(errno));
        return -1;
    }
    snprintf(self->endpoint_work, sizeof self->endpoint_work, "ipc://%s/work", self->rundir);
    snprintf(self->endpoint_results, sizeof self->endpoint_results, "ipc://%s/results", self->rundir);
    snprintf(self->endpoint_acks, sizeof self->endpoint_acks, "ipc://%s/acks", self->rundir);
    snprintf(self->sink_figures, sizeof self->sink_figures, "%s/sink.prom", self->rundir);
    snprintf(self->producer_figures, sizeof self->producer_figures, "%s/producer.prom",
             self->rundir);
    snprintf(self->summary_file, sizeof self->summary_file, "%s/summary.json", self->rundir);
    return 0;
}

static void remove_rundir(run_t *self)
{
    static const char *names[] = { "work", "results", "acks", "sink.prom", "sink.prom.tmp",
                                   "producer.prom", "producer.prom.tmp", "summary.json",
                                   "summary.json.tmp" };
    char path[PATH_MAX + 16];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", self->rundir, names[i]);
        unlink(path);
    }
    rmdir(self->rundir);
}

/* The children's figures go to files run serves; their status lines
 * come at run's interval. */
static void child_figures(child_t *c, const char *file, const run_options_t *opt)
{
    char interval[32];
    snprintf(interval, sizeof interval, "%.3f", opt->monitor.status_interval_ms / 1000.0);
    child_arg(c, "--metrics-file");
    child_arg(c, file);
    child_arg(c, "--status-interval");
    child_arg(c, interval);
}

static void plan_children(run_t *self, const run_options_t *opt, char **paths, int path_count)
{
    child_t *sink = add_child(self, "sink", "sink");
    child_figures(sink, self->sink_figures, opt);
    child_arg(sink, "--db");
    child_arg(sink, opt->db);
    child_arg(sink, "--results");
    child_arg(sink, self->endpoint_results);
    child_arg(sink, "--acks");
    child_arg(sink, self->endpoint_acks);
    for (long i = 0; i < opt->workers; i++) {
        char name[32];
        snprintf(name, sizeof name, "worker %ld", i + 1);
        child_t *w = add_child(self, name, "worker");
        child_arg(w, "--work");
        child_arg(w, self->endpoint_work);
        child_arg(w, "--results");
        child_arg(w, self->endpoint_results);
        if (opt->time_limit) {
            child_arg(w, "--time-limit");
            child_arg(w, opt->time_limit);
        }
        if (opt->pass_through)
            child_arg(w, "--pass-through");
    }
    /* run's own plumbing first, then the user's producer options as given
     * (checked already: run_options.h). */
    child_t *p = add_child(self, "producer", "producer");
    child_figures(p, self->producer_figures, opt);
    const char *pairs[][2] = {
        { "--work", self->endpoint_work }, { "--acks", self->endpoint_acks },
        { "--state", self->state }, { "--sink", self->endpoint_results },
        { "--skip", opt->db }, { "--summary-file", self->summary_file },
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        child_arg(p, pairs[i][0]);
        child_arg(p, pairs[i][1]);
    }
    for (int i = 0; i < opt->forward_count; i++) {
        child_arg(p, opt->forward[i].option);
        if (opt->forward[i].value)
            child_arg(p, opt->forward[i].value);
    }
    child_arg(p, "--");
    for (int i = 0; i < path_count; i++)
        child_arg(p, paths[i]);
}

/* The producer's state says which files the database already holds. A
 * state without its database (deleted, moved) would make the producer
 * skip files nobody stored: start it afresh. */
static void prepare_state(run_t *self, const char *db)
{
    snprintf(self->state, sizeof self->state, "%s.producer", db);
    if (access(db, F_OK) == 0)
        return;
    static const char *suffixes[] = { "", "-wal", "-shm" };
    char path[sizeof self->state + 8];
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        snprintf(path, sizeof path, "%s%s", self->state, suffixes[i]);
        if (unlink(path) == 0 && !i)
            log_info("database is new, forgetting the producer state of an earlier one path=%s",
                     log_q(self->state));
    }
}

/* run's own families of feedmill_run_*; the children's follow them. */
static const metric_decl_t FIGURES[] = {
    { METRIC_SLOT(run_t, running), .kind = METRIC_GAUGE, .name = "feedmill_run_children",
      .help = "Child processes running, by component", .label = "component" },
    { METRIC_SLOT(run_t, restarts), .kind = METRIC_COUNTER, .name = "feedmill_run_restarts_total",
      .help = "Children restarted after dying, by component", .label = "component" },
};

/* run's own figures and endpoint, the progress count, the terminal.
 * Returns 0, or 1 when the endpoint cannot listen. */
static int operators_open(run_t *self, const run_options_t *opt, char **paths, int path_count)
{
    self->monitor = monitor_new("run", &opt->monitor);
    metrics_declare(monitor_metrics(self->monitor), self, FIGURES,
                    sizeof FIGURES / sizeof FIGURES[0]);
    monitor_extra(self->monitor, render_children, self);
    if (monitor_start(self->monitor) != 0)
        return 1;
    const char *own[] = { opt->db, self->state };
    int stdin_too = 0;
    for (int i = 0; i < path_count; i++)
        stdin_too |= !strcmp(paths[i], "-");
    const producer_options_t *p = &opt->producer;
    self->progress = progress_new(paths, path_count, p->ignore, p->ignore_count, own, 2,
                                  !stdin_too && !p->files0_from && !p->follow_count
                                      && !p->submit);
    self->term = run_term_open();
    return 0;
}

/* Where the machine's time went, one info line once every child has
 * exited: the CPU seconds of the sink, the workers (their extraction
 * children included) and the producer, each over all its restarts, and
 * run's own, against the wall-clock time since they started. With the machine's cores this
 * says whether a run was bound by CPU and by which component (`make
 * bench` prints it for its runs). */
static void log_cpu(const run_t *self, double seconds)
{
    double sink = 0, workers = 0, producer = 0;
    for (int i = 0; i < self->count; i++) {
        const child_t *c = &self->children[i];
        if (child_is_producer(c))
            producer += c->cpu_seconds;
        else if (!strcmp(c->argv[1], "sink"))
            sink += c->cpu_seconds;
        else
            workers += c->cpu_seconds;
    }
    struct rusage own;
    double run = getrusage(RUSAGE_SELF, &own) == 0 ? child_cpu_of(&own) : 0;
    double total = sink + workers + producer + run;
    /* busy_cores: the children's CPU over the time they ran in (run's
     * own began before them). */
    double children = sink + workers + producer;
    log_info("cpu used elapsed_s=%.3f cpu_s=%.3f sink_s=%.3f workers_s=%.3f producer_s=%.3f "
             "run_s=%.3f busy_cores=%.2f cores=%ld",
             seconds, total, sink, workers, producer, run, seconds > 0 ? children / seconds : 0.0,
             sysconf(_SC_NPROCESSORS_ONLN));
}

/* The producer exited 4. */
static void state_unwritten(const run_options_t *opt)
{
    say(1, "the producer could not write its state (%s.producer) at the end; free space on "
           "its filesystem: the next run sends again what this one could not record", opt->db);
}

static int run_pipeline(run_t *self, const run_options_t *opt)
{
    int64_t started = clock_ms();
    int code = -1;
    int ok = 1;
    for (int i = 0; i < self->count && ok; i++)
        ok = child_start(&self->children[i], self->exe) == 0;
    if (ok)
        code = supervise(self, &self->children[self->count - 1]);
    int stopped = stop_children(self);
    run_term_close(&self->term);
    log_cpu(self, (clock_ms() - started) / 1000.0);
    producer_summary_t summary = { 0 };
    if (self->stopping || code >= 0)
        read_summary(self, &summary);
    if (self->stopping) {
        run_summary_print(&summary, opt->db, (clock_ms() - started) / 1000.0);
        say(0, "stopped on request; the next run over the same paths ingests the rest");
        if (code == 4)
            state_unwritten(opt);
        return stopped == 0 && !self->unclean && code != 4 ? 0 : 1;
    }
    if (code < 0) {
        say(1, "failed; see the log lines above");
        return 1;
    }
    run_summary_print(&summary, opt->db, (clock_ms() - started) / 1000.0);
    /* The producer finished: every document is acknowledged, so committed.
     * A child that then dies instead of stopping (killed from outside while
     * run stops it) costs nothing; it is said, and the run's outcome holds. */
    if (stopped != 0)
        say(1, "the sink or a worker did not stop cleanly after every document was "
               "committed (see the log); nothing is lost");
    if (code == 3)
        say(0, "some documents could not be processed; their reasons are in the "
               "dead_letters table of %s", opt->db);
    if (code == 4) {
        state_unwritten(opt);
        return 1;
    }
    return code;
}

int run_main(int argc, char **argv)
{
    run_options_t opt;
    int rc = run_options_parse(&opt, argc, argv);
    if (rc >= 0) {
        run_options_free(&opt);
        return rc;
    }
    /* A missing PATH is not a usage error but a failed run (exit 1),
     * found before anything starts. */
    for (int i = optind; i < argc; i++) {
        struct stat st;
        if (strcmp(argv[i], "-") != 0 && stat(argv[i], &st) != 0) {
            say(1, "%s: %s", argv[i], strerror(errno));
            run_options_free(&opt);
            return 1;
        }
    }

    log_init("run");
    signals_install();
    static run_t self;
    ssize_t n = readlink("/proc/self/exe", self.exe, sizeof self.exe - 1);
    if (n <= 0) {
        say(1, "cannot find my own executable: %s", strerror(errno));
        run_options_free(&opt);
        return 1;
    }
    self.exe[n] = '\0';
    if (make_rundir(&self) != 0) {
        run_options_free(&opt);
        return 1;
    }
    prepare_state(&self, opt.db);
    self.drain_ms = opt.producer.drain_timeout_ms;
    plan_children(&self, &opt, argv + optind, argc - optind);
    rc = operators_open(&self, &opt, argv + optind, argc - optind);
    if (rc == 0)
        rc = run_pipeline(&self, &opt);
    run_term_close(&self.term);
    progress_destroy(&self.progress);
    monitor_destroy(&self.monitor);
    free_children(&self);
    run_options_free(&opt);
    remove_rundir(&self);
    return rc;
}
