/* checkpointer: moves the writer's WAL into the database file on a
 * thread of its own, so that the writer only writes.
 *
 *   writer: COMMIT ──wal hook: the WAL holds N pages──> checkpointer_kick
 *   checkpointer thread, own connection: PRAGMA wal_checkpoint(PASSIVE)
 *
 * In WAL mode a commit appends pages to the -wal file; a checkpoint
 * copies them back into the database, and the WAL starts again from its
 * beginning once everything in it has been copied. SQLite does that by
 * itself inside the COMMIT that takes the WAL past 1000 pages, in the
 * writer's thread: with synchronous=NORMAL the checkpoint syncs the WAL
 * and the database (two fdatasync) and copies every page, and the sink
 * spent a quarter to a third of its time there (6000 Korean texts:
 * 3.4-4.6 s with it, 2.7-3.0 s with no checkpoint at all). Here the
 * writer only notices the size after each commit and wakes this thread,
 * which checkpoints on a connection of its own while the writer goes on.
 *
 * The durability is the same: the same checkpoint, with the same syncs
 * (synchronous=NORMAL on this connection too). A PASSIVE checkpoint
 * never blocks the writer, nor waits for it; it copies what was
 * committed when it started. The WAL stays bounded: a checkpoint takes
 * while the writer goes on, so the writer's next transaction has begun
 * before it ends, and SQLite starts the WAL again from its top only in a
 * transaction that began once every page was copied. So the WAL grows
 * while checkpoints follow it, and once it holds CHECKPOINTER_MAX_PAGES
 * the writer waits for the checkpoint under way before it begins
 * (checkpointer_wait): one wait for a few commits, instead of a
 * checkpoint inside every one of them. A checkpoint that fails (a full disk, an I/O
 * error) is logged, once until one succeeds, and tried again at the next
 * kick; the WAL meanwhile keeps every commit, as it would without a
 * checkpoint. */
#ifndef FEEDMILL_SINK_CHECKPOINTER_H
#define FEEDMILL_SINK_CHECKPOINTER_H

/* The WAL's size, in pages, from which a commit wakes the thread:
 * SQLite's own autocheckpoint threshold. */
#define CHECKPOINTER_PAGES 1000
/* The WAL's size, in pages, from which the writer waits for a checkpoint
 * to end before its next transaction, so the WAL starts again: 64 MiB
 * of 4 KiB pages, a few of the sink's largest commits. */
#define CHECKPOINTER_MAX_PAGES 16384

typedef struct checkpointer checkpointer_t;

/* Opens its own connection to the database at path (which exists, in
 * WAL mode) and starts the thread. NULL when it cannot, with the reason
 * logged: the caller then leaves checkpoints to SQLite. */
checkpointer_t *checkpointer_new(const char *path);
/* Waits for a checkpoint under way, stops the thread, closes its
 * connection. Safe on NULL. */
void checkpointer_destroy(checkpointer_t **self_p);

/* The WAL holds pages pages (from the writer's wal hook): wakes the
 * thread once they are CHECKPOINTER_PAGES or more. Never blocks on a
 * checkpoint. */
void checkpointer_kick(checkpointer_t *self, int pages);

/* For a writer that wants the WAL to start again from its top: returns
 * once no checkpoint is under way or wanted. When the last one could not
 * copy the whole WAL (a reader was reading pages it holds when it ran,
 * or it failed), asks for another, up to CHECKPOINTER_RETRIES times,
 * CHECKPOINTER_RETRY_MS apart: without that, one reader at the wrong
 * moment let the WAL grow by a whole round of commits past its bound
 * (test_store's test_wal_checkpointed_and_bounded, one run in twelve).
 * 1 when everything committed before the call was copied; 0 when a
 * reader still holds it (the WAL then grows until a later checkpoint
 * copies it: nothing is lost). */
enum { CHECKPOINTER_RETRIES = 3, CHECKPOINTER_RETRY_MS = 5 };
int checkpointer_wait(checkpointer_t *self);

#endif
