/*
 * The pipeline's tests: make check APP=apps/pipeline [BOARDS=...] [SMP=...].
 * They call pipeline.c's function; main.c is not part of this build.
 */
#include "../pipeline.h"
#include <gometal/test.h>

static long squares(long n)
{
	return n * (n + 1) * (2 * n + 1) / 6;
}

static int results(const struct pipeline_stats *st)
{
	int k = 0;
	for (int c = 0; c < 8; c++)
		k += st->done_by[c];
	return k;
}

TEST(pipeline, sums_the_squares_of_1_to_100)
{
	struct pipeline_stats st;
	CHECK_EQ(pipeline_sum_squares(100, 8, &st), 338350);
	CHECK_EQ(results(&st), 100);
}

TEST(pipeline, one_worker_gives_the_same_sum)
{
	struct pipeline_stats st;
	CHECK_EQ(pipeline_sum_squares(100, 1, &st), squares(100));
}

TEST(pipeline, more_workers_than_jobs)
{
	struct pipeline_stats st;
	CHECK_EQ(pipeline_sum_squares(5, 64, &st), squares(5));
	CHECK_EQ(results(&st), 5);
}

TEST(pipeline, no_jobs_sum_to_zero)
{
	struct pipeline_stats st;
	CHECK_EQ(pipeline_sum_squares(0, 4, &st), 0);
}

/* 20,000 jobs: the results channel fills and drains many times, and a
 * square no longer fits in an int. */
TEST(pipeline, a_long_run_loses_nothing, .timeout_ms = 120000)
{
	struct pipeline_stats st;
	REQUIRE_EQ(pipeline_sum_squares(20000, 8, &st), squares(20000));
	CHECK_EQ(results(&st), 20000);
}

/* With several cores the work spreads: results are computed on more than
 * one core (stealing), checked only where there are cores to steal onto.
 * Counted, not timed: under QEMU the host may stall the other cores'
 * threads for a whole run, so runs repeat until one spreads (the first,
 * unless the host is very busy). */
static int cores_used(const struct pipeline_stats *st)
{
	int n = 0;
	for (int c = 0; c < 8; c++)
		n += st->done_by[c] > 0;
	return n;
}

TEST(pipeline, work_spreads_over_the_cores, .min_cpus = 2)
{
	struct pipeline_stats st;
	uint64_t give_up = go_now() + 60000000000ull;
	int used = 0;
	while (used < 2 && go_now() < give_up) {
		REQUIRE_EQ(pipeline_sum_squares(2000, 8, &st), squares(2000));
		used = cores_used(&st);
	}
	CHECK_GE(used, 2);
}

BENCH(pipeline_100_jobs)
{
	struct pipeline_stats st;
	for (long i = 0; i < b->n; i++)
		pipeline_sum_squares(100, 8, &st);
}
