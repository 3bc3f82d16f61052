/*
 * schedule() and findRunnable(), after Go's runtime/proc.go.
 *
 * Each core runs schedule() on its own scheduler stack (Go's g0: the core's
 * boot stack) whenever its task blocks, yields or exits. The order of
 * places to look for work:
 *   0. this P's timers that are due (they ready their tasks to runnext);
 *   1. every GLOBAL_TURN-th (61st) schedtick, the global queue first (fairness: tasks that
 *      keep refilling the local queue cannot starve it);
 *   2, 3. tasks pinned to this core and the local queue, runnext first
 *      (the task then inherits the time slice and schedtick does not
 *      advance), taking turns at which comes first;
 *   4. the global queue;
 *   5. stealing, if fewer than half the busy Ps are already spinning
 *      (a running P's runnext only after a grace period), then every P's
 *      due timers, in deadline order;
 *   6. otherwise the P goes idle and its core sleeps in WFI (sched/idle.c).
 */
#include <kernel/chaos.h>
#include <kernel/cmdline.h>
#include <kernel/irqchip.h>
#include <kernel/generic_timer.h>
#include <kernel/ipi.h>
#include <kernel/panic.h>
#include <sched/netpoll.h>
#include <sched/sched.h>
#include <sched/stack.h>

struct sched sched;
struct p allp[NCPU_MAX];

/* How long a thief leaves a running P's runnext alone: Go's runqgrab
 * sleeps 3 us first ("the important use case here is when the g running
 * on pp ready()s another g and then almost immediately blocks"): the owner
 * is about to run it, warm, and taking it would bounce tasks between
 * cores. The owner's readier has run on for a while by the time a
 * deferred wake brings a thief here (sched/idle.c), but a spinner woken
 * for other work may come sooner. */
#define RUNNEXT_GRACE_NS 3000
static uint64_t runnext_grace_ticks;

/*
 * Each P's random state (steal order, select's order: p_fastrand) from the
 * boot argument seed=n, so that a seed under -icount replays a run's
 * choices (make check SEED=n ICOUNT=1). seed=0, or none, keeps the states
 * every boot had before seeds existed. xorshift's state must not be 0.
 */
static uint32_t p_seed(uint64_t seed, int i)
{
	uint32_t x = 0x9e3779b9u * (uint32_t)(i + 1);
	if (seed) {
		uint64_t z = (seed + (uint64_t)i) * 0x9e3779b97f4a7c15ull;
		x ^= (uint32_t)(z ^ (z >> 32));
	}
	return x ? x : 1;
}

void sched_init(int nprocs)
{
	uint64_t seed = (uint64_t)cmdline_int("seed", 0);
	chaos_init(seed);
	sched.nprocs = nprocs;
	stack_init();
	for (int i = 0; i < nprocs; i++) {
		cpus[i].p = &allp[i];
		allp[i].id = i;
		allp[i].rand = p_seed(seed, i);
		allp[i].timers.when0 = UINT64_MAX;
		allp[i].armed = UINT64_MAX; /* main.c and smp.c disarm every core */
		allp[i].timer_batch = -1;
	}
	sched.watcher = -1;
	sched.watch_when = UINT64_MAX;
	runnext_grace_ticks = timer_ns_to_ticks(RUNNEXT_GRACE_NS) + 1;
	wakep_init();
}

/* --- The global run queue (sched.lock) --- */

/* One task to the global queue; an idle core may take it before this one
 * is free, so one is woken. */
void globrunq_put_wake(struct g *g)
{
	spin_lock(&sched.lock);
	globrunq_put(g);
	spin_unlock(&sched.lock);
	wakep();
}

void globrunq_put_batch(struct runq_spill *s)
{
	spin_lock(&sched.lock);
	for (int i = 0; i < s->n; i++)
		globrunq_put(s->g[i]);
	spin_unlock(&sched.lock);
}

/*
 * Takes one task from the global queue to run, and, unless `max` is 1,
 * moves a fair share more to pp's local queue. sched.lock held.
 */
