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
 * endpoint in use): restarting would only repeat it, so the run fails. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/commands.h"
#include "common/args.h"
#include "common/buf.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/signals.h"
#include "sink/store.h"

enum { MAX_WORKERS = 256 };

typedef struct child {
    const char *name;          /* "sink", "worker 3", "producer" */
    char **argv;               /* NULL-terminated, grows with the PATHs */
    int argc;
    pid_t pid;
    int restarts;              /* consecutive quick deaths, for backoff */
    int64_t started_at;
    int64_t restart_at;        /* 0 = running or finished */
    int finished;              /* exited for good (the producer, at the end) */
    int exit_code;
} child_t;

typedef struct run {
    char exe[PATH_MAX];
    char rundir[PATH_MAX];
    char endpoint_work[PATH_MAX + 16];
    char endpoint_results[PATH_MAX + 16];
    char endpoint_acks[PATH_MAX + 16];
    char state[PATH_MAX + 16];     /* the producer's memory: DB.producer */
    child_t children[MAX_WORKERS + 2];
    int count;
    int summary_pipe[2];       /* the producer's stdout: its summary line */
    int stopping;              /* a stop was requested: the producer drains */
    buf_t summary;
} run_t;

static void child_arg(child_t *c, const char *arg)
{
    c->argv = xrealloc(c->argv, (size_t)(c->argc + 2) * sizeof(char *));
    c->argv[c->argc++] = xstrdup(arg);
    c->argv[c->argc] = NULL;
}

static child_t *add_child(run_t *self, const char *name, const char *command)
{
    child_t *c = &self->children[self->count++];
    memset(c, 0, sizeof *c);
    c->name = xstrdup(name);
    child_arg(c, "feedmill");
    child_arg(c, command);
    return c;
}

static void free_children(run_t *self)
{
    for (int i = 0; i < self->count; i++) {
        for (int a = 0; a < self->children[i].argc; a++)
            free(self->children[i].argv[a]);
        free(self->children[i].argv);
        free((char *)self->children[i].name);
    }
}

static int is_producer(const child_t *c)
{
    return !strcmp(c->argv[1], "producer");
}

static int start_child(run_t *self, child_t *c)
{
    pid_t pid = fork();
    if (pid < 0) {
        log_error("cannot start child=%s error=%s", log_q(c->name), log_q(strerror(errno)));
        return -1;
    }
    if (pid == 0) {
        /* Children die with the supervisor, even on kill -9, and hear
         * signals only from it: a terminal's Ctrl-C reaches the
         * supervisor alone, which then stops each child exactly once. */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        setpgid(0, 0);
        if (is_producer(c))
            dup2(self->summary_pipe[1], STDOUT_FILENO);
        close(self->summary_pipe[0]);
        close(self->summary_pipe[1]);
        execv(self->exe, c->argv);
        fprintf(stderr, "feedmill run: cannot exec %s: %s\n", self->exe, strerror(errno));
        _exit(127);
    }
    c->pid = pid;
    c->started_at = clock_ms();
    c->restart_at = 0;
    log_debug("started child=%s pid=%d", log_q(c->name), (int)pid);
    return 0;
}

