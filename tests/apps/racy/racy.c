/*
 * A planted race, kept as a test of the harness (issue 18: make check must
 * find it with CHAOS=1 and a sweep of seeds, and replay it from its seed).
 *
 * sum_in_parallel() adds 1..n in n tasks and waits for them with a
 * WaitGroup, but adds to the WaitGroup after each go() instead of before
 * (Go's vet and its sync.WaitGroup documentation warn of exactly this: "calls
 * with a positive delta ... must happen before a Wait", and Add must come
 * before the goroutine starts). When a task runs and calls wg_done before
 * its spawner's wg_add, the counter goes below zero (a panic), or wg_wait
 * returns early and the sum is short. In the default schedule the spawner
 * always gets there first: the new task waits in runnext, and idle cores
 * leave a running P's runnext alone for a grace period.
 */
#include "racy.h"
#include <gometal.h>

struct sum {
	waitgroup_t wg;
	long total;
};

static void add(void *arg)
{
	struct sum *s = *(struct sum **)arg;
	long v = ((long *)arg)[1];
	__atomic_fetch_add(&s->total, v, __ATOMIC_RELAXED);
	wg_done(&s->wg);
}

long sum_in_parallel(int n)
{
	static struct sum s;
	static long args[64][2];
	s = (struct sum){{0}, 0};
	for (int i = 0; i < n && i < 64; i++) {
		args[i][0] = (long)&s;
		args[i][1] = i + 1;
		go(add, args[i]);
		wg_add(&s.wg, 1);	/* the bug: must come before go() */
	}
	wg_wait(&s.wg);
	return __atomic_load_n(&s.total, __ATOMIC_RELAXED);
}
