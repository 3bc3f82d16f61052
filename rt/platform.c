/*
 * Board defaults first (boards/<board>/board.c), then what the device tree
 * says on top: the same kernel runs on QEMU virt with GICv2 or GICv3, any
 * RAM size and any number of cores. Runs on the boot core with the MMU off.
 */
#include <drivers/irq/irqchips.h>
#include <kernel/cmdline.h>
#include <kernel/dtb.h>
#include <kernel/platform.h>

struct platform plat;
extern char __image_start[], __image_end[];	/* linker/kernel.ld.S */

/* [base, base + size) without wrapping past the top. */
static uint64_t end_of(uint64_t base, uint64_t size)
{
	return base + size < base ? UINT64_MAX : base + size;
}

/*
 * Keeps the RAM range clear of a region the tree marks no-map (the kernel
 * maps all of its RAM as Normal memory, and a speculative access to the
 * Pi 5's secure TF-A region at 0 may raise an SError: Linux bcm2712.dtsi,
 * reserved-memory atf@0). One range of RAM, the side of the region the
 * kernel image is on: a region below the image moves the start past it,
 * one above it ends the range where it begins. A region over the image
 * itself cannot be right (the firmware loaded us there) and is ignored.
 */
static void leave_out(uint64_t base, uint64_t size)
{
	uint64_t lo = plat.ram_base, hi = end_of(plat.ram_base, plat.ram_size);
	uint64_t end = end_of(base, size);
	uint64_t img_lo = (uint64_t)__image_start, img_hi = (uint64_t)__image_end;
	if (end <= lo || base >= hi || (base < img_hi && end > img_lo))
		return;
	if (end <= img_lo)
		lo = end > lo ? end : lo;
	else
		hi = base < hi ? base : hi;
	plat.ram_base = lo;
	plat.ram_size = hi - lo;
}

/* Is [base, base + size) inside a range the board maps already? */
static bool mapped(uint64_t base, uint64_t size)
{
	for (int i = 0; i < plat.nmmio; i++)
		if (base >= plat.mmio[i].base &&
		    end_of(base, size) <= end_of(plat.mmio[i].base, plat.mmio[i].size))
			return true;
	return false;
}

/*
 * GICv3's redistributor regions, mapped as devices where the board's
 * ranges do not cover them: QEMU virt puts the first 123 cores' in its
 * device space and the rest in a second region at 256 GiB (hw/arm/virt.c,
 * VIRT_HIGH_GIC_REDIST2).
 */
static void apply_gicr(const struct dt_info *dt)
{
	int n = dt->intc_redist_regions;
	if (n > (int)(sizeof(plat.gicr) / sizeof(plat.gicr[0])))
		n = (int)(sizeof(plat.gicr) / sizeof(plat.gicr[0]));
	plat.ngicr = 0;
	for (int i = 0; i < n && 1 + i < DT_MAX_INTC_REG && dt->intc_reg[1 + i]; i++) {
		struct mmio_range r = {dt->intc_reg[1 + i], dt->intc_size[1 + i]};
		plat.gicr[plat.ngicr++] = r;
		if (!mapped(r.base, r.size) &&
		    plat.nmmio < (int)(sizeof(plat.mmio) / sizeof(plat.mmio[0])))
			plat.mmio[plat.nmmio++] = r;
	}
}

static void apply_dtb(const struct dt_info *dt)
{
	if (dt->mem_size) {
		plat.ram_base = dt->mem_base;
		plat.ram_size = dt->mem_size;
	}
	for (int i = 0; i < dt->nnomap; i++)
		leave_out(dt->nomap_base[i], dt->nomap_size[i]);
	if (dt->bootargs)
		plat.bootargs = dt->bootargs;
	if (dt->psci != DT_PSCI_NONE) {
		plat.psci = true;
		plat.cpu_start = dt->psci == DT_PSCI_SMC ? CPU_START_PSCI_SMC : CPU_START_PSCI_HVC;
	}
	if (dt->intc == DT_INTC_GICV2)
		plat.irqchip = &gicv2_irqchip;
	else if (dt->intc == DT_INTC_GICV3)
		plat.irqchip = &gicv3_irqchip;
	else if (dt->intc == DT_INTC_BCM2836)
		plat.irqchip = &bcm2836_irqchip;
	if (dt->intc != DT_INTC_NONE) {
		plat.intc_base[0] = dt->intc_reg[0];
		plat.intc_base[1] = dt->intc_reg[1];
	}
	if (dt->intc == DT_INTC_GICV3)
		apply_gicr(dt);
	if (dt->pl011)
		plat.uart_base = dt->pl011;
	if (dt->ncpus) {
		int n = dt->ncpus < NCPU_MAX ? dt->ncpus : NCPU_MAX;
		plat.ncpus = n;
		plat.ncpus_found = dt->ncpus_found;
		for (int i = 0; i < n; i++) {
			plat.cpu_mpidr[i] = dt->cpu_mpidr[i];
			plat.cpu_release[i] = dt->cpu_release[i];
			if (dt->cpu_release[i])
				plat.cpu_start = CPU_START_SPIN_TABLE;
		}
	}
}

void platform_init(uint64_t dtb)
{
	struct dt_info dt;
	board_init(&plat);
	if (dtb && dt_parse((const void *)dtb, &dt)) {
		plat.dtb = dtb;
		apply_dtb(&dt);
	} else if (dtb) {
		plat.bootargs = atags_cmdline(dtb);
		uint64_t base, size;
		/* Only a range that holds the kernel itself can be right. */
		if (atags_mem(dtb, &base, &size) && base <= (uint64_t)__image_start &&
		    (uint64_t)__image_end <= end_of(base, size)) {
			plat.ram_base = base;
			plat.ram_size = size;
		}
	}
	cmdline_set(plat.bootargs);	/* the DTB or ATAGs may be overwritten later */
	plat.bootargs = cmdline();
}
