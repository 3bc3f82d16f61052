/*
 * newlib's per-thread state. newlib is built with __DYNAMIC_REENT__, so
 * errno, stdio streams and friends live in whatever struct _reent
 * __getreent() returns: the running task's own (sched/g.c sets it up), so
 * errno and stdio buffers are per task and follow it across cores.
 */
#include <kernel/percpu.h>
#include <rt/smp.h>
#include <sched/sched.h>
#include <reent.h>
#include <string.h>

static struct _reent cpu_reent[NCPU_MAX];

/*
 * The running task's, or the core's own in the scheduler and at boot. A
 * task's is set up on its first use, so tasks that never call newlib (or
 * touch errno) pay nothing for it, at spawn or at exit.
 */
struct _reent *__getreent(void)
{
	struct g *g = getg();
	if (!g)
		return this_cpu()->reent;
	if (__builtin_expect(!g->reent_ready, 0)) {
		_REENT_INIT_PTR(&g->reent);
		g->reent_ready = 1;
	}
	return &g->reent;
}

void cpu_init_libc(void)
{
	struct cpu *c = this_cpu();
	struct _reent *r = &cpu_reent[c->id];
	_REENT_INIT_PTR(r);
	c->reent = r;
}
