/*
 * Cost against the core count (bench=scale), under -icount at 1, 4, 16,
 * 64 and 128 cores (tools/bench.py). Under -icount every core's
 * instructions advance the one virtual clock, so a figure here is all the
 * work the machine did for one operation, on whichever core: what grows
 * with the core count shows.
 *   scale_spawn   spawn + run + exit of an empty task, batches of 128 from
 *                 one task that waits for each batch (the other cores wake,
 *                 steal and run them, then sleep again)
 *   scale_steal   one thief's search for the one P that has work, among
 *                 all the others (sched.c steal_work: Go's stealWork, four
 *                 passes in a random order)
 */
#include "bench.h"
#include <gometal.h>
#include <sched/runq.h>
#include <sched/sched.h>
#include <stdio.h>

#define BATCH 128

static void empty(void *arg)
{
	wg_done(arg);
}

static uint64_t spawn_batches(long n)
{
	waitgroup_t wg = {0};
	uint64_t t0 = bench_now();
	for (long r = 0; r < n / BATCH; r++) {
		wg_add(&wg, BATCH);
		for (int i = 0; i < BATCH; i++)
			if (go(empty, &wg) < 0)
				panic("scale: spawn failed");
		wg_wait(&wg);
	}
	return bench_now() - t0;
}

static void scale_spawn(void)
{
	long n = bench_n(20000) / BATCH * BATCH;
	if (n < BATCH)
		n = BATCH;
	spawn_batches(BATCH); /* stacks from the free lists next */
	bench_result("scale_spawn", spawn_batches(n), n);
}

/*
 * The victim is the P farthest from ours; every other core sleeps in WFI
 * (nothing else runs in this mode), so no owner touches the victim's
 * queue while we fill it and empty it again, which only its owner may do
 * otherwise (sched/runq.h). The two tasks put there are never run.
 */
static void scale_steal(void)
{
	int n = go_ncpu();
	if (n < 2)
		return;
	static char fake[2][16];
	struct runq_spill spill;
	long rounds = bench_n(1000);
	uint64_t total = 0;
	/* Every other core in its WFI loop first, past its last look at the
	 * queues (pp->asleep, sched/idle.c): one still spinning after the
	 * spawns, or about to look once more before sleeping, would steal
	 * (and run) a fake task. Nothing in this mode wakes one again: no
	 * timers (so no watcher's wake-up either), no new tasks. */
	go_pin();
	for (int i = 0; i < n; i++)
		while (i != go_cpu() && !(__atomic_load_n(&allp[i].asleep, __ATOMIC_ACQUIRE) &&
					  __atomic_load_n(&allp[i].idle, __ATOMIC_ACQUIRE)))
			spin_pause(); /* (asleep, but taken off the idle list: a wake-up on its way) */
	preempt_disable();
	struct p *me = this_p(), *victim = &allp[(me->id + n / 2) % n];
	for (long r = 0; r < rounds; r++) {
		runq_put(&victim->runq, (struct g *)fake[0], false, &spill);
		runq_put(&victim->runq, (struct g *)fake[1], false, &spill);
		uint64_t t0 = bench_now();
		struct g *g = steal_work(me);
		total += bench_now() - t0;
		if (g != (struct g *)fake[0])
			panic("scale: the steal found %p, not the victim's task", (void *)g);
		__atomic_store_n(&victim->runq.head, victim->runq.tail, __ATOMIC_RELEASE);
	}
	preempt_enable();
	go_unpin();
	bench_result("scale_steal", total, rounds);
}

void bench_scale(void)
{
	scale_spawn();
	scale_steal();
}
