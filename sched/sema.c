/*
 * Counting semaphore (sema_t) with FIFO waiters. `lock` protects count and
 * the queue. A release with a waiter queued hands its unit straight to the
 * head waiter (count stays 0), so a task arriving later cannot take the
 * unit first: waiters are served in arrival order.
 */
#include <sched/syncq.h>
#include <kernel/panic.h>

void sema_init(sema_t *s, long count)
{
	if (count < 0)
		panic("sema_init: negative count %ld", count);
	spin_lock(SYNC_LOCK(s));
	if (s->head) {
		spin_unlock(SYNC_LOCK(s));
		panic("sema_init: semaphore %p has waiters", (void *)s);
	}
	s->count = count;
	spin_unlock(SYNC_LOCK(s));
}

bool sema_tryacquire(sema_t *s)
{
	spin_lock(SYNC_LOCK(s));
	bool ok = s->count > 0;
	if (ok)
		s->count--;
	spin_unlock(SYNC_LOCK(s));
	return ok;
}

void sema_acquire_reason(sema_t *s, const char *reason)
{
	spin_lock(SYNC_LOCK(s));
	if (s->count > 0) {
		s->count--;
		spin_unlock(SYNC_LOCK(s));
		return;
	}
	struct sync_waiter w = {.g = must_be_task("sema_acquire")};
	syncq_push_tail(s, &w);
	syncq_park(SYNC_LOCK(s), reason); /* woken owning the unit */
}

void sema_acquire(sema_t *s)
{
	sema_acquire_reason(s, "semacquire");
}

void sema_release(sema_t *s)
{
	spin_lock(SYNC_LOCK(s));
	struct sync_waiter *w = syncq_pop(s);
	if (!w)
		s->count++;
	struct g *g = w ? w->g : 0;
	spin_unlock(SYNC_LOCK(s));
	if (g)
		go_ready(g);
}
