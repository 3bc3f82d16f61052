/*
 * The resident chainloader (make sdimage CHAINLOADER=1): receives a kernel
 * over the serial line from tools/chainboot.c and runs it, so a new build
 * needs no card swap. Protocol (all integers little-endian):
 *
 *   host   -> "GMCB" (repeated every 200 ms until answered; repeats that
 *             were in flight when the loader answered are skipped)
 *   loader -> "GMOK"
 *   host   -> size (u32), crc32 (u32), then size bytes
 *   loader -> "GMOK" once it is in place and the CRC matches, then jumps;
 *             "GMSZ" if size is 0 or larger than LOAD_MAX; "GMCS" on a
 *             CRC mismatch. After an error it waits for "GMCB" again.
 *
 * The kernel goes to 0x80000 (the arm64 Image's text_offset on a 2 MiB
 * base 0) and gets x0 as the firmware passed it. MMU and data cache are
 * off here (as the firmware leaves them), so no cache maintenance is
 * needed beyond the instruction cache (start.S).
 */
#include <chainload/crc32.h>
#include <drivers/gpio/bcm2835_gpio.h>
#include <drivers/uart/pl011.h>
#include <stddef.h>
#include <stdint.h>

#define LOAD_ADDR	0x80000ul
#define LOAD_MAX	(LOADER_ADDR - LOAD_ADDR)

static void putc_(char c) { pl011_uart.putc(UART_BASE, c); }

static void puts_(const char *s)
{
	while (*s)
		putc_(*s++);
}

static uint8_t getc_(void)
{
	int c;
	while ((c = pl011_uart.getc(UART_BASE)) < 0)
		;
	return (uint8_t)c;
}

static uint32_t get32(void)
{
	uint32_t v = 0;
	for (int i = 0; i < 4; i++)
		v |= (uint32_t)getc_() << (8 * i);
	return v;
}

/* Waits for "GMCB", whatever comes before it. */
static void wait_magic(void)
{
	static const char magic[4] = "GMCB";
	int matched = 0;
	while (matched < 4) {
		uint8_t c = getc_();
		matched = c == (uint8_t)magic[matched] ? matched + 1 : (c == 'G');
	}
}

/*
 * The first word after our "GMOK": the size, past any more "GMCB"s. The
 * host nudges every 200 ms until it sees the answer, so on a slow line (a
 * loaded host running QEMU, a USB-serial adapter's latency) one or more
 * nudges are already on their way behind the one we answered. A size that
 * reads "GMCB" (0x42434d47, 1.1 GB) is never a real one.
 */
static uint32_t next_word(void)
{
	uint32_t w;
	while ((w = get32()) == ('G' | 'M' << 8 | 'C' << 16 | (uint32_t)'B' << 24))
		;
	return w;
}

uint64_t loader_main(uint64_t dtb)
{
	(void)dtb;
	/* The PL011 to GPIO 14/15 (ALT0), as the kernel's boards/<board>/
	 * board.c does: the card has no overlays/, so config.txt's
	 * dtoverlay=disable-bt cannot apply and the firmware may leave the
	 * pins to the mini UART (BCM2835 ARM Peripherals 6.2, alternative
	 * functions; Linux bcm283x.dtsi, uart0_gpio14: pins 14 15, ALT0). */
	for (unsigned pin = 14; pin <= 15; pin++)
		bcm2835_gpio_func(GPIO_BASE, pin, GPIO_ALT0);
	pl011_uart.init(UART_BASE, UART_CLOCK, 115200);
	puts_("gometal chainloader: waiting for a kernel (make chainboot)\r\n");
	for (;;) {
		wait_magic();
		puts_("GMOK");
		uint32_t size = next_word(), crc = get32();
		if (size == 0 || size > LOAD_MAX) {
			puts_("GMSZ");
			continue;
		}
		uint8_t *dst = (uint8_t *)LOAD_ADDR;
		for (uint32_t i = 0; i < size; i++)
			dst[i] = getc_();
		if (crc32(dst, size) != crc) {
			puts_("GMCS");
			continue;
		}
		puts_("GMOK");
		return LOAD_ADDR;
	}
}
