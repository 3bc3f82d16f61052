/*
 * The scheduler's time, in one place (Go's runtime/time.go): per-P timers,
 * the compare register that brings their deadlines (and the time slice's
 * end) to a core, and what tasks see of it: go_now, go_sleep, go_after.
 * sched/preempt.c keeps only the time slice; the counter itself is
 * kernel/generic_timer.c; the heap a P keeps its timers in is timerheap.c.
 *
 * Per-P timers (Go's addtimer, deltimer, checkTimers and the timer part
 * of stealWork). A timer goes on the heap of the P whose task adds it.
 * That P's core runs it: its compare register covers the earliest
 * deadline, and the scheduler checks its heap each time it looks for
 * work. A P that finds no work at all also runs other Ps' due timers, so a
 * timer is late only if every core is busy in a preemption-off region.
 *
 * Locking: ptimers.lock protects a P's heap and the links of the timers on
 * it, and t->pp is written only under the lock of the heap t is on.
 * when0, the earliest deadline, is written under the lock and read without
 * it as a hint: a stale value makes a core look again or wake early, never
 * miss a timer, since everyone who acts on it re-reads under the lock.
 */
#include <gometal.h>
#include <kernel/generic_timer.h>
#include <sched/chan.h>
#include <sched/sched.h>
#include <stdlib.h>
#include <string.h>

/* --- per-P timers --- */

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

/* --- the compare register --- */

/* timer_set_compare (sched.h, inline: it is on every timer interrupt)
 * writes the register and pp->armed, what it holds. */

/*
 * Lazily: the register is only ever moved earlier here. If it holds a
 * later deadline than needed it is pulled in; if an earlier one (the
 * slice of a task that has since switched out), it is left, and that
 * interrupt comes early, finds nothing due and re-programs (preempt_tick).
 * That costs at most about one interrupt per quantum, and saves writing
 * the register on every switch.
 */
void timer_program(struct p *pp)
{
	uint64_t w = timers_when(pp);
	if (pp->slice_end < w)
		w = pp->slice_end;
	if (w < pp->armed)
		timer_set_compare(pp, w);
}

void timer_program_idle(struct p *pp)
{
	timer_set_compare(pp, timers_when(pp));
}

/* --- sleep --- */

static void sleep_fire(struct timer *t)
{
	go_ready(t->arg);
}

static bool sleep_park(struct g *g, void *t)
{
	(void)g;
	addtimer(t);
	return true;
}

void go_sleep(uint64_t ns)
{
	struct g *g = must_be_task("go_sleep");
	if (ns == 0) {
		go_yield();
		return;
	}
	/* Two ticks more: ns_to_ticks rounds down, and a go_now() difference
	 * may lose one more. */
	struct timer t = {.when = timer_count() + timer_ns_to_ticks(ns) + 2,
			  .fn = sleep_fire,
			  .arg = g};
	/* Queued only once we are off the core (sleep_park): the timer cannot
	 * fire and ready us before we are parked. */
	go_park(sleep_park, &t, "sleep");
}

uint64_t go_now(void)
{
	return timer_ns();
}

/* --- go_after (time.After) --- */

struct after {
	struct chan *c;
	struct timer t;
	uint32_t done;	/* atomic: the callback has finished with c */
};

/* In a core's scheduler: the buffer has room for the one value. */
static void after_fire(struct timer *t)
{
	struct after *a = t->arg;
	uint64_t now = go_now();
	chan_try_send(a->c, &now);
	__atomic_store_n(&a->done, 1, __ATOMIC_RELEASE);
}

/* chan_free: the timer must neither fire later nor be firing now. */
void after_stop(struct after *a)
{
	if (!deltimer(&a->t))
		while (!__atomic_load_n(&a->done, __ATOMIC_ACQUIRE))
			spin_pause(); /* a scheduler finishing after_fire: short */
	free(a);
}

chan_t *go_after(uint64_t ns)
{
	must_be_task("go_after");
	struct chan *c = chan_make(sizeof(uint64_t), 1);
	struct after *a = malloc(sizeof(*a));
	if (!c || !a) {
		free(c);
		free(a);
		return 0;
	}
	memset(a, 0, sizeof(*a));
	a->c = c;
	c->after = a;
	a->t.fn = after_fire;
	a->t.arg = a;
	/* At least ns: go_sleep's rounding. */
	a->t.when = timer_count() + timer_ns_to_ticks(ns) + 2;
	addtimer(&a->t);
	return c;
}
