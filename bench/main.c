/*
 * `make bench`: scheduler costs in instructions per operation, counted by
 * QEMU with -icount shift=0 (one virtual nanosecond per instruction, so the
 * generic counter measures instructions), on one core. Deterministic:
 * the same build gives the same counts, whatever the host is doing.
 */
#include "bench.h"
#include <drivers/timer/generic_timer.h>
#include <kernel/cmdline.h>
#include <kernel/mem.h>
#include <gometal.h>
#include <sched/runq.h>
#include <sched/sched.h>
#include <stdio.h>
#include <stdlib.h>

#define N 100000

/* Instructions between two timer_ns() readings under -icount shift=0. */
uint64_t bench_now(void) { return timer_ns(); }
#define now bench_now

void bench_report(const char *name, uint64_t insns, long ops, long target)
{
	long per = (long)(insns / (uint64_t)ops);
	if (target)
		printf("bench: %-34s %6ld instructions/op  (target < %ld: %s)\n", name, per,
		       target, per < target ? "met" : "MISSED");
	else
		printf("bench: %-34s %6ld instructions/op\n", name, per);
}
#define report bench_report

static void yielder(void *arg)
{
	for (int i = 0; i < N; i++)
		go_yield();
	wg_done(arg);
}

static void bench_yield(void)
{
	waitgroup_t wg = {0};
	wg_add(&wg, 2);
	go(yielder, &wg);
	go(yielder, &wg);
	uint64_t t0 = now();
	wg_wait(&wg);
	report("go_yield switch between two tasks", now() - t0, 2L * N, 100);
}

static void empty(void *arg)
{
	(*(volatile long *)arg)++;
}

/*
 * Spawns a batch of empty tasks (they queue on this core), then yields
 * once so they all run and exit; the one yield is not counted per task
 * beyond its share.
 */
#define BATCH 128

static void bench_spawn(void)
{
	volatile long ran = 0;
	uint64_t t0 = now();
	for (int r = 0; r < N / BATCH; r++) {
		for (int i = 0; i < BATCH; i++)
			go(empty, (void *)&ran);
		while (ran < (long)(r + 1) * BATCH)
			go_yield();
	}
	report("spawn + run + exit of an empty task", now() - t0, (N / BATCH) * BATCH, 500);
}

/*
 * Tasks that block at once (a receive on a channel nobody sends on), the
 * way most tasks of a server sit: the cost of spawning each and running it
 * until it parks, and the memory each holds while it waits. Runs first, so
 * that the first round finds the free lists empty and makes new stacks;
 * the second reuses them.
 */
#define NBLOCKED 1000

static int nparked;
static waitgroup_t blocked_wg;

static void blocker(void *arg)
{
	__atomic_add_fetch(&nparked, 1, __ATOMIC_RELAXED);
	chan_recv(arg, 0);	/* false once main closes the channel */
	wg_done(&blocked_wg);
}

static void bench_blocked(void)
{
	for (int round = 0; round < 2; round++) {
		chan_t *c = chan_make(0, 0);
		nparked = 0;
		wg_add(&blocked_wg, NBLOCKED);
		size_t free0 = mem_free();
		uint64_t t0 = now();
		for (int i = 0; i < NBLOCKED; i++)
			go(blocker, c);
		while (__atomic_load_n(&nparked, __ATOMIC_RELAXED) < NBLOCKED)
			go_yield();
		go_yield();	/* the last one parks */
		uint64_t t = now() - t0;
		size_t used = free0 - mem_free();
		report(round ? "spawn + block, reused stack" : "spawn + block, new stack", t,
		       NBLOCKED, 0);
		if (!round)
			printf("bench: %-34s %6zu bytes/task\n", "memory of a new blocked task",
			       used / NBLOCKED);
		chan_close(c);
		wg_wait(&blocked_wg);
		for (int i = 0; i < 4; i++)
			go_yield();	/* the last ones exit, onto the free list */
		chan_free(c);
	}
}

static struct runq victim, thief;
static struct g *fake[RUNQ_SIZE];

static void bench_steal(void)
{
	struct runq_spill spill;
	uint64_t total = 0;
	for (int r = 0; r < 1000; r++) {
		victim.head = victim.tail = thief.head = thief.tail = 0;
		for (int i = 0; i < RUNQ_SIZE; i++)
			runq_put(&victim, fake[i], false, &spill);
		uint64_t t0 = now();
		struct g *g = runq_steal(&thief, &victim, false);
		total += now() - t0;
		if (!g || runq_len(&victim) != RUNQ_SIZE / 2)
			panic("steal took the wrong amount");
	}
	report("steal half of a full 256-entry queue", total, 1000, 1000);
}

