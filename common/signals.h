/* signals: the shutdown protocol every feedmill process shares.
 *
 * The first SIGINT or SIGTERM asks the process to stop: its loop sees
 * signals_stop_requested(), drains what is in flight, commits and exits 0.
 * A second one exits at once (status 130). That is safe for the database
 * because SQLite commits are atomic: an interrupted transaction is simply
 * not there after the next open.
 *
 * A supervisor (`feedmill run`) starts its children with both signals
 * blocked (signals_hold() around fork and exec): a stop sent to a child
 * that is still starting stays pending until the child's own
 * signals_install() unblocks it, instead of reaching the supervisor's
 * handler copied into the child before exec, or the default action
 * (death) before the child's handler exists. */
#ifndef FEEDMILL_SIGNALS_H
#define FEEDMILL_SIGNALS_H

#include <pthread.h>
#include <signal.h>

/* Installs the handler for SIGINT and SIGTERM, then unblocks them. */
void signals_install(void);
int signals_stop_requested(void);

/* Blocks SIGINT and SIGTERM in the calling thread (and the threads and
 * processes it starts), saving the mask for signals_release(): around a
 * start-up step that takes an interrupted wait for a failure, or a fork
 * and exec. A signal meanwhile stays pending until the release. */
void signals_hold(sigset_t *saved);
void signals_release(const sigset_t *saved);

/* Starts a thread born with SIGINT and SIGTERM blocked, so that they
 * always land on the caller's thread, whose loop looks for them. 0, or
 * pthread_create's error. */
int signals_thread_start(pthread_t *thread, void *(*fn)(void *), void *arg);

#endif