static struct g *globrunq_get(struct p *pp, int max)
{
	assert_held(&sched.lock);
	int n = sched.runqsize;
	if (n == 0)
		return 0;
	n = n / sched.nprocs + 1;
	if (n > sched.runqsize)
		n = sched.runqsize;
	if (max > 0 && n > max)
		n = max;
	if (n > RUNQ_SIZE / 2)
		n = RUNQ_SIZE / 2;
	struct g *g = globrunq_pop();
	while (--n > 0) {
		struct runq_spill spill;
		if (!runq_put(&pp->runq, globrunq_pop(), false, &spill))
			panic("globrunq_get: local queue overflow"); /* cannot: it was empty */
	}
	return g;
}

static struct g *globrunq_take(struct p *pp, int max)
{
	if (!__atomic_load_n(&sched.runqsize, __ATOMIC_RELAXED))
		return 0;
	spin_lock(&sched.lock);
	struct g *g = globrunq_get(pp, max);
	spin_unlock(&sched.lock);
	return g;
}

/* --- Local and pinned queues --- */

void runq_put_local(struct p *pp, struct g *g, bool next)
{
	struct runq_spill spill;
	if (!runq_put(&pp->runq, g, next, &spill))
		globrunq_put_batch(&spill);
}

/*
 * Where a task that just became runnable goes: a pinned one to its core's
 * pinned list (which wakes that core), any other to this core's runnext,
 * as Go's runqput(pp, gp, true), so it runs next here, warm; then an idle
 * core is woken to pick up whatever this one cannot get to.
 */
void ready_put(struct g *g, bool handoff)
{
	evtrace(EV_READY, getg() ? (uint32_t)getg()->id : 0, (uint64_t)g->id);
	if (g->pin >= 0) {
		/* One of a timer batch's on this core counts in its order:
		 * a later unpinned wakee then goes behind it, to the tail. */
		preempt_disable();
		if (this_p()->timer_batch >= 0 && &allp[g->pin] == this_p())
			this_p()->timer_batch++;
		preempt_enable();
		pinq_put(&allp[g->pin], g);
		return;
	}
	chaos_hold(); /* CHAOS=1: the readier dawdles first (kernel/chaos.h) */
	preempt_disable(); /* only this P's owner may put on its queue */
	struct p *pp = this_p();
	bool alone = false; /* a hand-over: g is in runnext, the ring is empty */
	/* Of the tasks a batch of due timers readies, only the first goes
	 * to runnext: each would push the one before to the tail, and the
	 * latest deadline would run first (sched/time.c, "Order"). */
	int batch = pp->timer_batch; /* -1: not in a batch */
	if (batch > 0 || chaos_one_in(2)) /* CHAOS=1: Go's randomizeScheduler */
		runq_put_local(pp, g, false);
	else if (!runq_put_next_if_empty(&pp->runq, g))
		runq_put_local(pp, g, true);
	else
		alone = handoff && __atomic_load_n(&pp->runq.head, __ATOMIC_RELAXED) == pp->runq.tail;
	if (batch >= 0)
		pp->timer_batch = batch + 1;
	/* A task a task readied, alone in runnext, most often runs here
	 * next, at once (the readier blocks or exits: a hand-over); an idle
	 * core woken for it would find nothing (sched/idle.c, wakep_later).
	 * A new task is not one: its spawner most often runs on. (Before
	 * sched.started no P is idle yet, so neither wakes anyone.) */
	if (alone && !chaos_one_in(2)) /* CHAOS=1: half the time at once */
		wakep_later(pp);
	else
		wakep();
	preempt_enable();
}

void pinq_put(struct p *pp, struct g *g)
{
	spin_lock(&pp->pin_lock);
	gq_push(&pp->pinned, g);
	__atomic_add_fetch(&pp->npinned, 1, __ATOMIC_SEQ_CST);
	spin_unlock(&pp->pin_lock);
	if (pp != this_p())
		wake_for_pinned(pp);
}

