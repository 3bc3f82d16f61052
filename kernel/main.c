/*
 * The boot core's path from boot/start.S to the program's main(), and back
 * out through exit(). The order matters: the board and device tree first
 * (with the MMU off), the console, the MMU, then interrupts and timers,
 * then the other cores.
 */
#include <boot/mmu.h>
#include <drivers/irq/irqchip.h>
#include <drivers/timer/generic_timer.h>
#include <kernel/cmdline.h>
#include <kernel/percpu.h>
#include <kernel/platform.h>
#include <kernel/printk.h>
#include <kernel/smp.h>
#include <stdlib.h>

int main(void);

static const char *start_method(void)
{
	switch (plat.cpu_start) {
	case CPU_START_PSCI_HVC: return "psci/hvc";
	case CPU_START_PSCI_SMC: return "psci/smc";
	default: return "spin-table";
	}
}

void kernel_main(uint64_t dtb, uint64_t entry_el)
{
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
	cpu_init_libc();

	int want = (int)cmdline_int("maxcpus", NCPU_MAX);
	smp_boot(want < 1 ? 1 : want > NCPU_MAX ? NCPU_MAX : want);
	kprintf("cpus online: %d\n", ncpu_online);
	irq_enable();

	exit(main());
}
