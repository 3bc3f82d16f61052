/*
 * Throughput (bench=throughput): four fork-join and pipeline workloads,
 * each run once to warm (stacks, channels) and then timed reps= times
 * (default 1) by the wall clock, in ms. tools/bench.py boots this at SMP=1 and SMP=2 under plain
 * multi-threaded TCG: emulated time on the host's cores, not hardware.
 * bench/go/throughput.go is the same code in Go; keep them in step.
 */
#include "bench.h"
#include <gometal.h>
#include <kernel/cmdline.h>
#include <stdio.h>
#include <string.h>

/*
 * Each workload runs at least 200 ms at one core (issue 20): shorter ones
 * were mostly the start-up of idle cores, and reruns of their speedup
 * disagreed (1.48, then 0.99, for a fib(27) of 5-7 ms).
 */

/* --- fork-join fib(35): one task per call at or above the cutoff --- */

#define FIB_N 35
#define FIB_CUTOFF 12

static long sfib(long n)
{
	return n < 2 ? n : sfib(n - 1) + sfib(n - 2);
}

struct fib {
	long n, result;
	waitgroup_t wg;
};

static long pfib(long n);

static void fib_task(void *arg)
{
	struct fib *f = arg;
	f->result = pfib(f->n);
	wg_done(&f->wg);
}

static long pfib(long n)
{
	if (n < FIB_CUTOFF)
		return sfib(n);
	struct fib a = {.n = n - 1};
	wg_add(&a.wg, 1);
	if (go(fib_task, &a) < 0)
		panic("fib: spawn failed");
	long b = pfib(n - 2);
	wg_wait(&a.wg);
	return a.result + b;
}

static long fib(void) { return pfib(FIB_N); }

/* --- the concurrent prime sieve: a filter task per prime --- */

#define PRIMES 1000

struct filter {
	chan_t *in, *out, *done;
	int prime;
	waitgroup_t *wg;	/* done when the task returns */
};

/* Sends v on out unless done closes first; false: shut down. */
static bool send_or_done(chan_t *out, chan_t *done, int *v)
{
	chan_case_t cases[2] = {{.ch = out, .op = CHAN_SEND, .elem = v},
				{.ch = done, .op = CHAN_RECV, .elem = 0}};
	return chan_select(cases, 2, true) == 0;
}

static void generate(void *arg)
{
	struct filter *f = arg;
	for (int i = 2;; i++)
		if (!send_or_done(f->out, f->done, &i))
			break;
	wg_done(f->wg);
}

static void filter(void *arg)
{
	struct filter *f = arg;
	int v;
	for (;;) {
		chan_case_t cases[2] = {{.ch = f->in, .op = CHAN_RECV, .elem = &v},
					{.ch = f->done, .op = CHAN_RECV, .elem = 0}};
		if (chan_select(cases, 2, true) != 0)
			break;
		if (v % f->prime && !send_or_done(f->out, f->done, &v))
			break;
	}
	wg_done(f->wg);
}

static long sieve(void)
{
	static struct filter f[PRIMES + 1];
	static chan_t *c[PRIMES + 1];
	chan_t *done = chan_make(0, 0);
	waitgroup_t wg = {0};
	c[0] = chan_make(sizeof(int), 0);
	f[0] = (struct filter){.out = c[0], .done = done, .wg = &wg};
	wg_add(&wg, PRIMES + 1);
	go(generate, &f[0]);
	int prime = 0;
	for (int i = 0; i < PRIMES; i++) {
		chan_recv(c[i], &prime);
		c[i + 1] = chan_make(sizeof(int), 0);
		f[i + 1] = (struct filter){.in = c[i], .out = c[i + 1], .done = done, .prime = prime, .wg = &wg};
		go(filter, &f[i + 1]);
	}
	/* Every task returns once it sees done; a channel can only be freed
	 * with no task blocked on it, so wait for them all. */
	chan_close(done);
	wg_wait(&wg);
	for (int i = 0; i <= PRIMES; i++)
		chan_free(c[i]);
	chan_free(done);
	return prime;
}

/* --- the daisy chain: 10,000 tasks passing one value along, 8 times --- */

#define CHAIN 10000
#define DAISY_ROUNDS 8

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

/* The relays' share of the last daisy(): from each chain's first send to
 * its last receive, summed. A relay is serial (one value passing from
 * task to task), so a second core can only add to it; the spawns before
 * it are what a second core can share. Reported beside daisy's total as
 * daisy_relay. */
