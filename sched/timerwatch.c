/*
 * One idle core covers the timers of the busy ones (Go: an idle M sleeps
 * until the earliest timer of every P, checkTimersNoP and netpoll(delay),
 * and any P runs any due timer).
 *
 * A P's own core covers its timers: its compare register holds the nearer
 * of its earliest timer and its slice's end (sched/time.c). That fails
 * when the core cannot take the interrupt: interrupts masked for a long
 * stretch, a long semihosting call, a hypervisor that deschedules it. So
 * one idle core, the watcher, arms also for the earliest timer of every P
 * that is not idle, and when it fires runs it (find_runnable's
 * steal_timers) and the task it readies. An idle P's own timers need no
 * watcher: its core sleeps with interrupts open. One watcher, not every
 * idle core: otherwise each such timer would wake them all.
 *
 * State (atomics):
 *  - sched.watcher: the watching idle P's id, or -1. An idle core takes the
 *    role by CAS from -1 in its sleep loop (watch_arm); it gives it up when
 *    it leaves idle (watch_leave). Any core leaving idle with no watcher
 *    left wakes an idle core to take the role if some busy P has a timer
 *    (the one poked may itself have been on its way out).
 *  - sched.watch_when: the deadline the watcher is armed for (UINT64_MAX:
 *    none, or no watcher).
 *
 * No timer goes unwatched. A busy P whose earliest timer may be new to the
 * watcher (it added it, or it left idle holding timers) calls timer_cover
 * before it runs a task: its when0 store (and idle = 0), a full fence, a
 * read of watch_when; if its timer is earlier, it lowers watch_when and
 * IPIs the watcher (or, with none, an idle core), whose WFI then ends. The
 * watcher stores watch_when, a full fence, and re-reads every P's idle
 * flag and when0, again until nothing earlier turns up. With a full fence
 * on each side, one of the two sees the other: the P sees a watch_when
 * later than its timer and pokes, or the watcher's re-read finds the timer.
 * A watcher that leaves does watcher = -1, a fence, and a re-read of the
 * busy Ps' timers, so a poke that reached it as it left is handed on.
 */
#include <kernel/ipi.h>
#include <sched/sched.h>

/* The earliest timer of the Ps other than `self` that are not idle. */
static uint64_t busy_earliest(struct p *self)
{
	uint64_t w = UINT64_MAX;
	for (int i = 0; i < sched.nprocs; i++) {
		struct p *q = &allp[i];
		if (q == self || __atomic_load_n(&q->idle, __ATOMIC_SEQ_CST))
			continue;
		uint64_t t = timers_when(q);
		if (t < w)
			w = t;
	}
	return w;
}

/* Ends the watcher's WFI, or with no watcher an idle core's, which takes
 * the role as it goes round its sleep loop. */
static void poke_watch(void)
{
	int id = __atomic_load_n(&sched.watcher, __ATOMIC_SEQ_CST);
	if (id < 0) {
		spin_lock(&sched.lock);
		id = sched.pidle ? sched.pidle->id : -1;
		spin_unlock(&sched.lock);
	}
	if (id >= 0 && id != this_p()->id)
		ipi_send(id, IPI_RESCHED);
}

void timer_cover(struct p *pp)
{
	if (sched.nprocs == 1)
		return; /* one core: nobody else could watch */
	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* when0, idle = 0, before watch_when */
	uint64_t w = timers_when(pp);
	uint64_t cur = __atomic_load_n(&sched.watch_when, __ATOMIC_SEQ_CST);
	if (w >= cur)
		return;
	while (w < cur && !__atomic_compare_exchange_n(&sched.watch_when, &cur, w, false,
						       __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		;
	if (__atomic_load_n(&sched.npidle, __ATOMIC_SEQ_CST))
		poke_watch();
}

/*
 * In the idle loop, IRQs masked: the deadline pp's core arms for. Its own
 * earliest timer; and if it is (or can become) the watcher, the busy Ps'
 * earliest too.
 */
uint64_t watch_arm(struct p *pp, bool *watched)
{
	*watched = false;
	uint64_t own = timers_when(pp);
	int none = -1;
	if (sched.nprocs == 1)
		return own;
	if (__atomic_load_n(&sched.watcher, __ATOMIC_SEQ_CST) != pp->id &&
	    !__atomic_compare_exchange_n(&sched.watcher, &none, pp->id, false, __ATOMIC_SEQ_CST,
					 __ATOMIC_SEQ_CST))
		return own;
	uint64_t w = busy_earliest(pp);
	for (;;) {
		__atomic_store_n(&sched.watch_when, w, __ATOMIC_SEQ_CST);
		__atomic_thread_fence(__ATOMIC_SEQ_CST); /* watch_when before the re-read */
		uint64_t again = busy_earliest(pp);
		if (again >= w)
			break; /* later: one ran meanwhile; we wake early and look again */
		w = again;
	}
	if (w < own) {
		*watched = true;
		return w;
	}
	return own;
}

/*
 * Every way out of idle comes here, the watcher's and any other core's: a
 * core poked to take the role may leave idle (it found work) before it
 * went round its sleep loop, and must then pass the poke on. A watcher
 * that leaves because a watched deadline is due (`fired`) passes it on
 * only after it has run the due timers (find_runnable: watch_handover):
 * the next core would otherwise see the same due timer, take the role,
 * leave, and poke the next, a chain of wake-ups for one timer.
 */
void watch_leave(struct p *pp, bool fired)
{
	if (sched.nprocs == 1)
		return;
	int id = __atomic_load_n(&sched.watcher, __ATOMIC_SEQ_CST);
	if (id == pp->id) {
		__atomic_store_n(&sched.watch_when, UINT64_MAX, __ATOMIC_SEQ_CST);
		__atomic_store_n(&sched.watcher, -1, __ATOMIC_SEQ_CST);
	} else if (id >= 0) {
		return;
	}
	if (!fired)
		watch_handover(pp);
}

void watch_handover(struct p *pp)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* watcher = -1 before the re-read */
	if (busy_earliest(pp) != UINT64_MAX && __atomic_load_n(&sched.watcher, __ATOMIC_SEQ_CST) < 0)
		poke_watch();
}
