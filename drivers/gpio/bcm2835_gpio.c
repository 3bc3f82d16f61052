#include <drivers/gpio/bcm2835_gpio.h>
#include <kernel/mmio.h>
#include <kernel/sysreg.h>

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

/*
 * Set-up and hold around the pull clock: "150 cycles" says the datasheet
 * (BCM2835 ARM Peripherals, GPPUDCLK), of the VPU's 250 MHz clock, 600 ns;
 * Linux waits 1 us (drivers/pinctrl/bcm/pinctrl-bcm2835.c,
 * bcm2835_pull_config_set). 150 NOPs were 125 ns on a 1.2 GHz A53. The
 * generic counter needs nothing set up (CNTFRQ_EL0 is the firmware's).
 */
static void delay_1us(void)
{
	uint64_t freq = read_cntfrq() & 0xffffffff;
	uint64_t end = read_cntvct() + freq / 1000000 + 1;
	while (read_cntvct() < end)
		;
}

void bcm2835_gpio_pull_none(uint64_t base, unsigned pin)
{
	mmio_write32(base + GPPUD, 0);
	delay_1us();
	mmio_write32(base + GPPUDCLK(pin / 32), 1u << (pin % 32));
	delay_1us();
	mmio_write32(base + GPPUDCLK(pin / 32), 0);
}
