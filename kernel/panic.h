#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PANIC_STATUS 2	/* exit status after a panic, as a Go program's */

/*
 * Prints "panic: cpu N: <message>" and a backtrace, stops every other core
 * with an IPI and ends the system with PANIC_STATUS. Never returns.
 */
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* A fatal exception (rt/traps.c): "panic: ... data abort at 0x0 ..." with
 * the registers; kind and from as exc_unexpected() (kernel/frame.h). */
struct frame;
void panic_exception(const struct frame *f, int kind, int from) __attribute__((noreturn));

/*
 * Upcalls: what the panic path asks of the scheduler above it. sched/
 * defines them; they are declared here so that kernel/ includes nothing
 * above itself. Both must work from any state, even a corrupt one.
 */
struct panic_task {
	long id;
	const char *name;
	uint64_t stack_lo;	/* the lowest byte of its stack; the guard page is below */
};
/* The task running on this core, if any (false in the scheduler). */
bool panic_running_task(struct panic_task *t);
/* Can [va, va + len) of a task stack be read without a fault? (backtraces) */
bool stack_readable(uint64_t va, size_t len);

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
bool stop_claim(void);

/* Stops every other online core (IPI_STOP); waits up to CORE_ANSWER_MS for
 * them (kernel/config.h). Returns how many are still running (masked
 * interrupts, wedged); cpus[c].stopped says which. */
int stop_other_cpus(void);

/* IPI_STOP handler: park this core for good, interrupts masked. */
void cpu_stop_self(void) __attribute__((noreturn));
