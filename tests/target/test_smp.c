/* Bring-up: every core online, with its own per-cpu area and stacks. */
#include "ktest.h"
#include <gometal.h>
#include <kernel/percpu.h>
#include <kernel/platform.h>
#include <kernel/smp.h>

TEST(smp, cpus_online_as_asked)
{
	int want = ktest_expected_cpus();
	CHECK(want > 0);
	CHECK_EQ(go_ncpu(), want);
	CHECK_EQ(ncpu_online, want);
}

TEST(smp, boot_core_is_cpu0)
{
	CHECK_EQ(go_cpu(), 0);
	CHECK(this_cpu() == &cpus[0]);
}

static void whoami(void *arg)
{
	int *out = arg;
	out[cpu_id()] = (int)(this_cpu() - cpus) + 100;
}

TEST(smp, each_core_has_its_own_percpu_area)
{
	int seen[NCPU_MAX] = {0};
	for (int c = 1; c < go_ncpu(); c++) {
		cpu_run(c, whoami, seen);
		cpu_run_wait(c);
	}
	for (int c = 1; c < go_ncpu(); c++)
		CHECK_EQ(seen[c], c + 100);
}

TEST(smp, mpidrs_are_distinct)
{
	for (int a = 0; a < go_ncpu(); a++)
		for (int b = a + 1; b < go_ncpu(); b++)
			CHECK(cpus[a].mpidr != cpus[b].mpidr);
}

static void stack_addr(void *arg)
{
	uintptr_t *out = arg;
	int local;
	out[cpu_id()] = (uintptr_t)&local;
}

TEST(smp, each_core_runs_on_its_own_stack)
{
	extern char boot_stacks[];
	uintptr_t sp[NCPU_MAX] = {0};
	stack_addr(sp);
	for (int c = 1; c < go_ncpu(); c++) {
		cpu_run(c, stack_addr, sp);
		cpu_run_wait(c);
	}
	for (int c = 0; c < go_ncpu(); c++) {
		uintptr_t lo = (uintptr_t)boot_stacks + (uintptr_t)c * CPU_STACK_STRIDE + PAGE_SIZE;
		CHECK(sp[c] >= lo && sp[c] < lo + BOOT_STACK_SIZE);
	}
}
