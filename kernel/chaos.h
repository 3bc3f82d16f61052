/*
 * CHAOS=1 kernels (make check CHAOS=1): seeded disturbances of the
 * schedule, to shake out races that the default schedule never shows.
 * Each core draws from its own generator, seeded by the boot argument
 * seed= and its id, so under -icount (make check ICOUNT=1) a seed replays
 * the same disturbances, and the same interleaving, every time.
 *
 * The disturbances (where each is made says why it is there):
 *  - a spinlock holder spins a random short while before releasing
 *    (chaos_hold: spin_unlock), widening every critical section's window;
 *  - a readied task goes to the tail of the run queue instead of runnext
 *    half the time (Go's runtime does the same in race-detector builds:
 *    runqput's randomizeScheduler), and the readier first dawdles;
 *  - after go(), a channel operation, mutex_unlock and wg_add, the caller
 *    yields one time in four (sched/chaos_yield): a preemption at the
 *    points where a program's own races hide;
 *  - each time slice is drawn between a quarter and twice the quantum;
 *  - a thief takes a running P's runnext at once half the time, instead
 *    of leaving its owner the grace period (sched/sched.c, steal_work).
 *
 * A kernel built without CHAOS has none of it: the calls below are empty
 * inlines.
 */
#pragma once
#include <stdint.h>

#ifdef CHAOS
void chaos_init(uint64_t seed);		/* once, on the boot core, before other cores run tasks */
uint32_t chaos_rand(void);		/* this core's next number (0 before chaos_init) */
int chaos_one_in(unsigned n);		/* true with probability 1/n */
void chaos_hold(void);			/* one time in eight, spin up to ~2,000 instructions */
#else
static inline void chaos_init(uint64_t seed) { (void)seed; }
static inline uint32_t chaos_rand(void) { return 0; }
static inline int chaos_one_in(unsigned n) { (void)n; return 0; }
static inline void chaos_hold(void) {}
#endif
