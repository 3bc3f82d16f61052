/*
 * Helpers of gometal's own tests (declared in ktest.h): deadlines on the
 * generic counter, whether time is exact (-icount), the cores expected,
 * and running a function on every core at once.
 */
#include "ktest.h"
#include <kernel/generic_timer.h>
#include <kernel/cmdline.h>
#include <kernel/platform.h>
#include <gometal.h>

uint64_t ktest_deadline(uint64_t ms)
{
	return timer_count() + timer_ns_to_ticks(ms * 1000000ull);
}

int ktest_deadline_passed(uint64_t deadline)
{
	return timer_count() >= deadline;
}

/* icount=1: the runner booted QEMU with -icount (ktest.h). */
int ktest_exact_time(void)
{
	return cmdline_int("icount", 0) != 0;
}

/* expect_cpus=N from the runner, else what maxcpus= and the machine allow. */
int ktest_expected_cpus(void)
{
	long max = cmdline_int("maxcpus", NCPU_MAX);
	long have = plat.ncpus < max ? plat.ncpus : max;
	return (int)cmdline_int("expect_cpus", have);
}

struct everywhere {
	void (*fn)(void *);
	void *arg;
	volatile int go;
	waitgroup_t wg;
};

static void everywhere_one(void *p)
{
	struct everywhere *e = p;
	while (!e->go)
		;
	e->fn(e->arg);
	wg_done(&e->wg);
}

int ktest_on_every_core(void (*fn)(void *), void *arg)
{
	struct everywhere e = {fn, arg, 0, {0}};
	int n = go_ncpu();
	wg_add(&e.wg, n);
	for (int c = 0; c < n; c++) {
		go_attr_t a = {.name = "everywhere", .cpu = c};
		if (go_with(&a, everywhere_one, &e) < 0)
			panic("ktest: no memory for a task");
	}
	e.go = 1;
	wg_wait(&e.wg);
	return n;
}

