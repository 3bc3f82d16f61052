/*
 * Raspberry Pi 5 (BCM2712, 4x Cortex-A76). Built, not run here: no
 * emulator models it. Every constant below comes from one of:
 *
 *  [dtsi] Linux arch/arm64/boot/dts/broadcom/bcm2712.dtsi
 *  [dts]  Linux arch/arm64/boot/dts/broadcom/bcm2712-rpi-5-b-ovl-rp1.dts
 *  [docs] Raspberry Pi documentation, "Raspberry Pi hardware" / "config.txt"
 *
 *  - The SoC bus: soc@107c000000 has ranges <0x0 0x10 0x0 0x80000000>, so a
 *    bus address A is CPU address 0x1000000000 + A [dtsi]. The devices
 *    used here lie in bus 0x7c000000 + 0x04000000 (64 MiB: from the
 *    system timer at 0x7c003000 to the GIC's end) [dtsi].
 *  - Console: uart10, an ARM PL011 at bus 0x7d001000 (CPU 0x107d001000),
 *    the debug UART on the 3-pin JST connector labelled "UART"; stdout-path
 *    serial10:115200n8 [dts], [docs]. Its clock, clk_uart, is 9216000 Hz
 *    [dtsi]. It needs no pin set-up: the connector is wired to it alone.
 *    Its interrupt: GIC SPI 121, level high [dtsi: uart10 interrupts =
 *    <GIC_SPI 121 IRQ_TYPE_LEVEL_HIGH>], INTID 32 + 121.
 *  - GIC-400 at bus 0x7fff9000 (GICD) and 0x7fffa000 (GICC), CPU
 *    0x107fff9000 / 0x107fffa000 [dtsi].
 *  - Cores: MPIDR 0x000, 0x100, 0x200, 0x300 (the A76 numbers cores in
 *    affinity level 1), enable-method "psci", psci method "smc": the
 *    firmware's ARM trusted firmware (bl31, reserved at 0-0x80000) starts
 *    them [dtsi]. The kernel is entered at EL2.
 *  - RAM from 0x80000: the firmware fills the size into /memory [dts:
 *    "Will be filled by the bootloader"], and 0-0x80000 is TF-A's,
 *    reserved no-map [dtsi: reserved-memory atf@0]: mapped as Normal
 *    memory, a speculative access to it could raise an SError (the kernel
 *    also leaves out what a DTB marks no-map, rt/platform.c). Up to
 *    0x28000000 (the dts placeholder) is the default until the DTB says
 *    more. The DTB also gives the GIC, UART and
 *    cores, translated through the ranges above, and overrides these.
 *  - The counter runs at 54 MHz (clk_osc) [dtsi]; the kernel reads CNTFRQ.
 *  - Image name kernel_2712.img: the name the Pi 5 firmware loads for
 *    64-bit kernels by default [docs, "config.txt" / "kernel"].
 */
#include <drivers/irq/irqchips.h>
#include <drivers/uart/pl011.h>
#include <kernel/platform.h>

#define SOC_BASE 0x1000000000ull	/* bus address 0 */

void board_init(struct platform *p)
{
	p->name = "rpi5";
	p->ram_base = 0x80000;
	p->ram_size = 0x28000000 - 0x80000;
	p->mmio[0] = (struct mmio_range){SOC_BASE + 0x7c000000, 0x04000000};
	p->nmmio = 1;
	p->uart = &pl011_uart;
	p->uart_base = SOC_BASE + 0x7d001000;
	p->uart_clock = 9216000;
	p->uart_irq = 32 + 121;
	p->irqchip = &gicv2_irqchip;
	p->intc_base[0] = SOC_BASE + 0x7fff9000;
	p->intc_base[1] = SOC_BASE + 0x7fffa000;
	p->cpu_start = CPU_START_PSCI_SMC;
	p->psci = true;
	p->ncpus = 4;
	for (int i = 0; i < 4; i++)
		p->cpu_mpidr[i] = (uint64_t)i << 8;
}
