/* Unit tests for producer/follow: JSON-lines files followed like
 * `tail -F`. Real files in a temporary folder and a real state; time is
 * what the test hands follow_read, so nothing waits on a clock: lines
 * appended and lines cut short, truncation in place, rewriting, rotation
 * with lines written after the rename, a grace time that ends, a restart
 * after a commit, a file rotated or replaced while stopped, a commit that
 * fails (follow_rollback), and a read budget. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/hash.h"
#include "producer/follow.h"
#include "producer/state.h"
#include "testing.h"


static void write_file(const char *path, const char *mode, const char *bytes)
{
    FILE *f = fopen(path, mode);
    CHECK_MSG(f != NULL, path);
    if (!f)
        return;
    fputs(bytes, f);
    CHECK(fclose(f) == 0);
}

/* What the callback got: "NAME:LINE:BYTES\n" for each line, NAME the
 * file name without its folder; a line too long is "NAME:LINE:!why". */
typedef struct seen {
    buf_t lines;
    size_t count;
} seen_t;

static void on_line(void *ctx, const char *path, int64_t line, const char *bytes, size_t len,
                    const char *too_long)
{
    seen_t *seen = ctx;
    const char *slash = strrchr(path, '/');
    buf_printf(&seen->lines, "%s:%lld:", slash ? slash + 1 : path, (long long)line);
    if (too_long)
        buf_printf(&seen->lines, "!%s", too_long);
    else
        buf_append(&seen->lines, bytes, len);
    buf_putc(&seen->lines, '\n');
    seen->count++;
}

/* The lines seen since the last call, then forgotten. */
static void expect_seen(seen_t *seen, const char *want, const char *what)
{
    const char *got = buf_str(&seen->lines);
    if (strcmp(got, want) != 0)
        fprintf(stderr, "%s:\n  got:\n%s  expected:\n%s", what, got, want);
    CHECK_MSG(strcmp(got, want) == 0, what);
    buf_reset(&seen->lines);
    seen->count = 0;
}

/* The test's clock: every look one second after the last, so each
 * follow_read looks at every file whether or not inotify spoke. */
static int64_t now = 1000000;

static int read_once(follow_t *f)
{
    now += FOLLOW_CHECK_MS;
    return follow_read(f, now);
}

/* Reads until nothing moves (bounded: a bug must not hang the test). */
static void read_all(follow_t *f)
{
    for (int i = 0; i < 50 && read_once(f); i++)
        ;
}

static state_t *open_state(const char *name)
{
    char *error = NULL;
    TESTING_PATH(path, name);
    state_t *state = state_open(path, &error);
    CHECK_MSG(state != NULL, error);
    free(error);
    return state;
}

static follow_t *start(state_t *state, seen_t *seen, const char *path)
{
    follow_t *f = follow_new(state, on_line, seen);
    char *error = NULL;
    CHECK(follow_add(f, path, &error) == 0);
    CHECK(error == NULL);
    free(error);
    return f;
}

static void test_add(void)
{
    state_t *state = open_state("add.db");
    if (!state)
        return;
    seen_t seen = { BUF_INIT, 0 };
    follow_t *f = follow_new(state, on_line, &seen);
    char *error = NULL;
    /* A folder cannot be followed, and says why. */
    CHECK(follow_add(f, testing_dir(), &error) == -1);
    CHECK_MSG(error && strstr(error, testing_dir()) && strstr(error, "regular file"), error);
    free(error);
    error = NULL;
    CHECK(follow_count(f) == 0);
    /* A file that does not exist yet can; a path named twice counts once. */
    TESTING_PATH(path, "later.jsonl");
    CHECK(follow_add(f, path, &error) == 0);
    CHECK(follow_add(f, path, &error) == 0);
    CHECK(error == NULL);
    CHECK(follow_count(f) == 1);
    CHECK(follow_count(NULL) == 0);
    CHECK(follow_fd(f) >= 0);               /* inotify on Linux */
    CHECK(follow_timeout(f, now, 5000) == 0);   /* added: read at once */
    read_all(f);
    expect_seen(&seen, "", "nothing while the file does not exist");
    /* Once it appears it is read from its start. */
    write_file(path, "w", "{\"a\":1}\n{\"a\":2}\n");
    read_all(f);
    expect_seen(&seen, "later.jsonl:1:{\"a\":1}\nlater.jsonl:2:{\"a\":2}\n", "the file appeared");
    /* Between looks the timeout is the next check, at most the caller's. */
    long t = follow_timeout(f, now, 60000);
    CHECK(t > 0 && t <= FOLLOW_CHECK_MS);
    CHECK(follow_timeout(f, now, 10) == 10);
    follow_destroy(&f);
    CHECK(f == NULL);
    follow_destroy(&f);
    state_close(&state);
    buf_free(&seen.lines);
}

