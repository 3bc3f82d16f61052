/*
 * The scheduler's time, in one place (Go's runtime/time.go): per-P timers,
 * the compare register that brings their deadlines (and the time slice's
 * end) to a core, and what tasks see of it: go_now, go_sleep, go_after.
 * sched/preempt.c keeps only the time slice; the counter itself is
 * kernel/generic_timer.c; the heap a P keeps its timers in is timerheap.c.
 *
 * Per-P timers (Go's addtimer, deltimer, checkTimers and the timer part
 * of stealWork). A timer goes on the heap of the P whose task adds it.
 *
 * What is guaranteed. A timer never fires before its deadline. It fires
 * at its deadline (give or take an interrupt's path) if any core can take
 * an interrupt then: its own P's core, whose compare register covers its
 * P's earliest timer, and, while its P is busy, one idle core that watches
 * every busy P's timers (sched/timerwatch.c); whichever gets there runs it,
 * and the task it readies runs on that core. It is late only if its own
 * core cannot take the interrupt (interrupts masked, a preemption-off
 * region: then it fires as that ends) and no core is idle to watch for it.
 * Any core that looks for work and finds none also runs every P's due
 * timers before it sleeps.
 *
 * Order. Due timers run in deadline order, across Ps too; equal deadlines
 * on one P in the order they were added (each P numbers its timers),
 * equal deadlines on different Ps in P order. The first task a batch
 * of due timers readies goes to runnext, the others to the local queue's
 * tail behind it (ready_put, timer_batch), so the tasks run in that order
 * too; Go's runqput(next) for each would run the last one first.
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
	t->seq = pt->seq++;
	theap_insert(&pt->heap, t);
	t->pp = pp;
	if (!t->daemon) {
		pt->nlive++;
		__atomic_add_fetch(&nlive_total, 1, __ATOMIC_RELAXED);
	}
	bool first = pt->heap.root == t;
	update_when0(pt);
	spin_unlock(&pt->lock);
	/* A task that adds an earlier timer pulls the compare register in,
	 * and makes sure the watcher knows of it (we might mask interrupts
	 * next). In the scheduler, the next execute() does both, if this P
	 * runs a task at all before it sleeps (then it covers its own). */
	if (first && getg()) {
		timer_program(pp);
		timer_cover(pp);
	} else if (first) {
		pp->timers_unwatched = 1;
	}
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

/* Pops and runs q's earliest timer if it is due at `now`, with the lock
 * dropped around the callback (which may add timers, to any heap). The
 * lock only once when0, read without it, says one is due. */
static bool run_one(struct p *q, uint64_t now)
{
	struct ptimers *pt = &q->timers;
	if (timers_when(q) > now)
		return false;
	spin_lock(&pt->lock);
	struct timer *t = pt->heap.root;
	if (!t || t->when > now) {
		spin_unlock(&pt->lock);
		return false;
	}
	unqueue(pt, t);
	spin_unlock(&pt->lock);
	evtrace(EV_TIMER, (uint32_t)q->id, 0);
	t->fn(t);
	return true;
}

int checktimers(struct p *pp, uint64_t now)
{
	int ran = 0;
	pp->timer_batch = 0;
	while (run_one(pp, now))
		ran++;
	pp->timer_batch = -1;
	return ran;
}

/* The P whose earliest timer is due first at `now` (ties: the lowest id). */
static struct p *earliest_due(uint64_t now)
{
	struct p *best = 0;
	uint64_t w = now;
	for (int i = 0; i < sched.nprocs; i++) {
		uint64_t t = timers_when(&allp[i]);
		if (t <= w && (!best || t < w)) {
			best = &allp[i];
			w = t;
		}
	}
	return best;
}

int steal_timers(struct p *pp, uint64_t now)
{
	int ran = 0;
	struct p *q;
	pp->timer_batch = 0;
	while ((q = earliest_due(now)))
		ran += run_one(q, now); /* false: another core ran it first */
	pp->timer_batch = -1;
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
	uint64_t wake = __atomic_load_n(&pp->wake_at, __ATOMIC_RELAXED);
	if (wake && wake < w)
		w = wake;
	if (w < pp->armed)
		timer_set_compare(pp, w);
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

/* Parks g until the counter reaches `when`. */
static void sleep_to(uint64_t when, struct g *g)
{
	struct timer t = {.when = when, .fn = sleep_fire, .arg = g};
	/* Queued only once we are off the core (sleep_park): the timer cannot
	 * fire and ready us before we are parked. */
	go_park(sleep_park, &t, "sleep");
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
	sleep_to(timer_count() + timer_ns_to_ticks(ns) + 2, g);
}

void go_sleep_until(uint64_t t)
{
	struct g *g = must_be_task("go_sleep_until");
	if (t <= go_now()) {
		go_yield();
		return;
	}
	sleep_to(timer_count_at_ns(t), g);
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
