/*
 * ARM PrimeCell PL011 UART (ARM DDI 0183G): QEMU virt's serial port and the
 * Raspberry Pi's UART0. 8N1, FIFOs on. Transmit polls; receive polls (the
 * chainloader) or interrupts (kernel/conin.c): the receive interrupt when
 * the FIFO reaches its trigger level and the receive timeout when bytes
 * sit below it for 32 bit periods, both cleared by reading the FIFO empty
 * (3.4.11, 3.5 "UARTRXINTR", "UARTRTINTR").
 */
#include <drivers/uart/pl011.h>
#include <kernel/mmio.h>

#define DR	0x00
#define FR	0x18
#define IBRD	0x24
#define FBRD	0x28
#define LCRH	0x2c
#define CR	0x30
#define IFLS	0x34
#define IMSC	0x38
#define ICR	0x44

#define IMSC_RXIM	(1u << 4)	/* receive */
#define IMSC_RTIM	(1u << 6)	/* receive timeout */
#define IFLS_RX_HALF	(2u << 3)	/* receive trigger: FIFO half full */

#define FR_TXFF	(1u << 5)	/* transmit FIFO full */
#define FR_RXFE	(1u << 4)	/* receive FIFO empty */
#define FR_BUSY	(1u << 3)
#define LCRH_WLEN8 (3u << 5)
#define LCRH_FEN (1u << 4)
#define CR_UARTEN (1u << 0)
#define CR_TXE	(1u << 8)
#define CR_RXE	(1u << 9)

static void pl011_init(uint64_t base, uint32_t clock_hz, uint32_t baud)
{
	while (mmio_read32(base + FR) & FR_BUSY)
		;
	mmio_write32(base + CR, 0);
	/* Divisor = clock / (16 * baud), in 16.6 fixed point, rounded. */
	uint32_t div64 = (uint32_t)(((uint64_t)clock_hz * 4 + baud / 2) / baud);
	mmio_write32(base + IBRD, div64 >> 6);
	mmio_write32(base + FBRD, div64 & 0x3f);
	mmio_write32(base + LCRH, LCRH_WLEN8 | LCRH_FEN);
	mmio_write32(base + IMSC, 0);
	mmio_write32(base + ICR, 0x7ff);
	mmio_write32(base + CR, CR_UARTEN | CR_TXE | CR_RXE);
	/*
	 * One read of DR, whatever it returns (on the PL011 an empty FIFO's
	 * DR is just stale data). QEMU's model (hw/char/pl011.c) stops taking
	 * input from its chardev once its FIFO is full, and only a DR read
	 * (qemu_chr_fe_accept_input) asks for more. Input that arrived before
	 * this init (one byte fills the FIFO while FEN is off) and was then
	 * dropped by the LCRH write above left it waiting for that read,
	 * which a poller of FR.RXFE never makes: the chainloader missed every
	 * later byte in about one boot in four.
	 */
	(void)mmio_read32(base + DR);
}

static void pl011_putc(uint64_t base, char c)
{
	while (mmio_read32(base + FR) & FR_TXFF)
		;
	mmio_write32(base + DR, (uint8_t)c);
}

static int pl011_getc(uint64_t base)
{
	if (mmio_read32(base + FR) & FR_RXFE)
		return -1;
	return (int)(mmio_read32(base + DR) & 0xff);
}

static void pl011_rx_irq(uint64_t base, bool on)
{
	mmio_write32(base + IFLS, IFLS_RX_HALF);
	mmio_write32(base + IMSC, on ? IMSC_RXIM | IMSC_RTIM : 0);
}

/* DR's bits 8-11 are the byte's own error flags, OE (bit 11) among them:
 * set when the FIFO was full as a byte came, so bytes are lost (3.3.1). */
static int pl011_rx(uint64_t base)
{
	if (mmio_read32(base + FR) & FR_RXFE)
		return -1;
	return (int)(mmio_read32(base + DR) & 0xfff);
}

const struct uart_driver pl011_uart = {
	.name = "pl011",
	.init = pl011_init,
	.putc = pl011_putc,
	.getc = pl011_getc,
	.rx_irq = pl011_rx_irq,
	.rx = pl011_rx,
};
