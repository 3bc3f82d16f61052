/* The PMU cycle counter (kernel/pmu.c). */
#pragma once
#include <stdbool.h>

bool pmu_present(void);	/* PMUv3 implemented (ID_AA64DFR0_EL1.PMUVer) */
void pmu_init_cpu(void);	/* start PMCCNTR_EL0 on the calling core */
