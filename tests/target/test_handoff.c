/*
 * A core stuck where it cannot be preempted (interrupts masked: a driver
 * polling, a long semihosting call) strands nothing: the other cores take
 * the tasks queued on its P, runnext included, as Go's handoffp gives a
 * blocked M's P away. Here no P changes hands: the idle cores steal.
 *
 * Time: exact under -icount (all done within the 200 ms the core is
 * masked); elsewhere the masked core waits for them instead, KTEST_HANG_MS
 * at most, so a stalled vCPU cannot fail it: it checks that they finish
 * while the core is masked, and on other cores.
 */
#include "ktest.h"
#include <gometal.h>
#include <kernel/config.h>
#include <kernel/sysreg.h>
#include <stdio.h>

#define NTASKS 100
#define MASKED_NS (200 * 1000000ull)

static volatile int finished, on_core0;
static int finished_in_time;
static volatile int stuck_done;

static void queued(void *arg)
{
	(void)arg;
	if (go_cpu() == 0)
		__atomic_add_fetch(&on_core0, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&finished, 1, __ATOMIC_RELEASE);
}

/* On core 0, masked before it queues the tasks here (the last in
 * runnext), so that no preemption (QUANTUM_US=50) lets core 0 run one. */
static void stuck(void *arg)
{
	(void)arg;
	finished = on_core0 = 0;
	irq_disable();
	for (int i = 0; i < NTASKS; i++)
		go(queued, 0);
	uint64_t start = go_now(), hang = start + KTEST_HANG_MS * 1000000ull;
	bool exact = ktest_exact_time();
	while (exact ? go_now() < start + MASKED_NS
		     : __atomic_load_n(&finished, __ATOMIC_ACQUIRE) < NTASKS && go_now() < hang)
		__asm__ volatile("yield"); /* as test_timers.c's mask_core */
	finished_in_time = __atomic_load_n(&finished, __ATOMIC_ACQUIRE);
	irq_enable();
	__atomic_store_n(&stuck_done, 1, __ATOMIC_RELEASE);
}

TEST(handoff, tasks_queued_on_a_masked_core_run_elsewhere)
{
	if (go_ncpu() < 2) {
		printf("  one core: nowhere else to run\n");
		return;
	}
	stuck_done = 0;
	ktest_go("stuck", 0, stuck, 0);
	CHECK(ktest_wait_count(&stuck_done, 1));
	printf("  %d of %d queued tasks ran while core 0 was masked; %d on core 0\n",
	       finished_in_time, NTASKS, on_core0);
	CHECK_EQ(finished_in_time, NTASKS);
	CHECK_EQ(on_core0, 0);
}
