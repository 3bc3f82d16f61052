/*
 * The on-target test runner: main() of the test image. Boot arguments:
 *   test=<prefix>   run only cases whose name starts with <prefix>
 *   crash=<name>    run the one CRASH(<name>) case instead
 */
#include "ktest.h"
#include <kernel/generic_timer.h>
#include <kernel/cmdline.h>
#include <kernel/platform.h>
#include <gometal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

extern const struct ktest __ktests_start[], __ktests_end[];

static int failed_now;

void ktest_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	printf("  %s:%d: check failed: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	failed_now = 1;
}

uint64_t ktest_deadline(uint64_t ms)
{
	return timer_count() + timer_ns_to_ticks(ms * 1000000ull);
}

int ktest_deadline_passed(uint64_t deadline)
{
	return timer_count() >= deadline;
}

/* icount=1: the runner booted QEMU with -icount (ktest.h). */
int ktest_exact_time(void)
{
	return cmdline_int("icount", 0) != 0;
}

/* expect_cpus=N from the runner, else what maxcpus= and the machine allow. */
int ktest_expected_cpus(void)
{
	long max = cmdline_int("maxcpus", NCPU_MAX);
	long have = plat.ncpus < max ? plat.ncpus : max;
	return (int)cmdline_int("expect_cpus", have);
}

struct everywhere {
	void (*fn)(void *);
	void *arg;
	volatile int go;
	waitgroup_t wg;
};

static void everywhere_one(void *p)
{
	struct everywhere *e = p;
	while (!e->go)
		;
	e->fn(e->arg);
	wg_done(&e->wg);
}

int ktest_on_every_core(void (*fn)(void *), void *arg)
{
	struct everywhere e = {fn, arg, 0, {0}};
	int n = go_ncpu();
	wg_add(&e.wg, n);
	for (int c = 0; c < n; c++) {
		go_attr_t a = {.name = "everywhere", .cpu = c};
		if (go_with(&a, everywhere_one, &e) < 0)
			panic("ktest: no memory for a task");
	}
	e.go = 1;
	wg_wait(&e.wg);
	return n;
}

static int run_crash(const char *name)
{
	for (const struct ktest *t = __ktests_start; t < __ktests_end; t++)
		if (t->crash && strcmp(t->name, name) == 0) {
			printf("ktest: crash case %s\n", name);
			fflush(stdout);
			t->fn();
			printf("ktest: crash case %s returned\n", name);
			return 1;
		}
	printf("ktest: no crash case named %s\n", name);
	return 1;
}

int main(void)
{
	const char *crash = cmdline_get("crash");
	if (crash)
		return run_crash(crash);

	const char *only = cmdline_get("test");
	char prefix[64] = "";
	if (only)
		snprintf(prefix, sizeof(prefix), "%s", only);
	int passed = 0, failed = 0;
	for (const struct ktest *t = __ktests_start; t < __ktests_end; t++) {
		if (t->crash || strncmp(t->name, prefix, strlen(prefix)) != 0)
			continue;
		printf("[ RUN      ] %s\n", t->name);
		failed_now = 0;
		t->fn();
		printf("[ %s ] %s\n", failed_now ? " FAILED " : "      OK", t->name);
		failed_now ? failed++ : passed++;
	}
	printf("ktest: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
