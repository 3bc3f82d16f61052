#pragma once
#include <stdint.h>

#define PANIC_STATUS 2	/* exit status after a panic, as a Go program's */

/*
 * Prints "panic: cpu N: <message>" and a backtrace, stops every other core
 * with an IPI and ends the system with PANIC_STATUS. Never returns.
 */
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

#define kassert(cond)                                                                   \
	do {                                                                            \
		if (!(cond))                                                            \
			panic("assertion failed: %s (%s:%d)", #cond, __FILE__, __LINE__); \
	} while (0)

/*
 * Ends the system: stops the other cores, reports `status` to QEMU through
 * semihosting, else PSCI SYSTEM_OFF, else parks this core. Never returns.
 */
void system_stop(int status) __attribute__((noreturn));

/* Masks IRQs and makes this core the one ending the system; false if
 * another core already is (then the caller should cpu_stop_self()). */
#include <stdbool.h>
bool stop_claim(void);

/* Stops every other online core (IPI_STOP); waits up to CORE_ANSWER_MS for
 * them (kernel/config.h). Returns how many are still running (masked
 * interrupts, wedged); cpus[c].stopped says which. */
int stop_other_cpus(void);

/* IPI_STOP handler: park this core for good, interrupts masked. */
void cpu_stop_self(void) __attribute__((noreturn));
