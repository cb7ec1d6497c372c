/* Unit tests for producer/watch: which files under watched folders
 * become complete, over real inotify in a temporary folder. A file is
 * taken when its writer closes it or when it is moved in, never while
 * it is being written nor under a temporary name; new folders are
 * watched; files found by a scan wait until they settle; polling mode
 * owes rescans; the queue is bounded.
 *
 * Nothing sleeps for a fixed time: a test waits (up to 10 s) for the file
 * it expects, and checks that a file was NOT taken by closing a sentinel
 * file afterwards: inotify keeps its events in order, so once the
 * sentinel is taken every earlier event has been seen. */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/clock.h"
#include "producer/names.h"
#include "producer/watch.h"
#include "testing.h"

static names_t *names;

static int setup(void)
{
    if (testing_dir_make() != 0)
        return 1;
    names = names_new();
    names_ignore(names, "*.crdownload");
    return 0;
}

static void teardown(void)
{
    names_destroy(&names);
    testing_dir_remove();
}

static void make_dir(const char *name)
{
    TESTING_PATH(path, name);
    CHECK_MSG(mkdir(path, 0700) == 0, path);
}

/* Writes a whole file: open, write, close (IN_CLOSE_WRITE). */
static void write_file(const char *name, const char *bytes)
{
    TESTING_PATH(path, name);
    FILE *f = fopen(path, "w");
    CHECK_MSG(f != NULL, path);
    if (!f)
        return;
    fputs(bytes, f);
    CHECK(fclose(f) == 0);
}

/* Sets a file's modification time seconds ago. */
static void age(const char *name, int seconds)
{
    TESTING_PATH(path, name);
    struct timespec times[2];
    clock_gettime(CLOCK_REALTIME, &times[0]);
    times[0].tv_sec -= seconds;
    times[1] = times[0];
    CHECK(utimensat(AT_FDCWD, path, times, 0) == 0);
}

/* The files taken, relative to root, each followed by a newline. */
typedef struct taken {
    buf_t names;
} taken_t;

static void take(watch_t *w, taken_t *taken)
{
    const char *path;
    const char *root = testing_dir();
    size_t root_len = strlen(root);
    while ((path = watch_next(w))) {
        CHECK_MSG(strncmp(path, root, root_len) == 0 && path[root_len] == '/', path);
        buf_printf(&taken->names, "%s\n", path + root_len + 1);
    }
}

static int has(const taken_t *taken, const char *name)
{
    size_t n = strlen(name);
    const char *s = taken->names.data;
    for (const char *p = s; p && (p = strstr(p, name)); p++)
        if ((p == s || p[-1] == '\n') && p[n] == '\n')
            return 1;
    return 0;
}

/* Processes events, taking what becomes ready, until done(w, taken,
 * arg) holds: 1, or 0 after 10 s. */
typedef int (*done_fn)(watch_t *w, taken_t *taken, const void *arg);

static int wait_until(watch_t *w, taken_t *taken, done_fn done, const void *arg)
{
    int64_t deadline = clock_ms() + 10000;
    for (;;) {
        watch_process(w);
        take(w, taken);
        if (done(w, taken, arg))
            return 1;
        int64_t now = clock_ms();
        if (now > deadline)
            return 0;
        long timeout = watch_timeout(w, now, 100);
        struct pollfd p = { watch_fd(w), POLLIN, 0 };
        poll(&p, watch_fd(w) >= 0, timeout > 0 ? (int)timeout : 1);
    }
}

static int name_taken(watch_t *w, taken_t *taken, const void *name)
{
    (void)w;
    return has(taken, name);
}

static int deferred_at_most(watch_t *w, taken_t *taken, const void *want)
{
    (void)taken;
    size_t dirs, deferred, ready;
    watch_counts(w, &dirs, &deferred, &ready);
    return deferred <= *(const size_t *)want;
}

/* Until name is taken. */
static int wait_for(watch_t *w, taken_t *taken, const char *name)
{
    return wait_until(w, taken, name_taken, name);
}

/* Until no more than want files are deferred. */
static int wait_deferred(watch_t *w, taken_t *taken, size_t want)
{
    return wait_until(w, taken, deferred_at_most, &want);
}

