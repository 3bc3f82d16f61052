/*
 * The interrupt controller as the kernel sees it (drivers/irq/ implements
 * it): per-core timer interrupt, inter-processor interrupts and device
 * lines. Interrupt numbers follow the GIC's INTIDs on every controller:
 * IPIs 0-15 (SGIs), the EL1 virtual timer 27 (a PPI), devices from 32 (the
 * GIC's SPIs; on the BCM2836, 32 + the BCM2835's GPU interrupt number).
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#define IRQ_VTIMER	27
#define IRQ_NONE	1023	/* ack() found nothing pending (spurious) */
#define NR_IPI		16
#define IRQ_DEV_FIRST	32	/* the first device interrupt */

struct irqchip {
	const char *name;
	void (*init)(void);		/* once, on the boot core */
	void (*init_cpu)(void);		/* on each core, before its IRQs are unmasked */
	unsigned (*ack)(void);		/* highest pending interrupt, or IRQ_NONE */
	void (*eoi)(unsigned irq);	/* the value ack() returned */
	void (*send_ipi)(int cpu, int ipi);
	/* Device lines, IRQ_DEV_FIRST .. nr_irqs() - 1; callable on any core. */
	unsigned (*nr_irqs)(void);
	/* Trigger (edge or level-high) and target core; leaves the line
	 * masked, nothing pending. */
	void (*setup)(unsigned irq, bool edge, int cpu);
	void (*mask)(unsigned irq);	/* done when it returns: no new delivery */
	void (*unmask)(unsigned irq);
};
