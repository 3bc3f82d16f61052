/*
 * What the scheduler tells about itself: schedtrace lines (Go's
 * GODEBUG=schedtrace=N) and the deadlock report.
 */
#include <drivers/timer/generic_timer.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/tick.h>
#include <sched/sched.h>

/*
 * SCHED 2004ms: gomaxprocs=4 idleprocs=1 threads=4 spinningthreads=0 runqueue=3 [12 0 4 1]
 * Printed from core 0's timer interrupt; every number is a racy snapshot,
 * as in Go.
 */
static void schedtrace_line(void)
{
	char line[160], *p = line, *end = line + sizeof(line);
	p += ksnprintf(p, (size_t)(end - p),
		       "SCHED %lums: gomaxprocs=%d idleprocs=%d threads=%d spinningthreads=%d "
		       "runqueue=%d [",
		       (unsigned long)(timer_ns() / 1000000), sched.nprocs,
		       __atomic_load_n(&sched.npidle, __ATOMIC_RELAXED), sched.nprocs,
		       __atomic_load_n(&sched.nmspinning, __ATOMIC_RELAXED),
		       __atomic_load_n(&sched.runqsize, __ATOMIC_RELAXED));
	for (int i = 0; i < sched.nprocs && p < end; i++)
		p += ksnprintf(p, (size_t)(end - p), i ? " %u" : "%u",
			       runq_len(&allp[i].runq) +
				       (__atomic_load_n(&allp[i].runq.runnext, __ATOMIC_RELAXED) != 0));
	kprintf("%s]\n", line);
}

void schedtrace_start(uint64_t period_ms)
{
	tick_every(period_ms * 1000000ull, schedtrace_line);
}

static const char *state_name(int s)
{
	switch (s) {
	case G_RUNNABLE: return "runnable";
	case G_RUNNING: return "running";
	case G_WAITING: return "waiting";
	default: return "dead";
	}
}

/*
 * Every P is idle and no queue holds a task: nothing can run again (no
 * timers exist yet to wake anyone), so the program is stuck. Go says
 * "all goroutines are asleep - deadlock!" and exits with status 2.
 */
void check_dead(void)
{
	if (!stop_claim())
		cpu_stop_self();
	stop_other_cpus();
	console_force();
	kprintf("fatal error: all goroutines are asleep - deadlock!\n\n");
	for (struct g *g = allg; g; g = g->alllink)
		if (g->state != G_DEAD)
			kprintf("goroutine %ld [%s]: %s%s%s\n", g->id,
				g->state == G_WAITING && g->waitreason ? g->waitreason
								       : state_name(g->state),
				g->name[0] ? "\"" : "", g->name, g->name[0] ? "\"" : "");
	system_stop(PANIC_STATUS);
}
