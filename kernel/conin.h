/*
 * Console input (kernel/conin.c): the UART's receive interrupt fills a ring
 * of RXRING_SIZE bytes; tasks read it through rt/console.c.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct conin_stats {
	uint64_t received;	/* bytes taken from the UART into the ring */
	uint64_t overruns;	/* bytes lost: the ring was full, plus one per
				 * UART FIFO overrun (each loses at least one) */
	uint64_t errors;	/* bytes with a framing, parity or break error */
	size_t buffered;	/* bytes waiting now */
};

void conin_irq(void);		/* the receive interrupt: drain the UART */
/* One reader at a time: up to n bytes, with `line` up to a line's end. */
size_t conin_read(void *buf, size_t n, bool line);
void conin_stats(struct conin_stats *s);
