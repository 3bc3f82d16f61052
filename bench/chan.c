/*
 * Channel and sync costs. Instruction counts come from the -icount run on
 * one core (bench/main.c); the multi-core figures (bench=smp) from plain
 * multi-threaded TCG, where the counter follows the host clock: they are
 * emulated wall times, never hardware ones.
 */
#include "bench.h"
#include <gometal.h>
#include <stdio.h>

#define N 100000

/* --- one core, -icount --- */

struct pingpong {
	chan_t *ping, *pong;
	long rounds;
	waitgroup_t wg;
};

static void ponger(void *arg)
{
	struct pingpong *p = arg;
	int v;
	for (long i = 0; i < p->rounds; i++) {
		chan_recv(p->ping, &v);
		chan_send(p->pong, &v);
	}
	wg_done(&p->wg);
}

/* Round trips of an int over two unbuffered channels; returns the time. */
static uint64_t pingpong(long rounds, int cpu_a, int cpu_b)
{
	struct pingpong p = {.ping = chan_make(sizeof(int), 0), .pong = chan_make(sizeof(int), 0), .rounds = rounds};
	wg_add(&p.wg, 1);
	go_attr_t a = {.name = "ponger", .cpu = cpu_b};
	go_with(&a, ponger, &p);
	if (cpu_a >= 0)
		go_pin();
	uint64_t t0 = bench_now();
	for (int i = 0; i < rounds; i++) {
		chan_send(p.ping, &i);
		chan_recv(p.pong, &i);
	}
	uint64_t t = bench_now() - t0;
	if (cpu_a >= 0)
		go_unpin();
	wg_wait(&p.wg);
	chan_free(p.ping);
	chan_free(p.pong);
	return t;
}

static void bench_pingpong(void)
{
	pingpong(1000, -1, -1); /* warm */
	bench_report("unbuffered ping-pong round trip", pingpong(N, -1, -1), N, 300);
}

static void bench_buffered(void)
{
	chan_t *c = chan_make(sizeof(long), 1);
	long v = 0;
	uint64_t t0 = bench_now();
	for (long i = 0; i < N; i++) {
		chan_send(c, &i);
		chan_recv(c, &v);
	}
	bench_report("buffered send + recv, same task", bench_now() - t0, N, 0);
	chan_free(c);
}

static void bench_mutex(void)
{
	mutex_t m = {0};
	uint64_t t0 = bench_now();
	for (long i = 0; i < N; i++) {
		mutex_lock(&m);
		mutex_unlock(&m);
	}
	bench_report("uncontended mutex lock + unlock", bench_now() - t0, N, 30);
}

static void bench_select(void)
{
	chan_t *c[4];
	chan_case_t cases[4];
	long vals[4];
	for (int i = 0; i < 4; i++) {
		c[i] = chan_make(sizeof(long), 1);
		cases[i] = (chan_case_t){.ch = c[i], .op = CHAN_RECV, .elem = &vals[i]};
	}
	uint64_t t0 = bench_now();
	for (long i = 0; i < N; i++)
		chan_select(cases, 4, false);
	bench_report("select over 4 channels, none ready", bench_now() - t0, N, 0);
	for (int i = 0; i < 4; i++)
		chan_send(c[i], &vals[i]);
	t0 = bench_now();
	for (long i = 0; i < N; i++) {
		int k = chan_select(cases, 4, true);
		chan_send(c[k], &vals[k]); /* ready again */
	}
	bench_report("select over 4 ready + buffered refill", bench_now() - t0, N, 0);
	for (int i = 0; i < 4; i++)
		chan_free(c[i]);
}

void bench_chan(void)
{
	bench_pingpong();
	bench_buffered();
	bench_mutex();
	bench_select();
}

/* --- several cores, plain TCG (bench=smp) --- */

struct link {
	chan_t *left, *right;
};

static void whisper(void *arg)
{
	struct link *l = arg;
	int v;
	chan_recv(l->right, &v);
	v++;
	chan_send(l->left, &v);
}

#define CHAIN 10000

static uint64_t daisy_chain(void)
{
	static chan_t *c[CHAIN + 1];
	static struct link links[CHAIN];
	uint64_t t0 = go_now();
	for (int i = 0; i <= CHAIN; i++)
		c[i] = chan_make(sizeof(int), 0);
	for (int i = 0; i < CHAIN; i++) {
		links[i] = (struct link){.left = c[i], .right = c[i + 1]};
		go(whisper, &links[i]);
	}
	int v = 1;
	chan_send(c[CHAIN], &v);
	chan_recv(c[0], &v);
	uint64_t t = go_now() - t0;
	if (v != CHAIN + 1)
		panic("daisy chain: got %d", v);
	for (int i = 0; i <= CHAIN; i++)
		chan_free(c[i]);
	return t;
}

void bench_chan_smp(void)
{
	int n = go_ncpu();
	if (n < 2) {
		printf("bench: smp figures need 2 or more cores\n");
		return;
	}
	for (int r = 0; r < 3; r++) {
		long rounds = 20000;
		uint64_t ns = pingpong(rounds, 0, 1);
		printf("bench: %-34s %8lu round trips/s  (cores 0 and 1, run %d)\n",
		       "ping-pong between two cores", (unsigned long)(rounds * 1000000000ull / ns),
		       r + 1);
	}
	/* The first run maps 10,000 new stacks; later runs reuse them from
	 * the free lists, as a long-running program would. */
	for (int r = 0; r < 4; r++)
		printf("bench: %-34s %8lu us  (%d cores, %s)\n", "10,000-task daisy chain",
		       (unsigned long)(daisy_chain() / 1000), n,
		       r ? "stacks reused" : "first run: new stacks");
}
