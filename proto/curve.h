/* curve: CurveZMQ on every network socket, with CZMQ's zcert and zauth.
 *
 * Without it anyone who reaches a port could take documents (a fake
 * worker saying READY), write rows (a RESULT pushed to the sink), make
 * the producer forget documents (a forged ACK) or dead-letter them (a
 * forged FAILED). With it every tcp:// connection is encrypted and
 * authenticated both ways:
 *
 *   - a server (the producer's work and acks sockets, the sink's results
 *     socket) holds its own secret certificate (--cert) and accepts only
 *     clients whose public certificate lies in its allow folder (--allow);
 *   - a client (workers; the producer toward the sink, the sink toward the
 *     producer) holds its own certificate and names the server's public
 *     one (--producer-cert, --sink-cert), so an impostor cannot pose as
 *     the server.
 *
 * The pitfall this module exists for: libzmq asks the ZAP handler bound
 * in the socket's *own context*, and a CURVE server in a context without
 * one accepts every client whatever its key. zauth binds its handler in
 * CZMQ's context (zsys), so every socket of a process is created in
 * curve_context(), never in a context of its own.
 *
 * Revocation: zauth's certificate store re-reads the allow folder when it
 * changes (CZMQ compares the folder's file count, total size and newest
 * modification time at each lookup), so a new connection with a key whose
 * file was removed is refused. libzmq does not close a connection that
 * was authenticated before, so curve_admits() checks the sender of every
 * message against the folder too (re-read at most once a second per key).
 *
 * Refused peers are logged, at most REFUSED_BURST lines per
 * REFUSED_WINDOW_MS and then a count: zauth's verdicts, with the client's
 * address and key, are read from CZMQ's log (published on an inproc
 * socket, parsed by curve_tick()); a handshake that fails before
 * authentication (a client without CURVE, a wrong server key, bytes that
 * are not ZMTP) is seen by the socket's monitor (proto/link.h), which
 * names the endpoint only: libzmq tells no more.
 *
 * ipc:// and inproc:// endpoints are left as they are: a unix socket is
 * guarded by its folder's permissions (`feedmill run` keeps its sockets
 * in a private 0700 folder). --insecure runs tcp:// without CURVE and
 * says so in the log. */
#ifndef FEEDMILL_CURVE_H
#define FEEDMILL_CURVE_H

#include <stddef.h>

#include "proto/message.h"

#define CURVE_KEY_LEN MESSAGE_KEY_LEN   /* a public key in Z85 text */

typedef struct curve curve_t;

/* cert is the process's own secret certificate (--cert) or NULL; allow
 * the folder of public certificates allowed to connect (--allow), or
 * NULL for a process that binds no network socket; insecure is
 * --insecure. Returns NULL with a reason in *error (malloc'd) when a file
 * cannot be used. */
curve_t *curve_new(const char *cert, const char *allow, int insecure, char **error);
/* Closes what it opened and terminates the context: every socket made
 * in curve_context() must be closed first. */
void curve_destroy(curve_t **self);

/* The context every socket of this process must be created in. */
void *curve_context(curve_t *self);

/* 1 when the endpoint travels over a network (anything but ipc:// and
 * inproc://) and so needs CURVE. */
int curve_needed(const char *endpoint);

/* Checks, before any socket exists, that endpoint can be secured:
 * server_cert is the server's public certificate for a socket that
 * connects (option names the option that gives it, "--sink-cert"), NULL
 * for a socket that binds. Returns 0, or -1 with a message in *error
 * (malloc'd) that names what is missing, `feedmill keygen` and
 * --insecure. */
int curve_check(curve_t *self, const char *endpoint, const char *server_cert,
                const char *option, char **error);

/* One endpoint of a process, for curve_open: server_cert and option as
 * curve_check takes them (NULL for an endpoint the process binds). */
typedef struct curve_peer {
    const char *endpoint;      /* NULL: not used (an option not given), skipped */
    const char *server_cert;   /* a socket that connects: the server's public certificate */
    const char *option;        /* the option that gives it, "--sink-cert" */
} curve_peer_t;

/* What every main does before it makes a socket: curve_new, then
 * curve_check of each of its count endpoints, so that a network endpoint
 * without its keys refuses to start. Returns NULL after printing
 * "feedmill COMMAND: " and the first reason found to stderr (a command
 * line that cannot work: the main exits 2). Destroy with curve_destroy. */
curve_t *curve_open(const char *command, const char *cert, const char *allow, int insecure,
                    const curve_peer_t *peers, size_t count);

/* Make socket a CURVE server, or a client of the server whose public
 * certificate is server_cert, when endpoint needs it (see curve_check);
 * call before bind or connect. With --insecure, warns instead. Returns 0,
 * or -1 after logging why. */
int curve_server(curve_t *self, void *socket, const char *endpoint);
int curve_client(curve_t *self, void *socket, const char *endpoint, const char *server_cert);

/* 1 when a received message may be heard: it came over a socket without
 * CURVE (its peer_key is empty), or its sender's key is still in the
 * allow folder. A refusal is logged (rate-limited), naming where. */
int curve_admits(curve_t *self, const message_t *msg, const char *where);

/* Like curve_admits, and the sender must also be a server this process
 * named with a --*-cert option (when it named any): the producer hears
 * ACK and HELLO from its sink alone, not from a worker whose key it
 * allows on the same acks port. */
int curve_admits_named(curve_t *self, const message_t *msg, const char *where);

/* Reads zauth's verdicts and logs refused peers; ends a rate-limiting
 * window. Call once per loop: it never blocks. */
void curve_tick(curve_t *self);

/* A handshake on a bound socket failed before authentication (a link's
 * refusal hook, proto/link.h): logged like a refused key. */
void curve_refused(void *self, const char *endpoint, const char *problem);

/* Peers refused since start, logged or not: feedmill_*_refused_peers_total. */
unsigned long long curve_refused_count(const curve_t *self);

/* Reads a certificate's public key into key (CURVE_KEY_LEN + 1 bytes).
 * Returns 0, or -1 with a reason in *error (malloc'd). */
int curve_public_key(const char *cert, char *key, char **error);

#endif
