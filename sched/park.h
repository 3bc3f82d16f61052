/*
 * The contract between the sync code (chan.c, select.c, mutex.c, rwmutex.c,
 * sema.c, sync.c) and the scheduler: everything the sync code may use of
 * it, and nothing else. The host tests implement the same contract with
 * threads (tests/host/host_sched.c), so the sync code runs unchanged under
 * ThreadSanitizer.
 *
 * Tasks and Ps:
 *   struct g     fields id, preempt, schedlink, param, waiting, selectdone
 *   struct p     through p_fastrand() only
 *   getg()       the running task; must_be_task(what) panics outside one
 *   this_p()     the caller's P, stable while preemption is off
 *   p_fastrand() a per-P random number (select's order)
 * These four are inline in sched/sched.h (host_sched.h: functions).
 *
 * Blocking: go_park, go_park_unlock and go_ready below.
 *
 * The kernel gets struct g, struct p and the inline ones from sched.h; the
 * host tests' build puts host_sched.h in front of the file (-include), so
 * sched/ never names a test file.
 */
#pragma once
#include <kernel/spinlock.h>
#include <stdbool.h>

struct g;

/*
 * Go's gopark: the running task stops with `reason` and is switched off
 * its core; only then unlockf(g, arg) runs (on the scheduler stack), so a
 * lock protecting the wait queue can be released without anyone readying
 * the task before it is safely off its core. If unlockf returns false the
 * task resumes at once.
 */
void go_park(bool (*unlockf)(struct g *, void *), void *arg, const char *reason);
/* go_park with an unlockf that releases `lock`, switching straight to
 * runnext when schedule() would pick it anyway. The caller holds only
 * `lock`. */
void go_park_unlock(spinlock_t *lock, const char *reason);
/* Go's goready: makes a parked task runnable, on the caller's runnext. */
void go_ready(struct g *g);

/* CHAOS=1 kernels: one time in four, the caller yields here (a preemption
 * at a point where programs' races hide: kernel/chaos.h); sched/park.c.
 * Nothing in other kernels, nor in the host tests. */
#ifdef CHAOS
void chaos_yield_point(void);
#else
static inline void chaos_yield_point(void) {}
#endif

#ifndef HOST_TEST
#include <sched/sched.h>
#endif
