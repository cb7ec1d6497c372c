/* signals: see signals.h. */
#include "signals.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t stop_requests;

static void on_stop_signal(int signo)
{
    (void)signo;
    if (stop_requests++ > 0)
        _exit(130);
}

void signals_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    /* No SA_RESTART: blocking calls (zmq_poll, nanosleep) return EINTR
     * so loops notice the request promptly. */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

int signals_stop_requested(void)
{
    return stop_requests > 0;
}
