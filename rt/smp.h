#pragma once

void smp_boot(int want);		/* boot core: start up to `want` cores in all */
void secondary_main(int id) __attribute__((noreturn));
void cpu_init_libc(void);		/* rt/libc: this core's newlib state */
