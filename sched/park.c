/*
 * Leaving a core: park (block), yield, exit; and coming back: ready.
 * Each switch goes through the core's scheduler stack (Go's mcall to g0):
 * the task's context is saved first, so once the task is on any queue
 * another core may run it at once.
 */
#include <gometal.h>
#include <kernel/panic.h>
#include <reent.h>
#include <sched/netpoll.h>
#include <sched/sched.h>

/*
 * Preemption is off from here until the task runs again (its count goes
 * 0 -> 1 here, and back when it resumes): the timer interrupt must not
 * save a frame over the context sched_mcall is saving.
 */
void mcall(void (*fn)(struct g *))
{
	struct g *g = getg();
	preempt_disable();
	sched_mcall(&g->ctx, fn, g, this_p()->g0_sp);
	preempt_enable();
}

/* --- park / ready --- */

static void park_m(struct g *g)
{
	struct cpu *c = this_cpu();
	g->state = G_WAITING;
	set_curg(c, 0);
	bool (*unlockf)(struct g *, void *) = c->p->park_fn;
	if (unlockf && !unlockf(g, c->p->park_arg)) {
		g->state = G_RUNNING; /* changed its mind: run on */
		if (c->p->timers_unwatched) { /* as execute() does */
			c->p->timers_unwatched = 0;
			timer_cover(c->p);
		}
		set_curg(c, g);
		timer_program(c->p); /* an interrupt meanwhile may have disarmed it */
		sched_gogo(&g->ctx);
	}
	schedule();
}

void go_park(bool (*unlockf)(struct g *, void *), void *arg, const char *reason)
{
	struct g *g = must_be_task("go_park");
	/* At most the one spinlock unlockf releases: a task parked holding
	 * another would never be preempted again, and whoever waits for the
	 * lock would spin until the task is woken. */
	if ((g->preempt & PREEMPT_COUNT) > 1)
		panic("go_park (%s) with %u spinlocks held", reason, g->preempt & PREEMPT_COUNT);
	preempt_disable(); /* until mcall: park_fn/arg are this core's */
	struct p *pp = this_p();
	g->waitreason = reason;
	evtrace(EV_WAIT, (uint32_t)g->id, (uint64_t)(uintptr_t)reason);
	pp->park_fn = unlockf;
	pp->park_arg = arg;
	mcall(park_m);
	g->waitreason = 0;
	preempt_enable();
}

/* The task took the lock, so its preemption count goes down with it:
 * first, since once the lock is free a waker may ready g and another core
 * may resume it, and then the count is that core's to change. */
bool park_unlock_spin(struct g *g, void *lock)
{
	g->preempt--;
	spin_unlock_raw(lock);
	return true;
}

/*
 * go_park(park_unlock_spin, lock, reason), with a direct switch when this
 * P's runnext can run next at once: the common case of a hand-over (a
 * channel rendezvous readies the partner onto runnext, then blocks).
 * schedule() would pick runnext anyway, and it would inherit the slice; we
 * take the same decision (local_pick_next, beside find_runnable) without the
 * trip through the scheduler stack, and fall back to it whenever
 * schedule() might decide otherwise.
 *
 * Like go_yield's fast path, the switch names next as the running task
 * (TPIDR_EL0) before leaving g's stack: the timer interrupt preempts only a
 * task running on its own stack, so it leaves this window alone. The lock
 * is released by sched_switch once g's context is saved, so a waker that
 * takes it cannot resume g before g is complete.
 */
void go_park_unlock(spinlock_t *lock, const char *reason)
{
	assert_held(lock);
	struct g *g = getg();
	/* The lock's preemption count (1: no other lock held) keeps us on
	 * this core until the switch, and is given back when we resume. */
	struct cpu *c = this_cpu();
	struct g *next = g && (g->preempt & PREEMPT_COUNT) == 1 ? local_pick_next(c->p) : 0;
	if (!next) {
		go_park(park_unlock_spin, lock, reason);
		return;
	}
	g->waitreason = reason;
	evtrace(EV_WAIT, (uint32_t)g->id, (uint64_t)(uintptr_t)reason);
	g->state = G_WAITING;
	wake_handed_over(c->p);
	g_run_here(c, next);
	sched_switch(&g->ctx, &next->ctx, &lock->locked);
	g->waitreason = 0;
	preempt_enable(); /* the lock's: it was released by sched_switch */
}

void go_ready(struct g *g)
{
	int waiting = G_WAITING;
	if (!__atomic_compare_exchange_n(&g->state, &waiting, G_RUNNABLE, false, __ATOMIC_RELAXED,
					 __ATOMIC_RELAXED))
		panic("go_ready: task %ld (%s) is not waiting (state %d)", g->id, g->name,
		      waiting);
	ready_put(g, getg() != 0); /* a task's wakee may be a hand-over */
}

/* --- yield --- */

/* Go's Gosched: to the back of the global queue, where any core finds it. */
void gosched_m(struct g *g)
{
	g->state = G_RUNNABLE;
	if (g->pin >= 0)
		pinq_put(&allp[g->pin], g);
	else
		globrunq_put_wake(g);
	schedule();
}

