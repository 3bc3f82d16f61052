/*
 * Latency (bench=latency): how late a sleeper wakes, how soon a spawned
 * task first runs, and (on QEMU virt) how soon a device interrupt's task
 * runs, as distributions (median, p99, max), in ns of go_now(). bench/go/latency.go is the same code in Go (time.Sleep, go
 * statements); keep them in step.
 *
 * tools/bench.py boots this under -icount (virtual ns: deterministic, the
 * scheduler's own latency, the figures to hold it to) and in plain
 * multi-threaded TCG (host time: what the scheduler adds is buried under
 * what the host does to QEMU's threads; the same for Go under qemu-user).
 * tests/target/test_timers.c holds the -icount bounds in make test.
 */
#include "bench.h"
#include <gometal.h>
#include <kernel/cmdline.h>
#include <kernel/mmio.h>
#include <kernel/platform.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#define US 1000ull
#define MS 1000000ull

#define SLEEPERS 1000	/* deadlines spread over SPREAD_MS */
#define SPREAD_MS 200
#define BURST 40	/* spawns per burst */
#define BURSTS 25	/* bursts: 1,000 samples */

static int64_t late[SLEEPERS > BURST * BURSTS ? SLEEPERS : BURST * BURSTS];
static uint64_t deadline[SLEEPERS], spawned[BURST];
static waitgroup_t wg;

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* `result <key>_p50|_p99|_max <ns> ns`; a negative lateness (early) panics. */
static void report(const char *key, int64_t *v, int n)
{
	char name[48];
	qsort(v, n, sizeof(*v), cmp_i64);
	if (v[0] < 0)
		panic("bench: %s: a task ran %ld ns early", key, (long)-v[0]);
	static const struct { const char *suffix; int permille; } at[] = {
		{"p50", 500}, {"p99", 990}, {"max", 1000},
	};
	for (unsigned i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		int k = (int)((long)(n - 1) * at[i].permille / 1000);
		snprintf(name, sizeof(name), "%s_%s", key, at[i].suffix);
		bench_value(name, (double)v[k], "ns");
	}
}

static void sleeper(void *arg)
{
	long i = (long)arg;
	go_sleep_until(deadline[i]);
	late[i] = (int64_t)(go_now() - deadline[i]);
	wg_done(&wg);
}

/*
 * A thousand sleepers on any core, deadlines 200 us apart over 200 ms in a
 * scrambled order (7919 is prime), all asleep before the first is due.
 */
static void timer_lateness(void)
{
	uint64_t start = go_now() + 20 * MS;
	wg_add(&wg, SLEEPERS);
	for (long i = 0; i < SLEEPERS; i++) {
		deadline[i] = start + (uint64_t)(i * 7919 % SLEEPERS) * (SPREAD_MS * MS / SLEEPERS);
		if (go(sleeper, (void *)i) < 0)
			panic("bench: spawn failed");
	}
	wg_wait(&wg);
	report("timer_late", late, SLEEPERS);
}

static void first_run(void *arg)
{
	long i = (long)arg;
	late[i] = (int64_t)(go_now() - spawned[i % BURST]);
	wg_done(&wg);
}

/*
 * Bursts of forty spawns from one task, the other cores idle (asleep)
 * before each: the time from each go() to the task's first instruction.
 */
static void spawn_latency(void)
{
	for (long b = 0; b < BURSTS; b++) {
		go_sleep(5 * MS);
		wg_add(&wg, BURST);
		for (long i = 0; i < BURST; i++) {
			spawned[i] = go_now();
			if (go(first_run, (void *)(b * BURST + i)) < 0)
				panic("bench: spawn failed");
		}
		wg_wait(&wg);
	}
	report("spawn_run", late, BURST * BURSTS);
}

/*
 * A device interrupt to its task: QEMU virt's PL061 line 0, set to
 * interrupt on a low level while QEMU pulls it down, asserts its line (SPI
 * 7) the moment its GPIOIE bit is set (tests/target/test_devirq.c). The
 * waiter, pinned, claims the line (so it is routed to its core) and waits
 * in chan_recv, or with `sel` in a chan_select over it and a channel that
 * never fires; the firer reads go_now() and sets the bit. At one core the
 * firer is running when the interrupt comes (it is preempted: netpoll.c);
 * with more, it is on core 1 and the waiter's core 0 is idle in WFI.
 */
#define PL061 0x09030000ull
#define IRQ_ROUNDS 200

static chan_t *irq_chan, *irq_ready;
static uint64_t irq_fired;
static volatile int irq_woke;	/* the waiter ran: the firer may go on */

static void pl061_line0(int on)
{
	if (on) {
		mmio_write32(PL061 + 0x404, mmio_read32(PL061 + 0x404) | 1);	/* GPIOIS: level */
		mmio_write32(PL061 + 0x40c, mmio_read32(PL061 + 0x40c) & ~1u);	/* GPIOIEV: low */
	}
	uint32_t ie = mmio_read32(PL061 + 0x410);
	mmio_write32(PL061 + 0x410, on ? ie | 1 : ie & ~1u);			/* GPIOIE */
}

static void irq_waiter(void *arg)
{
	bool sel = arg != 0;
	chan_t *never = chan_make(0, 0);
	irq_notify(32 + 7, irq_chan, IRQ_LEVEL);
	for (int i = 0; i < IRQ_ROUNDS; i++) {
		chan_send(irq_ready, 0);
		if (sel) {
			chan_case_t c[2] = {{.ch = never, .op = CHAN_RECV}, {.ch = irq_chan, .op = CHAN_RECV}};
			chan_select(c, 2, true);
		} else {
			chan_recv(irq_chan, 0);
		}
		late[i] = (int64_t)(go_now() - irq_fired);
		irq_woke = 1;
		pl061_line0(0);
		irq_rearm(32 + 7);
	}
	irq_release(32 + 7);
	chan_free(never);
	wg_done(&wg);
}

static void irq_firer(void *arg)
{
	(void)arg;
	for (int i = 0; i < IRQ_ROUNDS; i++) {
		chan_recv(irq_ready, 0);
		go_sleep(50000); /* the waiter parks meanwhile */
		irq_woke = 0;
		irq_fired = go_now();
		pl061_line0(1);
		/* On its own core, spin (a yield hint each turn: -icount then
		 * moves to the next vCPU) rather than park: under -icount every
		 * vCPU's instructions advance the clock, and parking's would
		 * count as the waiter's latency. */
		while (go_ncpu() > 1 && !irq_woke)
			__asm__ volatile("yield");
	}
	wg_done(&wg);
}

static void irq_latency(bool sel)
{
	irq_chan = chan_make(sizeof(uint32_t), 1);
	irq_ready = chan_make(0, 0);
	int n = go_ncpu();
	go_attr_t w = {.name = "irq-waiter", .cpu = 0}, f = {.name = "irq-firer", .cpu = n > 1 ? 1 : 0};
	wg_add(&wg, 2);
	if (go_with(&w, irq_waiter, (void *)(long)sel) < 0 || go_with(&f, irq_firer, 0) < 0)
		panic("bench: spawn failed");
	wg_wait(&wg);
	chan_free(irq_chan);
	chan_free(irq_ready);
	report(sel ? "irq_select" : "irq_wake", late, IRQ_ROUNDS);
}

void bench_latency(void)
{
	timer_lateness();
	spawn_latency();
	if (!strcmp(plat.name, "virt")) {
		irq_latency(false);
		irq_latency(true);
	}
}
