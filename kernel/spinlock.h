/*
 * Ticket spinlock: FIFO-fair, so no core starves under contention.
 *
 * Memory ordering: taking a ticket is a relaxed fetch-add (it only orders
 * cores among themselves); the acquire load of `owner` that sees our ticket
 * orders the critical section after the previous holder's release store of
 * `owner`, which in turn orders everything that holder did before it.
 *
 * Kernel locks are taken with IRQs masked when an interrupt handler may take
 * the same lock (spin_lock_irqsave). On hardware, exclusives need the MMU
 * and caches on: no lock may be taken before mmu_init().
 *
 * Pure C11 atomics so tests/host can stress it under ThreadSanitizer.
 */
#pragma once
#include <stdint.h>

typedef struct {
	uint32_t next;	/* next ticket to hand out */
	uint32_t owner;	/* ticket now being served */
} spinlock_t;

#define SPINLOCK_INIT {0, 0}

#if defined(__aarch64__) && !defined(HOST_TEST)
#define spin_pause() __asm__ volatile("yield" ::: "memory")
#else
#include <sched.h>
#define spin_pause() sched_yield()
#endif

static inline void spin_lock(spinlock_t *l)
{
	uint32_t t = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != t)
		spin_pause();
}

static inline int spin_trylock(spinlock_t *l)
{
	uint32_t o = __atomic_load_n(&l->owner, __ATOMIC_RELAXED);
	uint32_t n = o;
	/* Take ticket `o` only if nobody waits: next == owner. */
	return __atomic_compare_exchange_n(&l->next, &n, o + 1, 0, __ATOMIC_ACQUIRE,
					   __ATOMIC_RELAXED);
}

static inline void spin_unlock(spinlock_t *l)
{
	/* Only the holder writes owner: a plain read of it is exact. */
	__atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE);
}

static inline int spin_is_locked(spinlock_t *l)
{
	return __atomic_load_n(&l->next, __ATOMIC_RELAXED) !=
	       __atomic_load_n(&l->owner, __ATOMIC_RELAXED);
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
