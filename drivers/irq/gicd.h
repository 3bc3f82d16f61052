/*
 * The GIC distributor's per-SPI registers, the same in GICv2 (ARM IHI
 * 0048B, 4.3) and GICv3 (ARM IHI 0069H, 12.9): one bit per interrupt in
 * the set/clear-enable and clear-pending arrays, a byte of priority, two
 * bits of configuration (bit 1 of the field: 1 edge, 0 level). Shared by
 * gicv2.c and gicv3.c; each adds its own routing (ITARGETSR or IROUTER).
 */
#pragma once
#include <kernel/mmio.h>
#include <stdbool.h>

#define GICD_TYPER	0x004
#define GICD_IGROUPR	0x080
#define GICD_ISENABLER	0x100
#define GICD_ICENABLER	0x180
#define GICD_ICPENDR	0x280
#define GICD_IPRIORITYR	0x400
#define GICD_ICFGR	0xc00

#define GIC_PRIO_DEFAULT	0xa0

/* GICD_TYPER.ITLinesNumber N: INTIDs up to 32 * (N + 1) - 1, at most 1019. */
static inline unsigned gicd_nr_irqs(uint64_t d)
{
	unsigned n = 32 * ((mmio_read32(d + GICD_TYPER) & 0x1f) + 1);
	return n > 1020 ? 1020 : n;
}

static inline void gicd_bit(uint64_t d, unsigned reg, unsigned irq)
{
	mmio_write32(d + reg + 4 * (irq / 32), 1u << (irq % 32));
}

/* Masked, not pending, default priority, edge or level. The ICFGR field is
 * read-modify-written: its neighbours belong to other lines, so the caller
 * serialises setups (sched/netpoll.c holds its lock). */
static inline void gicd_setup(uint64_t d, unsigned irq, bool edge)
{
	gicd_bit(d, GICD_ICENABLER, irq);
	gicd_bit(d, GICD_ICPENDR, irq);
	mmio_write8(d + GICD_IPRIORITYR + irq, GIC_PRIO_DEFAULT);
	uint64_t cfg = d + GICD_ICFGR + 4 * (irq / 16);
	uint32_t bit = 2u << (2 * (irq % 16));
	mmio_write32(cfg, edge ? mmio_read32(cfg) | bit : mmio_read32(cfg) & ~bit);
}
