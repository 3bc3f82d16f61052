#include <kernel/cpu_start.h>

#define PSCI_CPU_ON_64		0xc4000003u
#define PSCI_SYSTEM_OFF		0x84000008u

static int64_t psci_call(bool smc, uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fn;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;
	/* SMCCC 1.0: x0-x17 may be clobbered by the firmware. */
	if (smc)
		__asm__ volatile("smc #0"
				 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
				 :
				 : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12",
				   "x13", "x14", "x15", "x16", "x17", "memory");
	else
		__asm__ volatile("hvc #0"
				 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
				 :
				 : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12",
				   "x13", "x14", "x15", "x16", "x17", "memory");
	return (int64_t)x0;
}

int psci_cpu_on(bool smc, uint64_t mpidr, uint64_t entry)
{
	return (int)psci_call(smc, PSCI_CPU_ON_64, mpidr, entry, 0);
}

void psci_system_off(bool smc)
{
	psci_call(smc, PSCI_SYSTEM_OFF, 0, 0, 0);
}
