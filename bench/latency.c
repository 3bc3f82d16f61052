/*
 * Latency (bench=latency): how late a sleeper wakes, and how soon a
 * spawned task first runs, as distributions (median, p99, max), in ns of
 * go_now(). bench/go/latency.go is the same code in Go (time.Sleep, go
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
#include <stdio.h>
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

void bench_latency(void)
{
	timer_lateness();
	spawn_latency();
}
