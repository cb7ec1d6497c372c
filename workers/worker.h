/* worker: `feedmill worker` extracts a record from each document the
 * producer deals, in a sandboxed child. Its socket diagram opens
 * workers/worker.c. */
#ifndef FEEDMILL_WORKERS_WORKER_H
#define FEEDMILL_WORKERS_WORKER_H

/* argv[0] is "worker"; returns the process exit status (--help says which). */
int worker_main(int argc, char **argv);

#endif
