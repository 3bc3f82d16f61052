/*
 * The boot core's path from boot/start.S to the program's main(), and back
 * out through exit(). The order matters: the board and device tree first
 * (with the MMU off), the console, the MMU, then interrupts and timers,
 * then the other cores.
 */
#include <kernel/mmu.h>
#include <kernel/evtrace.h>
#include <kernel/ipi.h>
#include <kernel/irqchip.h>
#include <kernel/generic_timer.h>
#include <kernel/cmdline.h>
#include <rt/console.h>
#include <kernel/percpu.h>
#include <kernel/platform.h>
#include <kernel/pmu.h>
#include <kernel/printk.h>
#include <kernel/panic.h>
#include <rt/entry_check.h>
#include <rt/smp.h>
#include <gometal.h>
#include <sched/sched.h>
#include <stdlib.h>

int main(void);

/* Like a Go program: when main returns, everything stops with its status. */
static void main_task(void *arg)
{
	(void)arg;
	exit(main());
}

static const char *start_method(void)
{
	switch (plat.cpu_start) {
	case CPU_START_PSCI_HVC: return "psci/hvc";
	case CPU_START_PSCI_SMC: return "psci/smc";
	default: return "spin-table";
	}
}

/* When the machine has, and maxcpus= asks for, more cores than the kernel
 * can run (NCPU_MAX), says so: the cores past it stay off. */
static void report_core_limit(int want)
{
	int found = plat.ncpus_found > plat.ncpus ? plat.ncpus_found : plat.ncpus;
	int asked = want < found ? want : found;
	if (asked > NCPU_MAX)
		kprintf("smp: %d cores asked for and present, but this kernel runs at most %d "
			"(NCPU_MAX, kernel/config.h)\n", asked, NCPU_MAX);
}

void kernel_main(uint64_t dtb, uint64_t entry_el)
{
	entry_check(entry_el);
	platform_init(dtb);
	console_init();
	mmu_init();
	timer_init();
	kprintf("gometal on %s: entered at EL%lu, %lu MiB RAM at %lx, %s, %s, timer %lu Hz\n",
		plat.name, entry_el, plat.ram_size >> 20, plat.ram_base, plat.irqchip->name,
		start_method(), timer_freq());
	if (*cmdline())
		kprintf("cmdline: %s\n", cmdline());

	plat.irqchip->init();
	plat.irqchip->init_cpu();
	timer_disarm();
	pmu_init_cpu();
	cpu_init_libc();

	int want = (int)cmdline_int("maxcpus", NCPU_MAX);
	smp_boot(want < 1 ? 1 : want > NCPU_MAX ? NCPU_MAX : want);
	report_core_limit(want);
	kprintf("cpus online: %d\n", ncpu_online);
	evtrace_init(ncpu_online);
	console_input_init();
	irq_enable();

	/* main is the first task; every core then enters its scheduler. */
	sched_init(ncpu_online);
	preempt_init();
	static const go_attr_t main_attr = {.name = "main", .cpu = -1};
	if (go_with(&main_attr, main_task, 0) < 0)
		panic("no memory for the main task");
	long trace = cmdline_int("schedtrace", 0);
	if (trace > 0)
		schedtrace_start((uint64_t)trace, cmdline_get("scheddetail") != 0);
	__atomic_store_n(&sched.started, 1, __ATOMIC_RELEASE);
	for (int i = 1; i < ncpu_online; i++)
		ipi_send(i, IPI_RESCHED); /* they wait for `started` in WFI (rt/smp.c) */
	sched_start();
}
