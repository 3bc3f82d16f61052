/*
 * The test harness's main(): picks the tests this boot runs, in what
 * order, and runs them one by one in its own task. Boot arguments (make
 * check and tests/run.py pass them; include/gometal/test.h says what a
 * test sees):
 *
 *   list=1          print every test, crash case and benchmark, then stop
 *   only=<hex>      run the entries whose bits are set (bit i: the i-th
 *                   entry of list=1; the runner turns RUN=regex into it)
 *   test=<prefix>   run only tests whose name starts with <prefix>
 *   count=n         run each test n times (go test -count)
 *   shuffle=1       in an order drawn from seed= (go test -shuffle)
 *   seed=n          that seed; the scheduler takes its random choices
 *                   from it too (sched/sched.c)
 *   from=k          skip the first k tests of the order (a reboot after a
 *                   test that hung or crashed)
 *   timeout_ms=n    a test's time unless it states its own (10 min, as Go's)
 *   crash=<name>    run that one CRASH case instead
 *   bench=1         run the benchmarks (selected by only=, else all)
 */
#include "harness.h"
#include <kernel/cmdline.h>
#include <kernel/preempt.h>
#include <kernel/sysreg.h>
#include <sched/sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_TESTS ((int)(__ktests_end - __ktests_start))
#define DEFAULT_TIMEOUT_MS 600000	/* Go's go test -timeout: 10 minutes */

static char only[512];	/* as long as a boot argument can be (kernel/cmdline.c) */

static const char *kind_name(int kind)
{
	static const char *names[] = {"test", "crash", "bench", "setup", "teardown"};
	return names[kind];
}

/* list=1: one line per entry, for the runner. */
static int list(void)
{
	for (int i = 0; i < N_TESTS; i++) {
		const struct gm_test *t = &__ktests_start[i];
		printf("test: list %d %s %s %u %d %d", i, kind_name(t->kind), t->name,
		       t->timeout_ms, t->min_cpus, t->status);
		printf(" %s\n", t->expect ? t->expect : "^panic:");
	}
	printf("test: list end\n");
	return 0;
}

/* Is entry i selected by only=<hex> (bit i; the last digit holds bits 0-3)? */
static int selected(int i)
{
	size_t len = strlen(only);
	if (len == 0)
		return 1;
	if ((size_t)(i / 4) >= len)
		return 0;
	char c = only[len - 1 - i / 4];
	int v = c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
	return (v >> (i % 4)) & 1;
}

/* Runs fn in the harness's task; a REQUIRE inside returns here. */
static void guarded(void (*fn)(void))
{
	if (setjmp(harness_now.jb) == 0) {
		harness_now.in_body = 1;
		fn();
	}
	harness_now.in_body = 0;
}

static int run_crash(const char *name)
{
	for (int i = 0; i < N_TESTS; i++) {
		const struct gm_test *t = &__ktests_start[i];
		if (t->kind == GM_CRASH && strcmp(t->name, name) == 0) {
			printf("test: crash case %s\n", name);
			fflush(stdout);
			harness_now.test = t;
			guarded(t->fn); /* a REQUIRE that fails returns here */
			printf("test: crash case %s returned%s\n", name,
			       harness_now.failed ? ", failed" : "");
			return 1;
		}
	}
	printf("test: no crash case named %s\n", name);
	return 1;
}

/* The SETUP or TEARDOWN of test t's suite, if it has one. */
static const struct gm_test *fixture(const struct gm_test *t, int kind)
{
	size_t n = strcspn(t->name, ".");
	for (const struct gm_test *f = __ktests_start; f < __ktests_end; f++)
		if (f->kind == kind && strlen(f->name) == n && strncmp(f->name, t->name, n) == 0)
			return f;
	return NULL;
}

static uint64_t name_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;	/* FNV-1a */
	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

/*
 * What a test must not leave to the next ones (a REQUIRE or a CHECK can
 * return from between the two halves of a pair): the harness's task pinned
 * (undone, and the test fails), preemption off or interrupts masked (a
 * lock or a region still held: nothing after it can be trusted, so the
 * boot ends naming the test).
 */
static void leftovers(const struct gm_test *t)
{
	struct g *g = getg();
	if (!irqs_enabled() || (__atomic_load_n(&g->preempt, __ATOMIC_RELAXED) & PREEMPT_COUNT))
		panic("test %s returned with %s", t->name,
		      irqs_enabled() ? "preemption off (a spinlock held?)" : "interrupts masked");
	if (g->pin >= 0) {
		printf("  harness: %s returned pinned to core %d (go_pin without go_unpin); "
		       "unpinned\n", t->name, g->pin);
		harness_now.failed = 1;
		go_unpin();
	}
}

