/*
 * Console input (rt/console.c, kernel/conin.c, sched/netpoll.c): tasks that
 * read park until the UART's receive interrupt brings bytes.
 *
 * The runner types (tests/input.py): each case prints "input? <tag>" and
 * the runner, which writes into QEMU's -serial stdio, answers with that
 * tag's bytes. Only a boot with input=1 is answered; elsewhere each case
 * says so and returns.
 *
 * Time: nothing here is timed. Each check waits for an event (bytes, a
 * count) with KTEST_HANG_MS, which only tells a hang; "before the reader"
 * is made true by waiting until the bytes are buffered, not by sleeping.
 */
#include "ktest.h"
#include <gometal.h>
#include <kernel/cmdline.h>
#include <kernel/config.h>
#include <kernel/platform.h>
#include <stdio.h>
#include <string.h>

static bool fed(void)
{
	if (cmdline_int("input", 0))
		return true;
	printf("  nobody types here (the runner boots input=1 for these)\n");
	return false;
}

static void ask(const char *tag)
{
	printf("input? %s\n", tag);
	fflush(stdout);
}

/* Waits until n more bytes than `since` have come in (kept or lost). */
static bool wait_received(uint64_t since, uint64_t n)
{
	uint64_t end = go_now() + KTEST_HANG_MS * 1000000ull;
	struct console_stats st;
	for (;;) {
		console_stats(&st);
		if (st.received + st.overruns >= since + n)
			return true;
		if (go_now() > end)
			return false;
		go_sleep(1000000);
	}
}

static uint64_t seen(void)
{
	struct console_stats st;
	console_stats(&st);
	return st.received + st.overruns;
}

TEST(input, single_bytes_with_getchar)
{
	if (!fed())
		return;
	ask("abc");
	CHECK_EQ(getchar(), 'a');
	CHECK_EQ(getchar(), 'b');
	CHECK_EQ(getchar(), 'c');
}

/* A terminal's Enter is CR: fgets sees '\n'. */
TEST(input, lines_with_fgets_and_scanf)
{
	if (!fed())
		return;
	char line[64];
	ask("lines");
	CHECK(fgets(line, sizeof(line), stdin));
	CHECK(!strcmp(line, "first line\n"));
	CHECK(fgets(line, sizeof(line), stdin));
	CHECK(!strcmp(line, "typed\n"));
	int a = 0, b = 0;
	CHECK_EQ(scanf("%d %d", &a, &b), 2);
	CHECK_EQ(a + b, 42);
	CHECK_EQ(getchar(), '\n');
}

/* Bytes that come before anyone reads are kept. */
TEST(input, input_before_the_reader_is_kept)
{
	if (!fed())
		return;
	uint64_t before = seen();
	ask("early");
	CHECK(wait_received(before, 12));
	char buf[32] = {0};
	size_t n = console_read(buf, sizeof(buf) - 1);
	CHECK_EQ(n, 12);
	CHECK(!strcmp(buf, "early bytes\n"));
}

static volatile int core_done;
static int core_ok[NCPU_MAX];

static void core_reader(void *arg)
{
	long cpu = (long)arg;
	char tag[16], buf[8] = {0};
	snprintf(tag, sizeof(tag), "core%ld", cpu);
	ask(tag);
	size_t n = 0;
	while (n < 2)
		n += console_read(buf + n, 2 - n);
	core_ok[cpu] = buf[0] == '0' + cpu && buf[1] == '\n' && go_cpu() == cpu;
	__atomic_add_fetch(&core_done, 1, __ATOMIC_RELEASE);
}

/* A reader pinned to each core in turn (the interrupt is taken on one). */
TEST(input, a_reader_on_each_core)
{
	if (!fed())
		return;
	for (long cpu = 0; cpu < go_ncpu(); cpu++) {
		core_done = 0;
		go_attr_t a = {.name = "reader", .cpu = (int)cpu};
		CHECK(go_with(&a, core_reader, (void *)cpu) > 0);
		CHECK(ktest_wait_count(&core_done, 1));
		CHECK(core_ok[cpu]);
	}
}

/* chan_select over console_input() and a timer: the timer wins while
 * nobody types, the input once someone has. */