static uint64_t daisy_relay_ns;

static long daisy_once(void)
{
	static chan_t *c[CHAIN + 1];
	static struct link links[CHAIN];
	for (int i = 0; i <= CHAIN; i++)
		c[i] = chan_make(sizeof(int), 0);
	for (int i = 0; i < CHAIN; i++) {
		links[i] = (struct link){.left = c[i], .right = c[i + 1]};
		if (go(whisper, &links[i]) < 0)
			panic("daisy: spawn failed");
	}
	int v = 1;
	uint64_t t0 = go_now();
	chan_send(c[CHAIN], &v);
	chan_recv(c[0], &v);
	daisy_relay_ns += go_now() - t0;
	/* Every send has been taken: no task waits on any of them. */
	for (int i = 0; i <= CHAIN; i++)
		chan_free(c[i]);
	return v;
}

static long daisy(void)
{
	long v = 0;
	daisy_relay_ns = 0;
	for (int r = 0; r < DAISY_ROUNDS; r++)
		v = daisy_once();
	return v;
}

/* --- 96x96 matrix product, fork-join over row ranges, 30 times --- */

#define MM 96
#define MM_LEAF 8
#define MM_ROUNDS 30

static double ma[MM][MM], mb[MM][MM], mc[MM][MM];

struct rows {
	int lo, hi;
	waitgroup_t *wg;
};

static void mm(int lo, int hi);

static void mm_task(void *arg)
{
	struct rows *r = arg;
	mm(r->lo, r->hi);
	wg_done(r->wg);
}

static void mm(int lo, int hi)
{
	if (hi - lo <= MM_LEAF) {
		for (int i = lo; i < hi; i++) {
			for (int j = 0; j < MM; j++)
				mc[i][j] = 0;
			for (int k = 0; k < MM; k++)
				for (int j = 0; j < MM; j++)
					mc[i][j] += ma[i][k] * mb[k][j];
		}
		return;
	}
	int mid = lo + (hi - lo) / 2;
	waitgroup_t wg = {0};
	struct rows r = {.lo = lo, .hi = mid, .wg = &wg};
	wg_add(&wg, 1);
	if (go(mm_task, &r) < 0)
		panic("matmul: spawn failed");
	mm(mid, hi);
	wg_wait(&wg);
}

static long matmul(void)
{
	for (int i = 0; i < MM; i++)
		for (int j = 0; j < MM; j++) {
			ma[i][j] = (double)((i * 7 + j * 3) % 11) - 5;
			mb[i][j] = (double)((i * 5 + j * 2) % 13) - 6;
		}
	for (int r = 0; r < MM_ROUNDS; r++)
		mm(0, MM);
	double sum = 0;
	for (int i = 0; i < MM; i++)
		for (int j = 0; j < MM; j++)
			sum += mc[i][j];
	return (long)sum;
}

struct workload {
	const char *key;
	long (*fn)(void);
	const char *part;		/* a part it times itself, or NULL */
	const uint64_t *part_ns;	/* that part's ns in the last run */
};

static const struct workload workloads[] = {
	{"fib", fib, 0, 0},
	{"sieve", sieve, 0, 0},
	{"daisy", daisy, "daisy_relay", &daisy_relay_ns},
	{"matmul", matmul, 0, 0},
};

void bench_throughput(void)
{
	long reps = cmdline_int("reps", 1);
	char only[16] = ""; /* work=key: that workload alone (make trace APP=bench) */
	if (cmdline_get("work"))
		snprintf(only, sizeof(only), "%s", cmdline_get("work"));
	for (unsigned i = 0; i < sizeof(workloads) / sizeof(workloads[0]); i++) {
		const struct workload *w = &workloads[i];
		if (only[0] && strcmp(only, w->key))
			continue;
		long check = w->fn(); /* warm: stacks, channels, caches */
		printf("check %s %ld\n", w->key, check);
		for (long r = 0; r < reps; r++) {
			uint64_t t0 = go_now();
			long again = w->fn();
			uint64_t ns = go_now() - t0;
			if (again != check)
				panic("%s: %ld, then %ld", w->key, check, again);
			bench_value(w->key, (double)ns / 1e6, "ms");
			if (w->part)
				bench_value(w->part, (double)*w->part_ns / 1e6, "ms");
		}
	}
}