static struct g *pinq_get(struct p *pp)
{
	if (!__atomic_load_n(&pp->npinned, __ATOMIC_ACQUIRE))
		return 0;
	spin_lock(&pp->pin_lock);
	struct g *g = gq_pop(&pp->pinned);
	if (g)
		__atomic_sub_fetch(&pp->npinned, 1, __ATOMIC_RELAXED);
	spin_unlock(&pp->pin_lock);
	return g;
}

/* --- Stealing --- */

static unsigned gcd(unsigned a, unsigned b)
{
	while (b) {
		unsigned t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/*
 * The runnext word a thief may take from victim (runq_steal's `next`),
 * after RUNNEXT_GRACE_NS for a running owner to run it (Go's runqgrab
 * sleeps 3 us before it CASes the g it saw): that word and no other, and
 * none if the slot changed meanwhile (its owner ran that task: whatever
 * is there now, even the same task readied again, has had no grace).
 * An idle victim is about to run nothing: its word at once. 0 when the
 * ring holds tasks (those are taken instead) or runnext is empty.
 */
static uintptr_t runnext_grace(struct p *victim)
{
	uintptr_t word = runq_next_word(&victim->runq);
	if (!word || runq_len(&victim->runq))
		return 0;
	if (__atomic_load_n(&victim->idle, __ATOMIC_RELAXED))
		return word;
	uint64_t end = timer_count_fast() + runnext_grace_ticks;
	/* The last look follows the last pause: under QEMU's round-robin
	 * (-icount) a yield hands the host thread to the other vCPUs. */
	for (;;) {
		if (runq_next_word(&victim->runq) != word)
			return 0;
		if (timer_count_fast() >= end)
			return word;
		spin_pause();
	}
}

/*
 * Four passes over the other Ps in a random order (random start, a stride
 * coprime to nprocs, so each P is visited once a pass), taking half of a
 * victim's queue; only the last pass may take a victim's runnext, which
 * its owner is probably about to run.
 */
struct g *steal_work(struct p *pp)
{
	unsigned n = (unsigned)sched.nprocs;
	if (n < 2)
		return 0;
	for (int pass = 0; pass < 4; pass++) {
		unsigned start = p_fastrand(pp) % n, stride;
		do
			stride = p_fastrand(pp) % n + 1;
		while (gcd(stride, n) != 1);
		for (unsigned i = 0, k = start; i < n; i++, k = (k + stride) % n) {
			struct p *victim = &allp[k];
			if (victim == pp || runq_empty(&victim->runq))
				continue;
			uintptr_t next = 0; /* only the last pass may take runnext */
			if (pass == 3)
				next = chaos_one_in(2) ? RUNQ_NEXT_ANY /* CHAOS=1: no grace */
						       : runnext_grace(victim);
			struct g *g = runq_steal(&pp->runq, &victim->runq, next);
			if (g) {
				pp->steals++;
				evtrace(EV_STEAL, (uint32_t)victim->id, 1 + runq_len(&pp->runq));
				return g;
			}
		}
	}
	return 0;
}

/* --- schedule --- */

static bool may_spin(struct p *pp)
{
	if (pp->spinning)
		return true;
	int busy = sched.nprocs - __atomic_load_n(&sched.npidle, __ATOMIC_SEQ_CST);
	return 2 * __atomic_load_n(&sched.nmspinning, __ATOMIC_SEQ_CST) < busy;
}

static struct g *find_runnable(struct p *pp, bool *inherit)
{
	struct g *g;
	*inherit = false;
	for (;;) {
		/* What a device or a due timer readies goes to runnext, and
		 * the interrupt that told us preempted the running task for it:
		 * it runs before the global queue's turn, which waits for the
		 * next pick (running runnext leaves schedtick as it is). Taken
		 * first, the turn would put the task preempted for it back on
		 * the core, for a whole slice (with quantum=0, for good). */
		bool woke = false;
		if (netpoll_waiting()) {
			netpoll(); /* device interrupts' tasks: runnext, as a timer's */
			woke = true;
		}
		if (pp->watch_fired) {
			/* Woken as the watcher for a busy P's timer: run it (and
			 * every other due one, in order) before any other work
			 * could keep us from it, then pass the watch on. */
			pp->watch_fired = 0;
			steal_timers(pp, timer_count());
			watch_handover(pp);
			woke = true;
		} else if (timer_due(pp)) {
			checktimers(pp, timer_count_fast());
			woke = true;
		}
		if (!woke && pp->schedtick % GLOBAL_TURN == 0 && (g = globrunq_take(pp, 1)))
			return g;
		/* Pinned and local tasks take turns, or a pinned task that is
		 * preempted (it goes back on the pinned list) would keep the
		 * local queue from ever running, and vice versa. runnext
		 * always goes first: a task just readied (a timer's) is
		 * meant to run next. */
		if ((pp->schedtick & 1) && !runq_next_word(&pp->runq)) {
			if ((g = pinq_get(pp)) || (g = runq_get(&pp->runq, inherit)))
				return g;
		} else if ((g = runq_get(&pp->runq, inherit)) || (g = pinq_get(pp))) {
			return g;
		}
		if ((g = globrunq_take(pp, 0)))
			return g;
		if (may_spin(pp)) {
			if (!pp->spinning) {
				pp->spinning = 1;
				__atomic_add_fetch(&sched.nmspinning, 1, __ATOMIC_SEQ_CST);
			}
			if ((g = steal_work(pp)))
				return g;
		}
		/* Spinning or not: the watcher comes here for a busy P's timer.
		 * (With one P, checktimers above has run them all.) */
		if (sched.nprocs > 1 && steal_timers(pp, timer_count()))
			continue; /* they readied tasks here */
		sleep_until_woken(pp); /* returns when there may be work */
	}
}

/* The ring's head, if schedule() would take it now (local_turn), and no
 * pinned task is due its turn first (they take turns with the ring). */
struct g *local_pick_ring(struct p *pp, bool *inherit)
{
	if (!local_turn(pp) || __atomic_load_n(&pp->npinned, __ATOMIC_RELAXED))
		return 0;
	return runq_get(&pp->runq, inherit);
}

void execute(struct g *g, bool inherit)
{
	struct cpu *c = this_cpu();
	struct p *pp = c->p;
	if (!inherit)
		pp->schedtick++;
	if (!inherit || !pp->slice_end)
		slice_start(pp, quantum_ticks ? timer_count_fast() : 0);
	/* Before naming the task: timer_cover may take sched.lock. */
	if (pp->timers_unwatched) {
		pp->timers_unwatched = 0;
		timer_cover(pp);
	}
	/* curg first: a timer interrupt that sees no task disarms the timer,
	 * so it must not come between programming it and naming the task. */
	g_run_here(c, g);
	timer_program(pp);
	sched_gogo(&g->ctx);
}

void schedule(void)
{
	struct p *pp = this_p();
	bool inherit;
	set_curg(this_cpu(), 0);
	struct g *g = find_runnable(pp, &inherit);
	/* A runnext task inheriting a slice that is already over (its
	 * partner's preemption was pending in a preemption-off region) is
	 * preempted with it, as sysmon would at once: otherwise a pair that
	 * spends its time handing over could carry one slice on forever. */
	while (inherit && pp->slice_end && __atomic_load_n(&pp->slice_spent, __ATOMIC_RELAXED)) {
		pp->slice_end = 0;
		if (!p_other_work(pp))
			break; /* nothing else to run: a new slice */
		count_preemption(pp, g);
		globrunq_put_wake(g);
		g = find_runnable(pp, &inherit);
	}
	/* A spinning M that found work stops spinning; if it was the last
	 * one, another core should look for more (Go's resetspinning). */
	if (pp->spinning) {
		pp->spinning = 0;
		if (__atomic_sub_fetch(&sched.nmspinning, 1, __ATOMIC_SEQ_CST) == 0)
			wakep();
	}
	execute(g, inherit);
}

/* Each core's scheduler runs on the core's boot stack, from its top. */
void sched_start(void)
{
	extern char boot_stacks[];
	struct p *pp = this_p();
	pp->g0_sp = (uintptr_t)boot_stacks + (uintptr_t)pp->id * CPU_STACK_STRIDE +
		    BOOT_STACK_TOP_OFF;
	schedule();
}
