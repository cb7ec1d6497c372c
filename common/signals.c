/* signals: see signals.h. */
#include "signals.h"

#include <pthread.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t stop_requests;

static void on_stop_signal(int signo)
{
    (void)signo;
    if (stop_requests++ > 0)
        _exit(130);
}

static void stop_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
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
    /* A supervisor started us with them blocked (signals_hold): a stop
     * that came meanwhile is delivered now, to the handler above. */
    sigset_t set;
    stop_signals(&set);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

int signals_stop_requested(void)
{
    return stop_requests > 0;
}

void signals_hold(sigset_t *saved)
{
    sigset_t set;
    stop_signals(&set);
    pthread_sigmask(SIG_BLOCK, &set, saved);
}

void signals_release(const sigset_t *saved)
{
    pthread_sigmask(SIG_SETMASK, saved, NULL);
}

int signals_thread_start(pthread_t *thread, void *(*fn)(void *), void *arg)
{
    sigset_t saved;
    signals_hold(&saved);
    int rc = pthread_create(thread, NULL, fn, arg);
    signals_release(&saved);
    return rc;
}
