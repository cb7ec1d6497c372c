/* zmq_inject: a bad peer, for tests.
 *
 *   zmq_inject push ENDPOINT FILE...     connect a PUSH, send each file as one frame
 *   zmq_inject dealer ENDPOINT FILE...   same through a DEALER (a fake worker)
 *   zmq_inject multi ENDPOINT            connect a PUSH, send one 3-frame message
 *   zmq_inject router ENDPOINT FILE...   bind a ROUTER (a fake producer), wait for
 *                                        a worker, send it each file, then wait for
 *                                        it to speak again: exit 0 if it does
 *
 * Files hold raw bytes: random data, truncated or mistyped msgpack. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

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
    if (zmq_bind(router, endpoint) != 0)
        return 2;
    char peer[256], body[4096];
    int peer_len = zmq_recv(router, peer, sizeof peer, 0);
    if (peer_len <= 0 || zmq_recv(router, body, sizeof body, 0) < 0)
        return 1;
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
