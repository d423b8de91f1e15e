/* Timed waits for programs run under libfaketime (make test-clock-ahead).

   libfaketime moves the monotonic clock along with the wall clock, and corrects the deadlines
   of the waits it knows (pthread_cond_timedwait, sem_timedwait, clock_nanosleep), but not of
   sem_clockwait and pthread_cond_clockwait, which Python 3.11 uses for every lock with a
   timeout: their deadline lies on the faked clock, the kernel waits on the real one, and
   threading.Event().wait(0.25) would wait 400 days. Loaded before libfaketime, these two move
   the deadline back onto the kernel's clock and call glibc's own. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <semaphore.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* The absolute deadline `abstime`, taken on the faked `clock`, moved onto the kernel's. */
static struct timespec on_real_clock(clockid_t clock, const struct timespec *abstime) {
    struct timespec faked, actual, deadline;
    clock_gettime(clock, &faked);                  /* libfaketime's answer */
    syscall(SYS_clock_gettime, clock, &actual);    /* the kernel's */
    long long shift = (faked.tv_sec - actual.tv_sec) * 1000000000LL
                      + (faked.tv_nsec - actual.tv_nsec);
    long long at = abstime->tv_sec * 1000000000LL + abstime->tv_nsec - shift;
    deadline.tv_sec = at / 1000000000LL;
    deadline.tv_nsec = at % 1000000000LL;
    return deadline;
}

static void *from_libc(const char *name) {
    void *libc = dlopen("libc.so.6", RTLD_LAZY | RTLD_NOLOAD);
    return libc ? dlsym(libc, name) : NULL;
}

int sem_clockwait(sem_t *sem, clockid_t clock, const struct timespec *abstime) {
    static int (*real)(sem_t *, clockid_t, const struct timespec *);
    if (!real) real = from_libc("sem_clockwait");
    struct timespec deadline = on_real_clock(clock, abstime);
    return real(sem, clock, &deadline);
}

int pthread_cond_clockwait(pthread_cond_t *cond, pthread_mutex_t *mutex, clockid_t clock,
                           const struct timespec *abstime) {
    static int (*real)(pthread_cond_t *, pthread_mutex_t *, clockid_t, const struct timespec *);
    if (!real) real = from_libc("pthread_cond_clockwait");
    struct timespec deadline = on_real_clock(clock, abstime);
    return real(cond, mutex, clock, &deadline);
}
