/*
 * GICv2 (ARM IHI 0048B): QEMU virt's default and the Pi 4's GIC-400.
 * Memory-mapped distributor (GICD) and CPU interface (GICC). SGIs and PPIs
 * are banked per core, so each core enables its own.
 */
#include <drivers/irq/gicd.h>
#include <drivers/irq/irqchips.h>
#include <kernel/percpu.h>
#include <kernel/platform.h>

#define GICD_CTLR	0x000
#define GICD_ITARGETSR	0x800
#define GICD_SGIR	0xf00
#define SGIR_SELF	(2u << 24)	/* TargetListFilter: the requesting CPU */
#define GICC_CTLR	0x000
#define GICC_PMR	0x004
#define GICC_IAR	0x00c
#define GICC_EOIR	0x010

#define PMR_ALLOW_ALL	0xf0

static uint64_t gicd(void) { return plat.intc_base[0]; }
static uint64_t gicc(void) { return plat.intc_base[1]; }

static void gicv2_init(void)
{
	mmio_write32(gicd() + GICD_CTLR, 1);	/* forward interrupts */
}

static void gicv2_init_cpu(void)
{
	/* ITARGETSR0..7 are banked: each byte reads as this core's own CPU
	 * interface bit, which need not be 1 << Aff0 (Linux: gic_get_cpumask). */
	this_cpu()->gic_target = (uint8_t)mmio_read32(gicd() + GICD_ITARGETSR);
	for (int i = 0; i < 32; i += 4) /* banked SGI/PPI priorities */
		mmio_write32(gicd() + GICD_IPRIORITYR + i, GIC_PRIO_DEFAULT * 0x01010101u);
	mmio_write32(gicd() + GICD_ISENABLER, 0xffffu | (1u << IRQ_VTIMER));
	mmio_write32(gicc() + GICC_PMR, PMR_ALLOW_ALL);
	mmio_write32(gicc() + GICC_CTLR, 1);
}

static unsigned gicv2_ack(void)
{
	/* The whole IAR (SGI source cpu in bits 12:10) goes back to EOIR. */
	uint32_t iar = mmio_read32(gicc() + GICC_IAR);
	/* Order the acknowledge before the IPI handler's reads of what the
	 * sender wrote (the sender put a dsb before the SGI). */
	__asm__ volatile("dmb ish" ::: "memory");
	return (iar & 0x3ff) >= 1020 ? IRQ_NONE : iar;
}

static void gicv2_eoi(unsigned iar)
{
	mmio_write32(gicc() + GICC_EOIR, iar);
}

static void gicv2_send_ipi(int cpu, int ipi)
{
	/* To ourselves by the "this CPU" filter: a uniprocessor GIC reads its
	 * ITARGETSRs as zero, so there may be no target bit to name. */
	uint32_t sgir = cpu == cpu_id() ? SGIR_SELF : (uint32_t)cpus[cpu].gic_target << 16;
	dsb_ishst(); /* stores before the IPI are visible to its handler */
	mmio_write32(gicd() + GICD_SGIR, sgir | (uint32_t)ipi);
}

static unsigned gicv2_nr_irqs(void) { return gicd_nr_irqs(gicd()); }

/* An SPI goes to the CPU interfaces named in its ITARGETSR byte (IHI 0048B
 * 4.3.12): here the one core's. */
static void gicv2_setup(unsigned irq, bool edge, int cpu)
{
	gicd_setup(gicd(), irq, edge);
	mmio_write8(gicd() + GICD_ITARGETSR + irq, cpus[cpu].gic_target);
}

static void gicv2_mask(unsigned irq) { gicd_bit(gicd(), GICD_ICENABLER, irq); }
static void gicv2_unmask(unsigned irq) { gicd_bit(gicd(), GICD_ISENABLER, irq); }

const struct irqchip gicv2_irqchip = {
	.name = "gicv2",
	.init = gicv2_init,
	.init_cpu = gicv2_init_cpu,
	.ack = gicv2_ack,
	.eoi = gicv2_eoi,
	.send_ipi = gicv2_send_ipi,
	.nr_irqs = gicv2_nr_irqs,
	.setup = gicv2_setup,
	.mask = gicv2_mask,
	.unmask = gicv2_unmask,
};