/*
 * When this P has nothing local (nor pinned) and no P is idle, schedule()
 * would take the global queue's head next anyway. The fast path does it all under one
 * hold of sched.lock, on this task's own stack: queue ourselves, take the
 * head, and switch straight to it; the lock is released only once our
 * context is saved (sched_switch), so no other core can resume us early.
 * If we were alone, we simply go on.
 */
#ifdef CHAOS
void chaos_yield_point(void)
{
	struct g *g = getg();
	if (g && !(__atomic_load_n(&g->preempt, __ATOMIC_RELAXED) & PREEMPT_COUNT) &&
	    irqs_enabled() && chaos_one_in(4))
		go_yield();
}
#endif

void go_yield(void)
{
	struct g *g = must_be_task("go_yield");
	g->preempt++; /* this P's queues, then sched.lock (raw: counted here) */
	struct cpu *c = this_cpu();
	struct p *pp = c->p;
	if (g->pin >= 0 || !runq_empty_owner(&pp->runq) ||
	    __atomic_load_n(&pp->npinned, __ATOMIC_RELAXED))
		goto slow;
	/* Nothing runnable here nor in the global queue: schedule() would
	 * pick us again (another P's local tasks are its own to run, or a
	 * spinning M's to steal, either way). Go on without the lock, which
	 * every core's yield would otherwise take (32 cores yielding in a
	 * loop spent most of their time waiting for it). A task queued just
	 * after this look is one we would not have seen a moment earlier. */
	if (!__atomic_load_n(&sched.runqsize, __ATOMIC_RELAXED) && !netpoll_waiting() &&
	    !timer_due(pp))
		goto out; /* (a due timer or a device's task: schedule() first) */
	spin_lock_raw(&sched.lock);
	/* The idle list only changes under this lock: with no idle P now, a
	 * P that goes idle later finds us in the queue (sched/idle.c); with
	 * one, take the slow path, which wakes it. */
	if (sched.npidle) {
		spin_unlock_raw(&sched.lock);
		goto slow;
	}
	globrunq_put(g);
	struct g *next = globrunq_pop();
	if (next == g) {
		spin_unlock_raw(&sched.lock);
		goto out;
	}
	g->state = G_RUNNABLE;
	pp->schedtick++;
	g_run_here(c, next);
	/* next inherits what is left of the slice: the timer stays as it is. */
	sched_switch(&g->ctx, &next->ctx, &sched.lock.locked);
	goto out;
slow:
	mcall(gosched_m);
out:
	preempt_enable();
}

/* --- exit --- */

static void goexit_m(struct g *g)
{
	g->state = G_DEAD;
	set_curg(this_cpu(), 0);
	g_free(this_p(), g); /* safe: we are off its stack */
	schedule();
}

/*
 * A task exits most often with work waiting on its own P (a burst of
 * spawns, fork-join): then go straight to what schedule() would pick, this
 * P's runnext or ring head, without the trip through the scheduler stack.
 * local_pick_ring() decides, as local_pick_next() does for go_park_unlock.
 *
 * The dead task's stack is in use until execute() leaves it. g_free()
 * keeps g itself on this P's list (it moves only older records to the
 * global one), and only this P hands that list out again, in g_new() with
 * preemption off: nothing can reuse the stack before we are off it. With
 * curg cleared, a timer interrupt sees the scheduler, not a task, and
 * leaves this window alone, as it does on the scheduler stack.
 */
static void goexit_direct(struct g *g)
{
	struct cpu *c = this_cpu();
	struct p *pp = c->p;
	bool inherit;
	struct g *next = (g->preempt & PREEMPT_COUNT) == 1 ? local_pick_ring(pp, &inherit) : 0;
	if (!next)
		return;
	wake_handed_over(pp);
	g->state = G_DEAD;
	set_curg(c, 0);
	g_free(pp, g);
	execute(next, inherit);
}

void go_exit(void)
{
	struct g *g = must_be_task("go_exit");
	/* Give back what newlib allocated for this task (dtoa's bigints,
	 * strtok's state...): its record is reused by the next task. */
	if (g->reent_ready)
		_reclaim_reent(&g->reent);
	preempt_disable();
	goexit_direct(g); /* returns only if schedule() must choose */
	preempt_enable();
	mcall(goexit_m);
	__builtin_unreachable();
}

/* --- pinning (Go's LockOSThread) --- */

void go_pin(void)
{
	struct g *g = must_be_task("go_pin");
	preempt_disable(); /* the core we are on is the one we pin to */
	if (g->pin_depth++ == 0)
		g->pin = cpu_id();
	preempt_enable();
}

void go_unpin(void)
{
	struct g *g = must_be_task("go_unpin");
	if (g->pin_depth == 0)
		panic("go_unpin: task %ld (%s) is not pinned", g->id, g->name);
	if (--g->pin_depth == 0)
		g->pin = -1;
}
