/*
 * What the boot core leaves for the secondary cores, which read it with the
 * MMU and caches off: the boot core cleans it to the point of coherency
 * before releasing them. Offsets are shared with boot/start.S.
 */
#pragma once
#include <kernel/config.h>

#define BP_TTBR0	0
#define BP_TCR		8
#define BP_MAIR		16
#define BP_SCTLR	24
#define BP_LATE		32	/* test hook (smp_late=): this mpidr dawdles before its claim */
#define BP_MPIDR	40	/* uint64_t[NCPU_MAX]: mpidr_aff() of each logical cpu */
#define BP_NONE		(~0)	/* an mpidr slot no core may claim */
#define BP_CLAIMED	(~1)	/* the slot's core took it (boot/start.S) */

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

struct boot_params {
	uint64_t ttbr0, tcr, mair, sctlr;
	uint64_t late;
	uint64_t mpidr[NCPU_MAX];
} __attribute__((aligned(64)));

_Static_assert(offsetof(struct boot_params, ttbr0) == BP_TTBR0, "BP_TTBR0");
_Static_assert(offsetof(struct boot_params, tcr) == BP_TCR, "BP_TCR");
_Static_assert(offsetof(struct boot_params, mair) == BP_MAIR, "BP_MAIR");
_Static_assert(offsetof(struct boot_params, sctlr) == BP_SCTLR, "BP_SCTLR");
_Static_assert(offsetof(struct boot_params, late) == BP_LATE, "BP_LATE");
_Static_assert(offsetof(struct boot_params, mpidr) == BP_MPIDR, "BP_MPIDR");

extern struct boot_params boot_params;
void secondary_entry(void);	/* boot/start.S: where released cores start */
void mmu_on(uint64_t ttbr0, uint64_t tcr, uint64_t mair, uint64_t sctlr);
#endif
