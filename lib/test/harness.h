/*
 * The test harness's own interfaces (lib/test/): what its files share.
 * Users see include/gometal/test.h only.
 */
#pragma once
#include <gometal/test.h>
#include <setjmp.h>
#include <stdint.h>

extern const struct gm_test __ktests_start[], __ktests_end[];

/* The test running now (harness.c sets it; checks.c reads it). */
struct harness_now {
	const struct gm_test *test;
	long task;		/* id of the task that runs tests (main's) */
	int failed;
	int in_body;		/* jb is armed: test_failnow may longjmp to it */
	jmp_buf jb;
	uint64_t rand;		/* test_rand()'s state */
};
extern struct harness_now harness_now;
extern uint64_t harness_seed;

/* watchdog.c: a task that ends the boot when a test overruns its time. */
void watchdog_start(void);
void watchdog_arm(const struct gm_test *t, unsigned timeout_ms);
void watchdog_disarm(void);

/* bench.c: runs one BENCH, growing b->n until a run fills the bench time. */
void bench_run(const struct gm_test *t);

/* splitmix64: the harness's seeded generator (test order, test_rand). */
uint64_t harness_mix(uint64_t *state);
