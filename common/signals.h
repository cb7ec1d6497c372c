/* signals: the shutdown protocol every feedmill process shares.
 *
 * The first SIGINT or SIGTERM asks the process to stop: its loop sees
 * signals_stop_requested(), drains what is in flight, commits and exits 0.
 * A second one exits at once (status 130). That is safe for the database
 * because SQLite commits are atomic: an interrupted transaction is simply
 * not there after the next open. */
#ifndef FEEDMILL_SIGNALS_H
#define FEEDMILL_SIGNALS_H

void signals_install(void);
int signals_stop_requested(void);

#endif
