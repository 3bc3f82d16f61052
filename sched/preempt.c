/*
 * Preemption by each core's own timer interrupt (what Go's sysmon and
 * SIGURG do) and the time slice it enforces.
 *
 * The slice. execute() starts a slice of quantum_ticks when it runs a task
 * that did not inherit one (runnext keeps the slice, so tasks handing a
 * token to each other through runnext share it and are preempted together,
 * as in Go: one that inherits an expired slice is preempted at once). A
 * preemption or an idle P ends the slice. The core's compare register
 * always holds the nearer of the slice end and its P's earliest timer
 * (timer_program, sched/time.c): tickless, an idle core with no timers is
 * never interrupted.
 *
 * The interrupt (preempt_tick, from rt/irq.c). It preempts the running
 * task when a timer of this P is due or the slice is over and something
 * else could run here; if nothing else could, the slice is simply renewed
 * (no switch). It may preempt only a task that is really running its own
 * code: one whose preempt count is 0 and whose stack SP is on. The stack
 * test rules out the instants when TPIDR_EL0 already names the next task
 * but the core still runs the scheduler or the previous task's switch.
 * Otherwise the preemption is left pending (taken by preempt_enable()) and
 * the timer re-armed RETRY_US later in case the pending bit was lost.
 *
 * The switch. The interrupt entry (boot/vectors.S) calls preempt_save,
 * which copies the whole interrupt frame, FP/SIMD state included, onto the
 * task's own stack and makes the task's context resume in preempt_resume
 * (sched/switch.S); then the exception returns into preempt_m on the
 * scheduler stack. The preempted task goes to the global queue, as in Go,
 * where any core may pick it up; a pinned one to its core's pinned list.
 *
 * FP/SIMD. With FPSAVE=eager (the default) every interrupt saves and
 * restores q0-q31, FPCR and FPSR on entry and exit, so no handler can
 * clobber a task's vector registers whatever it calls. With FPSAVE=lazy
 * they are saved only when the interrupt preempts; that relies on nothing
 * an interrupt reaches touching them (the kernel is built with
 * -mgeneral-regs-only, but a memset/memcpy call gcc emits lands in
 * newlib's SIMD versions). The cost of each is measured by `make bench`.
 */
#include <kernel/generic_timer.h>
#include <kernel/cmdline.h>
#include <kernel/frame.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <sched/netpoll.h>
#include <sched/sched.h>

#ifndef QUANTUM_US
#define QUANTUM_US	10000	/* Go's forcePreemptNS */
#endif
#define QUANTUM_MIN_US	10
#define RETRY_US	20	/* a pending preemption's fallback */

uint64_t quantum_ticks;
#ifdef FPSAVE_LAZY
const char fpsave_mode[] = "lazy";
#else
const char fpsave_mode[] = "eager";
#endif
static uint64_t retry_ticks;

/* The quantum in microseconds, 0 for none; returns what it set. */
long preempt_set_quantum_us(long us)
{
	if (us < 0 || (us > 0 && us < QUANTUM_MIN_US)) {
		kprintf("quantum=%ld us: out of range, using %d us\n", us, QUANTUM_MIN_US);
		us = QUANTUM_MIN_US;
	}
	uint64_t t = timer_ns_to_ticks((uint64_t)us * 1000);
	__atomic_store_n(&quantum_ticks, us && !t ? 1 : t, __ATOMIC_RELAXED);
	return us;
}

void preempt_init(void)
{
	long us = preempt_set_quantum_us(cmdline_int("quantum", QUANTUM_US));
	retry_ticks = timer_ns_to_ticks(RETRY_US * 1000) + 1;
	if (us)
		kprintf("preemption: quantum %ld us\n", us);
	else
		kprintf("preemption: no time slices (quantum=0); due timers still preempt\n");
}

/* Could this P run something else than its current task? */
bool p_other_work(struct p *pp)
{
	return !runq_empty(&pp->runq) || __atomic_load_n(&sched.runqsize, __ATOMIC_RELAXED) ||
	       __atomic_load_n(&pp->npinned, __ATOMIC_RELAXED);
}

static bool on_own_stack(struct g *g, uint64_t sp)
{
	return sp > g->stack_lo && sp <= (uintptr_t)g;
}

/*
 * The timer interrupt, IRQs masked. g is the task TPIDR_EL0 named when it
 * came (NULL: the scheduler, which programs the timer itself before it
 * runs a task or sleeps). Returns g to preempt it, or NULL.
 */