/* Checks that the files taken so far are exactly want, then forgets
 * them. */
static void expect_taken(taken_t *taken, const char *want, const char *what)
{
    const char *got = buf_str(&taken->names);
    if (strcmp(got, want) != 0)
        fprintf(stderr, "%s:\n  got:\n%s  expected:\n%s", what, got, want);
    CHECK_MSG(strcmp(got, want) == 0, what);
    buf_reset(&taken->names);
}

/* Closes a new sentinel file in folder and waits for it; the sentinel
 * is left out of taken, what was taken before it stays. */
static void barrier(watch_t *w, taken_t *taken, const char *folder)
{
    static int count;
    char name[200];
    snprintf(name, sizeof name, "%s/sentinel-%d", folder, ++count);
    write_file(name, "s");
    CHECK_MSG(wait_for(w, taken, name), name);
    char *at = taken->names.data ? strstr(taken->names.data, name) : NULL;
    if (at) {
        size_t n = strlen(name) + 1;
        memmove(at, at + n, taken->names.len - (size_t)(at - taken->names.data) - n + 1);
        taken->names.len -= n;
    }
}

static void test_closed_files(void)
{
    make_dir("closed");
    TESTING_PATH(dir, "closed");
    watch_t *w = watch_new(names, 0, 1000);
    CHECK(watch_fd(w) >= 0);
    CHECK(watch_add(w, dir) == 0);
    taken_t taken = { BUF_INIT };

    /* Being written: not taken until its writer closes it. */
    TESTING_PATH(doc, "closed/doc.json");
    FILE *writer = fopen(doc, "w");
    CHECK(writer != NULL);
    if (!writer)
        return;
    fputs("{\"half\":", writer);
    fflush(writer);
    barrier(w, &taken, "closed");
    expect_taken(&taken, "", "nothing while the file is written");
    fputs("1}\n", writer);
    CHECK(fclose(writer) == 0);
    CHECK(wait_for(w, &taken, "closed/doc.json"));
    expect_taken(&taken, "closed/doc.json\n", "taken once closed");

    /* Closed twice before it was taken: taken once. */
    write_file("closed/twice.json", "1");
    write_file("closed/twice.json", "2");
    barrier(w, &taken, "closed");
    expect_taken(&taken, "closed/twice.json\n", "closed twice, taken once");

    /* Korean names are names like any other. */
    write_file("closed/기사.txt", "본문");
    CHECK(wait_for(w, &taken, "closed/기사.txt"));
    expect_taken(&taken, "closed/기사.txt\n", "a Korean name");
    CHECK(watch_next(w) == NULL);
    watch_destroy(&w);
    CHECK(w == NULL);
    watch_destroy(&w);
    buf_free(&taken.names);
}

static void test_temporary_names(void)
{
    make_dir("temp");
    TESTING_PATH(dir, "temp");
    watch_t *w = watch_new(names, 0, 1000);
    CHECK(watch_add(w, dir) == 0);
    taken_t taken = { BUF_INIT };
    /* Work in progress under temporary names is never taken, closed or
     * not: hidden, ~, .tmp, .part, .swp, and the operator's globs. */
    write_file("temp/.doc.json.XXXXXX", "1");
    write_file("temp/doc.json~", "1");
    write_file("temp/doc.tmp", "1");
    write_file("temp/doc.part", "1");
    write_file("temp/.doc.swp", "1");
    write_file("temp/doc.crdownload", "1");
    barrier(w, &taken, "temp");
    expect_taken(&taken, "", "temporary names");
    /* Renamed to its final name: complete (IN_MOVED_TO). */
    TESTING_PATH(from, "temp/.doc.json.XXXXXX");
    TESTING_PATH(to, "temp/doc.json");
    CHECK(rename(from, to) == 0);
    CHECK(wait_for(w, &taken, "temp/doc.json"));
    expect_taken(&taken, "temp/doc.json\n", "moved in under its final name");
    /* Moved in from outside the watched folders. */
    write_file("outside.json", "1");
    TESTING_PATH(outside, "outside.json");
    TESTING_PATH(inside, "temp/inside.json");
    CHECK(rename(outside, inside) == 0);
    CHECK(wait_for(w, &taken, "temp/inside.json"));
    expect_taken(&taken, "temp/inside.json\n", "moved in from outside");
    watch_destroy(&w);
    buf_free(&taken.names);
}

