/*
 * What the scheduler tells about itself: schedtrace lines (Go's
 * GODEBUG=schedtrace=N), the task list (go_tasks, a shell's ps) and the
 * deadlock report.
 */
#include <gometal.h>
#include <kernel/generic_timer.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <sched/sched.h>
#include <stdlib.h>
#include <string.h>

/*
 * SCHED 2004ms: gomaxprocs=4 idleprocs=1 threads=4 spinningthreads=0 runqueue=3 [12 0 4 1]
 * Printed by a daemon timer (it does not keep a deadlocked program alive)
 * from whichever core's scheduler runs it; every number is a racy
 * snapshot, as in Go.
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
				       (runq_next_word(&allp[i].runq) != 0));
	kprintf("%s]\n", line);
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

#define DUMP_WAITING_MAX 32	/* parked tasks listed by scheddetail */

/* Go's scheddetail, roughly: every P's state, for debugging. */
void sched_dump(void)
{
	kprintf("SCHED detail: npidle=%d nmspinning=%d runqueue=%d\n",
		__atomic_load_n(&sched.npidle, __ATOMIC_RELAXED),
		__atomic_load_n(&sched.nmspinning, __ATOMIC_RELAXED),
		__atomic_load_n(&sched.runqsize, __ATOMIC_RELAXED));
	for (int i = 0; i < sched.nprocs; i++) {
		struct p *pp = &allp[i];
		struct g *next = runq_next_task(runq_next_word(&pp->runq));
		struct g *cur = cpus[i].curg;
		uint64_t when = timers_when(pp);
		kprintf("  P%d: idle=%d spinning=%d schedtick=%u runq=%u runnext=%ld pinned=%d "
			"curg=%ld timers=%d next_timer=%ldms preempts=%lu timer_irqs=%lu\n",
			i, pp->idle, pp->spinning, pp->schedtick, runq_len(&pp->runq),
			next ? next->id : 0, pp->npinned, cur ? cur->id : 0, pp->timers.heap.n,
			when == UINT64_MAX ? -1 : (long)((when - timer_count()) * 1000 / timer_freq()),
			(unsigned long)pp->preempts, (unsigned long)cpus[i].timer_ticks);
	}
	int waiting = 0;
	for (struct g *g = allg; g; g = g->alllink) {
		if (g->state == G_DEAD)
			continue;
		if (g->state != G_WAITING)
			kprintf("  task %ld (%s): %s on cpu %d\n", g->id, g->name, state_name(g->state),
				g->cpu);
		else if (waiting++ < DUMP_WAITING_MAX)
			kprintf("  task %ld (%s): waiting [%s]\n", g->id, g->name,
				g->waitreason ? g->waitreason : "?");
	}
	if (waiting > DUMP_WAITING_MAX)
		kprintf("  ... and %d more waiting\n", waiting - DUMP_WAITING_MAX);
}

static struct timer trace_timer;
static uint64_t trace_period;
static bool trace_detail;

static void schedtrace_fire(struct timer *t)
{
	schedtrace_line();
	if (trace_detail)
		sched_dump();
	uint64_t now = timer_count();
	t->when += trace_period;
	if (t->when <= now) /* fell behind: do not fire in a burst */
		t->when = now + trace_period;
	addtimer(t);
}

/* On the boot core, before the scheduler starts. */
void schedtrace_start(uint64_t period_ms, bool detail)
{
	trace_period = timer_ns_to_ticks(period_ms * 1000000ull);
	trace_detail = detail;
	trace_timer.when = timer_count() + trace_period;
	trace_timer.fn = schedtrace_fire;
	trace_timer.daemon = true;
	addtimer(&trace_timer);
}

#define REPORT_MAX 1024

static int by_id(const void *a, const void *b)
{
	long x = (*(struct g *const *)a)->id, y = (*(struct g *const *)b)->id;
	return (x > y) - (x < y);
}

/*
 * Every P is idle, no queue holds a task and no timer will ready one:
 * nothing can run again, so the program is stuck. Go says
 * "all goroutines are asleep - deadlock!" and exits with status 2.
 */
void check_dead(void)
{
	if (!stop_claim())
		cpu_stop_self();
	stop_other_cpus();
	console_force();
	kprintf("fatal error: all goroutines are asleep - deadlock!\n\n");
	static struct g *live[REPORT_MAX];
	int n = 0, more = 0;
	for (struct g *g = allg; g; g = g->alllink)
		if (g->state != G_DEAD && n < REPORT_MAX)
			live[n++] = g;
		else if (g->state != G_DEAD)
			more++;
	qsort(live, (size_t)n, sizeof(live[0]), by_id); /* oldest first, as Go */
	for (int i = 0; i < n; i++)
		kprintf("goroutine %ld [%s]: %s%s%s\n", live[i]->id,
			live[i]->state == G_WAITING && live[i]->waitreason ? live[i]->waitreason
									   : state_name(live[i]->state),
			live[i]->name[0] ? "\"" : "", live[i]->name, live[i]->name[0] ? "\"" : "");
	if (more)
		kprintf("... and %d more\n", more);
	system_stop(PANIC_STATUS);
}

void go_schedtrace(void)
{
	schedtrace_line();
}

void go_count_run_time(void)
{
	__atomic_store_n(&sched.count_run_time, 1, __ATOMIC_RELAXED);
}

static uint64_t ticks_to_ns(uint64_t t)
{
	uint64_t f = timer_freq();
	return t / f * 1000000000ull + t % f * 1000000000ull / f;
}

/* Snapshots of the live tasks, oldest first; as the deadlock report. */
int go_tasks(struct go_task *out, int max)
{
	static const char *const names[] = {[G_RUNNABLE] = "runnable", [G_RUNNING] = "running",
					    [G_WAITING] = "waiting"};
	int n = 0;
	spin_lock(&allg_lock);
	for (struct g *g = allg; g; g = g->alllink) {
		int st = __atomic_load_n(&g->state, __ATOMIC_RELAXED);
		if (st == G_DEAD || st < G_RUNNABLE)
			continue;
		if (n < max) {
			struct go_task *t = &out[n];
			t->id = g->id;
			memcpy(t->name, g->name, sizeof(t->name));
			t->state = names[st];
			t->waitreason = st == G_WAITING && g->waitreason ? g->waitreason : "";
			t->cpu = g->cpu;
			t->run_ns = sched.count_run_time ? ticks_to_ns(g->runticks) : 0;
		}
		n++;
	}
	spin_unlock(&allg_lock);
	int k = n < max ? n : max;
	for (int i = 1; i < k; i++) /* allg is newest first: reverse */
		for (int j = i; j > 0 && out[j - 1].id > out[j].id; j--) {
			struct go_task x = out[j];
			out[j] = out[j - 1];
			out[j - 1] = x;
		}
	return n;
}
