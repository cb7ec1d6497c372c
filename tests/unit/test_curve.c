/* Unit tests for proto/curve: which endpoints need keys, what a missing
 * key says, certificates read back, and the pitfall the module exists
 * for: a CURVE server whose context has no ZAP handler accepts any key. */
#include <czmq.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "proto/curve.h"
#include "testing.h"


static const char *path_in(const char *name)
{
    static char paths[4][600];
    static int next;
    char *p = paths[next++ % 4];
    snprintf(p, sizeof paths[0], "%s/%s", testing_dir(), name);
    return p;
}

/* A certificate pair as `feedmill keygen` writes it. */
static void make_cert(const char *name, char *public_key)
{
    zcert_t *cert = zcert_new();
    zcert_set_meta(cert, "name", "%s", name);
    CHECK(zcert_save(cert, path_in(name)) == 0);
    memcpy(public_key, zcert_public_txt(cert), CURVE_KEY_LEN + 1);
    zcert_destroy(&cert);
}

static void test_needed_and_missing(void)
{
    CHECK(curve_needed("tcp://*:5557"));
    CHECK(curve_needed("tcp://10.0.0.1:5557"));
    CHECK(!curve_needed("ipc:///run/feedmill/work"));
    CHECK(!curve_needed("inproc://x"));

    char *error = NULL;
    curve_t *curve = curve_new(NULL, NULL, 0, &error);
    CHECK(curve != NULL);
    CHECK(curve_check(curve, "ipc:///tmp/x", NULL, NULL, &error) == 0);
    CHECK(curve_check(curve, "tcp://*:5557", NULL, NULL, &error) == -1);
    CHECK_MSG(error && strstr(error, "feedmill keygen") && strstr(error, "--insecure")
              && strstr(error, "--cert FILE") && strstr(error, "--allow DIR"), error);
    free(error);
    CHECK(curve_check(curve, "tcp://a:5558", NULL, "--sink-cert", &error) == -1);
    CHECK_MSG(error && strstr(error, "--sink-cert FILE"), error);
    free(error);
    curve_destroy(&curve);
    CHECK(curve == NULL);

    curve = curve_new(NULL, NULL, 1, &error);   /* --insecure */
    CHECK(curve_check(curve, "tcp://*:5557", NULL, NULL, &error) == 0);
    curve_destroy(&curve);
}

static void test_certificates(void)
{
    char key[CURVE_KEY_LEN + 1], read_back[CURVE_KEY_LEN + 1];
    make_cert("alice", key);
    char *error = NULL;
    CHECK(curve_public_key(path_in("alice"), read_back, &error) == 0);
    CHECK_STR(read_back, key);
    struct stat st;
    CHECK(stat(path_in("alice_secret"), &st) == 0 && (st.st_mode & 077) == 0);

    /* A public certificate alone is not one's own: no secret in it. */
    char lone[600];
    snprintf(lone, sizeof lone, "%s", path_in("lone"));
    zcert_t *cert = zcert_new();
    CHECK(zcert_save_public(cert, lone) == 0);
    zcert_destroy(&cert);
    curve_t *curve = curve_new(lone, NULL, 0, &error);
    CHECK(curve == NULL);
    CHECK_MSG(error && strstr(error, "holds no secret key"), error);
    free(error);
    curve = curve_new(path_in("missing"), NULL, 0, &error);
    CHECK(curve == NULL);
    free(error);
    curve = curve_new(path_in("alice_secret"), path_in("no-such-folder"), 0, &error);
    CHECK(curve == NULL);
    CHECK_MSG(error && strstr(error, "--allow"), error);
    free(error);
}

