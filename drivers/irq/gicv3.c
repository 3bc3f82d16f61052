/*
 * GICv3 (ARM IHI 0069): QEMU virt with gic-version=3, needed past 8 cores.
 * Affinity routing; a redistributor (GICR) per core holds its SGI/PPI
 * state; the CPU interface is the ICC_* system registers. We run with a
 * single security state as QEMU's virt machine configures it, everything in
 * Group 1.
 */
#include <drivers/irq/gicd.h>
#include <drivers/irq/irqchips.h>
#include <kernel/panic.h>
#include <kernel/percpu.h>
#include <kernel/platform.h>

#define GICD_CTLR	0x0000
#define GICD_CTLR_RWP	(1u << 31)
#define GICD_CTLR_ARE	(1u << 4)
#define GICD_CTLR_GRP1	(1u << 1)	/* EnableGrp1 (NS) / EnableGrp1A */
#define GICD_CTLR_GRP0	(1u << 0)

#define GICR_STRIDE	0x20000		/* RD_base + SGI_base frames */
#define GICR_TYPER	0x0008
#define GICR_TYPER_LAST	(1u << 4)
#define GICR_TYPER_VLPIS	(1u << 1)
#define GICR_WAKER	0x0014
#define WAKER_SLEEP	(1u << 1)	/* ProcessorSleep */
#define WAKER_ASLEEP	(1u << 2)	/* ChildrenAsleep */
#define GICR_SGI	0x10000
#define GICR_IGROUPR0	(GICR_SGI + 0x080)
#define GICR_ISENABLER0	(GICR_SGI + 0x100)
#define GICR_IPRIORITYR	(GICR_SGI + 0x400)

#define GICD_IROUTER	0x6000		/* + 8 * INTID, SPIs */
#define PMR_ALLOW_ALL	0xf0

static uint64_t gicd(void) { return plat.intc_base[0]; }

static void gicv3_init(void)
{
	uint64_t d = gicd();
	mmio_write32(d + GICD_CTLR, 0);
	while (mmio_read32(d + GICD_CTLR) & GICD_CTLR_RWP)
		;
	mmio_write32(d + GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_GRP1 | GICD_CTLR_GRP0);
}

/*
 * This core's redistributor: the frame whose GICR_TYPER affinity is ours,
 * in whichever region holds it (QEMU virt past 123 cores has two). A
 * frame is RD_base + SGI_base, and two more pages (VLPI, reserved) when
 * GICR_TYPER.VLPIS says so; the last frame of a region has
 * GICR_TYPER.Last (IHI 0069H 12.11.33; Linux gic_iterate_rdists).
 */
static uint64_t my_redistributor(void)
{
	uint64_t aff = mpidr_packed(read_mpidr());
	for (int i = 0; i < plat.ngicr; i++) {
		uint64_t r = plat.gicr[i].base, end = r + plat.gicr[i].size;
		while (r < end) {
			uint64_t typer = mmio_read64(r + GICR_TYPER);
			if ((typer >> 32) == aff)
				return r;
			if (typer & GICR_TYPER_LAST)
				break;
			r += typer & GICR_TYPER_VLPIS ? 2 * GICR_STRIDE : GICR_STRIDE;
		}
	}
	panic("gicv3: no redistributor for mpidr %lx", aff);
}

static void gicv3_init_cpu(void)
{
	uint64_t r = my_redistributor();
	mmio_write32(r + GICR_WAKER, mmio_read32(r + GICR_WAKER) & ~WAKER_SLEEP);
	while (mmio_read32(r + GICR_WAKER) & WAKER_ASLEEP)
		;
	mmio_write32(r + GICR_IGROUPR0, ~0u);	/* SGIs and PPIs: Group 1 */
	for (int i = 0; i < 32; i += 4)
		mmio_write32(r + GICR_IPRIORITYR + i, GIC_PRIO_DEFAULT * 0x01010101u);
	mmio_write32(r + GICR_ISENABLER0, 0xffffu | (1u << IRQ_VTIMER));

	write_icc_sre(read_icc_sre() | 1);	/* system-register interface */
	isb();
	write_icc_pmr(PMR_ALLOW_ALL);
	write_icc_bpr1(0);
	write_icc_ctlr(0);			/* EOI both drops priority and deactivates */
	write_icc_igrpen1(1);
	isb();
}

static unsigned gicv3_ack(void)
{
	unsigned irq = (unsigned)read_icc_iar1() & 0xffffff;
	dsb_sy(); /* the acknowledge before the handler's reads (Linux: gic_read_iar) */
	return irq >= 1020 && irq <= 1023 ? IRQ_NONE : irq;
}

static void gicv3_eoi(unsigned irq)
{
	write_icc_eoir1(irq);
}

static void gicv3_send_ipi(int cpu, int ipi)
{
	uint64_t m = cpus[cpu].mpidr;
	uint64_t aff1 = (m >> 8) & 0xff, aff2 = (m >> 16) & 0xff, aff3 = (m >> 32) & 0xff;
	uint64_t aff0 = m & 0xff;
	/* Target list bit aff0 % 16 within range selector aff0 / 16. */
	uint64_t sgi = aff3 << 48 | (aff0 / 16) << 44 | aff2 << 32 | (uint64_t)ipi << 24 |
		       aff1 << 16 | (1ull << (aff0 % 16));
	dsb_ishst(); /* stores before the IPI are visible to its handler */
	write_icc_sgi1r(sgi);
	isb();
}

static unsigned gicv3_nr_irqs(void) { return gicd_nr_irqs(gicd()); }

/* GICD_CTLR.RWP: a write to ICENABLER has taken effect once it reads 0
 * (IHI 0069H 12.9.4; Linux gic_do_wait_for_rwp). */
static void gicv3_wait_rwp(void)
{
	while (mmio_read32(gicd() + GICD_CTLR) & GICD_CTLR_RWP)
		;
}

/* Group 1 as everything else here; routed by affinity to one core
 * (IROUTER.IRM = 0: IHI 0069H 12.9.22). */
static void gicv3_setup(unsigned irq, bool edge, int cpu)
{
	uint64_t d = gicd(), m = cpus[cpu].mpidr;
	gicd_setup(d, irq, edge);
	gicv3_wait_rwp();
	uint64_t grp = d + GICD_IGROUPR + 4 * (irq / 32);
	mmio_write32(grp, mmio_read32(grp) | 1u << (irq % 32));
	mmio_write64(d + GICD_IROUTER + 8 * irq, (m & 0xff00000000ull) | (m & 0xffffff));
}

static void gicv3_mask(unsigned irq)
{
	gicd_bit(gicd(), GICD_ICENABLER, irq);
	gicv3_wait_rwp();
}

static void gicv3_unmask(unsigned irq) { gicd_bit(gicd(), GICD_ISENABLER, irq); }

const struct irqchip gicv3_irqchip = {
	.name = "gicv3",
	.init = gicv3_init,
	.init_cpu = gicv3_init_cpu,
	.ack = gicv3_ack,
	.eoi = gicv3_eoi,
	.send_ipi = gicv3_send_ipi,
	.nr_irqs = gicv3_nr_irqs,
	.setup = gicv3_setup,
	.mask = gicv3_mask,
	.unmask = gicv3_unmask,
};
