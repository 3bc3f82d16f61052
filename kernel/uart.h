/* A console UART as the kernel sees it (drivers/uart/ implements it). */
#pragma once
#include <stdint.h>

struct uart_driver {
	const char *name;
	void (*init)(uint64_t base, uint32_t clock_hz, uint32_t baud);
	void (*putc)(uint64_t base, char c);
	int (*getc)(uint64_t base);	/* -1 if nothing is waiting */
};
