/* A console UART as the kernel sees it (drivers/uart/ implements it). */
#pragma once
#include <stdbool.h>
#include <stdint.h>

struct uart_driver {
	const char *name;
	void (*init)(uint64_t base, uint32_t clock_hz, uint32_t baud);
	void (*putc)(uint64_t base, char c);
	int (*getc)(uint64_t base);	/* -1 if nothing is waiting */
	/* Interrupt-driven receive (kernel/conin.c): the receive interrupt on
	 * or off, and one received byte with its error bits (UART_RX_*), -1
	 * if none is waiting. */
	void (*rx_irq)(uint64_t base, bool on);
	int (*rx)(uint64_t base);
};

#define UART_RX_OVERRUN	(1 << 11)	/* bytes were lost before this one */
#define UART_RX_ERRORS	(0xf << 8)	/* overrun, break, parity, framing */
