/* Unit tests for proto/link: a socket's peer seen coming and going, over
 * real ZeroMQ sockets on an ipc:// endpoint, and link_check's promise to
 * the main loops: while the link is down it is polled and read every
 * time; while up, its events are read every LINK_CHECK_MS at most.
 * Waits are for conditions (an event on the monitor socket), never for a
 * fixed time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "common/clock.h"
#include "proto/link.h"
#include "testing.h"

static char endpoint[128];

static int make_dir(void)
{
    if (testing_dir_make() != 0)
        return 1;
    snprintf(endpoint, sizeof endpoint, "ipc://%s/peer", testing_dir());
    return 0;
}

/* Polls the link's monitor socket until link_check says it came up, for
 * at most 10 s. Returns 1 when it did. */
static int wait_up(link_t *link)
{
    for (int64_t end = clock_ms() + 10000; clock_ms() < end;) {
        zmq_pollitem_t item = { link_socket(link), 0, ZMQ_POLLIN, 0 };
        zmq_poll(&item, 1, 100);
        if (link_check(link, clock_ms()))
            return 1;
    }
    return 0;
}

/* Waits (at most 10 s) until an event is queued on the monitor socket. */
static int wait_event(link_t *link)
{
    zmq_pollitem_t item = { link_socket(link), 0, ZMQ_POLLIN, 0 };
    return zmq_poll(&item, 1, 10000) == 1;
}

/* Down: polled. Up: not polled, and said once. */
static void test_comes_up(void)
{
    void *ctx = zmq_ctx_new();
    void *client = zmq_socket(ctx, ZMQ_DEALER);
    link_t *link = link_new(ctx, client, endpoint, "test peer", "is the test's server bound?");
    CHECK(link_polled(link));
    CHECK(!link_is_up(link));
    CHECK(zmq_connect(client, endpoint) == 0);
    CHECK(link_check(link, clock_ms()) == 0);   /* nothing is there yet */

    void *server = zmq_socket(ctx, ZMQ_ROUTER);
    CHECK(zmq_bind(server, endpoint) == 0);
    CHECK(wait_up(link));
    CHECK(link_is_up(link));
    CHECK(!link_polled(link));
    CHECK(link_check(link, clock_ms() + LINK_CHECK_MS) == 0);   /* said once */

    link_destroy(&link);
    CHECK(link == NULL);
    int linger = 0;
    zmq_setsockopt(client, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(server, ZMQ_LINGER, &linger, sizeof linger);
    zmq_close(client);
    zmq_close(server);
    zmq_ctx_term(ctx);
}

/* Up: a peer's leaving waits in the monitor until LINK_CHECK_MS after the
 * last read, then is read; down again, the link is polled again. */
static void test_up_reads_every_interval(void)
{
    void *ctx = zmq_ctx_new();
    void *server = zmq_socket(ctx, ZMQ_ROUTER);
    CHECK(zmq_bind(server, endpoint) == 0);
    void *client = zmq_socket(ctx, ZMQ_DEALER);
    link_t *link = link_new(ctx, client, endpoint, "test peer", "is the test's server bound?");
    CHECK(zmq_connect(client, endpoint) == 0);
    CHECK(wait_up(link));

    /* wait_up's last read set the next one at its own time + interval:
     * a "now" of at least that makes this one a read (with clock_ms()
     * alone it was not, when the clock ticked after wait_up, and the
     * read came one check too early). */
    int64_t last = clock_ms() + LINK_CHECK_MS;
    CHECK(link_check(link, last) == 0);   /* a read: the next is due at last + interval */
    int linger = 0;
    zmq_setsockopt(server, ZMQ_LINGER, &linger, sizeof linger);
    zmq_close(server);
    CHECK(wait_event(link));   /* the disconnection is queued */

    CHECK(link_check(link, last + LINK_CHECK_MS - 1) == 0);
    CHECK_MSG(link_is_up(link), "read before the interval was over");
    CHECK(link_check(link, last + LINK_CHECK_MS) == 0);
    CHECK_MSG(!link_is_up(link), "not read once the interval was over");
    CHECK(link_polled(link));

    link_destroy(&link);
    zmq_setsockopt(client, ZMQ_LINGER, &linger, sizeof linger);
    zmq_close(client);
    zmq_ctx_term(ctx);
}

TESTING_MAIN_WITH(make_dir, testing_dir_remove, TEST(test_comes_up), TEST(test_up_reads_every_interval))
