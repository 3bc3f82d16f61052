/* Inter-processor interrupt numbers (GIC SGI INTIDs, BCM2836 mailbox bits). */
#pragma once

enum ipi {
	IPI_RESCHED = 0,	/* new work for an idle core (the scheduler's wakep) */
	IPI_CALL = 1,		/* run cpus[n].call_fn (kernel/smp_call.c) */
	IPI_STOP = 2,		/* park for good: the system is stopping */
	IPI_PING = 3,		/* count and return: used by the IPI tests */
};

void ipi_send(int cpu, enum ipi ipi);
void ipi_handle(int ipi);

/*
 * Runs fn(arg) on `cpu` from its IPI handler and waits until it has run.
 * Not from an interrupt handler. fn runs with interrupts masked and must
 * not block. On the calling core, fn simply runs.
 */
void smp_call(int cpu, void (*fn)(void *), void *arg);
