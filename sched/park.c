/*
 * Leaving a core: park (block), yield, exit; and coming back: ready.
 * Each switch goes through the core's scheduler stack (Go's mcall to g0):
 * the task's context is saved first, so once the task is on any queue
 * another core may run it at once.
 */
#include <gometal.h>
#include <kernel/panic.h>
#include <reent.h>
#include <sched/sched.h>

static void mcall(void (*fn)(struct g *))
{
	struct g *g = getg();
	sched_mcall(&g->ctx, fn, g, this_p()->g0_sp);
}

static struct g *must_be_task(const char *what)
{
	struct g *g = getg();
	if (!g)
		panic("%s called outside a task", what);
	return g;
}

/* --- park / ready --- */

static void *park_arg[NCPU_MAX];
static bool (*park_fn[NCPU_MAX])(struct g *, void *);

static void park_m(struct g *g)
{
	int c = cpu_id();
	g->state = G_WAITING;
	this_cpu()->curg = 0;
	bool (*unlockf)(struct g *, void *) = park_fn[c];
	if (unlockf && !unlockf(g, park_arg[c])) {
		g->state = G_RUNNING; /* changed its mind: run on */
		this_cpu()->curg = g;
		sched_gogo(&g->ctx);
	}
	schedule();
}

void go_park(bool (*unlockf)(struct g *, void *), void *arg, const char *reason)
{
	struct g *g = must_be_task("go_park");
	int c = cpu_id();
	g->waitreason = reason;
	park_fn[c] = unlockf;
	park_arg[c] = arg;
	mcall(park_m);
	g->waitreason = 0;
}

bool park_unlock_spin(struct g *g, void *lock)
{
	(void)g;
	spin_unlock(lock);
	return true;
}

void go_ready(struct g *g)
{
	int waiting = G_WAITING;
	if (!__atomic_compare_exchange_n(&g->state, &waiting, G_RUNNABLE, false, __ATOMIC_RELAXED,
					 __ATOMIC_RELAXED))
		panic("go_ready: task %ld (%s) is not waiting (state %d)", g->id, g->name,
		      waiting);
	ready_put(g);
}

/* --- yield --- */

/* Go's Gosched: to the back of the global queue, where any core finds it. */
static void gosched_m(struct g *g)
{
	g->state = G_RUNNABLE;
	if (g->pin >= 0) {
		pinq_put(&allp[g->pin], g);
	} else {
		spin_lock(&sched.lock);
		globrunq_put(g);
		spin_unlock(&sched.lock);
		wakep(); /* an idle core may take it before this one is free */
	}
	schedule();
}

/*
 * When this P has nothing local (nor pinned) and no P is idle, schedule()
 * would take the global queue's head next anyway. The fast path does it all under one
 * hold of sched.lock, on this task's own stack: queue ourselves, take the
 * head, and switch straight to it; the lock is released only once our
 * context is saved (sched_switch), so no other core can resume us early.
 * If we were alone, we simply go on.
 */
void go_yield(void)
{
	struct g *g = must_be_task("go_yield");
	struct cpu *c = this_cpu();
	struct p *pp = c->p;
	if (g->pin >= 0 || !runq_empty(&pp->runq) ||
	    __atomic_load_n(&pp->npinned, __ATOMIC_RELAXED)) {
		mcall(gosched_m);
		return;
	}
	spin_lock(&sched.lock);
	/* The idle list only changes under this lock: with no idle P now, a
	 * P that goes idle later finds us in the queue (sched/idle.c); with
	 * one, take the slow path, which wakes it. */
	if (sched.npidle) {
		spin_unlock(&sched.lock);
		mcall(gosched_m);
		return;
	}
	globrunq_put(g);
	struct g *next = globrunq_pop();
	if (next == g) {
		spin_unlock(&sched.lock);
		return;
	}
	g->state = G_RUNNABLE;
	pp->schedtick++;
	next->state = G_RUNNING;
	next->cpu = c->id;
	c->curg = next;
	sched_switch(&g->ctx, &next->ctx, &sched.lock.locked);
}

/* --- exit --- */

static void goexit_m(struct g *g)
{
	g->state = G_DEAD;
	this_cpu()->curg = 0;
	g_free(this_p(), g); /* safe: we are off its stack */
	schedule();
}

void go_exit(void)
{
	struct g *g = must_be_task("go_exit");
	/* Give back what newlib allocated for this task (dtoa's bigints,
	 * strtok's state...): its record is reused by the next task. */
	if (g->reent_ready)
		_reclaim_reent(&g->reent);
	mcall(goexit_m);
	__builtin_unreachable();
}

/* --- pinning (Go's LockOSThread) --- */

void go_pin(void)
{
	struct g *g = must_be_task("go_pin");
	if (g->pin_depth++ == 0)
		g->pin = cpu_id();
}

void go_unpin(void)
{
	struct g *g = must_be_task("go_unpin");
	if (g->pin_depth == 0)
		panic("go_unpin: task %ld (%s) is not pinned", g->id, g->name);
	if (--g->pin_depth == 0)
		g->pin = -1;
}