/* 1 passed, 0 failed. */
static int run_one(const struct gm_test *t)
{
	unsigned ms = t->timeout_ms ? t->timeout_ms
				    : (unsigned)cmdline_int("timeout_ms", DEFAULT_TIMEOUT_MS);
	const struct gm_test *setup = fixture(t, GM_SETUP), *teardown = fixture(t, GM_TEARDOWN);
	printf("[ RUN      ] %s\n", t->name);
	harness_now.test = t;
	harness_now.failed = 0;
	harness_now.rand = harness_seed ^ name_hash(t->name);
	watchdog_arm(t, ms);
	uint64_t t0 = go_now();
	if (setup)
		guarded(setup->fn);
	if (!harness_now.failed)
		guarded(t->fn);
	if (teardown)
		guarded(teardown->fn);
	leftovers(t);
	uint64_t took = (go_now() - t0) / 1000000;
	watchdog_disarm();
	printf("[ %s ] %s (%llu ms)\n", harness_now.failed ? " FAILED " : "      OK", t->name,
	       (unsigned long long)took);
	return !harness_now.failed;
}

/* The tests this boot runs, in order: selected, count times, shuffled. */
static int order(int *out, int max)
{
	const char *prefix = cmdline_get("test");
	char pre[64] = "";
	if (prefix)
		snprintf(pre, sizeof(pre), "%s", prefix);
	int count = (int)cmdline_int("count", 1), n = 0;
	for (int r = 0; r < count; r++)
		for (int i = 0; i < N_TESTS; i++) {
			const struct gm_test *t = &__ktests_start[i];
			if (t->kind != GM_TEST || !selected(i) ||
			    strncmp(t->name, pre, strlen(pre)) != 0)
				continue;
			if (n == max)
				panic("test: more than %d runs asked for (count=%d)", max, count);
			out[n++] = i;
		}
	if (cmdline_int("shuffle", 0)) {
		uint64_t s = harness_seed;
		for (int i = n - 1; i > 0; i--) {	/* Fisher-Yates */
			int j = (int)(harness_mix(&s) % (uint64_t)(i + 1));
			int x = out[i];
			out[i] = out[j];
			out[j] = x;
		}
	}
	return n;
}

/* What the scheduler did, per P: the same on every run of a seed under
 * -icount (make check ICOUNT=1), which shows the run was replayed. */
static void sched_counts(void)
{
	for (int i = 0; i < go_ncpu(); i++)
		printf("test: sched p%d: schedules=%u preempts=%llu steals=%llu\n", i,
		       allp[i].schedtick, (unsigned long long)allp[i].preempts,
		       (unsigned long long)allp[i].steals);
}

static int run_benches(void)
{
	for (int i = 0; i < N_TESTS; i++)
		if (__ktests_start[i].kind == GM_BENCH && selected(i))
			bench_run(&__ktests_start[i]);
	printf("test: benchmarks done\n");
	return 0;
}

int main(void)
{
	harness_seed = (uint64_t)cmdline_int("seed", 0);
	harness_now.task = go_id();
	const char *o = cmdline_get("only");
	if (o)
		snprintf(only, sizeof(only), "%s", o);
	if (cmdline_get("list"))
		return list();
	const char *crash = cmdline_get("crash");
	if (crash) {
		char name[64];
		snprintf(name, sizeof(name), "%s", crash);
		return run_crash(name);
	}
	if (cmdline_int("bench", 0))
		return run_benches();

	static int runs[4096];
	int n = order(runs, 4096), from = (int)cmdline_int("from", 0);
	printf("test: %d to run, seed %llu%s\n", n, (unsigned long long)harness_seed,
	       cmdline_int("shuffle", 0) ? ", shuffled" : "");
	watchdog_start();
	int passed = 0, failed = 0, skipped = 0;
	for (int k = from; k < n; k++) {
		const struct gm_test *t = &__ktests_start[runs[k]];
		if (t->min_cpus > go_ncpu()) {
			printf("[  SKIPPED ] %s (needs %d cores)\n", t->name, t->min_cpus);
			skipped++;
			continue;
		}
		run_one(t) ? passed++ : failed++;
	}
	sched_counts();
	if (skipped)
		printf("test: %d passed, %d failed, %d skipped\n", passed, failed, skipped);
	else
		printf("test: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