static void describe_exit(int status, char *out, size_t size)
{
    if (WIFSIGNALED(status))
        snprintf(out, size, "killed by signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
    else
        snprintf(out, size, "exited with status %d", WEXITSTATUS(status));
}

/* Returns -1 when the run cannot go on. */
static int on_child_exit(child_t *c, int status)
{
    char how[96];
    describe_exit(status, how, sizeof how);
    c->pid = 0;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (is_producer(c) && (code == 0 || code == 3)) {
        c->finished = 1;
        c->exit_code = code;
        return 0;
    }
    if (code == 1 || code == 2 || code == 127) {
        log_error("child failed, not restarting child=%s reason=%s", log_q(c->name), log_q(how));
        return -1;
    }
    /* Backoff doubles with each quick death, so a child that cannot live
     * does not spin; one that ran a while starts over at 100 ms. */
    if (clock_ms() - c->started_at > 10000)
        c->restarts = 0;
    int64_t delay = 100LL << (c->restarts < 6 ? c->restarts : 6);
    if (delay > 5000)
        delay = 5000;
    c->restarts++;
    c->restart_at = clock_ms() + delay;
    log_warn("child died, restarting child=%s reason=%s restart_in_ms=%lld restarts=%d",
             log_q(c->name), log_q(how), (long long)delay, c->restarts);
    return 0;
}

static child_t *find_child(run_t *self, pid_t pid)
{
    for (int i = 0; i < self->count; i++)
        if (self->children[i].pid == pid)
            return &self->children[i];
    return NULL;
}

static void read_summary(run_t *self)
{
    char chunk[512];
    ssize_t n;
    while ((n = read(self->summary_pipe[0], chunk, sizeof chunk)) > 0)
        buf_append(&self->summary, chunk, (size_t)n);
}

/* A stop request goes to the producer alone: it stops reading and waits
 * for what is in flight, which needs the workers and the sink still up. */
static void begin_stop(run_t *self, child_t *producer)
{
    self->stopping = 1;
    log_info("stopping, letting the producer drain what is in flight");
    for (int i = 0; i < self->count; i++)
        self->children[i].restart_at = 0;
    if (producer->pid)
        kill(producer->pid, SIGTERM);
    else
        producer->finished = 1;
}

/* Supervises until the producer is done. Returns its exit code, or -1. */
static int supervise(run_t *self, child_t *producer)
{
    while (!producer->finished) {
        if (signals_stop_requested() && !self->stopping)
            begin_stop(self, producer);
        int status;
        pid_t pid;
        while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
            child_t *c = find_child(self, pid);
            if (c && self->stopping) {
                c->pid = 0;
                c->finished = 1;
            } else if (c && on_child_exit(c, status) != 0) {
                return -1;
            }
        }
        int64_t now = clock_ms();
        for (int i = 0; i < self->count; i++) {
            child_t *c = &self->children[i];
            if (c->restart_at && c->restart_at <= now && start_child(self, c) != 0)
                return -1;
        }
        read_summary(self);
        clock_sleep_ms(20);
    }
    return producer->exit_code;
}

/* SIGTERM every running child, then SIGKILL what is left after a grace
 * period. Returns 0 when every child exited 0 on its own. */
static int stop_children(run_t *self)
{
    int clean = 1;
    for (int i = 0; i < self->count; i++)
        if (self->children[i].pid)
            kill(self->children[i].pid, SIGTERM);
    int64_t deadline = clock_ms() + 10000;
    for (int i = 0; i < self->count; i++) {
        child_t *c = &self->children[i];
        int status;
        while (c->pid) {
            pid_t pid = waitpid(c->pid, &status, WNOHANG);
            if (pid == c->pid) {
                if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                    char how[96];
                    describe_exit(status, how, sizeof how);
                    log_warn("child stopped uncleanly child=%s reason=%s", log_q(c->name), log_q(how));
                    clean = 0;
                }
                c->pid = 0;
            } else if (clock_ms() > deadline) {
                log_warn("child did not stop in time, killing it child=%s", log_q(c->name));
                kill(c->pid, SIGKILL);
                deadline = clock_ms() + 5000;
                clean = 0;
            } else {
                clock_sleep_ms(10);
            }
        }
    }
    return clean ? 0 : -1;
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
        fprintf(stderr, "feedmill run: cannot create a runtime folder in %s: %s\n", base,
                strerror(errno));
        return -1;
    }
    snprintf(self->endpoint_work, sizeof self->endpoint_work, "ipc://%s/work", self->rundir);
    snprintf(self->endpoint_results, sizeof self->endpoint_results, "ipc://%s/results", self->rundir);
    snprintf(self->endpoint_acks, sizeof self->endpoint_acks, "ipc://%s/acks", self->rundir);
    return 0;
}