static void test_new_folders(void)
{
    make_dir("tree");
    make_dir("tree/old");
    TESTING_PATH(dir, "tree");
    watch_t *w = watch_new(names, 0, 50);
    CHECK(watch_add(w, dir) == 0);
    size_t dirs, deferred, ready;
    watch_counts(w, &dirs, &deferred, &ready);
    CHECK(dirs == 2);
    taken_t taken = { BUF_INIT };
    /* A folder that existed at the start is watched. */
    write_file("tree/old/a.txt", "a");
    CHECK(wait_for(w, &taken, "tree/old/a.txt"));
    expect_taken(&taken, "tree/old/a.txt\n", "in a folder watched from the start");

    /* A new folder with folders below it and a file written before the
     * watch could see it: watched, and the file taken once settled (its
     * time is set in the past, so it is at the first look). */
    make_dir("tree/new");
    make_dir("tree/new/deep");
    write_file("tree/new/deep/early.txt", "e");
    age("tree/new/deep/early.txt", 60);
    CHECK(wait_for(w, &taken, "tree/new/deep/early.txt"));
    expect_taken(&taken, "tree/new/deep/early.txt\n", "a file older than its folder's watch");
    write_file("tree/new/deep/later.txt", "l");
    CHECK(wait_for(w, &taken, "tree/new/deep/later.txt"));
    expect_taken(&taken, "tree/new/deep/later.txt\n", "a file in a new folder");
    watch_counts(w, &dirs, &deferred, &ready);
    CHECK(dirs == 4);

    /* Hidden folders (.git) are not watched. */
    make_dir("tree/.git");
    write_file("tree/.git/config", "c");
    barrier(w, &taken, "tree");
    expect_taken(&taken, "", "nothing from a hidden folder");
    watch_counts(w, &dirs, &deferred, &ready);
    CHECK(dirs == 4);

    /* A folder removed is forgotten. */
    TESTING_PATH(old_file, "tree/old/a.txt");
    TESTING_PATH(old, "tree/old");
    CHECK(unlink(old_file) == 0);
    CHECK(rmdir(old) == 0);
    int64_t deadline = clock_ms() + 10000;
    do {
        watch_process(w);
        watch_counts(w, &dirs, &deferred, &ready);
    } while (dirs != 3 && clock_ms() < deadline);
    CHECK(dirs == 3);
    watch_destroy(&w);
    buf_free(&taken.names);
}

static void test_settle(void)
{
    make_dir("settle");
    TESTING_PATH(dir, "settle");
    taken_t taken = { BUF_INIT };
    /* A long settle time: a fresh file found by a scan waits. */
    watch_t *w = watch_new(names, 0, 3600 * 1000);
    CHECK(watch_add(w, dir) == 0);
    write_file("settle/fresh.txt", "f");
    barrier(w, &taken, "settle");
    expect_taken(&taken, "settle/fresh.txt\n", "closed: taken at once");
    TESTING_PATH(fresh, "settle/fresh.txt");
    struct stat st;
    CHECK(stat(fresh, &st) == 0);
    CHECK(watch_too_fresh(w, &st.st_mtim));
    age("settle/fresh.txt", 7200);
    CHECK(stat(fresh, &st) == 0);
    CHECK(!watch_too_fresh(w, &st.st_mtim));
    watch_defer(w, fresh);
    watch_defer(w, fresh);              /* once */
    watch_process(w);
    size_t dirs, deferred, ready;
    watch_counts(w, &dirs, &deferred, &ready);
    CHECK(deferred == 1 && ready == 0);
    CHECK(watch_next(w) == NULL);
    /* The next look is due when the settle time is up, not before. */
    long timeout = watch_timeout(w, clock_ms(), 10 * 3600 * 1000L);
    CHECK(timeout > 3500 * 1000L && timeout <= 3600 * 1000L);
    CHECK(watch_timeout(w, clock_ms(), 100) == 100);
    /* Its writer closes it after all: complete at once, no longer
     * waiting to settle. */
    write_file("settle/fresh.txt", "f2");
    CHECK(wait_for(w, &taken, "settle/fresh.txt"));
    expect_taken(&taken, "settle/fresh.txt\n", "closed while deferred");
    watch_counts(w, &dirs, &deferred, &ready);
    CHECK(deferred == 0 && ready == 0);
    watch_destroy(&w);

    /* A short settle time: a deferred file whose time is older than it
     * is taken when its look is due; a vanished one is dropped. */
    w = watch_new(names, 0, 50);
    CHECK(watch_add(w, dir) == 0);
    write_file("settle/old.txt", "o");
    write_file("settle/gone.txt", "g");
    barrier(w, &taken, "settle");
    buf_reset(&taken.names);
    age("settle/old.txt", 60);
    TESTING_PATH(old, "settle/old.txt");
    TESTING_PATH(gone, "settle/gone.txt");
    watch_defer(w, old);
    watch_defer(w, gone);
    CHECK(unlink(gone) == 0);
    CHECK(wait_for(w, &taken, "settle/old.txt"));
    expect_taken(&taken, "settle/old.txt\n", "settled");
    /* gone.txt was deferred a moment after old.txt, so its look may
     * come a tick later: wait for it to be dropped, then nothing more
     * was taken. */
    CHECK(wait_deferred(w, &taken, 0));
    expect_taken(&taken, "", "a vanished file is dropped, not taken");
    watch_destroy(&w);
    buf_free(&taken.names);
}

