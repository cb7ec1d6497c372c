/* zmq_inject: a bad peer, for tests.
 *
 *   zmq_inject push ENDPOINT FILE...     connect a PUSH, send each file as one frame
 *   zmq_inject dealer ENDPOINT FILE...   same through a DEALER (a fake worker)
 *   zmq_inject multi ENDPOINT            connect a PUSH, send one 3-frame message
 *   zmq_inject router ENDPOINT FILE...   bind a ROUTER (a fake producer), wait for
 *                                        a worker, send it each file, then wait for
 *                                        it to speak again: exit 0 if it does
 *
 * Files hold raw bytes: random data, truncated or mistyped msgpack.
 *
 * CurveZMQ, from the environment: ZMQ_INJECT_CERT names our own secret
 * certificate (CZMQ's format, as `feedmill keygen` writes it), and
 * ZMQ_INJECT_SERVER_CERT the public certificate of the server we connect
 * to; with both, a connecting socket is a CURVE client: an authenticated
 * peer that misbehaves, or, with a key the server does not know, a
 * stranger. The router, with ZMQ_INJECT_CERT alone, is a CURVE server that
 * takes any client (it poses as the producer). Without them: plain TCP. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

/* The Z85 text of `name = "..."` in a certificate file. */
static int cert_key(const char *path, const char *name, char key[41])
{
    FILE *f = fopen(path, "r");
    char line[512];
    int found = 0;
    while (f && !found && fgets(line, sizeof line, f)) {
        const char *at = strstr(line, name), *quote = at ? strchr(at, '"') : NULL;
        if (at && quote && strlen(quote + 1) > 40 && quote[41] == '"') {
            memcpy(key, quote + 1, 40);
            key[40] = '\0';
            found = 1;
        }
    }
    if (f)
        fclose(f);
    return found ? 0 : -1;
}

/* Applies the CURVE keys the environment names; exits 2 on a bad file. */
static void apply_curve(void *socket, int server)
{
    const char *mine = getenv("ZMQ_INJECT_CERT"), *theirs = getenv("ZMQ_INJECT_SERVER_CERT");
    char public_key[41], secret_key[41], server_key[41];
    if (!mine || (!server && !theirs))
        return;
    if (cert_key(mine, "public-key", public_key) || cert_key(mine, "secret-key", secret_key)
        || (!server && cert_key(theirs, "public-key", server_key))) {
        fprintf(stderr, "zmq_inject: cannot read the certificates %s %s\n", mine,
                theirs ? theirs : "");
        exit(2);
    }
    int on = 1;
    if (server)
        zmq_setsockopt(socket, ZMQ_CURVE_SERVER, &on, sizeof on);
    else
        zmq_setsockopt(socket, ZMQ_CURVE_SERVERKEY, server_key, 40);
    zmq_setsockopt(socket, ZMQ_CURVE_PUBLICKEY, public_key, 40);
    zmq_setsockopt(socket, ZMQ_CURVE_SECRETKEY, secret_key, 40);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *data = malloc(size > 0 ? (size_t)size : 1);
    *len = fread(data, 1, (size_t)size, f);
    fclose(f);
    return data;
}

static void send_file(void *socket, const char *path, int flags)
{
    size_t len;
    char *data = slurp(path, &len);
    zmq_send(socket, data, len, flags);
    free(data);
}

static int as_router(void *ctx, const char *endpoint, char **files, int count)
{
    void *router = zmq_socket(ctx, ZMQ_ROUTER);
    int timeout = 10000;
    zmq_setsockopt(router, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    apply_curve(router, 1);
    if (zmq_bind(router, endpoint) != 0) {
        zmq_close(router);
        return 2;
    }
    int linger = 0;
    zmq_setsockopt(router, ZMQ_LINGER, &linger, sizeof linger);
    char peer[256], body[4096];
    int peer_len = zmq_recv(router, peer, sizeof peer, 0);
    if (peer_len <= 0 || zmq_recv(router, body, sizeof body, 0) < 0) {
        zmq_close(router);   /* else zmq_ctx_term waits for ever */
        return 1;
    }
    for (int i = 0; i < count; i++) {
        zmq_send(router, peer, (size_t)peer_len, ZMQ_SNDMORE);
        send_file(router, files[i], 0);
    }
    /* Drain what it said meanwhile; it must still be talking after. */
    int spoke = 0;
    for (int i = 0; i < 20 && !spoke; i++) {
        if (zmq_recv(router, peer, sizeof peer, 0) < 0)
            break;
        int more;
        size_t size = sizeof more;
        zmq_getsockopt(router, ZMQ_RCVMORE, &more, &size);
        if (more && zmq_recv(router, body, sizeof body, 0) >= 0 && i >= count)
            spoke = 1;
    }
    zmq_close(router);
    return spoke ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: zmq_inject push|dealer|multi|router ENDPOINT [FILE...]\n");
        return 2;
    }
    void *ctx = zmq_ctx_new();
    int rc = 0;
    if (!strcmp(argv[1], "router")) {
        rc = as_router(ctx, argv[2], argv + 3, argc - 3);
    } else {
        void *socket = zmq_socket(ctx, !strcmp(argv[1], "dealer") ? ZMQ_DEALER : ZMQ_PUSH);
        int linger = 2000;
        zmq_setsockopt(socket, ZMQ_LINGER, &linger, sizeof linger);
        apply_curve(socket, 0);
        if (zmq_connect(socket, argv[2]) != 0)
            return 2;
        if (!strcmp(argv[1], "multi")) {
            zmq_send(socket, "one", 3, ZMQ_SNDMORE);
            zmq_send(socket, "two", 3, ZMQ_SNDMORE);
            zmq_send(socket, "three", 5, 0);
        }
        for (int i = 3; i < argc; i++)
            send_file(socket, argv[i], 0);
        zmq_close(socket);
    }
    zmq_ctx_term(ctx);
    return rc;
}