static void test_appends_and_partial_lines(void)
{
    state_t *state = open_state("append.db");
    if (!state)
        return;
    TESTING_PATH(path, "append.jsonl");
    write_file(path, "w", "one\ntwo\n");
    seen_t seen = { BUF_INIT, 0 };
    follow_t *f = start(state, &seen, path);
    read_all(f);
    expect_seen(&seen, "append.jsonl:1:one\nappend.jsonl:2:two\n", "the lines already there");
    /* A last line without its newline waits for it, however many looks. */
    write_file(path, "a", "thr");
    read_all(f);
    read_all(f);
    expect_seen(&seen, "", "half a line");
    write_file(path, "a", "ee\nfour");
    read_all(f);
    expect_seen(&seen, "append.jsonl:3:three\n", "the line completed");
    /* Empty lines and Korean text are lines like any other. */
    write_file(path, "a", "\n\n{\"title\":\"한국어 제목\"}\n");
    read_all(f);
    expect_seen(&seen, "append.jsonl:4:four\nappend.jsonl:5:\nappend.jsonl:6:{\"title\":\"한국어 제목\"}\n",
                "empty and Korean lines");
    /* Nothing new: nothing moves. */
    CHECK(read_once(f) == 0);
    follow_destroy(&f);
    state_close(&state);
    buf_free(&seen.lines);
}

static void test_truncate_and_rewrite(void)
{
    state_t *state = open_state("truncate.db");
    if (!state)
        return;
    TESTING_PATH(path, "truncate.jsonl");
    write_file(path, "w", "first line\nsecond line\n");
    seen_t seen = { BUF_INIT, 0 };
    follow_t *f = start(state, &seen, path);
    read_all(f);
    expect_seen(&seen, "truncate.jsonl:1:first line\ntruncate.jsonl:2:second line\n", "before");
    /* copytruncate: emptied in place, then written again. */
    CHECK(truncate(path, 0) == 0);
    write_file(path, "a", "new\n");
    read_all(f);
    expect_seen(&seen, "truncate.jsonl:1:new\n", "truncated in place");
    /* Rewritten in place with other bytes, longer than what was read:
     * the size alone cannot tell, the bytes before the position do. */
    write_file(path, "w", "replaced entirely\nby other lines\n");
    read_all(f);
    expect_seen(&seen, "truncate.jsonl:1:replaced entirely\ntruncate.jsonl:2:by other lines\n",
                "rewritten in place");
    /* Truncated with half a line pending: the half is forgotten. */
    write_file(path, "a", "half");
    read_all(f);
    CHECK(truncate(path, 0) == 0);
    write_file(path, "a", "whole\n");
    read_all(f);
    expect_seen(&seen, "truncate.jsonl:1:whole\n", "truncated under half a line");
    follow_destroy(&f);
    state_close(&state);
    buf_free(&seen.lines);
}

static void test_rotation(void)
{
    state_t *state = open_state("rotate.db");
    if (!state)
        return;
    TESTING_PATH(path, "rotate.jsonl");
    char rotated[800];
    snprintf(rotated, sizeof rotated, "%s.1", path);
    write_file(path, "w", "a1\na2\n");
    seen_t seen = { BUF_INIT, 0 };
    follow_t *f = start(state, &seen, path);
    read_all(f);
    expect_seen(&seen, "rotate.jsonl:1:a1\nrotate.jsonl:2:a2\n", "before the rotation");

    /* logrotate: renamed away, a new file in its place; the old file's
     * writer still adds a line, and half of one, after the rename. */
    FILE *writer = fopen(path, "a");
    CHECK(writer != NULL);
    if (!writer)
        return;
    CHECK(rename(path, rotated) == 0);
    write_file(path, "w", "b1\n");
    fputs("a3\n", writer);
    fflush(writer);
    int64_t t0 = now + 1000;
    CHECK(follow_read(f, t0) == 1);
    /* The old file's lines come first, numbered on; the new file is
     * numbered from 1. */
    expect_seen(&seen, "rotate.jsonl:3:a3\nrotate.jsonl:1:b1\n", "old and new after the rename");
    /* Within the grace time the old file is still read. */
    fputs("a4\na5-without-newline", writer);
    fflush(writer);
    CHECK(follow_read(f, t0 + FOLLOW_GRACE_MS / 2) == 1);
    expect_seen(&seen, "rotate.jsonl:4:a4\n", "the old file within the grace time");
    /* Quiet for the grace time: finished, its last line counted even
     * without a newline (its writer has moved on). */
    follow_read(f, t0 + FOLLOW_GRACE_MS / 2 + FOLLOW_GRACE_MS);
    expect_seen(&seen, "rotate.jsonl:5:a5-without-newline\n", "the old file finished");
    /* After that the old file is let go. */
    fputs("\na6\n", writer);
    fclose(writer);
    write_file(path, "a", "b2\n");
    now = t0 + 10 * FOLLOW_GRACE_MS;
    read_all(f);
    expect_seen(&seen, "rotate.jsonl:2:b2\n", "the new file only");

    /* Removed, then created again: the new file from its start. */
    CHECK(unlink(path) == 0);
    read_all(f);
    write_file(path, "w", "c1\n");
    read_all(f);
    expect_seen(&seen, "rotate.jsonl:1:c1\n", "removed and created again");
    follow_destroy(&f);
    state_close(&state);
    buf_free(&seen.lines);
}