static void test_polling(void)
{
    make_dir("poll");
    TESTING_PATH(dir, "poll");
    TESTING_PATH(file, "poll/file.txt");
    write_file("poll/file.txt", "x");
    watch_t *w = watch_new(names, 200, 0);
    CHECK(watch_fd(w) == -1);
    CHECK(watch_add(w, dir) == 0);
    CHECK(watch_add(w, file) == -1);        /* not a folder */
    TESTING_PATH(missing, "poll/missing");
    CHECK(watch_add(w, missing) == -1);
    /* A rescan is owed once per round. */
    int64_t now = clock_ms();
    CHECK(watch_rescan_due(w, now + 1000) == 1);
    CHECK(watch_rescan_due(w, now + 1000) == 0);
    CHECK(watch_rescan_due(w, now + 1100) == 0);
    CHECK(watch_rescan_due(w, now + 1200) == 1);
    long timeout = watch_timeout(w, now + 1200, 5000);
    CHECK(timeout == 200);
    /* When polling, a file settles at least one round. */
    struct timespec mtime;
    clock_gettime(CLOCK_REALTIME, &mtime);
    CHECK(watch_too_fresh(w, &mtime));
    mtime.tv_sec -= 10;
    CHECK(!watch_too_fresh(w, &mtime));
    /* Polling sees no events: nothing is taken without a scan. */
    write_file("poll/new.txt", "n");
    watch_process(w);
    CHECK(watch_next(w) == NULL);
    watch_destroy(&w);
}

static void test_bounded_queue(void)
{
    watch_t *w = watch_new(names, 0, 3600 * 1000);
    CHECK(watch_rescan_due(w, clock_ms()) == 0);
    char path[64];
    for (int i = 0; i < WATCH_MAX_QUEUED; i++) {
        snprintf(path, sizeof path, "/nonexistent/%d", i);
        watch_defer(w, path);
    }
    size_t dirs, deferred, ready;
    watch_counts(w, &dirs, &deferred, &ready);
    CHECK(deferred == WATCH_MAX_QUEUED);
    CHECK(watch_rescan_due(w, clock_ms()) == 0);
    /* One more: refused, and a rescan owed to find it again. */
    watch_defer(w, "/nonexistent/one-more");
    watch_counts(w, &dirs, &deferred, &ready);
    CHECK(deferred == WATCH_MAX_QUEUED);
    CHECK(watch_rescan_due(w, clock_ms()) == 1);
    CHECK(watch_rescan_due(w, clock_ms()) == 0);
    watch_destroy(&w);
}

TESTING_MAIN_WITH(setup, teardown,
    TEST(test_closed_files),
    TEST(test_temporary_names),
    TEST(test_new_folders),
    TEST(test_settle),
    TEST(test_polling),
    TEST(test_bounded_queue))
