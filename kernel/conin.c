/*
 * Console input: the receive interrupt (rt/irq.c calls conin_irq on the
 * one core the UART's line is routed to) drains the UART's FIFO into a
 * ring, so input that arrives before anyone reads is kept, up to
 * RXRING_SIZE bytes; beyond that each byte is counted as an overrun.
 * Draining the FIFO empty is what clears the UART's receive interrupt
 * (drivers/uart/pl011.c), so the line needs no masking.
 */
#include <kernel/conin.h>
#include <kernel/platform.h>
#include <kernel/rxring.h>
#include <kernel/uart.h>

static struct rxring ring;
static uint64_t received, hw_overruns, errors;	/* the handler writes, atomic */

void conin_irq(void)
{
	int c;
	while ((c = plat.uart->rx(plat.uart_base)) >= 0) {
		if (c & UART_RX_OVERRUN)
			__atomic_add_fetch(&hw_overruns, 1, __ATOMIC_RELAXED);
		if (c & UART_RX_ERRORS & ~UART_RX_OVERRUN)
			__atomic_add_fetch(&errors, 1, __ATOMIC_RELAXED);
		if (rxring_put(&ring, (uint8_t)c))
			__atomic_add_fetch(&received, 1, __ATOMIC_RELAXED);
	}
}

size_t conin_read(void *buf, size_t n, bool line)
{
	return rxring_get(&ring, buf, n, line);
}

void conin_stats(struct conin_stats *s)
{
	s->received = __atomic_load_n(&received, __ATOMIC_RELAXED);
	s->overruns = __atomic_load_n(&hw_overruns, __ATOMIC_RELAXED) +
		      __atomic_load_n(&ring.dropped, __ATOMIC_RELAXED);
	s->errors = __atomic_load_n(&errors, __ATOMIC_RELAXED);
	s->buffered = rxring_len(&ring);
}
