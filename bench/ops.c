/*
 * Per-operation costs on one core (bench=ops, bench=wall).
 *
 * Under `-icount shift=0,align=off,sleep=off` QEMU advances the virtual
 * clock one nanosecond per instruction, so bench_now() differences are
 * instruction counts: deterministic, the same build gives the same figures
 * whatever the host does, which is why `make test` can hold them to
 * bench/baseline.json. bench=wall runs the loops bench/go also runs, timed
 * in nanoseconds under plain TCG, for the ratio against Go.
 *
 * Every loop here is the same loop as bench/go/ops.go: keep them in step.
 */
#include <kernel/evtrace.h>
#include "bench.h"
#include <kernel/generic_timer.h>
#include <gometal.h>
#include <sched/runq.h>
#include <sched/sched.h>
#include <stdio.h>
#include <string.h>
#include <kernel/cmdline.h>

/* --- yield: two tasks taking turns --- */

static long yield_n;

static void yielder(void *arg)
{
	for (long i = 0; i < yield_n; i++)
		go_yield();
	wg_done(arg);
}

static uint64_t yield_run(long n)
{
	waitgroup_t wg = {0};
	yield_n = n;
	wg_add(&wg, 2);
	go(yielder, &wg);
	go(yielder, &wg);
	uint64_t t0 = bench_now();
	wg_wait(&wg);
	return bench_now() - t0;
}

static void bench_yield(void)
{
	long n = bench_n(200000);
	yield_run(n / 10);
	bench_result("yield", yield_run(n), 2 * n);
}

/* --- spawn + run + exit: batches of 128 empty tasks, then yield until
 * they have all run --- */

#define BATCH 128

static void empty(void *arg)
{
	__atomic_fetch_add((long *)arg, 1, __ATOMIC_RELAXED);
}

static uint64_t spawn_run(long n)
{
	long ran = 0;
	uint64_t t0 = bench_now();
	for (long r = 0; r < n / BATCH; r++) {
		for (int i = 0; i < BATCH; i++)
			go(empty, &ran);
		while (__atomic_load_n(&ran, __ATOMIC_RELAXED) < (r + 1) * BATCH)
			go_yield();
	}
	return bench_now() - t0;
}

static void bench_spawn(void)
{
	long n = bench_n(100000) / BATCH * BATCH;
	if (n < BATCH)
		n = BATCH;
	spawn_run(BATCH); /* the batch's stacks come from the free list next */
	bench_result("spawn", spawn_run(n), n);
}

/* --- unbuffered ping-pong --- */

struct pingpong {
	chan_t *ping, *pong;
	long rounds;
	waitgroup_t wg;
};

static void ponger(void *arg)
{
	struct pingpong *p = arg;
	int v;
	for (long i = 0; i < p->rounds; i++) {
		chan_recv(p->ping, &v);
		chan_send(p->pong, &v);
	}
	wg_done(&p->wg);
}

static uint64_t pingpong_run(long rounds)
{
	struct pingpong p = {.ping = chan_make(sizeof(int), 0),
			     .pong = chan_make(sizeof(int), 0),
			     .rounds = rounds};
	wg_add(&p.wg, 1);
	go(ponger, &p);
	uint64_t t0 = bench_now();
	for (int i = 0; i < rounds; i++) {
		chan_send(p.ping, &i);
		chan_recv(p.pong, &i);
	}
	uint64_t t = bench_now() - t0;
	wg_wait(&p.wg);
	chan_free(p.ping);
	chan_free(p.pong);
	return t;
}

static void bench_pingpong(void)
{
	long n = bench_n(100000);
	pingpong_run(n / 10);
	bench_result("pingpong", pingpong_run(n), n);
}

/* --- buffered send + recv by one task --- */

static void bench_buffered(void)
{
	long n = bench_n(100000);
	chan_t *c = chan_make(sizeof(long), 1);
	long v = 0;
	uint64_t t0 = bench_now();
	for (long i = 0; i < n; i++) {
		chan_send(c, &i);
		chan_recv(c, &v);
	}
	bench_result("buffered", bench_now() - t0, n);
	chan_free(c);
}

/* --- select over 4 buffered channels --- */

