/*
 * Pin functions, pulls, and edge events: GPREN/GPFEN enable rising/falling
 * edge detection per pin (synchronous, sampled on the system clock); a
 * detected edge sets the pin's bit in GPEDS, which holds the bank's
 * interrupt ("gpio_int[0]" for pins 0-31, "[1]" for 32-53) until written
 * 1 (BCM2835 ARM Peripherals 6.1, GPEDSn/GPRENn/GPFENn). QEMU's model of
 * the block has no event detection, so this part runs on hardware only.
 */
#include <drivers/gpio/bcm2835_gpio.h>
#include <kernel/mmio.h>
#include <kernel/sysreg.h>

#define GPFSEL(n)	(0x00 + 4 * (n))	/* 10 pins per register, 3 bits each */
#define GPEDS(n)	(0x40 + 4 * (n))	/* event detect status, write 1 to clear */
#define GPREN(n)	(0x4c + 4 * (n))	/* rising edge detect enable */
#define GPFEN(n)	(0x58 + 4 * (n))	/* falling edge detect enable */
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

static void set(uint64_t reg, uint32_t bit, int on)
{
	uint32_t v = mmio_read32(reg);
	mmio_write32(reg, on ? v | bit : v & ~bit);
}

static void bcm_events_on(uint64_t base, unsigned pin, int edges)
{
	unsigned b = pin / 32;
	uint32_t bit = 1u << (pin % 32);
	bcm2835_gpio_func(base, pin, GPIO_IN);
	set(base + GPREN(b), bit, edges & GPIO_EDGE_RISING);
	set(base + GPFEN(b), bit, edges & GPIO_EDGE_FALLING);
	mmio_write32(base + GPEDS(b), bit); /* an event before now is stale */
}

static void bcm_events_off(uint64_t base, unsigned pin)
{
	unsigned b = pin / 32;
	uint32_t bit = 1u << (pin % 32);
	set(base + GPREN(b), bit, 0);
	set(base + GPFEN(b), bit, 0);
	mmio_write32(base + GPEDS(b), bit);
}

static uint64_t bcm_events_take(uint64_t base)
{
	uint64_t e = 0;
	for (unsigned b = 0; b < 2; b++) {
		uint32_t s = mmio_read32(base + GPEDS(b));
		mmio_write32(base + GPEDS(b), s);
		e |= (uint64_t)s << (32 * b);
	}
	return e;
}

const struct gpio_chip bcm2835_gpio = {
	.name = "bcm2835-gpio",
	.npins = 54,
	.events_on = bcm_events_on,
	.events_off = bcm_events_off,
	.events_take = bcm_events_take,
};