struct g *preempt_tick(struct frame *f, struct g *g)
{
	struct cpu *c = this_cpu();
	struct p *pp = c->p;
	timer_set_compare(pp, UINT64_MAX); /* its interrupt is level-triggered */
	c->timer_ticks++;
	uint64_t now = timer_count();
	/* A deferred wake (sched/idle.c) that is due: with sched.lock busy,
	 * a task's core tries again; the scheduler's needs none (it runs
	 * its runnext itself before it could sleep). */
	uint64_t wake = __atomic_load_n(&pp->wake_at, __ATOMIC_RELAXED);
	if (wake && wake <= now)
		__atomic_store_n(&pp->wake_at, wakep_due(pp) || !g ? 0 : now + retry_ticks,
				 __ATOMIC_RELAXED);
	if (!g) {
		c->timer_ticks_idle++;
		return 0;
	}
	/* A device interrupt nobody has polled yet counts as a due timer
	 * (sched/netpoll.c): a preemption it could not make is retried. */
	bool due = timers_when(pp) <= now || netpoll_waiting();
	if (!due && now < pp->slice_end) {
		/* early: an older slice end (timer_program is lazy), or a timer
		 * another P has run meanwhile */
		timer_program(pp);
		return 0;
	}
	/* The slice is over: direct switches now go through the scheduler
	 * (local_turn), whether or not we can preempt here. */
	if (now >= pp->slice_end)
		__atomic_store_n(&pp->slice_spent, 1, __ATOMIC_RELAXED);
	bool own = on_own_stack(g, f->sp);
	if (!own || (__atomic_load_n(&g->preempt, __ATOMIC_RELAXED) & PREEMPT_COUNT)) {
		if (own)
			__atomic_fetch_or(&g->preempt, PREEMPT_PENDING, __ATOMIC_RELAXED);
		timer_set_compare(pp, now + retry_ticks);
		return 0;
	}
	if (!due && !p_other_work(pp)) {
		/* alone: run on, no switch */
		slice_start(pp, now);
		timer_program(pp);
		return 0;
	}
	return g;
}

/*
 * A device interrupt (rt/irq.c) has a task to wake: preempt g (the task
 * TPIDR_EL0 named, NULL in the scheduler, which polls by itself) so that
 * this core's scheduler polls now. Where g may not be preempted yet, as
 * preempt_tick: pending, and the timer retries.
 */
struct g *preempt_event(struct frame *f, struct g *g)
{
	if (!g)
		return 0;
	if (on_own_stack(g, f->sp) && !(__atomic_load_n(&g->preempt, __ATOMIC_RELAXED) & PREEMPT_COUNT))
		return g;
	if (on_own_stack(g, f->sp))
		__atomic_fetch_or(&g->preempt, PREEMPT_PENDING, __ATOMIC_RELAXED);
	timer_set_compare(this_cpu()->p, timer_count() + retry_ticks);
	return 0;
}

/*
 * From the interrupt entry, on the exception stack: g's frame onto g's
 * stack, g's context to resume it from there. Returns the scheduler
 * stack's top.
 */
uintptr_t preempt_save(struct irq_frame *f, struct g *g)
{
	uintptr_t area = (f->f.sp - sizeof(*f)) & ~(uintptr_t)15;
	if (area < g->stack_lo)
		panic("stack overflow in task %ld (%s): no room for its preempted frame "
		      "(sp %lx, stack bottom %lx)",
		      g->id, g->name, f->f.sp, g->stack_lo);
	const uint64_t *src = (const uint64_t *)f;
	uint64_t *dst = (uint64_t *)area;
	for (size_t i = 0; i < sizeof(*f) / 8; i++)
		dst[i] = src[i];
	g->ctx.sp = area;
	g->ctx.x[10] = f->f.x[29];			/* x29: backtraces of a preempted task */
	g->ctx.x[11] = (uintptr_t)preempt_resume;	/* x30 */
	return this_p()->g0_sp;
}

/* On the scheduler stack, IRQs masked, straight from the interrupt. */
void preempt_m(struct g *g)
{
	struct cpu *c = this_cpu();
	set_curg(c, 0); /* before IRQs: g is about to be queued for any core */
	irq_enable();
	count_preemption(c->p, g);
	gosched_m(g);
}

/* A pending preemption, taken as the count drops to 0 (kernel/preempt.h). */
static void pending_m(struct g *g)
{
	count_preemption(this_p(), g);
	gosched_m(g);
}

void preempt_pending_take(void)
{
	__atomic_store_n(&getg()->preempt, 0, __ATOMIC_RELAXED);
	mcall(pending_m);
}
