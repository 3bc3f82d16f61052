/*
 * QEMU's `virt` machine (hw/arm/virt.c in QEMU). These are the defaults;
 * the DTB QEMU passes in x0 overrides RAM size, GIC version and addresses,
 * the PSCI conduit and the list of cores.
 */
#include <drivers/gpio/pl061.h>
#include <drivers/irq/irqchips.h>
#include <drivers/uart/pl011.h>
#include <kernel/platform.h>

void board_init(struct platform *p)
{
	p->name = "virt";
	p->ram_base = 0x40000000;
	p->ram_size = 128 << 20;
	/* GIC (0x08000000: GICD, GICC at +0x10000, GICv3 GICRs at +0xa0000),
	 * PL011 at 0x09000000, RTC, GPIO...: 32 MiB of device space. */
	p->mmio[0] = (struct mmio_range){0x08000000, 0x02000000};
	p->nmmio = 1;
	p->uart = &pl011_uart;
	p->uart_base = 0x09000000;
	p->uart_clock = 24000000; /* QEMU ignores the divisor */
	p->uart_irq = 32 + 1; /* SPI 1 (hw/arm/virt.c: [VIRT_UART] = 1; the DTB's <0 1 4>) */
	p->gpio = &pl061_gpio; /* PL061 at 0x09030000, SPI 7: [VIRT_GPIO] in both tables */
	p->gpio_base = 0x09030000;
	p->gpio_irq[0] = 32 + 7;
	p->irqchip = &gicv2_irqchip;
	p->intc_base[0] = 0x08000000;
	p->intc_base[1] = 0x08010000;
	p->cpu_start = CPU_START_PSCI_HVC; /* -kernel boots at EL1: PSCI via hvc */
	p->psci = true;
	p->ncpus = 1; /* the DTB lists the others */
	p->cpu_mpidr[0] = 0;
}
