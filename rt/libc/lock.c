/*
 * newlib's retargetable locks (built with --enable-newlib-retargetable-
 * locking): malloc, stdio, atexit, environ... each take one of these.
 *
 * A lock belongs to a task, not a core (tasks move between cores), and a
 * task that finds it taken parks instead of spinning. Code that runs
 * outside any task (boot, the scheduler itself) owns locks as its core and
 * spins for them; interrupt handlers never call newlib (rt/irq.c).
 *
 * `guard` protects owner, depth and the waiter queue. Release hands the
 * lock straight to the first waiter (owner set before it is readied), so a
 * woken task owns the lock when it runs and nobody can barge in between.
 * The owner's own fast path reads `owner` without the guard: only the
 * owner itself (or a hand-off while it is parked) ever stores its token.
 */
#include <kernel/panic.h>
#include <kernel/percpu.h>
#include <kernel/spinlock.h>
#include <sched/sched.h>
#include <stdlib.h>
#include <sys/lock.h>

struct __lock {
	spinlock_t guard;
	uintptr_t owner;	/* a struct g *, a core token (odd), or 0 if free */
	int depth;		/* recursion depth of the owner */
	struct gqueue waiters;	/* parked, first come first served */
};

/* The static locks newlib names (newlib/libc/misc/lock.c). */
struct __lock __lock___sinit_recursive_mutex, __lock___sfp_recursive_mutex,
	__lock___atexit_recursive_mutex, __lock___at_quick_exit_mutex,
	__lock___malloc_recursive_mutex, __lock___env_recursive_mutex,
	__lock___tz_mutex, __lock___dd_hash_mutex, __lock___arc4random_mutex;

static uintptr_t me(void)
{
	struct g *g = getg();
	return g ? (uintptr_t)g : ((uintptr_t)cpu_id() << 1 | 1);
}

static uintptr_t owner(_LOCK_T l) { return __atomic_load_n(&l->owner, __ATOMIC_RELAXED); }
static void set_owner(_LOCK_T l, uintptr_t o) { __atomic_store_n(&l->owner, o, __ATOMIC_RELAXED); }

void __retarget_lock_init(_LOCK_T *l)
{
	*l = calloc(1, sizeof(struct __lock));
	if (!*l)
		panic("newlib: out of memory for a lock");
}

void __retarget_lock_init_recursive(_LOCK_T *l) { __retarget_lock_init(l); }
void __retarget_lock_close(_LOCK_T l) { free(l); }
void __retarget_lock_close_recursive(_LOCK_T l) { free(l); }

/* Guard held: take the lock if free. */
static int take_if_free(_LOCK_T l, uintptr_t m)
{
	if (owner(l))
		return 0;
	set_owner(l, m);
	l->depth = 1;
	return 1;
}

void __retarget_lock_acquire_recursive(_LOCK_T l)
{
	uintptr_t m = me();
	if (owner(l) == m) {
		l->depth++;
		return;
	}
	struct g *g = getg();
	for (;;) {
		spin_lock(&l->guard);
		if (take_if_free(l, m)) {
			spin_unlock(&l->guard);
			return;
		}
		if (g)
			break;
		spin_unlock(&l->guard); /* no task to park: spin */
		cpu_relax();
	}
	gq_push(&l->waiters, g);
	go_park(park_unlock_spin, &l->guard, "newlib lock");
	/* Handed over: owner == g, depth == 1. */
}

int __retarget_lock_try_acquire_recursive(_LOCK_T l)
{
	uintptr_t m = me();
	if (owner(l) == m) {
		l->depth++;
		return 1;
	}
	spin_lock(&l->guard);
	int got = take_if_free(l, m);
	spin_unlock(&l->guard);
	return got;
}

void __retarget_lock_release_recursive(_LOCK_T l)
{
	if (owner(l) != me())
		panic("newlib: lock %p released by a task that does not hold it", (void *)l);
	if (--l->depth > 0)
		return;
	spin_lock(&l->guard);
	struct g *w = gq_pop(&l->waiters);
	if (w) {
		set_owner(l, (uintptr_t)w);
		l->depth = 1;
	} else {
		set_owner(l, 0);
	}
	spin_unlock(&l->guard);
	if (w)
		go_ready(w);
}

void __retarget_lock_acquire(_LOCK_T l) { __retarget_lock_acquire_recursive(l); }
int __retarget_lock_try_acquire(_LOCK_T l) { return __retarget_lock_try_acquire_recursive(l); }
void __retarget_lock_release(_LOCK_T l) { __retarget_lock_release_recursive(l); }
