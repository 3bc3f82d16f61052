/*
 * A periodic tick on one core's own timer, counted in cpus[n].timer_ticks:
 * the tests use it to show every core takes its own timer interrupt, and
 * schedtrace prints from it. The preemption issue brings the scheduler's
 * quantum and per-P timers, which will own the timer instead.
 */
#pragma once
#include <stdint.h>

/* On the calling core: `count` interrupts, `period_ns` apart. */
void tick_start(uint64_t period_ns, uint64_t count);
/* On the calling core, for good: fn() from the timer interrupt every period. */
void tick_every(uint64_t period_ns, void (*fn)(void));
void tick_irq(void);