static void bench_select(int wall)
{
	long n = bench_n(100000);
	chan_t *c[4];
	chan_case_t cases[4];
	long vals[4];
	for (int i = 0; i < 4; i++) {
		c[i] = chan_make(sizeof(long), 1);
		cases[i] = (chan_case_t){.ch = c[i], .op = CHAN_RECV, .elem = &vals[i]};
	}
	uint64_t t0;
	if (!wall) { /* Go's select has no cheaper path to compare this with */
		t0 = bench_now();
		for (long i = 0; i < n; i++)
			chan_select(cases, 4, false);
		bench_result("select4_none", bench_now() - t0, n);
	}
	for (int i = 0; i < 4; i++)
		chan_send(c[i], &vals[i]);
	t0 = bench_now();
	for (long i = 0; i < n; i++) {
		int k = chan_select(cases, 4, true);
		chan_send(c[k], &vals[k]); /* ready again */
	}
	bench_result("select4", bench_now() - t0, n);
	for (int i = 0; i < 4; i++)
		chan_free(c[i]);
}

/* --- mutex, WaitGroup, go_sleep(0) --- */

static void bench_mutex(void)
{
	long n = bench_n(1000000);
	mutex_t m = {0};
	uint64_t t0 = bench_now();
	for (long i = 0; i < n; i++) {
		mutex_lock(&m);
		mutex_unlock(&m);
	}
	bench_result("mutex", bench_now() - t0, n);
}

static void bench_waitgroup(void)
{
	long n = bench_n(100000);
	waitgroup_t wg = {0};
	uint64_t t0 = bench_now();
	for (long i = 0; i < n; i++) {
		wg_add(&wg, 1);
		wg_done(&wg);
		wg_wait(&wg);
	}
	bench_result("waitgroup", bench_now() - t0, n);
}

/* go_sleep(0) is go_yield() (include/gometal.h); alone on the core, the
 * yield finds nothing else to run. Go's time.Sleep(0) returns at once. */
static void bench_sleep0(void)
{
	long n = bench_n(100000);
	uint64_t t0 = bench_now();
	for (long i = 0; i < n; i++)
		go_sleep(0);
	bench_result("sleep0", bench_now() - t0, n);
}

/* --- half-steal of a full run queue --- */

static struct runq victim, thief;

static void bench_steal(void)
{
	static struct g *fake[RUNQ_SIZE];
	for (int i = 0; i < RUNQ_SIZE; i++)
		fake[i] = (struct g *)(uintptr_t)(0x1000 + 16 * i);
	struct runq_spill spill;
	uint64_t total = 0;
	long n = bench_n(1000);
	for (long r = 0; r < n; r++) {
		victim.head = victim.tail = thief.head = thief.tail = 0;
		for (int i = 0; i < RUNQ_SIZE; i++)
			runq_put(&victim, fake[i], false, &spill);
		uint64_t t0 = bench_now();
		struct g *g = runq_steal(&thief, &victim, false);
		total += bench_now() - t0;
		if (!g || runq_len(&victim) != RUNQ_SIZE / 2)
			panic("steal took the wrong amount");
	}
	bench_result("steal", total, n);
}

/* --- the timer interrupt: alone on the core, and preempting --- */

/*
 * Tasks that only count loop iterations, and main, which looks at the
 * clock, the count and the core's interrupt and preemption counters at the
 * two ends of a window. Under -icount the window's instructions are the
 * loops' (iterations times the loop's cost, from a window with no slice
 * interrupts) plus everything else: the interrupts and switches, and
 * main's own wake-up at each end, which the calibration window has too
 * (so it cancels but for a fraction of an instruction). Every interrupt
 * counts, wherever in the loop it lands; an earlier version timed gaps
 * between counter reads, kept only the ones a preemption did not split,
 * and so moved by 10% with the code's layout.
 */
static volatile int stop;
#define MAXSPIN 2
/* Each spinner its own count: a shared one would lose the increments the
 * other made while a preemption held one between its load and store. */
static volatile long spun[MAXSPIN];

static void spinner(void *arg)
{
	volatile long *n = arg;
	while (!stop)
		(*n)++;
}

struct window {
	uint64_t t, spun, irqs, preempts;
};

static void window_mark(struct window *w)
{
	w->t = bench_now();
	w->spun = 0;
	for (int i = 0; i < MAXSPIN; i++)
		w->spun += (uint64_t)spun[i];
	w->irqs = this_cpu()->timer_ticks;
	w->preempts = this_p()->preempts;
}

/* ntasks spinners at quantum_us (0: none) for a window of ms; *w gets the
 * window's differences. */
static void spin_window(int ntasks, long quantum_us, long ms, struct window *w)
{
	struct window a, b;
	stop = 0;
	preempt_set_quantum_us(quantum_us);
	for (int i = 0; i < ntasks; i++)
		go(spinner, (void *)&spun[i]);
	go_sleep(1000000); /* under way, at the new quantum */
	window_mark(&a);
	go_sleep(ms * 1000000);
	window_mark(&b);
	stop = 1;
	go_sleep(1000000); /* they see stop and exit */
	w->t = b.t - a.t;
	w->spun = b.spun - a.spun;
	w->irqs = b.irqs - a.irqs;
	w->preempts = b.preempts - a.preempts;
	if (!w->spun)
		panic("bench: the spinners did not run");
}

