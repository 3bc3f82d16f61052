/*
 * The PMU cycle counter, started on every core at boot so that programs
 * (bench/ built with BENCH_CYCLES=1 for a Pi) can read PMCCNTR_EL0 at EL1.
 * Nothing else uses the PMU; the event counters are left alone.
 *
 * Entered at EL2, boot/start.S has already set MDCR_EL2 so that EL1's PMU
 * accesses do not trap (TPM=0, TPMCR=0, every counter to EL1 via HPMN).
 */
#include <kernel/pmu.h>
#include <kernel/sysreg.h>
#include <stdint.h>

#define PMCR_E	(1u << 0)	/* counters enabled */
#define PMCR_C	(1u << 2)	/* cycle counter reset */
#define PMCR_LC	(1u << 6)	/* cycle counter overflows at 64 bits, not 32 */
#define PMCNTEN_C (1u << 31)	/* PMCNTENSET_EL0: the cycle counter */

bool pmu_present(void)
{
	uint64_t dfr0;
	__asm__ volatile("mrs %0, id_aa64dfr0_el1" : "=r"(dfr0));
	uint64_t ver = (dfr0 >> 8) & 0xf; /* PMUVer: 0 none, 0xf IMPLEMENTATION DEFINED */
	return ver != 0 && ver != 0xf;
}

void pmu_init_cpu(void)
{
	if (!pmu_present())
		return;
	uint64_t pmcr;
	__asm__ volatile("mrs %0, pmcr_el0" : "=r"(pmcr));
	pmcr |= PMCR_E | PMCR_C | PMCR_LC;
	/* PMCCFILTR_EL0 = 0: count cycles at EL1 and EL0 (its reset value
	 * is UNKNOWN on some cores). */
	__asm__ volatile("msr pmccfiltr_el0, xzr\n"
			 "msr pmcr_el0, %0\n"
			 "msr pmcntenset_el0, %1\n"
			 "isb" ::"r"(pmcr), "r"((uint64_t)PMCNTEN_C));
}
