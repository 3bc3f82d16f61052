/*
 * Interrupt dispatch: the controller says which interrupt, we run its
 * handler. Handlers run on the core's exception stack with IRQs masked.
 * Only general-purpose registers are saved on entry, so nothing reachable
 * from here may touch FP/SIMD registers (the kernel is built with
 * -mgeneral-regs-only, and no handler calls newlib).
 */
#include <drivers/irq/irqchip.h>
#include <drivers/timer/generic_timer.h>
#include <kernel/frame.h>
#include <kernel/ipi.h>
#include <kernel/percpu.h>
#include <kernel/platform.h>
#include <kernel/tick.h>

void exc_irq(struct frame *f)
{
	(void)f;
	struct cpu *c = this_cpu();
	for (;;) {
		unsigned irq = plat.irqchip->ack();
		if (irq == IRQ_NONE)
			break;
		unsigned id = irq & 0x3ff; /* GICv2 puts the SGI source in 12:10 */
		c->irqs++;
		if (id == IRQ_VTIMER)
			tick_irq();
		else if (id < NR_IPI)
			ipi_handle((int)id);
		plat.irqchip->eoi(irq);
	}
}
