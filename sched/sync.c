/*
 * sync.WaitGroup. The zero value is ready: an unlocked lock, a zero
 * count, no waiters. `lock` (a spinlock_t) protects count and the waiter
 * list; waiters park with the lock still held and it is released only once
 * they are off their core (go_park's unlock callback), so wg_done cannot
 * ready a waiter that is still running.
 */
#include <gometal.h>
#include <kernel/panic.h>
#include <sched/sched.h>

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
}

void wg_done(waitgroup_t *wg)
{
	wg_add(wg, -1);
}

void wg_wait(waitgroup_t *wg)
{
	struct g *g = getg();
	if (!g)
		panic("wg_wait called outside a task");
	spin_lock(WG_LOCK(wg));
	if (wg->count == 0) {
		spin_unlock(WG_LOCK(wg));
		return;
	}
	g->schedlink = wg->waiters;
	wg->waiters = g;
	go_park(park_unlock_spin, WG_LOCK(wg), "sync.WaitGroup.Wait");
}
