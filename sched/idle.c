/*
 * Idle Ps, spinning Ms and wake-ups (Go's pidleput/pidleget, wakep and the
 * end of findRunnable).
 *
 * A core that finds no work puts its P on the idle list and sleeps in WFI
 * until another core takes the P off the list and sends it IPI_RESCHED.
 * New work calls wakep(): if some P is idle and no M is spinning, one idle
 * core is woken as a spinning M to look for it. At most about half of the
 * busy Ps spin (sched.c, may_spin); the rest sleep.
 *
 * No lost wake-ups. The adder does: publish the task (run queue store),
 * full fence, read npidle and nmspinning (wakep). The core going idle does:
 * npidle++ and, if it was spinning, nmspinning--, full fence, re-read every
 * queue. With a full fence on each side, at least one of them sees the
 * other's write: either the adder sees an idle P and no spinner and wakes
 * one, or the idler sees the task and takes itself off the idle list. A
 * spinner that the adder relied on re-checks the same way before sleeping.
 *
 * The sleep itself masks IRQs between the last look at `idle` and WFI: a
 * wake-up IPI that arrives in between stays pending and ends the WFI. Other
 * interrupts are let in after each WFI.
 *
 * Timers: a sleeping core's compare register holds its P's earliest timer
 * (or nothing: then no timer interrupt comes, tickless), and on the one
 * idle core that watches (sched/timerwatch.c) also the busy Ps' earliest.
 * When it fires the core takes itself off the idle list and runs it. The
 * program is deadlocked only if no live (non-daemon) timer is queued
 * anywhere either.
 */
#include <kernel/generic_timer.h>
#include <kernel/ipi.h>
#include <sched/netpoll.h>
#include <sched/sched.h>

/* sched.lock held. Marks pp idle and on the list. */
void pidle_put(struct p *pp)
{
	assert_held(&sched.lock);
	pp->idle_link = sched.pidle;
	sched.pidle = pp;
	__atomic_store_n(&pp->idle, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&sched.npidle, 1, __ATOMIC_SEQ_CST);
}

/* sched.lock held. Unlinks pp; the caller then clears pp->idle (release). */
static void unlink_idle(struct p *pp)
{
	assert_held(&sched.lock);
	for (struct p **l = &sched.pidle; *l; l = &(*l)->idle_link)
		if (*l == pp) {
			*l = pp->idle_link;
			__atomic_sub_fetch(&sched.npidle, 1, __ATOMIC_SEQ_CST);
			return;
		}
}

/* sched.lock held. Takes pp off the idle list if it is on it. */
bool pidle_remove(struct p *pp)
{
	assert_held(&sched.lock);
	if (!pp->idle)
		return false;
	unlink_idle(pp);
	__atomic_store_n(&pp->idle, 0, __ATOMIC_RELEASE);
	return true;
}

/*
 * sched.lock held. Any idle P, taken off the list to wake as a spinning M.
 * The nmspinning count the waker took is handed over in `granted`, not in
 * `spinning`: that one only its own core writes (it may still be clearing
 * it on its way to sleep).
 */
struct p *pidle_get(void)
{
	assert_held(&sched.lock);
	/* Not the watcher if another will do: waking it leaves the busy
	 * Ps' timers unwatched until the next idle core takes the role. */
	struct p *pp = sched.pidle;
	int w = __atomic_load_n(&sched.watcher, __ATOMIC_RELAXED);
	if (pp && pp->id == w && pp->idle_link)
		pp = pp->idle_link;
	if (!pp)
		return 0;
	unlink_idle(pp);
	__atomic_store_n(&pp->granted, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&pp->idle, 0, __ATOMIC_RELEASE);
	return pp;
}

void wakep(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* the new task before npidle */
	if (!__atomic_load_n(&sched.npidle, __ATOMIC_RELAXED))
		return;
	int zero = 0;
	if (__atomic_load_n(&sched.nmspinning, __ATOMIC_RELAXED) ||
	    !__atomic_compare_exchange_n(&sched.nmspinning, &zero, 1, false, __ATOMIC_SEQ_CST,
					 __ATOMIC_RELAXED))
		return; /* a spinning M will find the work */
	spin_lock(&sched.lock);
	struct p *pp = pidle_get();
	spin_unlock(&sched.lock);
	if (!pp) {
		__atomic_sub_fetch(&sched.nmspinning, 1, __ATOMIC_SEQ_CST);
		return;
	}
	ipi_send(pp->id, IPI_RESCHED);
}

