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
	if (g->state != G_WAITING)
		panic("go_ready: task %ld (%s) is not waiting (state %d)", g->id, g->name,
		      g->state);
	g->state = G_RUNNABLE;
	if (g->pin >= 0)
		pinq_put(&allp[g->pin], g);
	else
		runq_put_local(this_p(), g, true);
	wakep();
}

/* --- yield --- */

/*
 * Go's Gosched: to the back of the global queue, where any core finds it.
 * When this P has nothing local, schedule() would take the global queue's
 * head next anyway: do both under one hold of the lock and switch straight
 * to it (it may be this task again, if it was alone).
 */
static void gosched_m(struct g *g)
{
	struct p *pp = this_p();
	g->state = G_RUNNABLE;
	if (g->pin >= 0) {
		pinq_put(&allp[g->pin], g);
		schedule();
	}
	bool local = !runq_empty(&pp->runq) || __atomic_load_n(&pp->npinned, __ATOMIC_RELAXED);
	spin_lock(&sched.lock);
	globrunq_put(g);
	struct g *next = local ? 0 : globrunq_pop();
	spin_unlock(&sched.lock);
	if (next)
		execute(next, false);
	schedule();
}

void go_yield(void)
{
	mcall(gosched_m);
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
