/*
 * The wait queue of sync objects (mutex_t, sema_t, cond_t): waiters, each
 * on its own task's stack while it is parked, in a singly linked FIFO. The
 * object's spinlock (its `lock` word) protects the queue and every queued
 * waiter's fields; a waiter parks with that lock held and go_park releases
 * it only once the task is off its core (park_unlock_spin).
 */
#pragma once
#include <gometal.h>
#include <kernel/spinlock.h>
#include <sched/park.h>
#include <stdbool.h>
#include <stdint.h>

struct sync_waiter {
	struct g *g;
	struct sync_waiter *next;
	uint64_t start;		/* go_now() when it first queued (mutex starvation) */
	uint32_t ticket;	/* cond_t */
	bool handoff;		/* what it waited for was handed to it directly */
};

#define SYNC_LOCK(obj) ((spinlock_t *)&(obj)->lock)
_Static_assert(sizeof(((mutex_t *)0)->lock) == sizeof(spinlock_t), "sync lock word");

/* obj is any struct with head and tail of type struct sync_waiter *. */
#define syncq_push_tail(obj, w)                      \
	do {                                         \
		(w)->next = 0;                       \
		if ((obj)->tail)                     \
			(obj)->tail->next = (w);     \
		else                                 \
			(obj)->head = (w);           \
		(obj)->tail = (w);                   \
	} while (0)

#define syncq_push_head(obj, w)                      \
	do {                                         \
		(w)->next = (obj)->head;             \
		(obj)->head = (w);                   \
		if (!(obj)->tail)                    \
			(obj)->tail = (w);           \
	} while (0)

static inline struct sync_waiter *syncq_pop_(struct sync_waiter **head, struct sync_waiter **tail)
{
	struct sync_waiter *w = *head;
	if (w) {
		*head = w->next;
		if (!*head)
			*tail = 0;
	}
	return w;
}

#define syncq_pop(obj) syncq_pop_(&(obj)->head, &(obj)->tail)

/* Parks the caller as w on obj's queue: obj's lock is held, and released
 * once the caller is off its core. */
static inline void syncq_park(spinlock_t *lock, const char *reason)
{
	assert_held(lock);
	go_park_unlock(lock, reason);
}

/* Internal semaphore wait that shows the caller's wait reason (rwmutex). */
void sema_acquire_reason(sema_t *s, const char *reason);
