/*
 * BCM2836 "ARM local" interrupt controller (BCM2836 ARM-local peripherals
 * document, QA7_rev3.4), used by the BCM2837 in the Raspberry Pi 3: per-core
 * routing of the generic timers and four mailboxes per core. IPIs use
 * mailbox 0: one bit per IPI number, set by the sender, cleared by the
 * receiver. Interrupts are reported with the GIC's numbers (irqchip.h).
 *
 * Device interrupts come from the BCM2835 interrupt controller ("armctrl",
 * BCM2835 ARM Peripherals 7.5; Linux drivers/irqchip/irq-bcm2835.c; QEMU
 * hw/intc/bcm2835_ic.c and bcm2836_control.c model both blocks): 64
 * GPU interrupt lines, reported here as 32 + their number (the PL011 is
 * 57: 89). The local block hands them to one core as its "GPU interrupt"
 * source (QA7 4.10: GPU interrupt routing at 0x0c, IRQ source bit 8); we
 * leave that at its reset value, core 0, so every device interrupt of the
 * Pi 3 is taken on core 0 whatever core setup() names. They are all level
 * lines.
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
#define SRC_GPU		(1u << 8)
#define MBOX_SET(c)	(0x80 + 0x10 * (c))	/* mailbox 0 write-set */
#define MBOX_CLR(c)	(0xc0 + 0x10 * (c))	/* mailbox 0 read / write-clear */

/* armctrl (BCM2835 ARM Peripherals 7.5): pending, enable, disable banks. */
#define GPU_PENDING(b)	(0x04 + 4 * (b))	/* GPU IRQs 0-31, 32-63 */
#define GPU_ENABLE(b)	(0x10 + 4 * (b))	/* write 1: enable */
#define GPU_DISABLE(b)	(0x1c + 4 * (b))	/* write 1: disable */
#define NR_GPU_IRQS	64

static uint64_t base(void) { return plat.intc_base[0]; }
static uint64_t gpu(void) { return plat.intc_gpu_base; }
/* Lines unmasked here. The pending registers are read through it, so a
 * line this driver masked is never reported, whatever its pending bit. */
static uint32_t gpu_enabled[2];

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
	if ((src & SRC_GPU) && gpu())
		for (unsigned b = 0; b < 2; b++) {
			uint32_t p = mmio_read32(gpu() + GPU_PENDING(b)) &
				     __atomic_load_n(&gpu_enabled[b], __ATOMIC_RELAXED);
			if (p)
				return IRQ_DEV_FIRST + 32 * b + (unsigned)__builtin_ctz(p);
		}
	return IRQ_NONE;
}

static void bcm_eoi(unsigned irq) { (void)irq; }

static void bcm_send_ipi(int cpu, int ipi)
{
	dsb_ishst(); /* stores before the IPI are visible to its handler */
	mmio_write32(base() + MBOX_SET(cpus[cpu].mpidr & 0xff), 1u << ipi);
}

static unsigned bcm_nr_irqs(void) { return gpu() ? IRQ_DEV_FIRST + NR_GPU_IRQS : IRQ_DEV_FIRST; }

static void bcm_mask(unsigned irq)
{
	unsigned n = irq - IRQ_DEV_FIRST;
	__atomic_and_fetch(&gpu_enabled[n / 32], ~(1u << (n % 32)), __ATOMIC_RELAXED);
	mmio_write32(gpu() + GPU_DISABLE(n / 32), 1u << (n % 32));
	dsb_sy(); /* masked before the handler goes on (Linux: armctrl_mask_irq) */
}

static void bcm_unmask(unsigned irq)
{
	unsigned n = irq - IRQ_DEV_FIRST;
	__atomic_or_fetch(&gpu_enabled[n / 32], 1u << (n % 32), __ATOMIC_RELAXED);
	mmio_write32(gpu() + GPU_ENABLE(n / 32), 1u << (n % 32));
}

/* Level lines, all on core 0 (above): nothing to set but the mask. */
static void bcm_setup(unsigned irq, bool edge, int cpu)
{
	(void)edge;
	(void)cpu;
	bcm_mask(irq);
}

const struct irqchip bcm2836_irqchip = {
	.name = "bcm2836-local",
	.init = bcm_init,
	.init_cpu = bcm_init_cpu,
	.ack = bcm_ack,
	.eoi = bcm_eoi,
	.send_ipi = bcm_send_ipi,
	.nr_irqs = bcm_nr_irqs,
	.setup = bcm_setup,
	.mask = bcm_mask,
	.unmask = bcm_unmask,
};
