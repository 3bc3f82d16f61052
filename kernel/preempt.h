/*
 * Preemption-off regions (Linux's preempt_count, Go's m.locks).
 *
 * The timer interrupt may switch a task off its core anywhere (sched/
 * preempt.c), except while the task is in a preemption-off region: holding
 * a spinlock, touching its core's scheduler state, switching. Each task
 * counts its own nesting in the first word of its struct g, which TPIDR_EL0
 * points to while it runs (0 in the scheduler and at boot: there is nothing
 * to preempt, and these are no-ops).
 *
 * Why per task and not per core: `count++` is a load and a store. If the
 * interrupt preempts between them, the task resumes on another core and
 * stores into whatever counter it loaded from; a per-core counter would
 * then belong to another task. A per-task counter is the task's own on any
 * core.
 *
 * The top bit is "a preemption is pending": the interrupt came while the
 * count was non-zero. preempt_enable() takes it when the count drops to 0
 * (one compare: the word equals PREEMPT_PENDING exactly then). The
 * interrupt also re-arms the timer a little later, so a pending bit lost to
 * a racing `count--` store only delays the preemption.
 */
#pragma once
#include <stdint.h>

#define PREEMPT_PENDING	0x80000000u
#define PREEMPT_COUNT	0x7fffffffu

#if defined(__aarch64__) && !defined(HOST_TEST)
#include <kernel/sysreg.h>

/* The running task's preempt word, or NULL in the scheduler. */
static inline uint32_t *preempt_word(void)
{
	return (uint32_t *)read_tpidr_el0();
}

static inline void preempt_disable(void)
{
	uint32_t *w = preempt_word();
	if (w)
		++*w;
	__asm__ volatile("" ::: "memory"); /* the region starts after the increment */
}

void preempt_pending_take(void); /* sched/preempt.c */

static inline void preempt_enable(void)
{
	__asm__ volatile("" ::: "memory"); /* the region ends before the decrement */
	uint32_t *w = preempt_word();
	if (w && --*w == PREEMPT_PENDING)
		preempt_pending_take();
}
#else
static inline void preempt_disable(void) {}
static inline void preempt_enable(void) {}
#endif