static void remove_rundir(run_t *self)
{
    static const char *names[] = { "work", "results", "acks" };
    char path[PATH_MAX + 16];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", self->rundir, names[i]);
        unlink(path);
    }
    rmdir(self->rundir);
}

typedef struct run_options {
    const char *db;
    long workers;
    const char *retry_after;
    const char *worker_timeout;
    const char *max_attempts;
    const char *max_size;
    const char *max_in_flight;
    const char *time_limit;
    const char *files0_from;
    int watch;
    const char *poll;
    char **ignore;
    int ignore_count;
    char **follow;
    int follow_count;
    const char *submit;
} run_options_t;

static void plan_children(run_t *self, const run_options_t *opt, char **paths, int path_count)
{
    child_t *sink = add_child(self, "sink", "sink");
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
    }
    child_t *p = add_child(self, "producer", "producer");
    const char *pairs[][2] = {
        { "--work", self->endpoint_work }, { "--acks", self->endpoint_acks },
        { "--state", self->state },
        { "--sink", self->endpoint_results }, { "--retry-after", opt->retry_after },
        { "--worker-timeout", opt->worker_timeout },
        { "--max-attempts", opt->max_attempts }, { "--max-size", opt->max_size },
        { "--max-in-flight", opt->max_in_flight },
        { "--skip", opt->db }, { "--files0-from", opt->files0_from }, { "--poll", opt->poll },
        { "--submit", opt->submit },
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        if (!pairs[i][1])
            continue;
        child_arg(p, pairs[i][0]);
        child_arg(p, pairs[i][1]);
    }
    if (opt->watch)
        child_arg(p, "--watch");
    for (int i = 0; i < opt->ignore_count; i++) {
        child_arg(p, "--ignore");
        child_arg(p, opt->ignore[i]);
    }
    for (int i = 0; i < opt->follow_count; i++) {
        child_arg(p, "--follow");
        child_arg(p, opt->follow[i]);
    }
    child_arg(p, "--summary");
    child_arg(p, "--");
    for (int i = 0; i < path_count; i++)
        child_arg(p, paths[i]);
}

static void print_summary(run_t *self, const run_options_t *opt, double seconds)
{
    unsigned long long docs = 0, skipped = 0, stored = 0, unchanged = 0, dead = 0, dups = 0;
    unsigned long long skipped_paths = 0, own_files = 0;
    const char *line = strstr(buf_str(&self->summary), "summary ");
    if (line)
        sscanf(line, "summary documents=%llu skipped=%llu stored=%llu unchanged=%llu dead=%llu "
               "duplicates=%llu skipped_paths=%llu own_files=%llu", &docs, &skipped, &stored,
               &unchanged, &dead, &dups, &skipped_paths, &own_files);
    printf("feedmill run: %llu documents in %.1f s: %llu stored, %llu already there, "
           "%llu dead-lettered, %llu duplicate files, %llu unchanged since an earlier run, "
           "%llu paths skipped\n",
           docs, seconds, stored, unchanged, dead, dups, skipped, skipped_paths);
    if (skipped_paths)
        printf("feedmill run: %llu paths were skipped (symbolic link loops, broken links, "
               "unreadable folders, special files); the log names each with its reason\n",
               skipped_paths);
    char *error = NULL;
    store_t *store = store_open(opt->db, STORE_READONLY, &error);
    store_stats_t stats;
    if (store && store_stats(store, &stats) == 0)
        printf("feedmill run: %s holds %lld documents, %lld entities, %lld dead letters\n",
               opt->db, (long long)stats.documents, (long long)stats.entities,
               (long long)stats.dead_letters);
    else
        printf("feedmill run: cannot read %s: %s\n", opt->db, store ? store_error(store) : error);
    store_close(&store);
    free(error);
}

