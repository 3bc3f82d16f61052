/*
 * Execution tracing (make trace; issue 19): what every core did, as events
 * in a ring per core, written to the host when the system stops.
 *
 * Built only into EVTRACE kernels (make trace builds build/<board>-trace/):
 * elsewhere evtrace() is a macro that evaluates nothing. Recording
 * takes no lock and allocates nothing: a core writes only its own ring,
 * with interrupts masked for the few instructions of one event, so a
 * handler on the same core cannot interleave with it and no other core
 * writes there. The rings are read only by system_stop (kernel/stop.c),
 * once every other core has stopped and recording is frozen (a core that
 * never stopped may leave one event half-written). A full ring overwrites
 * its oldest events; the dump says how many were lost.
 *
 * Timestamps are the generic counter (the same on every core; ARM ARM
 * D11.1.2, "The system counter").
 */
#pragma once
#include <stdint.h>

enum evkind {
	EV_RUN = 1,	/* a: task now running here (0: none, the scheduler);
			 * b: the previous one's id | its state << 32 |
			 * this P's queue length << 40 | the global queue's << 52 */
	EV_SPAWN,	/* a: parent task id; b: the new task's id */
	EV_NAME,	/* a: task id; b: 8 bytes of its name (two events: 16) */
	EV_READY,	/* a: waker task id (0: an interrupt, the scheduler); b: wakee id */
	EV_STEAL,	/* a: victim P; b: tasks taken */
	EV_PREEMPT,	/* a: the preempted task's id */
	EV_TIMER,	/* a: the P whose timer ran here */
	EV_IDLE,	/* a: 1 this core sleeps in WFI, 0 it woke */
	EV_IPI_SEND,	/* a: target core; b: the IPI */
	EV_IPI_RECV,	/* a: the IPI */
	EV_MARK,	/* a, b: anything (make bench's cost per event) */
	EV_WAIT,	/* a: task id; b: its wait reason (a string's address,
			 * which the dump spells out) */
	EV_IRQ,		/* a: interrupt number taken (not the timer's, nor IPIs) */
};

#ifdef EVTRACE
void evtrace_rec(unsigned kind, uint32_t a, uint64_t b);
void evtrace_dump(void);	/* system_stop, with every other core stopped */
void evtrace_init(int ncpu);	/* a ring for each core online, before the scheduler */
static inline void evtrace(unsigned kind, uint32_t a, uint64_t b)
{
	evtrace_rec(kind, a, b);
}
#else
/* Nothing, not even the arguments: they may read registers (getg) or
 * other cores' queues, which an empty inline function would still do. */
#define evtrace(kind, a, b)                                \
	do {                                               \
		if (0) {                                   \
			(void)(kind), (void)(a), (void)(b); \
		}                                          \
	} while (0)
static inline void evtrace_dump(void) {}
static inline void evtrace_init(int ncpu) { (void)ncpu; }
#endif
