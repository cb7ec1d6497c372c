/* retry: `feedmill retry --db FILE (--all | ID...)`, dead letters again.
 *
 * A dead letter records why a document could not be processed, not the
 * document: the bytes are still in the file it came from. Retrying means
 * reading those files again with today's extractor. The producer's state
 * (DB.producer) knows which files held which id; retry makes it forget
 * them, then runs the local pipeline (`feedmill run`) over exactly those
 * files. A document that now extracts is stored and its dead letter
 * deleted by the sink; one that fails again stays a dead letter with the
 * new reason. Files that could not be *read* need none of this: every
 * run reads them again by itself. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/commands.h"
#include "common/args.h"
#include "common/buf.h"
#include "common/hash.h"
#include "common/log.h"
#include "producer/state.h"
#include "sink/store.h"

typedef struct letter {
    char id[DOC_ID_LEN + 1];
    char *source;            /* as stored: printable form */
} letter_t;

typedef struct selection {
    letter_t *letters;
    size_t count;
} selection_t;

static int collect(const store_dead_letter_t *dead, void *ctx)
{
    selection_t *sel = ctx;
    for (size_t i = 0; i < sel->count; i++)
        if (!strcmp(sel->letters[i].id, dead->id))
            return 0;   /* named twice on the command line */
    sel->letters = xrealloc(sel->letters, (sel->count + 1) * sizeof(letter_t));
    letter_t *l = &sel->letters[sel->count++];
    snprintf(l->id, sizeof l->id, "%s", dead->id);
    l->source = dead->source ? xstrdup(dead->source) : NULL;
    return 0;
}

static int count_one(const store_dead_letter_t *dead, void *ctx)
{
    (void)dead;
    (void)ctx;
    return 0;
}

static void free_selection(selection_t *sel)
{
    for (size_t i = 0; i < sel->count; i++)
        free(sel->letters[i].source);
    free(sel->letters);
}

/* The database could not be read: says why. Returns -1. */
static int unreadable(char *error)
{
    fprintf(stderr, "feedmill retry: %s\n", error);
    free(error);
    return -1;
}

/* Selects the dead letters to retry: every one, or those whose id
 * starts with each given prefix (the logs show 12 characters). */
static int select_letters(store_t *store, int all, char **ids, int id_count, selection_t *sel)
{
    char *error = NULL;
    if (all)
        return store_dead_letters(store, NULL, collect, sel, &error) < 0 ? unreadable(error) : 0;
    for (int i = 0; i < id_count; i++) {
        char prefix[DOC_ID_LEN + 1];
        size_t len = strlen(ids[i]);
        int hex = len >= 4 && len <= DOC_ID_LEN;
        for (size_t k = 0; hex && k < len; k++) {
            prefix[k] = (char)tolower((unsigned char)ids[i][k]);
            hex = isxdigit((unsigned char)prefix[k]);
        }
        if (!hex) {
            fprintf(stderr, "feedmill retry: '%s' is not a document id (4 to 64 hex digits)\n",
                    ids[i]);
            return -1;
        }
        prefix[len] = '\0';
        int matches = store_dead_letters(store, prefix, count_one, NULL, &error);
        if (matches < 0)
            return unreadable(error);
        if (matches == 0) {
            fprintf(stderr, "feedmill retry: no dead letter has an id starting with %s\n", prefix);
            return -1;
        }
        if (matches > 1) {
            fprintf(stderr, "feedmill retry: %d dead letters have ids starting with %s; "
                            "give more digits\n", matches, prefix);
            return -1;
        }
        if (store_dead_letters(store, prefix, collect, sel, &error) < 0)
            return unreadable(error);
    }
    return 0;
}

typedef struct listing {
    FILE *out;
    size_t files;
} listing_t;

static void list_source(const char *source, void *ctx)
{
    listing_t *list = ctx;
    struct stat st;
    if (stat(source, &st) != 0 || !S_ISREG(st.st_mode))
        return;
    fwrite(source, 1, strlen(source) + 1, list->out);   /* with its NUL */
    list->files++;
}

