/* sink: `feedmill sink` receives workers' results and commits them to
 * the SQLite store, acknowledging each once committed. Its socket
 * diagram opens sink/sink.c. */
#ifndef FEEDMILL_SINK_SINK_H
#define FEEDMILL_SINK_SINK_H

/* argv[0] is "sink"; returns the process exit status (--help says which). */
int sink_main(int argc, char **argv);

#endif
