/* Every core takes its own timer interrupt; IPIs reach every core. */
#include "ktest.h"
#include <drivers/timer/generic_timer.h>
#include <gometal.h>
#include <kernel/ipi.h>
#include <kernel/percpu.h>
#include <kernel/smp.h>
#include <kernel/tick.h>

#define TICKS 5

static void start_ticks(void *arg)
{
	(void)arg;
	tick_start(1000000 /* 1 ms */, TICKS);
}

TEST(irq, every_core_takes_its_timer_interrupt)
{
	uint64_t before[NCPU_MAX];
	for (int c = 0; c < go_ncpu(); c++)
		before[c] = cpus[c].timer_ticks;
	for (int c = 0; c < go_ncpu(); c++)
		smp_call(c, start_ticks, 0);
	uint64_t deadline = ktest_deadline(5000);
	for (int c = 0; c < go_ncpu(); c++) {
		while (cpus[c].timer_ticks - before[c] < TICKS && !ktest_deadline_passed(deadline))
			;
		CHECK_EQ(cpus[c].timer_ticks - before[c], TICKS);
	}
}

TEST(irq, timer_interrupt_comes_no_earlier_than_asked)
{
	uint64_t before = cpus[0].timer_ticks;
	uint64_t t0 = timer_ns();
	tick_start(20000000 /* 20 ms */, 1);
	uint64_t deadline = ktest_deadline(5000);
	while (cpus[0].timer_ticks == before && !ktest_deadline_passed(deadline))
		;
	CHECK_EQ(cpus[0].timer_ticks, before + 1);
	CHECK(timer_ns() - t0 >= 20000000);
}

TEST(irq, counter_is_shared_and_monotonic)
{
	CHECK(timer_freq() >= 1000000);
	uint64_t a = timer_count(), b = timer_count();
	CHECK(b >= a);
}

TEST(irq, ipi_reaches_every_core)
{
	uint64_t before[NCPU_MAX];
	for (int c = 0; c < go_ncpu(); c++)
		before[c] = cpus[c].ipis[IPI_PING];
	for (int c = 0; c < go_ncpu(); c++)
		ipi_send(c, IPI_PING); /* including ourselves */
	uint64_t deadline = ktest_deadline(5000);
	for (int c = 0; c < go_ncpu(); c++) {
		while (cpus[c].ipis[IPI_PING] == before[c] && !ktest_deadline_passed(deadline))
			;
		CHECK_EQ(cpus[c].ipis[IPI_PING] - before[c], 1);
	}
}

/* Each core pings every other: all n*(n-1) pairs get through. */
static void ping_all(void *arg)
{
	(void)arg;
	for (int c = 0; c < go_ncpu(); c++)
		if (c != cpu_id())
			ipi_send(c, IPI_PING);
}

TEST(irq, ipi_from_every_core_to_every_core)
{
	int n = go_ncpu();
	uint64_t before[NCPU_MAX];
	for (int c = 0; c < n; c++)
		before[c] = cpus[c].ipis[IPI_PING];
	for (int c = 0; c < n; c++)
		smp_call(c, ping_all, 0);
	uint64_t deadline = ktest_deadline(5000);
	for (int c = 0; c < n; c++) {
		while (cpus[c].ipis[IPI_PING] - before[c] < (uint64_t)(n - 1) &&
		       !ktest_deadline_passed(deadline))
			;
		CHECK_EQ(cpus[c].ipis[IPI_PING] - before[c], n - 1);
	}
}

static void add_cpu(void *arg)
{
	*(int *)arg += cpu_id() + 1;
}

TEST(irq, smp_call_runs_on_the_target_core)
{
	int sum = 0;
	for (int c = 0; c < go_ncpu(); c++)
		smp_call(c, add_cpu, &sum);
	CHECK_EQ(sum, go_ncpu() * (go_ncpu() + 1) / 2);
}