/* --- preemption and timers --- */

static volatile int stop;

struct gaps {
	uint64_t sum, n;
};

/*
 * Reads the counter in a tight loop; a gap of more than `min` between two
 * readings is an interrupt (and, with another task on the core, the switch
 * to it and back). Each gap is the path plus one loop iteration.
 */
static uint64_t gap_last; /* shared: on one core, a gap spans a switch */

static void gap_loop(void *arg)
{
	struct gaps *gp = arg;
	uint64_t min = 8; /* ticks: 128 instructions */
	uint64_t max = quantum_ticks / 2; /* longer: something else ran (main) */
	gap_last = timer_count();
	while (!stop) {
		uint64_t t = timer_count();
		if (t - gap_last > min && t - gap_last < max) {
			gp->sum += t - gap_last;
			gp->n++;
		}
		gap_last = t;
	}
}

static uint64_t ticks_to_insns(uint64_t ticks)
{
	return ticks * 1000000000ull / timer_freq(); /* -icount shift=0: 1 ns each */
}

static void gaps_report(const char *name, struct gaps *g, int ntasks)
{
	uint64_t sum = 0, n = 0;
	for (int i = 0; i < ntasks; i++) {
		sum += g[i].sum;
		n += g[i].n;
	}
	char label[64];
	snprintf(label, sizeof(label), "%s, FPSAVE=%s", name, fpsave_mode);
	printf("bench: %-34s %6lu instructions/op  (%lu samples)\n", label,
	       (unsigned long)(n ? ticks_to_insns(sum) / n : 0), (unsigned long)n);
}

static void run_gap_tasks(struct gaps *g, int ntasks, uint64_t ms)
{
	stop = 0;
	for (int i = 0; i < ntasks; i++) {
		g[i] = (struct gaps){0};
		go(gap_loop, &g[i]);
	}
	go_sleep(ms * 1000000);
	stop = 1;
	go_sleep(1000000); /* they see stop and exit */
}

static void bench_preempt(void)
{
	struct gaps g[2];
	preempt_set_quantum_us(100);
	run_gap_tasks(g, 1, 50);
	gaps_report("timer irq, no switch", g, 1);
	run_gap_tasks(g, 2, 50);
	gaps_report("timer irq + preemption", g, 2);
	preempt_set_quantum_us(10000);
}

/* Two CPU-bound tasks doing fixed work: the time it takes at a quantum,
 * against no preemption at all. */
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
	uint64_t t0 = now();
	go(work, &wg);
	go(work, &wg);
	wg_wait(&wg);
	return now() - t0;
}

static void bench_quantum_loss(void)
{
	static const long q[] = {10000, 1000, 100, 50};
	two_workers(0); /* warm: the workers' stacks come from the free list next */
	uint64_t base = two_workers(0);
	for (unsigned i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		uint64_t t = two_workers(q[i]);
		long per_mille = ((long)t - (long)base) * 10000 / (long)base;
		printf("bench: %-34s %s%ld.%02ld%%  (quantum %ld us%s)\n",
		       "throughput lost to preemption", per_mille < 0 ? "-" : " ",
		       labs(per_mille) / 100, labs(per_mille) % 100, q[i],
		       q[i] == 100 ? (per_mille < 200 ? ", target < 2%: met" : ", target < 2%: MISSED")
				   : "");
	}
	preempt_set_quantum_us(10000);
}

#define SLEEPS 2000
#define SLEEP_NS 10000

static void bench_sleep(void)
{
	uint64_t t0 = now();
	for (int i = 0; i < SLEEPS; i++)
		go_sleep(SLEEP_NS);
	uint64_t per = (now() - t0) / SLEEPS;
	printf("bench: %-34s %6lu instructions/op  (beyond the %d ns asked)\n",
	       "go_sleep -> wake path", (unsigned long)(per - SLEEP_NS), SLEEP_NS);
	t0 = now();
	for (int i = 0; i < N; i++)
		go_now();
	report("go_now()", now() - t0, N, 100);
}

int main(void)
{
	if (cmdline_int("smp", 0)) { /* plain TCG, several cores */
		bench_chan_smp();
		return 0;
	}
	for (int i = 0; i < RUNQ_SIZE; i++)
		fake[i] = (struct g *)(uintptr_t)(0x1000 + 16 * i);
	if (go_ncpu() != 1)
		printf("bench: note: %d cores; counts are meant for SMP=1\n", go_ncpu());
	bench_blocked();
	bench_yield();
	bench_spawn();
	bench_steal();
	bench_preempt();
	bench_quantum_loss();
	bench_sleep();
	bench_chan();
	return 0;
}