static void *client(void *ctx, const char *endpoint, const char *name, const char *server_key)
{
    zcert_t *cert = zcert_load(path_in(name));
    void *socket = zmq_socket(ctx, ZMQ_PUSH);
    int linger = 0;
    zmq_setsockopt(socket, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(socket, ZMQ_CURVE_SERVERKEY, server_key, CURVE_KEY_LEN);
    zmq_setsockopt(socket, ZMQ_CURVE_PUBLICKEY, zcert_public_txt(cert), CURVE_KEY_LEN);
    zmq_setsockopt(socket, ZMQ_CURVE_SECRETKEY, zcert_secret_txt(cert), CURVE_KEY_LEN);
    zcert_destroy(&cert);
    zmq_connect(socket, endpoint);
    zmq_send(socket, name, strlen(name), ZMQ_DONTWAIT);
    return socket;
}

/* What a bound socket receives within ms: the sender's name and the
 * User-Id the connection authenticated, or "" when nothing came. */
static void receive(void *server, int ms, char *name, size_t size, char *user)
{
    zmq_setsockopt(server, ZMQ_RCVTIMEO, &ms, sizeof ms);
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    name[0] = user[0] = '\0';
    if (zmq_msg_recv(&msg, server, 0) >= 0) {
        snprintf(name, size, "%.*s", (int)zmq_msg_size(&msg), (const char *)zmq_msg_data(&msg));
        const char *id = zmq_msg_gets(&msg, "User-Id");
        snprintf(user, CURVE_KEY_LEN + 1, "%s", id ? id : "");
    }
    zmq_msg_close(&msg);
}

static void test_only_allowed_keys(void)
{
    char server_key[CURVE_KEY_LEN + 1], good_key[CURVE_KEY_LEN + 1], bad_key[CURVE_KEY_LEN + 1];
    make_cert("server", server_key);
    make_cert("good", good_key);
    make_cert("bad", bad_key);
    mkdir(path_in("allow"), 0700);
    zcert_t *good = zcert_load(path_in("good"));
    CHECK(zcert_save_public(good, path_in("allow/good")) == 0);
    zcert_destroy(&good);

    char *error = NULL;
    curve_t *curve = curve_new(path_in("server_secret"), path_in("allow"), 0, &error);
    CHECK_MSG(curve != NULL, error);
    if (!curve)
        return;
    void *server = zmq_socket(curve_context(curve), ZMQ_PULL);
    CHECK(curve_server(curve, server, "tcp://127.0.0.1:*") == 0);
    CHECK(zmq_bind(server, "tcp://127.0.0.1:*") == 0);
    char endpoint[128];
    size_t len = sizeof endpoint;
    zmq_getsockopt(server, ZMQ_LAST_ENDPOINT, endpoint, &len);

    void *clients = zmq_ctx_new();
    char name[32], user[CURVE_KEY_LEN + 1];
    void *a = client(clients, endpoint, "bad", server_key);
    receive(server, 1000, name, sizeof name, user);
    CHECK_STR(name, "");                 /* an unknown key: refused */
    void *b = client(clients, endpoint, "good", server_key);
    receive(server, 5000, name, sizeof name, user);
    CHECK_STR(name, "good");
    CHECK_STR(user, good_key);           /* who it is, from the handshake */

    /* The pitfall: the same server in a context of its own, where no
     * ZAP handler is bound, takes the unknown key. */
    void *bare = zmq_ctx_new();
    void *open_server = zmq_socket(bare, ZMQ_PULL);
    int on = 1, linger = 0;
    zcert_t *cert = zcert_load(path_in("server_secret"));
    zmq_setsockopt(open_server, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(open_server, ZMQ_CURVE_SERVER, &on, sizeof on);
    zmq_setsockopt(open_server, ZMQ_CURVE_SECRETKEY, zcert_secret_txt(cert), CURVE_KEY_LEN);
    zcert_destroy(&cert);
    CHECK(zmq_bind(open_server, "tcp://127.0.0.1:*") == 0);
    char open_endpoint[128];
    len = sizeof open_endpoint;
    zmq_getsockopt(open_server, ZMQ_LAST_ENDPOINT, open_endpoint, &len);
    void *c = client(clients, open_endpoint, "bad", server_key);
    receive(open_server, 5000, name, sizeof name, user);
    CHECK_MSG(!strcmp(name, "bad"), "libzmq no longer accepts any key without a ZAP handler: "
                                    "the pitfall is gone, curve.h may say so");

    zmq_close(a);
    zmq_close(b);
    zmq_close(c);
    zmq_close(open_server);
    zmq_ctx_term(bare);
    zmq_ctx_term(clients);
    zmq_close(server);
    curve_destroy(&curve);
}

TESTING_MAIN_WITH(testing_dir_make, testing_dir_remove,
    TEST(test_needed_and_missing),
    TEST(test_certificates),
    TEST(test_only_allowed_keys))
