/*
 * Stopping the system: normal exit (main returned, exit(n)) and panics both
 * come here. The first core to stop the system wins; any other core that
 * tries meanwhile just parks.
 */
#include <kernel/mmu.h>
#include <kernel/evtrace.h>
#include <kernel/semihost.h>
#include <kernel/cpu_start.h>
#include <kernel/generic_timer.h>
#include <kernel/ipi.h>
#include <kernel/panic.h>
#include <kernel/percpu.h>
#include <kernel/platform.h>
#include <kernel/printk.h>

void park(void) __attribute__((noreturn));

void cpu_stop_self(void)
{
	irq_disable();
	/* Release: what this core wrote before (its trace ring, kernel/evtrace.c)
	 * is visible to the core that sees it stopped. */
	__atomic_store_n(&this_cpu()->stopped, 1, __ATOMIC_RELEASE);
	dsb_sy();
	park();
}

/*
 * Only the core that won stop_claim() calls this, maybe twice (a panic
 * stops the others before its report, then system_stop asks again): a
 * core that did not answer the first time costs the wait once.
 */
int stop_other_cpus(void)
{
	static int asked;
	int me = cpu_id();
	if (!asked++) {
		for (int c = 0; c < ncpu_online; c++)
			if (c != me)
				ipi_send(c, IPI_STOP);
		uint64_t deadline =
			timer_count() + timer_ns_to_ticks(CORE_ANSWER_MS * 1000000ull);
		for (int c = 0; c < ncpu_online; c++)
			while (c != me && !__atomic_load_n(&cpus[c].stopped, __ATOMIC_ACQUIRE) &&
			       timer_count() < deadline)
				cpu_relax();
	}
	int running = 0;
	for (int c = 0; c < ncpu_online; c++)
		running += c != me && !cpus[c].stopped;
	return running;
}

static int stopping = -1;	/* the core ending the system, -1 while none */

bool stop_claim(void)
{
	int none = -1;
	irq_disable();
	if (!mmu_enabled()) { /* one core, and no exclusives without caches */
		stopping = cpu_id();
		return true;
	}
	return __atomic_compare_exchange_n(&stopping, &none, cpu_id(), 0, __ATOMIC_ACQ_REL,
					   __ATOMIC_ACQUIRE) ||
	       none == cpu_id();
}

void system_stop(int status)
{
	if (!stop_claim())
		cpu_stop_self();	/* another core is already ending the system */
	stop_other_cpus();
	console_force();
	evtrace_dump(); /* make trace: every other core has stopped (nothing in other kernels) */
	semihost_exit(status);
	if (plat.psci)
		psci_system_off(plat.cpu_start == CPU_START_PSCI_SMC);
	kprintf("gometal: system halted, status %d\n", status);
	park();
}