static void usage(FILE *out)
{
    fprintf(out,
        "usage: feedmill run [OPTIONS] PATH...\n"
        "\n"
        "Ingests every file below the PATHs (recursively) with a producer, N workers\n"
        "and a sink, each its own process, restarted if it dies. Exits 0 when every\n"
        "document is committed, 3 when some could only be dead-lettered (see the\n"
        "dead_letters table), 2 on a usage error (unknown option, no PATH), 1 on\n"
        "any other failure (a missing PATH, an unwritable database, ...). Symbolic\n"
        "links are followed; loops, broken links and special files are skipped and\n"
        "logged. The database and the producer's state (DB.producer) are never\n"
        "ingested, even inside a PATH. SIGINT or SIGTERM stops it\n"
        "cleanly within a few seconds (exit 0): what is in flight is committed and\n"
        "the next run ingests the rest. A second signal stops it at once.\n"
        "\n"
        "  --db FILE             database (default feedmill.db)\n"
        "  --workers N           worker processes (default: number of cores)\n"
        "  --retry-after SECONDS resend a document not acknowledged by then (default 60)\n"
        "  --worker-timeout SECONDS  a worker silent this long is presumed dead and its\n"
        "                        documents go to another (default 10)\n"
        "  --max-attempts K      sends before a document is dead-lettered (default 3)\n"
        "  --max-size BYTES      larger files are dead-lettered unread (default 33554432)\n"
        "  --time-limit SECONDS  longest one extraction may take (default 30)\n"
        "  --max-in-flight BYTES bytes read but not yet acknowledged before reading\n"
        "                        waits (default 67108864)\n"
        "  --files0-from FILE    also ingest the paths listed in FILE, each ended by a\n"
        "                        NUL byte (`find ... -print0`)\n"
        "  --watch               keep running after the PATHs: ingest files that appear\n"
        "                        or change below the PATH folders once complete (closed\n"
        "                        after writing, or moved in); stop with SIGINT/SIGTERM\n"
        "  --poll SECONDS        with --watch, rescan every SECONDS instead of inotify\n"
        "                        (NFS, SMB)\n"
        "  --ignore GLOB         never ingest files whose name matches GLOB (repeatable;\n"
        "                        hidden names and ~ .tmp .part .swp are always ignored)\n"
        "  --follow FILE         follow the JSON-lines file FILE like `tail -F`, through\n"
        "                        rotation; a restart continues after the last line taken\n"
        "                        (repeatable; runs until SIGINT/SIGTERM)\n"
        "  --submit ENDPOINT     take documents pushed by programs on ENDPOINT (SUBMIT in\n"
        "                        proto/README.md), answered once on disk\n"
        "  -h, --help            this help\n");
}

