/* Shared helpers for the C baselines: clock, latency statistics, and a forked
 * server process whose bound endpoint is passed back through a pipe. */
#ifndef ZERORPC_BASELINE_COMMON_H
#define ZERORPC_BASELINE_COMMON_H

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

static inline uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void die(const char *what) {
    fprintf(stderr, "error: %s: %s\n", what, zmq_strerror(zmq_errno()));
    exit(2);
}

__attribute__((unused)) static int compare_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Sorts samples in place; returns the value at quantile q (0..1) in microseconds. */
__attribute__((unused)) static double percentile_us(uint64_t *samples, size_t n, double q) {
    if (n == 0) return 0;
    size_t i = (size_t)(q * (double)(n - 1) + 0.5);
    return (double)samples[i] / 1000.0;
}

/* Binds the server socket, prints its endpoint, and returns it in `out`. */
static void bind_and_report(void *socket, const char *endpoint, char *out, size_t out_len) {
    if (zmq_bind(socket, endpoint) != 0) die("zmq_bind");
    size_t len = out_len;
    if (zmq_getsockopt(socket, ZMQ_LAST_ENDPOINT, out, &len) != 0) die("ZMQ_LAST_ENDPOINT");
}

/* Makes SIGTERM/SIGINT work whoever started us: a process spawned by Foundation's
 * Process from a Swift task inherits a signal mask with SIGTERM blocked (and a
 * forked child inherits ours), which turns kill(SIGTERM) into a no-op. */
static void reset_signals(void) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
}

/* Forks a child running serve(endpoint_pattern, ready_fd); the child writes the bound
 * endpoint (NUL-terminated) to ready_fd. Returns the child's pid and the endpoint.
 * The child dies with the parent (PR_SET_PDEATHSIG, SIGKILL: it cannot be blocked). */
typedef void (*serve_fn)(const char *endpoint, int ready_fd);

static pid_t fork_server(serve_fn serve, char *endpoint, size_t endpoint_len) {
    int fds[2];
    if (pipe(fds) != 0) { perror("pipe"); exit(2); }
    pid_t pid = fork();
    if (pid < 0) { perror("fork"); exit(2); }
    if (pid == 0) {
        close(fds[0]);
        reset_signals();
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() == 1) _exit(0); /* the parent died before prctl */
        serve("tcp://127.0.0.1:*", fds[1]);
        _exit(0);
    }
    close(fds[1]);
    size_t got = 0;
    while (got < endpoint_len - 1) {
        ssize_t n = read(fds[0], endpoint + got, endpoint_len - 1 - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += (size_t)n;
        if (memchr(endpoint, '\0', got)) break;
    }
    endpoint[got] = '\0';
    close(fds[0]);
    if (got == 0) { fprintf(stderr, "error: server child did not report an endpoint\n"); exit(2); }
    return pid;
}

/* SIGTERM, then SIGKILL if the child is still there after 2 s; never waits forever. */
static void stop_server(pid_t pid) {
    kill(pid, SIGTERM);
    for (int i = 0; i < 200; i++) {
        if (waitpid(pid, NULL, WNOHANG) == pid) return;
        usleep(10000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

static void announce(int ready_fd, const char *endpoint) {
    if (ready_fd >= 0) {
        ssize_t ignored = write(ready_fd, endpoint, strlen(endpoint) + 1);
        (void)ignored;
        close(ready_fd);
    } else {
        printf("READY %s\n", endpoint);
        fflush(stdout);
    }
}

#endif