/* Rotated twice within the grace time (a burst of rotations), and a
 * restart while a rotated-away file is still being read. */
static void test_rotation_edges(void)
{
    state_t *state = open_state("edges.db");
    if (!state)
        return;
    TESTING_PATH(path, "edges.jsonl");
    char first[800], second[800];
    snprintf(first, sizeof first, "%s.1", path);
    snprintf(second, sizeof second, "%s.2", path);
    write_file(path, "w", "a1\na2-half");
    seen_t seen = { BUF_INIT, 0 };
    follow_t *f = start(state, &seen, path);
    read_all(f);
    expect_seen(&seen, "edges.jsonl:1:a1\n", "the first file");
    CHECK(rename(path, first) == 0);
    write_file(path, "w", "b1\nb2-half");
    CHECK(follow_read(f, now += 10) == 1);
    expect_seen(&seen, "edges.jsonl:1:b1\n", "the first rotation");
    /* The second rotation finishes the first rotated file at once, half
     * line included. */
    CHECK(rename(path, second) == 0);
    write_file(path, "w", "c1\n");
    CHECK(follow_read(f, now += 10) == 1);
    expect_seen(&seen, "edges.jsonl:2:a2-half\nedges.jsonl:1:c1\n", "the second rotation");

    /* Stopped while .2 is read through its grace time: a restart reads
     * on where it was, then lets it go. */
    CHECK(state_flush(state, NULL) == 0);
    follow_destroy(&f);
    state_close(&state);
    write_file(second, "a", "-done\nb3\n");
    write_file(path, "a", "c2\n");
    state = open_state("edges.db");
    f = start(state, &seen, path);
    read_all(f);
    expect_seen(&seen, "edges.jsonl:2:b2-half-done\nedges.jsonl:3:b3\nedges.jsonl:2:c2\n",
                "a restart within the grace time");
    now += 10 * FOLLOW_GRACE_MS;
    read_all(f);
    write_file(second, "a", "b4\n");
    read_all(f);
    expect_seen(&seen, "", "the rotated-away file let go");
    follow_destroy(&f);
    state_close(&state);
    buf_free(&seen.lines);
}

static void test_restart(void)
{
    TESTING_PATH(path, "restart.jsonl");
    char rotated[800];
    snprintf(rotated, sizeof rotated, "%s.1", path);
    write_file(path, "w", "1\n2\n3");
    seen_t seen = { BUF_INIT, 0 };
    state_t *state = open_state("restart.db");
    if (!state)
        return;
    follow_t *f = start(state, &seen, path);
    read_all(f);
    CHECK(state_flush(state, NULL) == 0);
    follow_destroy(&f);
    state_close(&state);
    expect_seen(&seen, "restart.jsonl:1:1\nrestart.jsonl:2:2\n", "the first run");

    /* A restart continues after the last line taken: the half line that
     * was waiting comes whole, nothing twice. */
    write_file(path, "a", "3\n4\n");
    state = open_state("restart.db");
    f = start(state, &seen, path);
    read_all(f);
    expect_seen(&seen, "restart.jsonl:3:33\nrestart.jsonl:4:4\n", "after a restart");
    CHECK(state_flush(state, NULL) == 0);
    follow_destroy(&f);
    state_close(&state);

    /* Rotated while stopped, with lines added before the rotation: the
     * old file is found in the folder by its inode and finished first. */
    write_file(path, "a", "5\n");
    CHECK(rename(path, rotated) == 0);
    write_file(path, "w", "new1\n");
    state = open_state("restart.db");
    f = start(state, &seen, path);
    read_all(f);
    expect_seen(&seen, "restart.jsonl:5:5\nrestart.jsonl:1:new1\n", "rotated while stopped");
    CHECK(state_flush(state, NULL) == 0);
    follow_destroy(&f);
    state_close(&state);

    /* Replaced while stopped, by a file of the same length, whatever
     * inode it gets (a freed inode number is often given again): read
     * from its start. */
    CHECK(unlink(path) == 0);
    CHECK(unlink(rotated) == 0);
    write_file(path, "w", "NEW1\n");
    state = open_state("restart.db");
    f = start(state, &seen, path);
    read_all(f);
    expect_seen(&seen, "restart.jsonl:1:NEW1\n", "replaced while stopped");
    follow_destroy(&f);
    state_close(&state);
    buf_free(&seen.lines);
}

