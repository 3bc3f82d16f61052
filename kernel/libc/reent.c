/*
 * newlib's per-thread state. newlib is built with __DYNAMIC_REENT__, so
 * errno, stdio streams and friends live in whatever struct _reent
 * __getreent() returns. Until the scheduler gives each task its own, each
 * core has one.
 */
#include <kernel/percpu.h>
#include <kernel/smp.h>
#include <reent.h>
#include <string.h>

static struct _reent cpu_reent[NCPU_MAX];

struct _reent *__getreent(void)
{
	return this_cpu()->reent;
}

void cpu_init_libc(void)
{
	struct cpu *c = this_cpu();
	struct _reent *r = &cpu_reent[c->id];
	_REENT_INIT_PTR(r);
	c->reent = r;
}
