#pragma once

void smp_boot(int want);		/* boot core: start up to `want` cores in all */
void secondary_main(int id) __attribute__((noreturn));
void cpu_init_libc(void);
extern uint32_t smp_cores_turned_away;	/* cores that came too late and parked */		/* rt/libc: this core's newlib state */
