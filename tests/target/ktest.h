/*
 * gometal's own on-target tests: the public harness (include/gometal/test.h,
 * lib/test/) plus what tests that look inside the kernel share. The harness
 * prints, per test, "[ RUN      ] suite.name" and "[       OK ] suite.name
 * (N ms)" or "[  FAILED  ] ...", and "test: N passed, M failed" at the end.
 * CRASH cases run alone (crash=<name>); tests/cases.py says what each must
 * print and its exit status.
 */
#pragma once
#include <gometal/test.h>
#include <stdbool.h>
#include <stdint.h>

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
