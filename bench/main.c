/*
 * `make bench`: scheduler costs in instructions per operation, counted by
 * QEMU with -icount shift=0 (one virtual nanosecond per instruction, so the
 * generic counter measures instructions), on one core. Deterministic:
 * the same build gives the same counts, whatever the host is doing.
 */
#include <drivers/timer/generic_timer.h>
#include <gometal.h>
#include <sched/runq.h>
#include <stdio.h>

#define N 100000

/* Instructions between two timer_ns() readings under -icount shift=0. */
static uint64_t now(void) { return timer_ns(); }

static void report(const char *name, uint64_t insns, long ops, long target)
{
	long per = (long)(insns / (uint64_t)ops);
	printf("bench: %-34s %6ld instructions/op  (target < %ld: %s)\n", name, per, target,
	       per < target ? "met" : "MISSED");
}

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

int main(void)
{
	for (int i = 0; i < RUNQ_SIZE; i++)
		fake[i] = (struct g *)(uintptr_t)(0x1000 + 16 * i);
	if (go_ncpu() != 1)
		printf("bench: note: %d cores; counts are meant for SMP=1\n", go_ncpu());
	bench_yield();
	bench_spawn();
	bench_steal();
	return 0;
}
