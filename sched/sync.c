/*
 * sync.WaitGroup, sync.Once and sync.Cond. (Mutex: sched/mutex.c;
 * RWMutex: sched/rwmutex.c; semaphores: sched/sema.c.)
 *
 * WaitGroup: the zero value is ready: an unlocked lock, a zero
 * count, no waiters. `lock` (a spinlock_t) protects count and the waiter
 * list; waiters park with the lock still held and it is released only once
 * they are off their core (go_park's unlock callback), so wg_done cannot
 * ready a waiter that is still running.
 */
#include <gometal.h>
#include <kernel/panic.h>
#include <sched/sched.h>
#include <sched/syncq.h>

_Static_assert(sizeof(((waitgroup_t *)0)->lock) == sizeof(spinlock_t), "waitgroup lock");

#define WG_LOCK(wg) ((spinlock_t *)&(wg)->lock)

void wg_add(waitgroup_t *wg, long n)
{
	spin_lock(WG_LOCK(wg));
	wg->count += n;
	if (wg->count < 0) {
		spin_unlock(WG_LOCK(wg));
		panic("sync: negative WaitGroup counter (task %ld)", go_id());
	}
	struct g *w = 0;
	if (wg->count == 0) { /* release every waiter */
		w = wg->waiters;
		wg->waiters = 0;
	}
	spin_unlock(WG_LOCK(wg));
	while (w) {
		struct g *next = w->schedlink;
		go_ready(w);
		w = next;
	}
	chaos_yield_point();
}

void wg_done(waitgroup_t *wg)
{
	wg_add(wg, -1);
}

void wg_wait(waitgroup_t *wg)
{
	struct g *g = must_be_task("wg_wait");
	spin_lock(WG_LOCK(wg));
	if (wg->count == 0) {
		spin_unlock(WG_LOCK(wg));
		return;
	}
	g->schedlink = wg->waiters;
	wg->waiters = g;
	go_park_unlock(WG_LOCK(wg), "sync.WaitGroup.Wait");
}

/* --- sync.Once --- */

/*
 * done is set (release) only after fn returns, and read (acquire) on the
 * fast path, so whoever sees it set also sees fn's effects. Callers that
 * come while fn runs wait on m, which the running caller holds.
 */
void once_do(once_t *o, void (*fn)(void *), void *arg)
{
	if (__atomic_load_n(&o->done, __ATOMIC_ACQUIRE))
		return;
	mutex_lock(&o->m);
	if (!o->done) {
		fn(arg);
		__atomic_store_n(&o->done, 1, __ATOMIC_RELEASE);
	}
	mutex_unlock(&o->m);
}

/* --- sync.Cond (Go's notifyList) --- */

/*
 * Each waiter takes a ticket (wait++) before it unlocks m, and sleeps
 * until notify passes its ticket. Signal advances notify by one and wakes
 * that ticket's waiter; if the waiter has not queued yet, it sees its
 * ticket already passed and does not sleep: a signal between m's unlock
 * and the sleep is not lost. `lock` protects both counters and the queue.
 */
static bool ticket_passed(cond_t *c, uint32_t t)
{
	return (int32_t)(t - c->notify) < 0;
}

void cond_wait(cond_t *c, mutex_t *m)
{
	struct g *g = must_be_task("cond_wait");
	spin_lock(SYNC_LOCK(c));
	uint32_t t = c->wait++;
	spin_unlock(SYNC_LOCK(c));
	mutex_unlock(m);
	spin_lock(SYNC_LOCK(c));
	if (ticket_passed(c, t)) {
		spin_unlock(SYNC_LOCK(c));
	} else {
		struct sync_waiter w = {.g = g, .ticket = t};
		syncq_push_tail(c, &w);
		syncq_park(SYNC_LOCK(c), "sync.Cond.Wait");
	}
	mutex_lock(m);
}

void cond_signal(cond_t *c)
{
	spin_lock(SYNC_LOCK(c));
	if (c->wait == c->notify) {
		spin_unlock(SYNC_LOCK(c));
		return;
	}
	uint32_t t = c->notify++;
	struct g *wake = 0;
	for (struct sync_waiter **pw = &c->head, *prev = 0; *pw; prev = *pw, pw = &(*pw)->next) {
		struct sync_waiter *w = *pw;
		if (w->ticket != t)
			continue;
		*pw = w->next;
		if (c->tail == w)
			c->tail = prev;
		wake = w->g;
		break;
	}
	spin_unlock(SYNC_LOCK(c));
	if (wake)
		go_ready(wake);
}

void cond_broadcast(cond_t *c)
{
	spin_lock(SYNC_LOCK(c));
	c->notify = c->wait;
	struct sync_waiter *w = c->head;
	c->head = c->tail = 0;
	spin_unlock(SYNC_LOCK(c));
	/* Read next before readying: the waiter's record is on its stack. */
	while (w) {
		struct sync_waiter *next = w->next;
		go_ready(w->g);
		w = next;
	}
}