/*
 * Deferred wakes. A task readied into runnext, with nothing else queued
 * on its P, runs next on that P, at once in the common case: its readier
 * blocks or exits (a channel relay, a reply). Waking an idle core for it
 * (wakep) then costs an IPI and the sleeper's trip through the steal
 * passes and back to WFI, and finds the task gone. Linux's WF_SYNC
 * wake-ups rest on the same observation, with the waker's hint that it is
 * about to sleep; here the P's own timer decides instead: wakep_later arms
 * it pp->wake_defer ahead, and only if the task still waits in runnext
 * then (its readier ran on) does wakep_due wake a core to take it, as
 * wakep would have, that much later. Either way the task runs: on this P
 * at the next switch, or on the woken core.
 *
 * The delay adapts, per P, between WAKE_DEFER_MIN_NS and _MAX_NS
 * (sched.h): each hand-over within WAKE_DEFER_MIN_NS of the ready
 * (wake_handed_over: the readier parks or exits and switches straight to
 * its wakee, park.c) doubles it; a later one halves it, and a wake that
 * had to be made (the readier ran on) sets it back to the minimum. A late
 * hand-over alone is most often a stall of the readier's core (an
 * interrupt, a host that deschedules the vCPU), not a readier that runs
 * on: under TCG the deferral's own timer interrupt takes about 100 us of
 * wall time, and when a late hand-over set the minimum, each interrupt
 * shrank the deferral and so brought the next one sooner (daisy's relay
 * at two cores: 360-680 interrupts per 10,000 links; halving, 120-230).
 * Any other way the task leaves runnext (the scheduler runs it, a thief
 * takes it) just ends the wait (g_run_here, wakep_due). A relay, where
 * every wake would be futile, then arms the timer about once per
 * WAKE_DEFER_MAX_NS instead of once per ready: a hand-over leaves the
 * early interrupt armed, since pulling the register back costs more than
 * the interrupt (under TCG a compare write wakes QEMU's main loop;
 * re-arming at each hand-over made the daisy chain's relay 7 times
 * slower). A producer that readies a consumer and computes on gets its
 * consumer woken after WAKE_DEFER_MIN_NS, after at most one
 * WAKE_DEFER_MAX_NS wait when its P was relaying before. One that
 * computes a while and then blocks, every time, halves the deferral at
 * each late hand-over, until the deferral runs out before the hand-over
 * and the wake it makes sets the minimum: from the maximum, within about
 * four such readyings (log2 of MAX/MIN) its wakee gets another core.
 *
 * No lost wake-ups: the argument at the top of this file holds with
 * "wakes one" read as "wakes one by the deadline": the adder's fence and
 * read of npidle and nmspinning are made at once, only the IPI waits.
 * sched.lock busy at the interrupt (the interrupted code may hold it on
 * this very core) moves the deadline RETRY_US on (sched/preempt.c).
 *
 * The deferral needs this P's timer interrupt: readied with IRQs masked
 * (an interrupt handler, a driver's polling loop), the wake is made at
 * once. A readier that masks IRQs after the ready and runs on holds the
 * wake until it unmasks (its own preemption waits as long).
 *
 * Own core only: wake_at and wake_defer are written by their P's owner,
 * with preemption off or from its timer interrupt (so wake_at is atomic,
 * relaxed: one core, an interrupt between any two instructions).
 */
static uint64_t defer_min, defer_max;

void wakep_init(void)
{
	defer_min = timer_ns_to_ticks(WAKE_DEFER_MIN_NS) + 1;
	defer_max = timer_ns_to_ticks(WAKE_DEFER_MAX_NS) + 1;
	for (int i = 0; i < sched.nprocs; i++)
		allp[i].wake_defer = defer_min;
}

void wakep_later(struct p *pp)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* the new task before npidle */
	if (!__atomic_load_n(&sched.npidle, __ATOMIC_RELAXED) ||
	    __atomic_load_n(&sched.nmspinning, __ATOMIC_RELAXED))
		return; /* nobody to wake, or a spinning M will find it: as wakep */
	if (__atomic_load_n(&pp->wake_at, __ATOMIC_RELAXED))
		return; /* one is pending already, with an earlier deadline */
	if (!irqs_enabled()) {
		wakep(); /* no timer interrupt could come to make it */
		return;
	}
	/* Masked while the deadline and the register (pp->armed) agree: the
	 * timer interrupt rewrites both. */
	irq_disable();
	uint64_t w = timer_count_fast() + pp->wake_defer;
	__atomic_store_n(&pp->wake_at, w, __ATOMIC_RELAXED);
	if (w < pp->armed)
		timer_set_compare(pp, w);
	irq_enable();
}

void wake_learn(struct p *pp)
{
	if (runq_next_word(&pp->runq))
		return; /* not what the wake was for (g_run_here clears it) */
	uint64_t readied = __atomic_load_n(&pp->wake_at, __ATOMIC_RELAXED) - pp->wake_defer;
	__atomic_store_n(&pp->wake_at, 0, __ATOMIC_RELAXED);
	if (timer_count_fast() - readied > defer_min) /* late: a stall, or a readier that ran on */
		pp->wake_defer = pp->wake_defer / 2 > defer_min ? pp->wake_defer / 2 : defer_min;
	else
		pp->wake_defer = pp->wake_defer * 2 < defer_max ? pp->wake_defer * 2 : defer_max;
}

/*
 * The timer interrupt, IRQs masked, over whatever this core was running
 * (which may hold sched.lock or be in a preemption-off region): so no
 * waiting for the lock and no preemption count, only a try. True: done
 * (a core woken, or none needed).
 */
