/*
 * The ARM generic timer: one counter shared by all cores, and each core's
 * own EL1 virtual timer (CNTV), which interrupts as IRQ_VTIMER.
 */
#pragma once
#include <stdint.h>

void timer_init(void);			/* boot core: read CNTFRQ_EL0 */
uint64_t timer_freq(void);		/* counter ticks per second */
uint64_t timer_count(void);		/* the counter, same on every core */
/* The counter without the ISB that keeps the read after earlier
 * instructions: for deadlines, where a read a few instructions early is
 * harmless (the scheduler's hot paths). */
static inline uint64_t timer_count_fast(void)
{
	uint64_t v;
	__asm__ volatile("mrs %0, cntvct_el0" : "=r"(v));
	return v;
}
uint64_t timer_ns(void);		/* nanoseconds since boot (go_now) */
uint64_t timer_ns_to_ticks(uint64_t ns);
uint64_t timer_count_at_ns(uint64_t ns);	/* first count where timer_ns() >= ns */
void timer_arm_at(uint64_t count);	/* this core: interrupt when counter >= count */
void timer_disarm(void);		/* this core: no timer interrupt */
