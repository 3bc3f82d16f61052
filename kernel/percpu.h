/*
 * Per-core data. TPIDR_EL1 holds the running core's `struct cpu *`, so
 * this_cpu() is one mrs. Only the owning core writes a field unless the
 * field says otherwise.
 */
#pragma once
#include <stdint.h>
#include <kernel/config.h>
#include <kernel/spinlock.h>
#include <kernel/sysreg.h>

struct _reent;
struct g;
struct p;

struct cpu {
	int id;			/* logical id: 0 is the boot core, dense */
	uint64_t mpidr;		/* affinity of this core (mpidr_aff) */
	uint8_t gic_target;	/* GICv2 CPU interface bit, for SGIs */
	volatile int online;	/* set once by the core itself (release) */
	volatile int stopped;	/* set by the core when it parks for good */
	uint64_t irqs;		/* interrupts taken */
	uint64_t timer_ticks;	/* timer interrupts taken */
	uint64_t timer_ticks_idle; /* of those, with no task running here */
	volatile uint64_t ipis[16]; /* IPI interrupts taken, per IPI number */
	/* IPI_PING senders, a bit per core (bit c % 64 of word c / 64). */
	uint64_t ping_pending[NCPU_MAX / 64];	/* set by the senders (atomic) */
	uint64_t ping_seen[NCPU_MAX / 64];	/* senders whose ping this core has handled */
	/* Cross-core call slot (kernel/smp_call.c); written by the caller
	 * under call_lock, cleared by this core. */
	spinlock_t call_lock;
	void (*volatile call_fn)(void *);
	void *volatile call_arg;
	struct _reent *reent;	/* newlib state while no task runs here */
	struct g *curg;		/* the task running here, NULL in the scheduler
				 * (also in TPIDR_EL0: sched/sched.h set_curg) */
	struct p *p;		/* this core's P (sched/sched.h), for life */
	uint64_t run_since;	/* counter when curg last changed (sched/sched.h) */
} __attribute__((aligned(CPU_SIZE)));

_Static_assert(NCPU_MAX % 64 == 0, "ping_pending/ping_seen: a bit per core, 64 to a word");
_Static_assert(sizeof(struct cpu) == CPU_SIZE, "CPU_SIZE must match struct cpu");
_Static_assert(__builtin_offsetof(struct cpu, id) == 0, "kernel/spinlock.h's spin_me reads it");

extern struct cpu cpus[NCPU_MAX];
extern int ncpu_online;	/* number of cores that came up (written before main) */

static inline struct cpu *this_cpu(void)
{
	return (struct cpu *)read_tpidr_el1();
}

static inline int cpu_id(void)
{
	return this_cpu()->id;
}