bool wakep_due(struct p *pp)
{
	if (runq_empty_owner(&pp->runq))
		return true; /* stolen meanwhile */
	if (!spin_trylock_raw(&sched.lock))
		return false;
	struct p *idle = 0;
	int zero = 0;
	if (__atomic_load_n(&sched.npidle, __ATOMIC_RELAXED) &&
	    __atomic_compare_exchange_n(&sched.nmspinning, &zero, 1, false, __ATOMIC_SEQ_CST,
					__ATOMIC_RELAXED)) {
		idle = pidle_get();
		if (!idle)
			__atomic_sub_fetch(&sched.nmspinning, 1, __ATOMIC_SEQ_CST);
	}
	spin_unlock_raw(&sched.lock);
	if (idle)
		ipi_send(idle->id, IPI_RESCHED);
	pp->wake_defer = defer_min;
	return true;
}

void wake_for_pinned(struct p *pp)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!__atomic_load_n(&pp->idle, __ATOMIC_RELAXED))
		return; /* awake: it checks its pinned tasks before sleeping */
	spin_lock(&sched.lock);
	bool woke = pidle_remove(pp);
	spin_unlock(&sched.lock);
	if (woke)
		ipi_send(pp->id, IPI_RESCHED);
}

/*
 * Work that pp could run: the global queue, any run queue (to steal), its
 * own pinned tasks. Other Ps' pinned tasks are not ours to run (their
 * pusher wakes their core); with `all_pinned` they count too, for the
 * deadlock check.
 */
bool any_work(struct p *pp, bool all_pinned)
{
	if (__atomic_load_n(&sched.runqsize, __ATOMIC_ACQUIRE))
		return true;
	for (int i = 0; i < sched.nprocs; i++) {
		struct p *q = &allp[i];
		if (!runq_empty(&q->runq) ||
		    ((all_pinned || q == pp) && __atomic_load_n(&q->npinned, __ATOMIC_ACQUIRE)))
			return true;
	}
	return false;
}

/*
 * A deadlock only if, under sched.lock, every P is idle, this one is still
 * on the list (nobody woke it) and no queue holds a task. Without the lock
 * a P that just went idle could make npidle look full while the work it
 * added for us is on its way (a false "deadlock!").
 */
static bool all_idle_no_work(struct p *pp)
{
	spin_lock(&sched.lock);
	bool dead = sched.npidle == sched.nprocs && pp->idle && !any_work(pp, true) &&
		    !timers_live() && !netpoll_live();
	spin_unlock(&sched.lock);
	return dead;
}

/* Off the idle list by itself (or a waker already took it off). */
static void unidle(struct p *pp)
{
	spin_lock(&sched.lock);
	pidle_remove(pp);
	spin_unlock(&sched.lock);
}

void sleep_until_woken(struct p *pp)
{
	spin_lock(&sched.lock);
	if (sched.runqsize) {
		spin_unlock(&sched.lock);
		return;
	}
	pidle_put(pp);
	spin_unlock(&sched.lock);
	pp->slice_end = 0; /* whatever runs after the sleep starts a new slice */
	__atomic_store_n(&pp->wake_at, 0, __ATOMIC_RELAXED); /* its task was stolen */
	if (pp->spinning) {
		pp->spinning = 0;
		__atomic_sub_fetch(&sched.nmspinning, 1, __ATOMIC_SEQ_CST);
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* npidle, nmspinning before the re-check */
	if (any_work(pp, false)) {
		unidle(pp);
	} else {
		if (__atomic_load_n(&sched.npidle, __ATOMIC_SEQ_CST) == sched.nprocs &&
		    all_idle_no_work(pp))
			check_dead();
		irq_disable();
		/* Past its last look at the queues until it leaves the loop
		 * (bench/scale.c waits for this before borrowing a queue). */
		__atomic_store_n(&pp->asleep, 1, __ATOMIC_RELEASE);
		while (__atomic_load_n(&pp->idle, __ATOMIC_ACQUIRE)) {
			if (netpoll_waiting()) { /* an interrupt of ours has a task to tell */
				unidle(pp);
				break;
			}
			bool watched;
			uint64_t w = watch_arm(pp, &watched);
			if (w <= timer_count()) {
				unidle(pp);
				pp->watch_fired = watched;
				break;
			}
			timer_set_compare(pp, w);
			evtrace(EV_IDLE, 1, 0);
			wfi();
			evtrace(EV_IDLE, 0, 0);
			/* Let the interrupt that ended WFI run (a timer, an
			 * smp_call), then look again with IRQs masked. */
			irq_enable();
			isb();
			irq_disable();
		}
		__atomic_store_n(&pp->asleep, 0, __ATOMIC_RELAXED);
		irq_enable();
	}
	watch_leave(pp, pp->watch_fired);
	/* Busy again: our own timers need the watcher too, if we run a task
	 * (execute). */
	if (sched.nprocs > 1 && timers_when(pp) != UINT64_MAX)
		pp->timers_unwatched = 1;
	/* Woken by wakep: we are its spinning M, with the count it took. */
	if (__atomic_exchange_n(&pp->granted, 0, __ATOMIC_ACQUIRE))
		pp->spinning = 1;
}
