/*
 * Interrupt dispatch: the controller says which interrupt, we run its
 * handler: the timer's, an IPI's, or a device line's (the console's
 * receive ring, then sched/netpoll.c, which wakes the task told of it). Handlers run on the core's exception stack with IRQs masked and
 * TPIDR_EL0 cleared, so that spinlocks they take do not count against the
 * interrupted task (kernel/preempt.h). The timer interrupt may ask to
 * preempt that task (sched/preempt.c); boot/vectors.S then switches.
 */
#include <kernel/evtrace.h>
#include <kernel/irqchip.h>
#include <kernel/generic_timer.h>
#include <kernel/frame.h>
#include <kernel/conin.h>
#include <kernel/ipi.h>
#include <kernel/percpu.h>
#include <kernel/platform.h>
#include <rt/console.h>
#include <sched/netpoll.h>
#include <sched/sched.h>

struct g *exc_irq(struct irq_frame *f)
{
	struct cpu *c = this_cpu();
	struct g *g = getg(), *preempt = 0;
	write_tpidr_el0(0);
	for (;;) {
		unsigned irq = plat.irqchip->ack();
		if (irq == IRQ_NONE)
			break;
		unsigned id = irq & 0x3ff; /* GICv2 puts the SGI source in 12:10 */
		c->irqs++;
		if (id == IRQ_VTIMER) {
			preempt = preempt_tick(&f->f, g);
		} else if (id < NR_IPI) {
			ipi_handle((int)id);
		} else if (id >= IRQ_DEV_FIRST) {
			evtrace(EV_IRQ, id, 0);
			if (id == plat.uart_irq)
				conin_irq();
			else if (gpio_line(id))
				gpio_irq();
			/* masked (unless ours, as the UART's) before the EOI */
			if (netpoll_irq(id) && !preempt)
				preempt = preempt_event(&f->f, g);
		}
		plat.irqchip->eoi(irq);
	}
	write_tpidr_el0((uint64_t)g);
	return preempt;
}
