/*
 * BCM2836 "ARM local" interrupt controller (BCM2836 ARM-local peripherals
 * document, QA7_rev3.4), used by the BCM2837 in the Raspberry Pi 3: per-core
 * routing of the generic timers and four mailboxes per core. IPIs use
 * mailbox 0: one bit per IPI number, set by the sender, cleared by the
 * receiver. Interrupts are reported with the GIC's numbers (irqchip.h).
 */
#include <drivers/irq/irqchips.h>
#include <kernel/mmio.h>
#include <kernel/percpu.h>
#include <kernel/platform.h>

#define TIMER_CTL(c)	(0x40 + 4 * (c))	/* core timers IRQ control */
#define TIMER_CNTV_IRQ	(1u << 3)		/* nCNTVIRQ -> IRQ */
#define MBOX_CTL(c)	(0x50 + 4 * (c))	/* core mailboxes IRQ control */
#define MBOX0_IRQ	(1u << 0)
#define IRQ_SOURCE(c)	(0x60 + 4 * (c))	/* core IRQ source */
#define SRC_CNTV	(1u << 3)
#define SRC_MBOX0	(1u << 4)
#define MBOX_SET(c)	(0x80 + 0x10 * (c))	/* mailbox 0 write-set */
#define MBOX_CLR(c)	(0xc0 + 0x10 * (c))	/* mailbox 0 read / write-clear */

static uint64_t base(void) { return plat.intc_base[0]; }

/* The BCM2836 numbers cores by MPIDR.Aff0. */
static unsigned core(void) { return read_mpidr() & 0xff; }

static void bcm_init(void) {}

static void bcm_init_cpu(void)
{
	mmio_write32(base() + MBOX_CLR(core()), ~0u);
	mmio_write32(base() + TIMER_CTL(core()), TIMER_CNTV_IRQ);
	mmio_write32(base() + MBOX_CTL(core()), MBOX0_IRQ);
}

static unsigned bcm_ack(void)
{
	unsigned c = core();
	uint32_t src = mmio_read32(base() + IRQ_SOURCE(c));
	if (src & SRC_MBOX0) {
		uint32_t pending = mmio_read32(base() + MBOX_CLR(c));
		if (pending) {
			unsigned ipi = (unsigned)__builtin_ctz(pending);
			/* Clear before handling: a new IPI sent meanwhile sets the
			 * bit again and is not lost. */
			mmio_write32(base() + MBOX_CLR(c), 1u << ipi);
			/* The clear must reach the mailbox before the handler
			 * reads the IPI's data, or a newer IPI's bit could be
			 * cleared unseen (Linux: irq-bcm2836.c). */
			dsb_sy();
			return ipi;
		}
	}
	if (src & SRC_CNTV)
		return IRQ_VTIMER;
	return IRQ_NONE;
}

static void bcm_eoi(unsigned irq) { (void)irq; }

static void bcm_send_ipi(int cpu, int ipi)
{
	dsb_ishst(); /* stores before the IPI are visible to its handler */
	mmio_write32(base() + MBOX_SET(cpus[cpu].mpidr & 0xff), 1u << ipi);
}

const struct irqchip bcm2836_irqchip = {
	.name = "bcm2836-local",
	.init = bcm_init,
	.init_cpu = bcm_init_cpu,
	.ack = bcm_ack,
	.eoi = bcm_eoi,
	.send_ipi = bcm_send_ipi,
};
