/*
 * A flattened device tree reader: just the facts the platform needs.
 * Pure C with no kernel dependencies, so tests/host runs it natively against
 * the DTBs QEMU itself generates.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#define DT_MAX_CPUS 128
#define DT_MAX_INTC_REG 4
#define DT_MAX_NOMAP 4

enum dt_intc { DT_INTC_NONE, DT_INTC_GICV2, DT_INTC_GICV3, DT_INTC_BCM2836 };
enum dt_psci { DT_PSCI_NONE, DT_PSCI_HVC, DT_PSCI_SMC };

struct dt_info {
	uint64_t mem_base, mem_size;	/* first /memory range */
	const char *bootargs;		/* /chosen/bootargs, inside the blob */
	enum dt_psci psci;		/* /psci method */
	enum dt_intc intc;
	/* GIC: distributor, then cpu interface (v2) or redistributor regions (v3) */
	uint64_t intc_reg[DT_MAX_INTC_REG], intc_size[DT_MAX_INTC_REG];
	int intc_redist_regions;	/* GICv3: #redistributor-regions (1 if absent) */
	uint64_t pl011;			/* first arm,pl011 node's base, 0 if none */
	int ncpus;			/* cpu nodes recorded below */
	int ncpus_found;		/* cpu nodes in the blob, also past DT_MAX_CPUS */
	uint64_t cpu_mpidr[DT_MAX_CPUS];
	uint64_t cpu_release[DT_MAX_CPUS]; /* spin-table cpu-release-addr, 0 if psci */
	/* /reserved-memory children marked no-map: memory the kernel must not
	 * even map (firmware's, e.g. the Pi 5's TF-A at 0). */
	int nnomap;
	uint64_t nomap_base[DT_MAX_NOMAP], nomap_size[DT_MAX_NOMAP];
};

/* Parses the blob at `fdt`; returns false (and leaves *out zeroed) if it is
 * not a valid FDT. Reads only what the header says the blob holds. */
bool dt_parse(const void *fdt, struct dt_info *out);

/* Total size the header claims, or 0 if `fdt` is not an FDT. */
uint32_t dt_size(const void *fdt);
