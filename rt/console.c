/*
 * Console input for tasks: console_read and friends (include/gometal.h),
 * and newlib's read(0) through them. The bytes come from kernel/conin.c's
 * ring, which the UART's receive interrupt fills; a reader with nothing to
 * read parks on `bell`, a channel sched/netpoll.c sends to (from a
 * scheduler, never from the handler) after the interrupt.
 *
 * No lost wake-up: a reader attaches the bell, then looks at the ring
 * again, then waits. A byte that came before the bell was attached is in
 * the ring for that second look; one that comes after it rings the bell.
 * A reader that leaves bytes behind rings the bell for the next reader.
 */
#include <gometal.h>
#include <kernel/conin.h>
#include <kernel/panic.h>
#include <kernel/platform.h>
#include <kernel/uart.h>
#include <sched/chan.h>
#include <sched/netpoll.h>
#include <sched/sched.h>

static mutex_t readers;		/* one reader of the ring at a time; bell */
static chan_t *bell;		/* cap 1: "there may be input" */

static bool interrupt_driven(void)
{
	return plat.uart_irq && plat.uart->rx_irq;
}

/* At boot, before any task: input is kept from now on. */
void console_input_init(void)
{
	if (!interrupt_driven())
		return;
	netpoll_attach_kernel(plat.uart_irq, 0);
	plat.uart->rx_irq(plat.uart_base, true);
}

/* A terminal's Enter is CR: given as '\n', as a tty's ICRNL does. */
static void icrnl(char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\r')
			s[i] = '\n';
}

static size_t try_read(void *buf, size_t n, bool line)
{
	mutex_lock(&readers);
	size_t k = conin_read(buf, n, line);
	struct conin_stats st;
	conin_stats(&st);
	chan_t *b = bell;
	mutex_unlock(&readers);
	if (k && st.buffered && b)
		chan_try_send(b, &plat.uart_irq); /* more for the next reader */
	icrnl(buf, k);
	return k;
}

size_t console_try_read(void *buf, size_t n)
{
	must_be_task("console_try_read");
	return try_read(buf, n, false);
}

chan_t *console_input(void)
{
	must_be_task("console_input");
	if (!interrupt_driven())
		panic("console_input: the %s board's console has no receive interrupt", plat.name);
	mutex_lock(&readers);
	if (!bell) {
		bell = chan_make(sizeof(uint32_t), 1);
		if (!bell)
			panic("console_input: no memory for its channel");
		netpoll_set_chan(plat.uart_irq, bell);
	}
	chan_t *b = bell;
	mutex_unlock(&readers);
	return b;
}

/* Without a receive interrupt (a board that has none wired): poll. */
static size_t poll_read(char *buf, size_t n, bool line)
{
	int c;
	while ((c = plat.uart->getc(plat.uart_base)) < 0)
		go_sleep(1000000);
	size_t k = 0;
	do
		buf[k++] = (char)c;
	while (k < n && !(line && (c == '\n' || c == '\r')) &&
	       (c = plat.uart->getc(plat.uart_base)) >= 0);
	icrnl(buf, k);
	return k;
}

static size_t read_wait(void *buf, size_t n, bool line)
{
	if (!n)
		return 0;
	if (!interrupt_driven())
		return poll_read(buf, n, line);
	for (;;) {
		size_t k = try_read(buf, n, line);
		if (k)
			return k;
		chan_t *b = console_input();
		if ((k = try_read(buf, n, line)))
			return k;
		chan_recv(b, 0);
	}
}

size_t console_read(void *buf, size_t n)
{
	must_be_task("console_read");
	return read_wait(buf, n, false);
}

/* read(0): as a terminal in canonical mode, at most one line per call, so
 * that stdio (whose buffers are per task, rt/libc/reent.c) holds no more
 * than the rest of the line it is reading. */
size_t console_read_line(void *buf, size_t n)
{
	must_be_task("read(0)");
	return read_wait(buf, n, true);
}

void console_stats(struct console_stats *s)
{
	struct conin_stats st;
	conin_stats(&st);
	s->received = st.received;
	s->overruns = st.overruns;
	s->errors = st.errors;
	s->buffered = st.buffered;
}
