/*
 * sched/netpoll.c's side for the rest of the kernel: the interrupt
 * handler's entry, the scheduler's poll, and kernel-owned lines (the
 * console's receive interrupt).
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>

struct chan;

/* From the interrupt handler, IRQs masked: line irq fired. Masks it unless
 * the kernel services it; true if a task is to be told (a scheduler must
 * look: the caller preempts, sched/preempt.c). */
bool netpoll_irq(unsigned irq);
/* Some line fired and no scheduler has looked yet: one load, inline, as
 * the scheduler's paths ask on every switch. */
extern uint32_t netpoll_pending_words;
static inline bool netpoll_waiting(void)
{
	return __atomic_load_n(&netpoll_pending_words, __ATOMIC_RELAXED) != 0;
}
/* The scheduler (not the handler): tells the tasks; how many lines fired. */
int netpoll(void);
/* Some task may be told of an interrupt: not a deadlock while it waits. */
bool netpoll_live(void);
/* A line the kernel's own handler services (never masked), routed to cpu;
 * whom to tell is set apart, as the first task asks. */
void netpoll_attach_kernel(unsigned irq, int cpu);
void netpoll_detach_kernel(unsigned irq);
void netpoll_set_chan(unsigned irq, struct chan *c);
/* Or, for a line with several listeners (a GPIO bank's pins), a function
 * the scheduler calls instead, under netpoll's lock; which those sends
 * also need from whoever changes its listeners (netpoll_lock). */
void netpoll_set_tell(unsigned irq, void (*fn)(void));
void netpoll_lock(void);
void netpoll_unlock(void);
