/*
 * The interrupt controller as the kernel sees it (drivers/irq/ implements
 * it): per-core timer interrupt and inter-processor interrupts. Interrupt
 * numbers follow the GIC's INTIDs on every controller: IPIs 0-15 (SGIs),
 * the EL1 virtual timer 27 (a PPI).
 */
#pragma once
#include <stdint.h>

#define IRQ_VTIMER	27
#define IRQ_NONE	1023	/* ack() found nothing pending (spurious) */
#define NR_IPI		16

struct irqchip {
	const char *name;
	void (*init)(void);		/* once, on the boot core */
	void (*init_cpu)(void);		/* on each core, before its IRQs are unmasked */
	unsigned (*ack)(void);		/* highest pending interrupt, or IRQ_NONE */
	void (*eoi)(unsigned irq);	/* the value ack() returned */
	void (*send_ipi)(int cpu, int ipi);
};
