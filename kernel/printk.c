#include <kernel/mmu.h>
#include <kernel/uart.h>
#include <kernel/platform.h>
#include <kernel/printk.h>
#include <kernel/spinlock.h>
#include <stdint.h>

#define CONSOLE_BAUD 115200

static spinlock_t console_lock = SPINLOCK_INIT; /* protects the UART's transmit side */
static volatile int forced;

void console_init(void)
{
	if (plat.uart_pins)
		plat.uart_pins();
	plat.uart->init(plat.uart_base, plat.uart_clock, CONSOLE_BAUD);
}

void console_force(void) { forced = 1; }

void console_write(const char *s, size_t n)
{
	/* No lock before the MMU is on (exclusives need it; one core runs). */
	int lock = mmu_enabled() && !forced;
	uint64_t f = 0;
	if (lock)
		f = spin_lock_irqsave(&console_lock);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			plat.uart->putc(plat.uart_base, '\r');
		plat.uart->putc(plat.uart_base, s[i]);
	}
	if (lock)
		spin_unlock_irqrestore(&console_lock, f);
}

int kprintf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	int n = kvsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	console_write(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	return n;
}
