/*
 * newlib's retargetable locks (built with --enable-newlib-retargetable-
 * locking): malloc, stdio, atexit, environ... each take one of these.
 *
 * For now a lock is a recursive spinlock owned by a core: `owner` is the
 * holder's cpu id + 1 and `depth` its nesting; both are written only by
 * the holder. The scheduler issue makes the owner a task and makes waiters
 * park instead of spin, since tasks migrate between cores.
 *
 * Interrupt handlers never call newlib (kernel/irq.c), so these locks are
 * taken with IRQs enabled.
 */
#include <kernel/panic.h>
#include <kernel/percpu.h>
#include <kernel/spinlock.h>
#include <stdlib.h>
#include <sys/lock.h>

struct __lock {
	spinlock_t lock;
	int owner;	/* cpu id + 1 of the holder, 0 if free */
	int depth;	/* recursion depth of the holder */
};

/* The static locks newlib names (newlib/libc/misc/lock.c). */
struct __lock __lock___sinit_recursive_mutex, __lock___sfp_recursive_mutex,
	__lock___atexit_recursive_mutex, __lock___at_quick_exit_mutex,
	__lock___malloc_recursive_mutex, __lock___env_recursive_mutex,
	__lock___tz_mutex, __lock___dd_hash_mutex, __lock___arc4random_mutex;

static int me(void) { return cpu_id() + 1; }

void __retarget_lock_init(_LOCK_T *l)
{
	*l = calloc(1, sizeof(struct __lock));
	if (!*l)
		panic("newlib: out of memory for a lock");
}

void __retarget_lock_init_recursive(_LOCK_T *l) { __retarget_lock_init(l); }
void __retarget_lock_close(_LOCK_T l) { free(l); }
void __retarget_lock_close_recursive(_LOCK_T l) { free(l); }

void __retarget_lock_acquire_recursive(_LOCK_T l)
{
	if (l->owner == me()) {	/* only we could have written our own id */
		l->depth++;
		return;
	}
	spin_lock(&l->lock);
	l->owner = me();
	l->depth = 1;
}

int __retarget_lock_try_acquire_recursive(_LOCK_T l)
{
	if (l->owner == me()) {
		l->depth++;
		return 1;
	}
	if (!spin_trylock(&l->lock))
		return 0;
	l->owner = me();
	l->depth = 1;
	return 1;
}

void __retarget_lock_release_recursive(_LOCK_T l)
{
	if (l->owner != me())
		panic("newlib: lock %p released by a core that does not hold it", (void *)l);
	if (--l->depth == 0) {
		l->owner = 0;
		spin_unlock(&l->lock);
	}
}

void __retarget_lock_acquire(_LOCK_T l) { __retarget_lock_acquire_recursive(l); }
int __retarget_lock_try_acquire(_LOCK_T l) { return __retarget_lock_try_acquire_recursive(l); }
void __retarget_lock_release(_LOCK_T l) { __retarget_lock_release_recursive(l); }
