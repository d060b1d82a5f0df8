#ifndef ZERORPC_CZEROMQ_SHIM_H
#define ZERORPC_CZEROMQ_SHIM_H

// libzmq is linked by the module map, not pkg-config: Debian's libzmq.pc adds an
// -isystem flag that SwiftPM refuses.
#include <zmq.h>

// The I/O thread's wake-up descriptor. Linux-only; a macOS port swaps this for a pipe
// (see Sources/ZeroRPC/Transport/WakeUp.swift).
#if defined(__linux__)
#include <sys/eventfd.h>
#endif
#include <poll.h>
#include <unistd.h>
#include <errno.h>

// malloc_trim, which the server calls after reaping dead peers (ServerMemoryTrim.swift).
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#endif
