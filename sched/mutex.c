/*
 * sync.Mutex (Go's sync/mutex.go, with its own wait queue instead of the
 * runtime's semaphore table).
 *
 * state, changed only by atomic compare-and-swap:
 *   LOCKED    someone owns the mutex
 *   WOKEN     an unlock has woken a waiter that has not yet retried; no
 *             other is woken meanwhile (one retrier at a time)
 *   STARVING  unlock hands the mutex straight to the head waiter; arrivals
 *             queue behind it instead of barging. Implies LOCKED: the
 *             handoff passes ownership without ever releasing.
 *   WAITERS   the queue is not empty: set and cleared only under `lock`,
 *             so, with `lock` held, WAITERS == (head != NULL)
 *
 * The uncontended paths are one CAS each: 0 -> LOCKED, LOCKED -> 0. Any
 * other state sends unlock to the slow path, under `lock`.
 *
 * No lost wake-up: a waiter sets WAITERS (under `lock`) before it
 * re-checks LOCKED and queues, and stays holding `lock` until it is off its
 * core. An unlock that came before the WAITERS store released LOCKED, which
 * the waiter's re-check sees; one that comes after fails its fast CAS and
 * takes `lock`, after which it finds the waiter queued.
 *
 * Normal mode lets a running task take the mutex ahead of woken waiters
 * (it is on a core already, which is fast); a woken waiter that loses
 * requeues at the head. A waiter that has waited over STARVE_NS switches
 * the mutex to starvation mode, so no waiter waits much longer than that
 * behind newcomers. Unlock leaves starvation mode when it hands off to the
 * last waiter or to one that waited less than STARVE_NS.
 */
#include <sched/syncq.h>
#include <kernel/panic.h>

#define M_LOCKED	1u
#define M_WOKEN		2u
#define M_STARVING	4u
#define M_WAITERS	8u

#define STARVE_NS	1000000ull	/* 1 ms, as Go's starvationThresholdNs */
#define SPIN_ROUNDS	4		/* Go's active_spin */
#define SPIN_PAUSES	30		/* Go's active_spin_cnt */

static bool cas(uint32_t *p, uint32_t *old, uint32_t new, int success_order)
{
	return __atomic_compare_exchange_n(p, old, new, false, success_order, __ATOMIC_RELAXED);
}

bool mutex_trylock(mutex_t *m)
{
	uint32_t s = __atomic_load_n(&m->state, __ATOMIC_RELAXED);
	if (s & (M_LOCKED | M_STARVING))
		return false;
	return cas(&m->state, &s, s | M_LOCKED, __ATOMIC_ACQUIRE);
}

/* Spinning is worth it only while the owner runs on another core. */
static bool can_spin(int round)
{
	return round < SPIN_ROUNDS && go_ncpu() > 1;
}

/*
 * Under m->lock: takes the mutex if it is free (true), else marks WAITERS
 * (and STARVING if we have starved) for the queueing that follows.
 */
static bool acquire_or_mark(mutex_t *m, bool starving)
{
	uint32_t s = __atomic_load_n(&m->state, __ATOMIC_RELAXED);
	for (;;) {
		if (!(s & M_LOCKED)) {
			if (cas(&m->state, &s, s | M_LOCKED, __ATOMIC_ACQUIRE))
				return true;
			continue;
		}
		uint32_t ns = s | M_WAITERS | (starving ? M_STARVING : 0);
		if (cas(&m->state, &s, ns, __ATOMIC_RELAXED))
			return false;
	}
}

static __attribute__((noinline)) void mutex_lock_slow(mutex_t *m)
{
	struct g *g = must_be_task("mutex_lock");
	struct sync_waiter w = {.g = g};
	bool starving = false;
	int round = 0;
	for (;;) {
		uint32_t s = __atomic_load_n(&m->state, __ATOMIC_RELAXED);
		if (!(s & M_LOCKED)) {
			if (cas(&m->state, &s, s | M_LOCKED, __ATOMIC_ACQUIRE))
				return;
			continue;
		}
		if (!(s & M_STARVING) && can_spin(round)) {
			for (int i = 0; i < SPIN_PAUSES; i++)
				spin_pause();
			round++;
			continue;
		}
		spin_lock(SYNC_LOCK(m));
		if (acquire_or_mark(m, starving)) {
			spin_unlock(SYNC_LOCK(m));
			return;
		}
		if (w.start) {
			syncq_push_head(m, &w); /* woken and lost: first in line again */
		} else {
			w.start = go_now();
			syncq_push_tail(m, &w);
		}
		syncq_park(SYNC_LOCK(m), "sync.Mutex.Lock");
		if (w.handoff)
			return; /* starvation mode: unlock made us the owner */
		__atomic_fetch_and(&m->state, ~M_WOKEN, __ATOMIC_RELAXED);
		starving = starving || go_now() - w.start > STARVE_NS;
		round = 0;
	}
}

void mutex_lock(mutex_t *m)
{
	uint32_t s = 0;
	if (cas(&m->state, &s, M_LOCKED, __ATOMIC_ACQUIRE))
		return;
	mutex_lock_slow(m);
}

/* Starvation mode, m->lock held: ownership goes to the head waiter. */
static struct g *handoff(mutex_t *m)
{
	assert_held(SYNC_LOCK(m));
	struct sync_waiter *w = syncq_pop(m);
	uint32_t clear = 0;
	if (!m->head)
		clear = M_WAITERS | M_STARVING;
	else if (go_now() - w->start < STARVE_NS)
		clear = M_STARVING;
	__atomic_fetch_and(&m->state, ~clear, __ATOMIC_RELEASE);
	w->handoff = true;
	return w->g;
}

/* Normal mode, m->lock held: release, and wake the head waiter unless a
 * woken one is still on its way. */
static struct g *release(mutex_t *m)
{
	assert_held(SYNC_LOCK(m));
	uint32_t s = __atomic_load_n(&m->state, __ATOMIC_RELAXED);
	struct sync_waiter *w;
	uint32_t ns;
	do {
		w = 0;
		ns = s & ~M_LOCKED;
		if (!(s & M_WOKEN) && m->head) {
			w = m->head;
			ns |= M_WOKEN;
			if (!w->next)
				ns &= ~M_WAITERS;
		}
	} while (!cas(&m->state, &s, ns, __ATOMIC_RELEASE));
	if (!w)
		return 0;
	syncq_pop(m);
	return w->g;
}

static __attribute__((noinline)) void mutex_unlock_slow(mutex_t *m, uint32_t s)
{
	if (!(s & M_LOCKED))
		panic("sync: unlock of unlocked mutex %p", (void *)m);
	spin_lock(SYNC_LOCK(m));
	s = __atomic_load_n(&m->state, __ATOMIC_RELAXED);
	struct g *wake = (s & M_STARVING) ? handoff(m) : release(m);
	spin_unlock(SYNC_LOCK(m));
	if (wake)
		go_ready(wake);
}

void mutex_unlock(mutex_t *m)
{
	uint32_t s = M_LOCKED;
	if (!cas(&m->state, &s, 0, __ATOMIC_RELEASE))
		mutex_unlock_slow(m, s);
	chaos_yield_point();
}
