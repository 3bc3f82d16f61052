/*
 * Per-P timers (Go's addtimer, deltimer, checkTimers and the timer part of
 * stealWork).
 *
 * A timer goes on the heap of the P whose task adds it. That P's core runs
 * it: its timer compare register covers the earliest deadline (sched/
 * preempt.c), and the scheduler checks its heap each time it looks for
 * work. A P that finds no work at all also runs other Ps' due timers, so a
 * timer is late only if every core is busy in a preemption-off region.
 *
 * Locking: ptimers.lock protects a P's heap and the links of the timers on
 * it, and t->pp is written only under the lock of the heap t is on.
 * when0, the earliest deadline, is written under the lock and read without
 * it as a hint: a stale value makes a core look again or wake early, never
 * miss a timer, since everyone who acts on it re-reads under the lock.
 */
#include <kernel/generic_timer.h>
#include <sched/sched.h>

static int nlive_total; /* atomic: sum of every P's nlive */

static void update_when0(struct ptimers *pt)
{
	uint64_t w = pt->heap.root ? pt->heap.root->when : UINT64_MAX;
	__atomic_store_n(&pt->when0, w, __ATOMIC_RELEASE);
}

void addtimer(struct timer *t)
{
	preempt_disable(); /* this P's heap, and this core's compare register */
	struct p *pp = this_p();
	struct ptimers *pt = &pp->timers;
	spin_lock(&pt->lock);
	theap_insert(&pt->heap, t);
	t->pp = pp;
	if (!t->daemon) {
		pt->nlive++;
		__atomic_add_fetch(&nlive_total, 1, __ATOMIC_RELAXED);
	}
	bool first = pt->heap.root == t;
	update_when0(pt);
	spin_unlock(&pt->lock);
	/* A task that adds an earlier timer pulls the compare register in;
	 * in the scheduler, the next execute() or sleep programs it anyway. */
	if (first && getg())
		timer_program(pp);
	preempt_enable();
}

/* pt->lock held; t is on pt's heap. */
static void unqueue(struct ptimers *pt, struct timer *t)
{
	assert_held(&pt->lock);
	theap_remove(&pt->heap, t);
	t->pp = 0;
	if (!t->daemon) {
		pt->nlive--;
		__atomic_sub_fetch(&nlive_total, 1, __ATOMIC_RELAXED);
	}
	update_when0(pt);
}

bool deltimer(struct timer *t)
{
	for (;;) {
		struct p *pp = __atomic_load_n(&t->pp, __ATOMIC_ACQUIRE);
		if (!pp)
			return false;
		spin_lock(&pp->timers.lock);
		if (t->pp == pp) {
			unqueue(&pp->timers, t);
			spin_unlock(&pp->timers.lock);
			return true;
		}
		spin_unlock(&pp->timers.lock); /* it moved or fired meanwhile */
	}
}

/* Pops and runs q's timers due at `now`, one at a time with the lock
 * dropped around each callback (which may add timers, to any heap). */
int checktimers(struct p *q, uint64_t now)
{
	struct ptimers *pt = &q->timers;
	int ran = 0;
	while (__atomic_load_n(&pt->when0, __ATOMIC_ACQUIRE) <= now) {
		spin_lock(&pt->lock);
		struct timer *t = pt->heap.root;
		if (!t || t->when > now) {
			spin_unlock(&pt->lock);
			break;
		}
		unqueue(pt, t);
		spin_unlock(&pt->lock);
		t->fn(t);
		ran++;
	}
	return ran;
}

int steal_timers(struct p *pp, uint64_t now)
{
	int ran = 0;
	for (int i = 0; i < sched.nprocs; i++)
		if (&allp[i] != pp)
			ran += checktimers(&allp[i], now);
	return ran;
}

bool timers_live(void)
{
	return __atomic_load_n(&nlive_total, __ATOMIC_RELAXED) != 0;
}
