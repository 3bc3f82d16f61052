/*
 * On-target tests. TEST(suite, name) registers a case in the image's
 * .ktests section; tests/target/main.c runs them and reports over the UART:
 *
 *   [ RUN      ] suite.name
 *   [       OK ] suite.name          or   [  FAILED  ] suite.name
 *   ktest: N passed, M failed
 *
 * CRASH(name) registers a case that is meant to end the system (a panic, an
 * exit status); it runs only when the boot argument crash=<name> asks for
 * it, and tests/run.py checks what it printed and the exit status.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>

struct ktest {
	const char *name;
	void (*fn)(void);
	int crash;	/* 1: only on request, expected to end the system */
};

#define KTEST_REGISTER(sect, id, str, is_crash)                                         \
	static void id(void);                                                          \
	static const struct ktest id##_desc                                            \
		__attribute__((used, section(".ktests." sect), aligned(8))) = {str, id, \
									       is_crash}; \
	static void id(void)

#define TEST(suite, name) KTEST_REGISTER(#suite, suite##_##name, #suite "." #name, 0)
#define CRASH(name) KTEST_REGISTER("crash", crash_##name, #name, 1)

void ktest_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Fail the running case with the expression text, and return from it. */
#define CHECK(cond)                                                        \
	do {                                                               \
		if (!(cond)) {                                             \
			ktest_fail(__FILE__, __LINE__, "%s", #cond);       \
			return;                                            \
		}                                                          \
	} while (0)

#define CHECK_EQ(a, b)                                                                  \
	do {                                                                            \
		long long _a = (long long)(a), _b = (long long)(b);                     \
		if (_a != _b) {                                                         \
			ktest_fail(__FILE__, __LINE__, "%s == %s (%lld != %lld)", #a, #b, \
				   _a, _b);                                             \
			return;                                                         \
		}                                                                       \
	} while (0)

int ktest_deadline_passed(uint64_t deadline);
uint64_t ktest_deadline(uint64_t ms);

/*
 * Checks that judge time (a share of a core, a lateness, the order of timed
 * events, a timeout) are of one of two kinds, and each says which:
 *
 *  - exact: judged only where ktest_exact_time() is true. The runner then
 *    boots QEMU with -icount shift=0,align=off,sleep=off and the boot
 *    argument icount=1: the guest's clock counts the guest's own
 *    instructions (1 ns each) and all vCPUs take turns on one host thread,
 *    so nothing the host does reaches the guest's idea of time, a run is
 *    the same every time, and a bound can be as tight as the scheduler's
 *    promise.
 *  - stall-proof: holds however long the host stops any vCPU (QEMU's vCPUs
 *    are host threads; on a loaded 2-core host one can stop for hundreds
 *    of milliseconds while the others, and the clock, run on). Such a
 *    check bounds earliness, never lateness; counts progress instead of
 *    timing it; or waits for an event with KTEST_HANG_MS, a limit that
 *    only tells a hang from a slow run.
 */
int ktest_exact_time(void);
#define KTEST_HANG_MS 60000	/* >100x the longest vCPU stall seen (437 ms) */

/*
 * Runs fn(arg) once on every core at once, as tasks pinned one to each
 * core and released together, and waits for all of them; returns how many
 * ran. (A core that never runs its task hangs the test: the runner's
 * timeout reports it.)
 */
int ktest_on_every_core(void (*fn)(void *), void *arg);

/* Cores that should be online: boot argument expect_cpus=N (the runner
 * passes it), else what maxcpus= and the machine allow. */
int ktest_expected_cpus(void);

/* ktest_tasks.c. Spawns fn(arg) named `name` on `cpu` (-1: any core);
 * panics if there is no memory for it. Returns its id. */
long ktest_go(const char *name, int cpu, void (*fn)(void *), void *arg);
/* Task id's state (enum gstate in sched/sched.h; G_DEAD once it is gone)
 * and, if waitreason is not NULL, why it waits ("" unless waiting). */
int ktest_task_state(long id, const char **waitreason);
/* Waits for *count to reach n, sleeping 1 ms at a time; false after
 * KTEST_HANG_MS (a hang). */
bool ktest_wait_count(volatile int *count, int n);
/* Yields until task id is parked (or has exited): with a short quantum, a
 * pinned task may be preempted before it blocks, so yielding once is not
 * enough. */
void ktest_wait_blocked(long id);
