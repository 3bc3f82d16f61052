#pragma once

void smp_boot(int want);		/* boot core: start up to `want` cores in all */
void secondary_main(int id) __attribute__((noreturn));
void cpu_init_libc(void);		/* kernel/libc: this core's newlib state */

/*
 * Before the scheduler: run fn(arg) on secondary core `cpu` from its idle
 * loop (thread context, IRQs enabled, newlib allowed). Panics if the core
 * is not an online secondary or is still running earlier work.
 */
void cpu_run(int cpu, void (*fn)(void *), void *arg);
void cpu_run_wait(int cpu);	/* until that work has returned */