/* Writes the files holding the selected documents to list->out, NUL
 * after each, and makes the producer's state forget them. Returns the
 * number of dead letters with no file left to read, or -1. */
static int plan_files(const char *state_path, selection_t *sel, listing_t *list)
{
    char *error = NULL;
    state_t *state = state_open(state_path, &error);
    if (!state) {
        fprintf(stderr, "feedmill retry: %s\n", error);
        free(error);
        return -1;
    }
    int gone = 0;
    for (size_t i = 0; i < sel->count; i++) {
        letter_t *l = &sel->letters[i];
        size_t before = list->files;
        if (state_sources(state, l->id, list_source, list, &error) < 0) {
            fprintf(stderr, "feedmill retry: cannot read %s: %s\n", state_path, error);
            free(error);
            state_close(&state);
            return -1;
        }
        /* A state that never saw it (deleted, or another producer's):
         * the source column names the file. */
        if (list->files == before && l->source)
            list_source(l->source, list);
        if (list->files == before) {
            fprintf(stderr, "feedmill retry: cannot retry %.12s: its file %s is gone\n", l->id,
                    l->source ? l->source : "(unknown)");
            gone++;
        }
        state_forget(state, l->id, NULL);   /* refused: the flush says so */
    }
    int rc = state_flush(state, &error);
    if (rc < 0) {
        fprintf(stderr, "feedmill retry: cannot write %s: %s\n", state_path, error);
        free(error);
    }
    state_close(&state);
    return rc < 0 ? -1 : gone;
}

enum {
    RETRY_OPT_DB,
    RETRY_OPT_ALL,
    RETRY_OPT_WORKERS,        /* from here on: handed to `run` as given; it checks them */
    RETRY_OPT_TIME_LIMIT,
    RETRY_OPT_MAX_SIZE,
    RETRY_OPT_MAX_ATTEMPTS,
    RETRY_OPT_COUNT
};

typedef struct retry_options {
    const char *db;
    int all;
    const char *passed[RETRY_OPT_COUNT];   /* by row: the values for `run` */
} retry_options_t;

static const args_option_t TABLE[RETRY_OPT_COUNT] = {
    [RETRY_OPT_DB] = { .name = "db", .arg = "FILE", .help = "database (default feedmill.db)" },
    [RETRY_OPT_ALL] = { .name = "all", .help = "every dead letter" },
    /* Listed on one line, sharing the last one's text. */
    [RETRY_OPT_WORKERS] = { .name = "workers", .arg = "N" },
    [RETRY_OPT_TIME_LIMIT] = { .name = "time-limit", .arg = "SECONDS" },
    [RETRY_OPT_MAX_SIZE] = { .name = "max-size", .arg = "BYTES" },
    [RETRY_OPT_MAX_ATTEMPTS] = { .name = "max-attempts", .arg = "K",
        .help = "as for `feedmill run`, for this pass" },
};

static int apply(void *ctx, const char *command, int id, const char *value)
{
    (void)command;
    retry_options_t *opt = ctx;
    if (id == RETRY_OPT_DB)
        opt->db = value;
    else if (id == RETRY_OPT_ALL)
        opt->all = 1;
    else
        opt->passed[id] = value;
    return 0;
}

static const char *check(const void *options, int operands)
{
    const retry_options_t *opt = options;
    return opt->all == (operands > 0) ? "give either --all or the ids of dead letters" : NULL;
}

static const args_table_t TABLES[] = {
    { .rows = TABLE, .end = RETRY_OPT_COUNT, .base = ARGS_GETOPT, .apply = apply },
};

static const args_command_t COMMAND = {
    .name = "retry",
    .usage = "usage: feedmill retry [--db FILE] [--workers N] (--all | ID...)\n"
             "\n"
             "Sends dead letters through the pipeline again, typically after an upgrade\n"
             "whose extractor handles what the old one refused. The files that held the\n"
             "documents are read again (the producer's state, DB.producer, says which)\n"
             "and ingested by a local pipeline as `feedmill run` would: a document that\n"
             "now extracts is stored and its dead letter deleted; one that fails again\n"
             "keeps its dead letter with the new reason. An ID may be abbreviated to its\n"
             "first digits (at least 4) as the logs show them. Files that could not be\n"
             "read at all (permissions, --max-size) need no retry: every run reads them\n"
             "again. Exits 0 when every selected document is now stored, 3 when some are\n"
             "still dead letters, 2 on a usage error, 1 on any other failure.\n"
             "\n",
    .tables = TABLES, .table_count = 1, .check = check,
};

