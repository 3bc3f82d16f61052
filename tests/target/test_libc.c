/* newlib from every core: printf, malloc, errno, locks. */
#include "ktest.h"
#include <errno.h>
#include <limits.h>
#include <gometal.h>
#include <kernel/percpu.h>
#include <kernel/spinlock.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

TEST(libc, snprintf_formats_ints_floats_strings)
{
	char buf[96];
	snprintf(buf, sizeof(buf), "%d %5.2f %s %llx %zu", -42, 3.14159, "ok", 0x1234567890abcdefull,
		 (size_t)7);
	CHECK(strcmp(buf, "-42  3.14 ok 1234567890abcdef 7") == 0);
}

TEST(libc, libm_works)
{
	CHECK(fabs(sqrt(2.0) - 1.41421356) < 1e-6);
	CHECK(fabs(sin(0.5) - 0.47942553) < 1e-6);
}

TEST(libc, strerror_and_errno)
{
	errno = 0;
	CHECK(strtol("99999999999999999999999", 0, 10) == LONG_MAX);
	CHECK_EQ(errno, ERANGE);
	CHECK(strcmp(strerror(ENOMEM), "Not enough space") == 0 ||
	      strstr(strerror(ENOMEM), "memory") != 0);
}

TEST(libc, malloc_returns_distinct_writable_blocks)
{
	enum { N = 64 };
	unsigned char *p[N];
	for (int i = 0; i < N; i++) {
		p[i] = malloc(100 + i * 37);
		CHECK(p[i] != 0);
		memset(p[i], i, 100 + i * 37);
	}
	for (int i = 0; i < N; i++) {
		for (int j = 0; j < 100 + i * 37; j++)
			CHECK_EQ(p[i][j], i);
		free(p[i]);
	}
}

TEST(libc, huge_malloc_fails_cleanly)
{
	errno = 0;
	void *p = malloc((size_t)1 << 40);
	CHECK(p == 0);
	CHECK_EQ(errno, ENOMEM);
}

/* Every core hammers malloc/free and snprintf at once; blocks must never
 * overlap (each is filled with its core's byte and checked). */
struct churn {
	int bad;
	int errno_ok;
};

static void churn(void *arg)
{
	struct churn *ch = arg;
	unsigned char tag = (unsigned char)(0x40 + cpu_id());
	errno = 1000 + cpu_id(); /* per-core errno: must survive the others */
	for (int i = 0; i < 300; i++) {
		size_t n = 16 + (size_t)((i * 131 + cpu_id() * 17) % 2000);
		unsigned char *p = malloc(n);
		char line[64];
		if (!p) {
			__atomic_fetch_add(&ch->bad, 1, __ATOMIC_RELAXED);
			continue;
		}
		memset(p, tag, n);
		snprintf(line, sizeof(line), "core %d round %d %.1f", cpu_id(), i, i / 2.0);
		for (size_t j = 0; j < n; j++)
			if (p[j] != tag) {
				__atomic_fetch_add(&ch->bad, 1, __ATOMIC_RELAXED);
				break;
			}
		free(p);
	}
	if (errno == 1000 + cpu_id())
		__atomic_fetch_add(&ch->errno_ok, 1, __ATOMIC_RELAXED);
}

TEST(libc, malloc_and_stdio_from_all_cores_at_once)
{
	struct churn ch = {0};
	int n = go_ncpu();
	CHECK_EQ(ktest_on_every_core(churn, &ch), n);
	CHECK_EQ(ch.bad, 0);
	CHECK_EQ(ch.errno_ok, n);
}

/* The kernel's spinlock gives mutual exclusion across cores. */
struct counter {
	spinlock_t lock;
	long value;
};

#define ROUNDS 20000

static void count(void *arg)
{
	struct counter *k = arg;
	for (int i = 0; i < ROUNDS; i++) {
		spin_lock(&k->lock);
		k->value++; /* a plain, non-atomic read-modify-write */
		spin_unlock(&k->lock);
	}
}

TEST(libc, spinlock_excludes_across_cores)
{
	struct counter k = {SPINLOCK_INIT, 0};
	int n = go_ncpu();
	CHECK_EQ(ktest_on_every_core(count, &k), n);
	CHECK_EQ(k.value, (long)n * ROUNDS);
}