static int parse_options(int argc, char **argv, run_options_t *opt)
{
    static const struct option longopts[] = {
        { "db", required_argument, 0, 'd' },
        { "workers", required_argument, 0, 'n' },
        { "retry-after", required_argument, 0, 'r' },
        { "worker-timeout", required_argument, 0, 'w' },
        { "max-attempts", required_argument, 0, 'k' },
        { "max-size", required_argument, 0, 'm' },
        { "time-limit", required_argument, 0, 't' },
        { "max-in-flight", required_argument, 0, 'i' },
        { "files0-from", required_argument, 0, '0' },
        { "watch", no_argument, 0, 'W' },
        { "poll", required_argument, 0, 'P' },
        { "ignore", required_argument, 0, 'I' },
        { "follow", required_argument, 0, 'F' },
        { "submit", required_argument, 0, 'U' },
        { "help", no_argument, 0, 'h' },
        { 0, 0, 0, 0 },
    };
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    *opt = (run_options_t){ .db = "feedmill.db", .workers = cores > 0 ? cores : 1 };
    int c;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': opt->db = optarg; break;
        case 'n':
            if (args_count("run", "--workers", optarg, 1, MAX_WORKERS, &opt->workers))
                return 2;
            break;
        case 'r': opt->retry_after = optarg; break;
        case 'w': opt->worker_timeout = optarg; break;
        case 'k': opt->max_attempts = optarg; break;
        case 'm': opt->max_size = optarg; break;
        case 't': opt->time_limit = optarg; break;
        case 'i': opt->max_in_flight = optarg; break;
        case '0': opt->files0_from = optarg; break;
        case 'W': opt->watch = 1; break;
        case 'P': opt->poll = optarg; break;
        case 'I':
            opt->ignore = xrealloc(opt->ignore, (opt->ignore_count + 1) * sizeof(char *));
            opt->ignore[opt->ignore_count++] = optarg;
            break;
        case 'F':
            opt->follow = xrealloc(opt->follow, (opt->follow_count + 1) * sizeof(char *));
            opt->follow[opt->follow_count++] = optarg;
            break;
        case 'U': opt->submit = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind == argc && !opt->files0_from && !opt->follow_count && !opt->submit) {
        fprintf(stderr, "feedmill run: no PATH given (nor --follow, --submit)\n");
        usage(stderr);
        return 2;
    }
    /* A missing PATH is not a usage error but a failed run (exit 1),
     * found before anything starts. */
    for (int i = optind; i < argc; i++) {
        struct stat st;
        if (strcmp(argv[i], "-") != 0 && stat(argv[i], &st) != 0) {
            fprintf(stderr, "feedmill run: %s: %s\n", argv[i], strerror(errno));
            return 1;
        }
    }
    return -1;
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

static int run_pipeline(run_t *self, const run_options_t *opt)
{
    int64_t started = clock_ms();
    int code = -1;
    int ok = 1;
    for (int i = 0; i < self->count && ok; i++)
        ok = start_child(self, &self->children[i]) == 0;
    if (ok)
        code = supervise(self, &self->children[self->count - 1]);
    int stopped = stop_children(self);
    read_summary(self);
    if (self->stopping) {
        print_summary(self, opt, (clock_ms() - started) / 1000.0);
        fprintf(stderr, "feedmill run: stopped on request; the next run over the same "
                        "paths ingests the rest\n");
        return stopped == 0 ? 0 : 1;
    }
    if (code < 0) {
        fprintf(stderr, "feedmill run: failed; see the log lines above\n");
        return 1;
    }
    print_summary(self, opt, (clock_ms() - started) / 1000.0);
    if (stopped != 0) {
        fprintf(stderr, "feedmill run: the sink or a worker did not stop cleanly\n");
        return 1;
    }
    if (code == 3)
        fprintf(stderr, "feedmill run: some documents could not be processed; their reasons "
                        "are in the dead_letters table of %s\n", opt->db);
    return code;
}

static void free_options(run_options_t *opt)
{
    free(opt->ignore);
    free(opt->follow);
}

int run_main(int argc, char **argv)
{
    run_options_t opt;
    int rc = parse_options(argc, argv, &opt);
    if (rc >= 0) {
        free_options(&opt);
        return rc;
    }
    log_init("run");
    signals_install();
    static run_t self;
    ssize_t n = readlink("/proc/self/exe", self.exe, sizeof self.exe - 1);
    if (n <= 0) {
        fprintf(stderr, "feedmill run: cannot find my own executable: %s\n", strerror(errno));
        free_options(&opt);
        return 1;
    }
    self.exe[n] = '\0';
    if (make_rundir(&self) != 0) {
        free_options(&opt);
        return 1;
    }
    if (pipe2(self.summary_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
        fprintf(stderr, "feedmill run: cannot create a pipe: %s\n", strerror(errno));
        remove_rundir(&self);
        free_options(&opt);
        return 1;
    }
    prepare_state(&self, opt.db);
    plan_children(&self, &opt, argv + optind, argc - optind);
    rc = run_pipeline(&self, &opt);
    close(self.summary_pipe[0]);
    close(self.summary_pipe[1]);
    free_children(&self);
    free_options(&opt);
    buf_free(&self.summary);
    remove_rundir(&self);
    return rc;
}
