/*
 * Test-and-test-and-set spinlock.
 *
 * Not a ticket lock, on purpose: under QEMU with more vCPUs than host cores
 * (4 on 2 here) a FIFO lock can only be handed to the one waiter whose turn
 * it is, and if the host has descheduled that vCPU every other core waits
 * for it. Measured: 4 cores x 20,000 lock/unlock rounds with a ticket lock
 * did not finish in 60 s; with this lock it takes well under a second. Any
 * running waiter may take this lock, which is what Go's runtime locks do too.
 *
 * Memory ordering: the acquire exchange that takes the lock orders the
 * critical section after it; the release store that frees it orders the
 * critical section before it. Waiters spin on a plain relaxed load, so they
 * do not keep pulling the line in exclusive state.
 *
 * Kernel locks shared with interrupt handlers are taken with IRQs masked
 * (spin_lock_irqsave). On hardware, exclusives need the MMU and caches on:
 * no lock may be taken before mmu_init().
 *
 * Pure C11 atomics, so tests/host stresses the same code under
 * ThreadSanitizer.
 *
 * Lock rules the code checks (LOCKDEBUG=1, -DLOCK_DEBUG): the lock word
 * then holds its owner, the holding core's id + 1, instead of 1, and is
 * taken by compare-and-swap, so
 *   - assert_held(l) panics unless this core holds l (the functions whose
 *     comment says "X held" assert it);
 *   - unlocking a lock this core does not hold panics;
 *   - taking a lock this core already holds panics (it would spin
 *     forever: an interrupt handler after the lock its own task holds).
 * A lock never changes cores while held: holding one keeps the task from
 * being preempted, and go_park's unlockf runs on the parking core. Code
 * that frees the word itself (sched_switch) stores 0, as spin_unlock does.
 * Without LOCK_DEBUG, assert_held() is nothing and the word is 0 or 1.
 */
#pragma once
#include <kernel/chaos.h>
#include <kernel/preempt.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct {
	uint32_t locked;	/* 0 free, else held (LOCK_DEBUG: by core locked - 1) */
} spinlock_t;

#define SPINLOCK_INIT {0}

#if defined(__aarch64__) && !defined(HOST_TEST)
#define spin_pause() __asm__ volatile("yield" ::: "memory")
#else
#include <sched.h>
#define spin_pause() sched_yield()
#endif

#ifdef LOCK_DEBUG
#include <kernel/panic.h>
#include <kernel/sysreg.h>

/* This core's id + 1: TPIDR_EL1 points to its struct cpu, whose first
 * field is the id (kernel/percpu.h asserts it; not included here, since
 * struct cpu holds a lock itself). */
static inline uint32_t spin_me(void) { return (uint32_t)*(const int *)read_tpidr_el1() + 1; }

/* Does this core hold l? */
static inline int spin_held(spinlock_t *l)
{
	return __atomic_load_n(&l->locked, __ATOMIC_RELAXED) == spin_me();
}

#define assert_held(l)                                                                    \
	do {                                                                              \
		if (!spin_held(l))                                                        \
			panic("lock rule broken: %s is not held by this core (%s:%d)", #l, \
			      __FILE__, __LINE__);                                        \
	} while (0)

/* The lock word alone, without the preemption-off region: for code that
 * accounts for the region itself (sched/park.c). */
static inline int spin_trylock_raw(spinlock_t *l)
{
	uint32_t free = 0;
	return __atomic_compare_exchange_n(&l->locked, &free, spin_me(), false, __ATOMIC_ACQUIRE,
					   __ATOMIC_RELAXED);
}

static inline void spin_lock_raw(spinlock_t *l)
{
	if (spin_held(l))
		panic("lock rule broken: spinlock %p taken again by the core holding it", l);
	while (!spin_trylock_raw(l))
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			spin_pause();
}

static inline void spin_unlock_raw(spinlock_t *l)
{
	uint32_t w = __atomic_load_n(&l->locked, __ATOMIC_RELAXED);
	if (w != spin_me())
		panic("lock rule broken: spinlock %p released by a core that does not hold it "
		      "(%s)", l, w ? "another core holds it" : "it is free");
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}
#else
#define assert_held(l) ((void)(l))

/* The lock word alone, without the preemption-off region: for code that
 * accounts for the region itself (sched/park.c). */
static inline int spin_trylock_raw(spinlock_t *l)
{
	return __atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE) == 0;
}

static inline void spin_lock_raw(spinlock_t *l)
{
	while (!spin_trylock_raw(l))
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			spin_pause();
}

static inline void spin_unlock_raw(spinlock_t *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}
#endif

/*
 * A task holding a spinlock is not preempted (kernel/preempt.h): a core
 * that waits for the lock would otherwise spin until the holder's next
 * time slice, and the scheduler's own locks would deadlock against the
 * preemption path that takes them.
 */
static inline int spin_trylock(spinlock_t *l)
{
	preempt_disable();
	if (spin_trylock_raw(l))
		return 1;
	preempt_enable();
	return 0;
}

static inline void spin_lock(spinlock_t *l)
{
	preempt_disable();
	spin_lock_raw(l);
}

static inline void spin_unlock(spinlock_t *l)
{
	chaos_hold(); /* CHAOS=1 kernels: the holder dawdles (kernel/chaos.h) */
	spin_unlock_raw(l);
	preempt_enable();
}

static inline int spin_is_locked(spinlock_t *l)
{
	return __atomic_load_n(&l->locked, __ATOMIC_RELAXED) != 0;
}

#if defined(__aarch64__) && !defined(HOST_TEST)
#include <kernel/sysreg.h>
static inline uint64_t spin_lock_irqsave(spinlock_t *l)
{
	uint64_t f = irq_save();
	spin_lock(l);
	return f;
}

static inline void spin_unlock_irqrestore(spinlock_t *l, uint64_t f)
{
	spin_unlock(l);
	irq_restore(f);
}
#endif
