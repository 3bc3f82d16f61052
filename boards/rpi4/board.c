/*
 * Raspberry Pi 4 Model B (BCM2711, 4x Cortex-A72), and QEMU's raspi4b.
 *
 * Sources:
 *  - "Low peripheral" mode, the firmware's default: the main peripherals at
 *    0xfe000000 (bus 0x7e000000; 0x01800000 long, up to 0xff800000),
 *    PL011 UART0 at 0xfe201000, GPIO at 0xfe200000: BCM2711 ARM
 *    Peripherals, 1.2.4 "Legacy master addresses"
 *    and the UART/GPIO chapters; Linux arch/arm/boot/dts/broadcom/
 *    bcm2711.dtsi (ranges 0x7e000000 -> 0xfe000000).
 *  - GIC-400 at 0xff840000 (GICD 0xff841000, GICC 0xff842000), in the
 *    ARM-local block at 0xff800000 (0x00800000 long, to the top of 4 GiB):
 *    BCM2711 ARM Peripherals, 6.5 "ARM_LOCAL" / GIC-400;
 *    bcm2711.dtsi interrupt-controller@40041000 (bus address of the same).
 *    Interrupts reach it when config.txt has enable_gic=1, the Pi 4
 *    firmware's default (Raspberry Pi documentation, "config.txt").
 *  - Spin table: cpu-release-addr 0xd8, 0xe0, 0xe8, 0xf0 for cores 0-3
 *    (bcm2711.dtsi); the firmware's armstub8 (and QEMU) park the cores in
 *    WFE reading them, and enter the kernel at EL2.
 *  - UART0's interrupt: GIC SPI 121, level high (bcm2711.dtsi uart0:
 *    interrupts = <GIC_SPI 121 IRQ_TYPE_LEVEL_HIGH>): INTID 32 + 121.
 *  - GPIO events: the GPIO block at 0xfe200000 keeps the BCM2835's event
 *    registers (BCM2711 ARM Peripherals 5.2); its banks 0 and 1 interrupt
 *    on GIC SPI 113 and 114 (bcm2711.dtsi gpio: interrupts =
 *    <GIC_SPI 113 IRQ_TYPE_LEVEL_HIGH>, <GIC_SPI 114 ...>, ...).
 *  - UART clock: config.txt sets init_uart_clock=48000000 (boards/rpi4/
 *    config.txt), Raspberry Pi documentation, "config.txt" / "UARTs".
 *  - UART0 on GPIO 14/15, ALT0; pulls are set through the BCM2711's own
 *    pull registers (GPIO_PUP_PDN_CNTRL), which differ from the BCM2835's:
 *    BCM2711 ARM Peripherals, 5.2. The firmware leaves 14/15 as UART0 when
 *    enable_uart=1, so this board only sets their function.
 *  - RAM: the first 948 MiB (0x3b400000) is the ARM's on every Pi 4 model
 *    with the default gpu_mem (the firmware's /memory node: reg <0 0
 *    0x3b400000>); larger models have more above 1 GiB, which the DTB
 *    reports and this kernel does not need.
 */
#include <drivers/gpio/bcm2835_gpio.h>
#include <drivers/irq/irqchips.h>
#include <drivers/uart/pl011.h>
#include <kernel/platform.h>

#define GPIO_BASE 0xfe200000

static void uart_pins(void)
{
	for (unsigned pin = 14; pin <= 15; pin++)
		bcm2835_gpio_func(GPIO_BASE, pin, GPIO_ALT0);
}

void board_init(struct platform *p)
{
	p->name = "rpi4";
	p->ram_base = 0;
	p->ram_size = 0x3b400000;
	p->mmio[0] = (struct mmio_range){0xfe000000, 0x01800000}; /* peripherals */
	p->mmio[1] = (struct mmio_range){0xff800000, 0x00800000}; /* ARM local, GIC */
	p->nmmio = 2;
	p->uart = &pl011_uart;
	p->uart_base = 0xfe201000;
	p->uart_clock = 48000000;
	p->uart_pins = uart_pins;
	p->uart_irq = 32 + 121;
	p->gpio = &bcm2835_gpio;
	p->gpio_base = 0xfe200000;
	p->gpio_irq[0] = 32 + 113;
	p->gpio_irq[1] = 32 + 114;
	p->irqchip = &gicv2_irqchip;
	p->intc_base[0] = 0xff841000;
	p->intc_base[1] = 0xff842000;
	p->cpu_start = CPU_START_SPIN_TABLE;
	p->psci = false;
	p->ncpus = 4;
	for (int i = 0; i < 4; i++) {
		p->cpu_mpidr[i] = (uint64_t)i;
		p->cpu_release[i] = 0xd8 + 8 * (uint64_t)i;
	}
}
