/*
 * GPIO edge events as the kernel sees them (drivers/gpio/ implements it):
 * QEMU virt's PL061, the Pi 3's and Pi 4's BCM2835-style GPIO block. A
 * board without one (the Pi 5's GPIO is on the RP1, behind PCIe) leaves
 * plat.gpio NULL.
 */
#pragma once
#include <stdint.h>

#define GPIO_EDGE_RISING	1
#define GPIO_EDGE_FALLING	2

struct gpio_chip {
	const char *name;
	unsigned npins;			/* at most 64 */
	/* Task context, callers serialised: detect `edges` on pin (an input). */
	void (*events_on)(uint64_t base, unsigned pin, int edges);
	void (*events_off)(uint64_t base, unsigned pin);
	/* Interrupt context: the pins with an event, each cleared. */
	uint64_t (*events_take)(uint64_t base);
};
