/*
 * What a test calls: failing (test_fail, test_failnow), its name, its seed
 * and its random numbers (include/gometal/test.h).
 */
#include "harness.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct harness_now harness_now;
uint64_t harness_seed;

void test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	printf("  %s:%d: check failed: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	harness_now.failed = 1;
}

/*
 * Go's t.FailNow ends the test's goroutine (runtime.Goexit) and must be
 * called from it. Here tests run in the harness's own task, so the test's
 * body is left with longjmp to the harness (harness.c), which then runs
 * the TEARDOWN. From any other task there is nothing to unwind to: that
 * task ends, and the test is marked failed.
 */
void test_failnow(void)
{
	harness_now.failed = 1;
	if (go_id() == harness_now.task && harness_now.in_body)
		longjmp(harness_now.jb, 1);
	printf("  test_failnow: task %ld ends (not the test's own task)\n", go_id());
	go_exit();
}

const char *test_name(void)
{
	return harness_now.test ? harness_now.test->name : "";
}

int test_failed(void)
{
	return harness_now.failed;
}

uint64_t test_seed(void)
{
	return harness_seed;
}

uint64_t harness_mix(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

uint32_t test_rand(void)
{
	return (uint32_t)harness_mix(&harness_now.rand);
}

/* -1, 0 or 1 as a is below, equal to or above b, in the wider kind of the
 * two (include/gometal/test.h: 0 signed, 1 unsigned, 2 floating, 3 a
 * pointer, compared unsigned). */
int gm_cmp(int ka, unsigned long long ua, double da, int kb, unsigned long long ub, double db)
{
	if (ka == 2 || kb == 2)
		return (da > db) - (da < db);
	if (ka == 0 && kb == 0) {
		long long sa = (long long)ua, sb = (long long)ub;
		return (sa > sb) - (sa < sb);
	}
	return (ua > ub) - (ua < ub);
}

static void show(int k, unsigned long long u, double d)
{
	if (k == 2)
		printf("%g", d);
	else if (k == 3)
		printf("0x%llx", u);
	else if (k == 1)
		printf("%llu", u);
	else
		printf("%lld", (long long)u);
}

void gm_fail_cmp(const char *file, int line, const char *expr, int ka, unsigned long long ua,
		 double da, int kb, unsigned long long ub, double db)
{
	printf("  %s:%d: check failed: %s (left ", file, line, expr);
	show(ka, ua, da);
	printf(", right ");
	show(kb, ub, db);
	printf(")\n");
	harness_now.failed = 1;
}

int gm_streq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}
