/* ownfiles: feedmill's own files, which the producer must never ingest.
 *
 * A database kept inside the folder it ingests is an ordinary thing to
 * do (`cd news && feedmill run --db news.db .`), and without this the
 * producer would read news.db, its -wal and -shm, and its own state as
 * documents, and dead-letter them as binary. A protected file is named
 * by its folder's identity (device and inode) and its name, so any
 * spelling of the path matches ("./news.db", "../news/news.db", a link
 * to the folder), and so do files SQLite creates later (-wal, -journal). */
#ifndef FEEDMILL_OWNFILES_H
#define FEEDMILL_OWNFILES_H

typedef struct ownfiles ownfiles_t;

ownfiles_t *ownfiles_new(void);
void ownfiles_destroy(ownfiles_t **self);

/* Protects the SQLite file at path and its companions path-wal,
 * path-shm and path-journal, and path.producer (with its own companions),
 * the producer state `feedmill run` keeps beside a database. The file need not exist yet; its folder
 * must, else there is nothing to protect. */
void ownfiles_add(ownfiles_t *self, const char *path);

/* 1 when path names a protected file. */
int ownfiles_match(const ownfiles_t *self, const char *path);

#endif
