/* sigsuspend_copy: lets valgrind 3.19 (Debian 12) run Swift concurrency programs.
 *
 * Valgrind 3.19's rt_sigsuspend wrapper deletes its own signal from the caller's mask
 * in place. libdispatch's dispatch_main parks the main thread of every async Swift
 * program in sigsuspend with a mask that lives in read-only memory, so valgrind takes
 * a SIGSEGV in its own code ("VALGRIND INTERNAL ERROR ... si_code=2") and dies.
 * Preloaded, this sigsuspend hands the kernel a writable copy of the mask instead:
 *
 *   LD_PRELOAD=…/libsigsuspend_copy.so valgrind --tool=callgrind swift-program
 */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

int sigsuspend(const sigset_t *mask) {
    sigset_t copy = *mask;
    return (int)syscall(SYS_rt_sigsuspend, &copy, _NSIG / 8);
}
