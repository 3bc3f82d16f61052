/*
 * Every outcome the harness reports, on purpose (tests/harness_checks.py
 * says what make check must print for each). Names say what must happen.
 */
#include <gometal/test.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>

static int setups, teardowns;

SETUP(fixture)
{
	setups++;
}

TEARDOWN(fixture)
{
	teardowns++;
	printf("teardown after %s\n", test_name());
}

TEST(fixture, setup_runs_before_each_test)
{
	CHECK_EQ(setups, teardowns + 1);
}

TEST(fixture, fails_require_ends_the_test)
{
	REQUIRE_EQ(1 + 1, 3);
	printf("not reached\n");
}

TEST(fixture, teardown_ran_after_the_require)
{
	CHECK_EQ(teardowns, 2);
	CHECK_EQ(setups, 3);
}

TEST(checks, pass)
{
	CHECK(1);
	CHECK_EQ(2, 2);
	CHECK_NE(1, 2);
	CHECK_LT(1, 2);
	CHECK_GE(2, 2);
	CHECK_STR_EQ("gometal", "gometal");
	/* Each in its own kind: floating, unsigned 64-bit, pointers, mixed sizes. */
	uint64_t big = UINT64_MAX - 1;
	int here = 0;
	CHECK_LT(0.1, 0.2);
	CHECK_NE(0.5, 0.7);
	CHECK_LT(big, UINT64_MAX);
	CHECK_GT(big, 1);
	CHECK_EQ((size_t)3, 3);
	CHECK_LT(-1, 1u);
	CHECK_NE(&here, NULL);
	CHECK_EQ(0.25f, 0.25);
}

TEST(checks, fails_eq_shows_both_values)
{
	int x = 1;
	CHECK_EQ(x + 1, 3);
}

TEST(checks, fails_str_eq_shows_both_strings)
{
	CHECK_STR_EQ("abc", "abd");
}

static void helper(void)
{
	REQUIRE(go_ncpu() > 1000);
}

TEST(checks, fails_require_in_a_helper)
{
	helper();
	printf("not reached\n");
}

/* Blocks for good (a channel nobody sends on): the watchdog ends it. */
TEST(timeouts, fails_a_hang_is_stopped, .timeout_ms = 300)
{
	chan_t *c = chan_make(sizeof(int), 0);
	int v;
	chan_recv(c, &v);
}

TEST(timeouts, the_next_test_still_runs)
{
	CHECK(1);
}

TEST(cores, is_skipped_with_fewer_than_64, .min_cpus = 64)
{
	CHECK(0);
}

CRASH(panics_as_stated, .expect = "^panic: .*harness crash 7$", .status = 2)
{
	panic("harness crash 7");
}

CRASH(exits_as_stated, .expect = "^bye$", .status = 5)
{
	printf("bye\n");
	exit(5);
}

CRASH(fails_does_not_end_as_stated, .expect = "^panic: never printed$")
{
	exit(0);
}

BENCH(yield)
{
	for (long i = 0; i < b->n; i++)
		go_yield();
}
