/* Inter-processor interrupt numbers (GIC SGI INTIDs, BCM2836 mailbox bits). */
#pragma once

enum ipi {
	IPI_RESCHED = 0,	/* new work for an idle core (the scheduler's wakep) */
	IPI_CALL = 1,		/* run cpus[n].call_fn (kernel/smp_call.c) */
	IPI_STOP = 2,		/* park for good: the system is stopping */
	IPI_PING = 3,		/* count and return: used by the IPI tests */
};

/*
 * IPIs are doorbells, not counted messages: on GICv3 and on the BCM2836
 * mailboxes, the same IPI sent twice before the target takes it arrives
 * once. Whatever must not be lost goes into memory first (with the sender
 * named, if it matters), then the IPI says "look".
 */
void ipi_send(int cpu, enum ipi ipi);
/* Marks this core's bit in cpus[cpu].ping_pending, then sends IPI_PING. */
void ipi_ping(int cpu);
void ipi_handle(int ipi);

/*
 * Runs fn(arg) on `cpu` from its IPI handler and waits until it has run.
 * Not from an interrupt handler. fn runs in the target's interrupt handler:
 * interrupts masked, no blocking, no newlib, no FP/SIMD (the interrupted
 * code's vector registers are not saved). On the calling core, fn simply
 * runs, with interrupts masked likewise.
 */
void smp_call(int cpu, void (*fn)(void *), void *arg);
