/* endpoints: the default addresses of the three bound sockets.
 *
 * The producer binds "work" (workers' DEALERs connect) and "acks" (the
 * sink's PUSH connects); the sink binds "results" (workers' and the
 * producer's PUSHes connect). Workers on other machines override the
 * connect addresses with the producer's and sink's host names. */
#ifndef FEEDMILL_ENDPOINTS_H
#define FEEDMILL_ENDPOINTS_H

#define ENDPOINT_WORK_BIND        "tcp://*:5557"
#define ENDPOINT_WORK_CONNECT     "tcp://localhost:5557"
#define ENDPOINT_RESULTS_BIND     "tcp://*:5558"
#define ENDPOINT_RESULTS_CONNECT  "tcp://localhost:5558"
#define ENDPOINT_ACKS_BIND        "tcp://*:5559"
#define ENDPOINT_ACKS_CONNECT     "tcp://localhost:5559"

#endif
