#include <drivers/gpio/bcm2835_gpio.h>
#include <kernel/mmio.h>

#define GPFSEL(n)	(0x00 + 4 * (n))	/* 10 pins per register, 3 bits each */
#define GPPUD		0x94
#define GPPUDCLK(n)	(0x98 + 4 * (n))

void bcm2835_gpio_func(uint64_t base, unsigned pin, enum gpio_func f)
{
	uint64_t reg = base + GPFSEL(pin / 10);
	unsigned shift = (pin % 10) * 3;
	uint32_t v = mmio_read32(reg);
	v = (v & ~(7u << shift)) | (uint32_t)f << shift;
	mmio_write32(reg, v);
}

/* The datasheet asks for 150 cycles of set-up and hold around the clock. */
static void delay_cycles(unsigned n)
{
	while (n--)
		__asm__ volatile("nop");
}

void bcm2835_gpio_pull_none(uint64_t base, unsigned pin)
{
	mmio_write32(base + GPPUD, 0);
	delay_cycles(150);
	mmio_write32(base + GPPUDCLK(pin / 32), 1u << (pin % 32));
	delay_cycles(150);
	mmio_write32(base + GPPUDCLK(pin / 32), 0);
}
