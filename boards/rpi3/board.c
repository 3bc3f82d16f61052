/*
 * Raspberry Pi 3 Model B (BCM2837, 4x Cortex-A53), and QEMU's raspi3b.
 *
 * Sources:
 *  - Peripherals at 0x3f000000 (bus 0x7e000000), PL011 UART0 at 0x3f201000:
 *    Linux arch/arm/boot/dts/broadcom/bcm283x.dtsi and bcm2837.dtsi.
 *  - ARM-local block (timers routing, mailboxes) at 0x40000000: BCM2836
 *    "ARM Quad A7 core" document QA7_rev3.4, Linux
 *    drivers/irqchip/irq-bcm2836.c, QEMU hw/intc/bcm2836_control.c.
 *  - Spin table: cpu-release-addr 0xd8, 0xe0, 0xe8, 0xf0 for cores 0-3
 *    (bcm2837.dtsi); the firmware's armstub8 (and QEMU) park the cores in
 *    WFE reading them, and enter the kernel at EL2.
 *  - Device interrupts: the BCM2835 controller ("armctrl") at 0x3f00b200
 *    (bus 0x7e00b200: bcm2835-common.dtsi interrupt-controller@7e00b200,
 *    BCM2835 ARM Peripherals 7.5), behind the local block's GPU interrupt
 *    (bcm2837.dtsi &intc: interrupt-parent = <&local_intc>, interrupts =
 *    <8 IRQ_TYPE_LEVEL_HIGH>). UART0 is its
 *    GPU IRQ 57 (bcm283x.dtsi uart0: interrupts = <2 25>, bank 2 bit 25).
 *  - GPIO events: the GPIO block at 0x3f200000 (bcm283x.dtsi gpio@7e200000)
 *    interrupts on GPU IRQs 49 (pins 0-31) and 50 (32-53) (its interrupts =
 *    <2 17>, <2 18>, ...: bank 2 bits 17 and 18).
 *  - UART clock: config.txt sets init_uart_clock=48000000 (boards/rpi3/
 *    config.txt), Raspberry Pi documentation, "config.txt" / "UARTs".
 *  - UART0 on GPIO 14 (TXD0) / 15 (RXD0), function ALT0, no pulls: BCM2835
 *    ARM Peripherals, 6.2 "Alternative Function Assignments". Set here rather
 *    than trusting the firmware's pin set-up.
 *  - RAM: 1 GiB; the top gpu_mem belongs to the VideoCore, 76 MiB by
 *    default on boards with 1 GiB (Raspberry Pi documentation, config.txt,
 *    "gpu_mem"), so the kernel uses the first 948 MiB unless the firmware
 *    says otherwise: its DTB's /memory node or its ATAG_MEM (rt/platform.c)
 *    wins over this default.
 * No DTB is needed: QEMU passes ATAGs (and the firmware a DTB) in x0, and
 * the kernel reads the command line from either.
 */
#include <drivers/gpio/bcm2835_gpio.h>
#include <drivers/irq/irqchips.h>
#include <drivers/uart/pl011.h>
#include <kernel/platform.h>

#define GPIO_BASE 0x3f200000

static void uart_pins(void)
{
	for (unsigned pin = 14; pin <= 15; pin++) {
		bcm2835_gpio_func(GPIO_BASE, pin, GPIO_ALT0);
		bcm2835_gpio_pull_none(GPIO_BASE, pin);
	}
}

void board_init(struct platform *p)
{
	p->name = "rpi3";
	p->ram_base = 0;
	p->ram_size = 0x3b400000;
	p->mmio[0] = (struct mmio_range){0x3f000000, 0x01000000};
	p->mmio[1] = (struct mmio_range){0x40000000, 0x00040000};
	p->nmmio = 2;
	p->uart = &pl011_uart;
	p->uart_base = 0x3f201000;
	p->uart_clock = 48000000;
	p->uart_pins = uart_pins;
	p->uart_irq = 32 + 57;
	p->intc_gpu_base = 0x3f00b200;
	p->gpio = &bcm2835_gpio;
	p->gpio_base = GPIO_BASE;
	p->gpio_irq[0] = 32 + 49; /* GPU IRQs 49 and 50: banks 0 and 1 */
	p->gpio_irq[1] = 32 + 50;
	p->irqchip = &bcm2836_irqchip;
	p->intc_base[0] = 0x40000000;
	p->cpu_start = CPU_START_SPIN_TABLE;
	p->psci = false;
	p->ncpus = 4;
	for (int i = 0; i < 4; i++) {
		p->cpu_mpidr[i] = (uint64_t)i;
		p->cpu_release[i] = 0xd8 + 8 * (uint64_t)i;
	}
}