/* What the window spent beyond its loop iterations, per event. */
static void spin_result(const char *key, const struct window *w, double per_iter, uint64_t events)
{
	if (!events)
		panic("bench: no %s in the window", key);
	double extra = (double)w->t - per_iter * (double)w->spun;
	if (extra <= 0) {
		/* Only a clock that is not -icount's (cycles or host time, which
		 * a host stall moves between windows) can leave nothing over.
		 * No figure beats a wrong one. */
		printf("bench: note: no %s figure: the loops account for the whole window\n", key);
		return;
	}
	bench_value(key, extra / (double)events, bench_unit);
}

static void bench_preempt(void)
{
	long ms = bench_n(50);
	struct window cal, alone, two;
	spin_window(1, 0, ms, &cal);
	double per_iter = (double)cal.t / (double)cal.spun;
	spin_window(1, 100, ms, &alone);
	spin_result("timer_irq", &alone, per_iter, alone.irqs);
	spin_window(2, 100, ms, &two);
	spin_result("preempt", &two, per_iter, two.preempts);
	preempt_set_quantum_us(10000);
}

/* --- what preemption costs two CPU-bound tasks --- */

#define WORK 2500000

static void work(void *arg)
{
	for (volatile long i = 0; i < WORK; i++)
		;
	wg_done(arg);
}

static uint64_t two_workers(long quantum_us)
{
	waitgroup_t wg = {0};
	preempt_set_quantum_us(quantum_us);
	wg_add(&wg, 2);
	uint64_t t0 = bench_now();
	go(work, &wg);
	go(work, &wg);
	wg_wait(&wg);
	return bench_now() - t0;
}

static void bench_quantum_loss(void)
{
	two_workers(0); /* warm: the workers' stacks come from the free list next */
	uint64_t base = two_workers(0);
	uint64_t t = two_workers(100);
	bench_value("preempt_loss_100us", ((double)t - (double)base) * 100 / (double)base, "%");
	preempt_set_quantum_us(10000);
}

/* --- sleeping and the clock --- */

static void bench_sleep(void)
{
	long n = bench_n(2000);
	uint64_t t0 = bench_now();
	for (long i = 0; i < n; i++)
		go_sleep(10000);
	uint64_t per = (bench_now() - t0) / (uint64_t)n;
	if (bench_unit[0] == 'i') /* instructions are ns here: take the sleep off */
		bench_result("sleep_wake", per > 10000 ? per - 10000 : 0, 1);
	n = bench_n(100000);
	t0 = bench_now();
	for (long i = 0; i < n; i++)
		go_now();
	bench_result("now", bench_now() - t0, n);
}

/* make trace's cost (kernel/evtrace.h): one recorded event, in an EVTRACE
 * build; nothing elsewhere. */
static void bench_evtrace(void)
{
#ifdef EVTRACE
	long n = bench_n(100000);
	uint64_t t0 = bench_now();
	for (long i = 0; i < n; i++)
		evtrace(EV_MARK, (uint32_t)i, 0);
	bench_result("evtrace", bench_now() - t0, n);
#endif
}

/* op=name runs that one alone (tools/insn-profile.py profiles it). */
static bool wanted(const char *name)
{
	const char *op = cmdline_get("op");
	return !op || !strcmp(op, name);
}

void bench_ops(int wall)
{
	if (go_ncpu() != 1)
		printf("bench: note: %d cores; per-op figures are meant for SMP=1\n", go_ncpu());
	if (wanted("yield"))
		bench_yield();
	if (wanted("spawn"))
		bench_spawn();
	if (wanted("pingpong"))
		bench_pingpong();
	if (wanted("buffered"))
		bench_buffered();
	if (wanted("select4"))
		bench_select(wall);
	if (wanted("mutex"))
		bench_mutex();
	if (wanted("waitgroup"))
		bench_waitgroup();
	if (wanted("sleep0"))
		bench_sleep0();
	if (wall)
		return;
	if (wanted("evtrace"))
		bench_evtrace();
	if (wanted("steal"))
		bench_steal();
	if (wanted("preempt"))
		bench_preempt();
	if (wanted("quantum_loss"))
		bench_quantum_loss();
	if (wanted("sleep_wake"))
		bench_sleep();
}