int retry_main(int argc, char **argv)
{
    retry_options_t opt = { .db = "feedmill.db" };
    int rc = args_parse(&COMMAND, &opt, argc, argv);
    if (rc >= 0)
        return rc;
    const char *db = opt.db;
    int all = opt.all;
    log_init("retry");
    char *error = NULL;
    store_t *store = store_open(db, STORE_READONLY, &error);
    if (!store) {
        fprintf(stderr, "feedmill retry: %s\n", error);
        free(error);
        return 1;
    }
    selection_t sel = { 0 };
    rc = select_letters(store, all, argv + optind, argc - optind, &sel);
    store_close(&store);
    if (rc != 0 || sel.count == 0) {
        if (rc == 0)
            printf("feedmill retry: %s has no dead letters\n", db);
        free_selection(&sel);
        return rc == 0 ? 0 : 1;
    }

    buf_t state = BUF_INIT, list_path = BUF_INIT;
    buf_printf(&state, "%s.producer", db);
    buf_printf(&list_path, "%s/feedmill-retry-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    int fd = mkstemp(list_path.data);
    listing_t list = { fd >= 0 ? fdopen(fd, "w") : NULL, 0 };
    int gone = -1;
    if (!list.out)
        fprintf(stderr, "feedmill retry: cannot create a temporary file: %s\n", strerror(errno));
    else
        gone = plan_files(state.data, &sel, &list);
    if (list.out && fclose(list.out) != 0 && gone >= 0) {
        fprintf(stderr, "feedmill retry: cannot write %s: %s\n", list_path.data, strerror(errno));
        gone = -1;
    }
    rc = gone < 0 ? 1 : 0;
    if (rc == 0 && list.files) {
        printf("feedmill retry: sending %zu dead letters through again (%zu files)\n",
               sel.count - (size_t)gone, list.files);
        fflush(stdout);
        char *run_argv[6 + 2 * RETRY_OPT_COUNT];
        char options[RETRY_OPT_COUNT][32];
        int run_argc = 0;
        run_argv[run_argc++] = "run";
        run_argv[run_argc++] = "--db";
        run_argv[run_argc++] = (char *)db;
        run_argv[run_argc++] = "--files0-from";
        run_argv[run_argc++] = list_path.data;
        for (int id = RETRY_OPT_WORKERS; id < RETRY_OPT_COUNT; id++) {
            if (!opt.passed[id])
                continue;
            snprintf(options[id], sizeof options[id], "--%s", TABLE[id].name);
            run_argv[run_argc++] = options[id];
            run_argv[run_argc++] = (char *)opt.passed[id];
        }
        run_argv[run_argc] = NULL;
        optind = 0;   /* run parses its own options from the start */
        rc = run_main(run_argc, run_argv);
    }
    if (fd >= 0)
        unlink(list_path.data);
    buf_free(&state);
    buf_free(&list_path);

    /* What became of them, by id: a run's summary counts files. */
    store = rc == 0 || rc == 3 ? store_open(db, STORE_READONLY, &error) : NULL;
    if (store) {
        size_t still = 0;
        for (size_t i = 0; i < sel.count; i++)
            if (store_dead_letters(store, sel.letters[i].id, count_one, NULL, NULL) > 0)
                still++;
        printf("feedmill retry: %zu retried: %zu stored now, %zu still dead letters "
               "(%d of them with no file left to read)\n", sel.count, sel.count - still,
               still, gone);
        rc = still ? 3 : 0;
        store_close(&store);
    } else if (rc == 0 || rc == 3) {
        fprintf(stderr, "feedmill retry: %s\n", error);
        free(error);
        rc = 1;
    }
    free_selection(&sel);
    return rc;
}
