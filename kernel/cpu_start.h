/* Ways to start a secondary core and to power the system off. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

/* PSCI (ARM DEN 0022): conduit is hvc or smc, as /psci says. Return 0 on
 * success or the negative PSCI error code. */
int psci_cpu_on(bool smc, uint64_t mpidr, uint64_t entry);
void psci_system_off(bool smc);

/* Spin table (Documentation/arch/arm64/booting.rst): the core waits in WFE
 * with its caches off, reading `release_addr`; write the entry, clean the
 * line to the point of coherency, then SEV. */
void spin_table_release(uint64_t release_addr, uint64_t entry);