static long long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : 0;
}

/* The producer spools each line in the transaction that holds the
 * positions; when that commit fails the lines must come again. The disk
 * is "full" through RLIMIT_FSIZE (see test_producer's
 * test_state_write_fails). */
static void test_rollback(void)
{
    state_t *state = open_state("rollback.db");
    if (!state)
        return;
    TESTING_PATH(path, "rollback.jsonl");
    write_file(path, "w", "one\ntwo\n");
    seen_t seen = { BUF_INIT, 0 };
    follow_t *f = start(state, &seen, path);
    read_all(f);
    CHECK(state_flush(state, NULL) == 0);
    expect_seen(&seen, "rollback.jsonl:1:one\nrollback.jsonl:2:two\n", "committed");

    write_file(path, "a", "three\nfour\n");
    struct rlimit saved, full;
    CHECK(getrlimit(RLIMIT_FSIZE, &saved) == 0);
    void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
    TESTING_PATH(db, "rollback.db");
    TESTING_PATH(wal, "rollback.db-wal");
    long long biggest = file_size(db) > file_size(wal) ? file_size(db) : file_size(wal);
    full = saved;
    full.rlim_cur = (rlim_t)biggest;
    CHECK(setrlimit(RLIMIT_FSIZE, &full) == 0);
    read_all(f);
    expect_seen(&seen, "rollback.jsonl:3:three\nrollback.jsonl:4:four\n", "read, not committed");
    /* What the producer spools with them: more than the file may grow. */
    size_t len = 256 * 1024;
    uint8_t *body = calloc(1, len);
    char id[DOC_ID_LEN + 1];
    hash_doc_id(body, len, id);
    int added = state_spool_add(state, SPOOL_LINE, id, "follow", body, len, NULL, NULL, NULL);
    int flushed = state_flush(state, NULL);
    CHECK(added != 0 || flushed != 0);
    CHECK(state_failing(state));
    follow_rollback(f);
    CHECK(follow_timeout(f, now, 5000) == 0);

    CHECK(setrlimit(RLIMIT_FSIZE, &saved) == 0);
    signal(SIGXFSZ, old_handler);
    CHECK(state_probe(state, INT64_MAX, NULL) == 0);
    /* The lines of the failed commit come again, with their numbers. */
    read_all(f);
    expect_seen(&seen, "rollback.jsonl:3:three\nrollback.jsonl:4:four\n", "again after the rollback");
    CHECK(state_flush(state, NULL) == 0);
    read_all(f);
    expect_seen(&seen, "", "nothing a third time");
    follow_destroy(&f);
    state_close(&state);

    /* And a restart after the successful commit goes on from there. */
    write_file(path, "a", "five\n");
    state = open_state("rollback.db");
    f = start(state, &seen, path);
    read_all(f);
    expect_seen(&seen, "rollback.jsonl:5:five\n", "a restart after the rollback");
    follow_destroy(&f);
    state_close(&state);
    free(body);
    buf_free(&seen.lines);
}

static void test_read_budget(void)
{
    state_t *state = open_state("budget.db");
    if (!state)
        return;
    /* 3 MiB of lines: more than one follow_read takes from a file. */
    TESTING_PATH(path, "budget.jsonl");
    FILE *out = fopen(path, "w");
    CHECK(out != NULL);
    if (!out)
        return;
    char line[1024];
    memset(line, 'x', sizeof line - 2);
    line[sizeof line - 2] = '\n';
    line[sizeof line - 1] = '\0';
    for (int i = 0; i < 3 * 1024; i++)
        fputs(line, out);
    fclose(out);
    seen_t seen = { BUF_INIT, 0 };
    follow_t *f = start(state, &seen, path);
    CHECK(read_once(f) == 1);
    CHECK(seen.count > 0 && seen.count < 3 * 1024);
    /* More is waiting: the caller is told to come back at once. */
    CHECK(follow_timeout(f, now, 5000) == 0);
    read_all(f);
    CHECK(seen.count == 3 * 1024);
    CHECK(strstr(buf_str(&seen.lines), "budget.jsonl:3072:xxxxxxxx") != NULL);
    CHECK(strstr(buf_str(&seen.lines), "budget.jsonl:3073:") == NULL);
    follow_destroy(&f);
    state_close(&state);
    buf_free(&seen.lines);
}

TESTING_MAIN_WITH(testing_dir_make, testing_dir_remove,
    TEST(test_add),
    TEST(test_appends_and_partial_lines),
    TEST(test_truncate_and_rewrite),
    TEST(test_rotation),
    TEST(test_rotation_edges),
    TEST(test_restart),
    TEST(test_rollback),
    TEST(test_read_budget))
