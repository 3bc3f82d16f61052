/* Bring-up: every core online, with its own per-cpu area and stacks. */
#include "ktest.h"
#include <gometal.h>
#include <kernel/cmdline.h>
#include <kernel/percpu.h>
#include <kernel/platform.h>
#include <rt/smp.h>

TEST(smp, cpus_online_as_asked)
{
	int want = ktest_expected_cpus();
	CHECK(want > 0);
	CHECK_EQ(go_ncpu(), want);
	CHECK_EQ(ncpu_online, want);
}

TEST(smp, go_cpu_is_this_core)
{
	CHECK(go_cpu() >= 0 && go_cpu() < go_ncpu());
	CHECK(this_cpu() == &cpus[go_cpu()]);
}

static void whoami(void *arg)
{
	int *out = arg;
	out[cpu_id()] = (int)(this_cpu() - cpus) + 100;
}

TEST(smp, each_core_has_its_own_percpu_area)
{
	int seen[NCPU_MAX] = {0};
	CHECK_EQ(ktest_on_every_core(whoami, seen), go_ncpu());
	for (int c = 0; c < go_ncpu(); c++)
		CHECK_EQ(seen[c], c + 100);
}

TEST(smp, mpidrs_are_distinct)
{
	for (int a = 0; a < go_ncpu(); a++)
		for (int b = a + 1; b < go_ncpu(); b++)
			CHECK(cpus[a].mpidr != cpus[b].mpidr);
}

/* smp_late=N (tests/run.py): core N found its slot, then took longer than
 * the boot core waits, which gave the slot to the next core. When it comes
 * in (an eighth of a second after its start), it must park: if it ran on as
 * that slot's cpu, secondary_main would panic on the mpidr mismatch, or
 * two cores would run one P. Wait well past its arrival, then look. */
TEST(smp, a_core_that_checks_in_late_parks)
{
	if (cmdline_int("smp_late", -1) < 0)
		return;
	go_sleep(400 * 1000000ull);
	/* It came, lost its slot to the boot core's withdrawal, and parked. */
	CHECK_EQ(__atomic_load_n(&smp_cores_turned_away, __ATOMIC_ACQUIRE), 1);
	CHECK_EQ(ncpu_online, ktest_expected_cpus());
	int seen[NCPU_MAX] = {0};
	CHECK_EQ(ktest_on_every_core(whoami, seen), go_ncpu());
	for (int c = 0; c < go_ncpu(); c++)
		CHECK_EQ(seen[c], c + 100);
}
