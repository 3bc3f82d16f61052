/*
 * sync.RWMutex, Go's algorithm (sync/rwmutex.go).
 *
 * readercount counts readers in (and readers waiting); a writer subtracts
 * RW_MAX_READERS from it, which both announces the writer (new readers see
 * a negative count and wait on readersem) and tells it how many readers
 * were in: it waits on writersem for readerwait of them to leave, and the
 * last one to leave releases it. Writers exclude each other with w, which
 * a writer holds from rw_lock to rw_unlock. Both counters change only by
 * atomic add, so uncontended rlock/runlock are one atomic each.
 */
#include <sched/syncq.h>
#include <kernel/panic.h>

#define RW_MAX_READERS (1 << 30)

static int32_t add(int32_t *p, int32_t d)
{
	return __atomic_add_fetch(p, d, __ATOMIC_ACQ_REL);
}

void rw_rlock(rwmutex_t *rw)
{
	if (add(&rw->readercount, 1) < 0) /* a writer is in or waiting */
		sema_acquire_reason(&rw->readersem, "sync.RWMutex.RLock");
}

void rw_runlock(rwmutex_t *rw)
{
	int32_t r = add(&rw->readercount, -1);
	if (r >= 0)
		return;
	if (r + 1 == 0 || r + 1 == -RW_MAX_READERS)
		panic("sync: RUnlock of unlocked RWMutex %p", (void *)rw);
	/* A writer waits: the last reader it waits for lets it in. */
	if (add(&rw->readerwait, -1) == 0)
		sema_release(&rw->writersem);
}

void rw_lock(rwmutex_t *rw)
{
	mutex_lock(&rw->w);
	int32_t r = add(&rw->readercount, -RW_MAX_READERS) + RW_MAX_READERS;
	if (r != 0 && add(&rw->readerwait, r) != 0)
		sema_acquire_reason(&rw->writersem, "sync.RWMutex.Lock");
}

void rw_unlock(rwmutex_t *rw)
{
	int32_t r = add(&rw->readercount, RW_MAX_READERS);
	if (r >= RW_MAX_READERS)
		panic("sync: Unlock of unlocked RWMutex %p", (void *)rw);
	for (int32_t i = 0; i < r; i++) /* the readers that queued meanwhile */
		sema_release(&rw->readersem);
	mutex_unlock(&rw->w);
}
