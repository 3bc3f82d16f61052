/*
 * ARM PrimeCell PL061 GPIO (ARM DDI 0190B, 3.3): QEMU virt's eight lines,
 * the power button on line 3. Edge detection: GPIOIS 0 (edge), GPIOIBE
 * (both edges) or GPIOIEV (1 rising, 0 falling); GPIOIE unmasks the line;
 * GPIOMIS shows the latched events that are unmasked, GPIOIC clears them.
 * The controller's one output to the GIC is high while any is latched.
 */
#include <drivers/gpio/pl061.h>
#include <kernel/mmio.h>

#define DIR	0x400
#define IS	0x404
#define IBE	0x408
#define IEV	0x40c
#define IE	0x410
#define MIS	0x418
#define IC	0x41c

static void set(uint64_t reg, uint32_t bit, int on)
{
	uint32_t v = mmio_read32(reg);
	mmio_write32(reg, on ? v | bit : v & ~bit);
}

static void pl061_events_on(uint64_t base, unsigned pin, int edges)
{
	uint32_t b = 1u << pin;
	set(base + IE, b, 0);
	set(base + DIR, b, 0);
	set(base + IS, b, 0);
	set(base + IBE, b, edges == (GPIO_EDGE_RISING | GPIO_EDGE_FALLING));
	set(base + IEV, b, edges & GPIO_EDGE_RISING);
	mmio_write32(base + IC, b); /* an edge latched before now is stale */
	set(base + IE, b, 1);
}

static void pl061_events_off(uint64_t base, unsigned pin)
{
	set(base + IE, 1u << pin, 0);
	mmio_write32(base + IC, 1u << pin);
}

static uint64_t pl061_events_take(uint64_t base)
{
	uint32_t m = mmio_read32(base + MIS) & 0xff;
	mmio_write32(base + IC, m);
	return m;
}

const struct gpio_chip pl061_gpio = {
	.name = "pl061",
	.npins = 8,
	.events_on = pl061_events_on,
	.events_off = pl061_events_off,
	.events_take = pl061_events_take,
};
