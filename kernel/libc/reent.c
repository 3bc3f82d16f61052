/*
 * newlib's per-thread state. newlib is built with __DYNAMIC_REENT__, so
 * errno, stdio streams and friends live in whatever struct _reent
 * __getreent() returns: the running task's own (sched/g.c sets it up), so
 * errno and stdio buffers are per task and follow it across cores.
 */
#include <kernel/percpu.h>
#include <kernel/smp.h>
#include <sched/sched.h>
#include <reent.h>
#include <string.h>

static struct _reent cpu_reent[NCPU_MAX];

/* The running task's, or the core's own in the scheduler and at boot. */
struct _reent *__getreent(void)
{
	struct g *g = this_cpu()->curg;
	return g ? &g->reent : this_cpu()->reent;
}

void cpu_init_libc(void)
{
	struct cpu *c = this_cpu();
	struct _reent *r = &cpu_reent[c->id];
	_REENT_INIT_PTR(r);
	c->reent = r;
}