TEST(input, select_on_input_or_a_timeout)
{
	if (!fed())
		return;
	chan_t *in = console_input();
	char c;
	while (console_try_read(&c, 1)) /* a bell left from earlier cases */
		;
	chan_t *t = go_after(20 * 1000000ull);
	chan_case_t cases[2] = {{.ch = in, .op = CHAN_RECV}, {.ch = t, .op = CHAN_RECV}};
	int got;
	do /* an old bell may ring first: nothing to read behind it */
		got = chan_select(cases, 2, true);
	while (got == 0 && !console_try_read(&c, 1));
	chan_free(t);
	CHECK_EQ(got, 1);
	ask("x");
	t = go_after(KTEST_HANG_MS * 1000000ull);
	cases[1].ch = t;
	for (;;) {
		got = chan_select(cases, 2, true);
		if (got != 0 || console_try_read(&c, 1))
			break;
	}
	chan_free(t);
	CHECK_EQ(got, 0);
	CHECK_EQ(c, 'x');
}

#define BURST (64 * 1024)

static char pattern(unsigned i)
{
	return (char)('a' + (i * 7 + i / 26) % 26);
}

static uint64_t lost_since(const struct console_stats *st0)
{
	struct console_stats st;
	console_stats(&st);
	return st.overruns - st0->overruns;
}

/* 64 KiB at the emulated UART's full rate, read as it comes: read + lost
 * is exactly what was sent, and with nothing lost every byte is the one
 * sent, in order. */
TEST(input, a_64k_burst_is_read_or_counted)
{
	if (!fed())
		return;
	struct console_stats st0;
	console_stats(&st0);
	static char buf[4096];
	ask("burst");
	unsigned got = 0, bad = 0;
	uint64_t end = go_now() + KTEST_HANG_MS * 1000000ull;
	while (got + lost_since(&st0) < BURST) {
		size_t n = console_try_read(buf, sizeof(buf));
		for (size_t k = 0; k < n; k++)
			bad += buf[k] != pattern(got + (unsigned)k);
		got += (unsigned)n;
		if (!n) { /* park on the bell; 10 ms at most, to look again */
			CHECK(go_now() < end);
			chan_t *t = go_after(10 * 1000000ull);
			chan_case_t c[2] = {{.ch = console_input(), .op = CHAN_RECV},
					    {.ch = t, .op = CHAN_RECV}};
			chan_select(c, 2, true);
			chan_free(t);
		}
	}
	uint64_t lost = lost_since(&st0);
	printf("  read %u bytes, %lu lost\n", got, (unsigned long)lost);
	CHECK_EQ(got + lost, BURST);
	if (!lost)
		CHECK_EQ(bad, 0);
}

/* Nobody reads while 8 KiB come: the buffer keeps the first
 * CONSOLE_BUFFER bytes and counts every other one as lost. */
TEST(input, overruns_are_counted_exactly)
{
	if (!fed())
		return;
	struct console_stats st0, st1;
	console_stats(&st0);
	CHECK_EQ(st0.buffered, 0);
	ask("flood");
	CHECK(wait_received(st0.received + st0.overruns, 2 * CONSOLE_BUFFER));
	console_stats(&st1);
	CHECK_EQ(st1.buffered, CONSOLE_BUFFER);
	CHECK_EQ(st1.overruns - st0.overruns, CONSOLE_BUFFER);
	static char buf[CONSOLE_BUFFER];
	size_t n = 0;
	while (n < CONSOLE_BUFFER)
		n += console_try_read(buf + n, CONSOLE_BUFFER - n);
	for (unsigned k = 0; k < CONSOLE_BUFFER; k++)
		CHECK_EQ(buf[k], pattern(k));
}

/*
 * QEMU virt's power button: the monitor's system_powerdown pulses PL061
 * line 3 high for 100 ms (hw/arm/virt.c virt_powerdown_req; the DTB's
 * gpio-keys node: gpios = <&pl061 3 0>). gpio_watch catches its rising
 * edge, through the same path as the Pis' GPIO (rt/gpio.c).
 */
TEST(input, the_power_button_wakes_a_task)
{
	if (!fed())
		return;
	if (strcmp(plat.name, "virt")) {
		printf("  only QEMU virt has the PL061 power button\n");
		return;
	}
	chan_t *c = chan_make(sizeof(uint32_t), 1);
	gpio_watch(3, GPIO_RISING, c);
	ask("powerdown");
	uint32_t pin = 99;
	chan_recv(c, &pin);
	CHECK_EQ(pin, 3);
	gpio_unwatch(3);
	chan_free(c);
}
