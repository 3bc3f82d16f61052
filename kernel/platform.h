/*
 * What the kernel knows about the machine it runs on: the board's defaults
 * (boards/<board>/board.c) with whatever the device tree says laid over
 * them (rt/platform.c). Drivers are chosen here, once; nothing outside
 * boards/ and this file asks which board it runs on.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <kernel/config.h>

struct irqchip;
struct uart_driver;
struct gpio_chip;

enum cpu_start { CPU_START_PSCI_HVC, CPU_START_PSCI_SMC, CPU_START_SPIN_TABLE };

struct mmio_range {
	uint64_t base, size;
};

struct platform {
	const char *name;
	uint64_t ram_base, ram_size;
	struct mmio_range mmio[4];	/* mapped Device-nGnRE */
	int nmmio;

	const struct uart_driver *uart;
	uint64_t uart_base;
	uint32_t uart_clock;		/* Hz, for the baud divisor */
	void (*uart_pins)(void);	/* route the UART to its pins, if the board must */
	unsigned uart_irq;		/* its interrupt (kernel/irqchip.h numbering); 0: none */

	const struct irqchip *irqchip;
	uint64_t intc_base[2];		/* GICD + GICC/GICR, or the BCM2836 local block */
	struct mmio_range gicr[3];	/* GICv3: redistributor regions (gicr[0] at intc_base[1]) */
	int ngicr;
	uint64_t intc_gpu_base;		/* BCM2836: the BCM2835 controller of the devices */

	const struct gpio_chip *gpio;	/* edge events (kernel/gpio.h); NULL: none */
	uint64_t gpio_base;
	unsigned gpio_irq[2];		/* its lines (a bank each); 0: unused */

	enum cpu_start cpu_start;
	int ncpus;			/* cores the machine has, up to NCPU_MAX */
	int ncpus_found;		/* cores it describes, also past NCPU_MAX */
	uint64_t cpu_mpidr[NCPU_MAX];
	uint64_t cpu_release[NCPU_MAX];	/* spin-table release addresses */
	bool psci;			/* PSCI present (SYSTEM_OFF as exit fallback) */

	uint64_t dtb;			/* address of the DTB, 0 if none */
	const char *bootargs;
};

extern struct platform plat;

/* boards/<board>/board.c: fill in the defaults for this board. */
void board_init(struct platform *p);

/* Board defaults, then the device tree at `dtb` (if any) over them. */
void platform_init(uint64_t dtb);
