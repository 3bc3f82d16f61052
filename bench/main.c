/*
 * `make bench` boots this image in several modes (tools/bench.py):
 *   bench=ops        per-operation costs on one core; under -icount
 *                    shift=0 the counter reads instructions
 *   bench=wall       the subset Go can run too, timed in ns (plain TCG)
 *   bench=throughput fork-join fib(35), sieve, daisy chain, matmul, in ms
 *   bench=memory     RAM per blocked task (100,000 tasks)
 *   bench=maxtasks   blocked tasks until memory runs out
 *   bench=latency    timer lateness and spawn-to-first-run (p50, p99, max)
 *   bench=scale      spawn and steal against the core count (under -icount)
 * scale=PERCENT shrinks the iteration counts (the quick pass of `make test`).
 */
#include "bench.h"
#include <kernel/generic_timer.h>
#include <kernel/cmdline.h>
#include <gometal.h>
#include <stdio.h>
#include <string.h>

static int wall;	/* bench=wall: nanoseconds whatever the build */

#ifdef BENCH_CYCLES
/* PMCCNTR_EL0, enabled on every core at boot (kernel/pmu.c). */
uint64_t bench_now(void)
{
	uint64_t c;
	if (wall)
		return timer_ns();
	__asm__ volatile("isb\n mrs %0, pmccntr_el0" : "=r"(c));
	return c;
}
const char *bench_unit = "cycles";
#else
/* Under -icount shift=0 a virtual ns is one instruction. */
uint64_t bench_now(void) { return timer_ns(); }
const char *bench_unit = "insn";
#endif

long bench_n(long n)
{
	long s = n * cmdline_int("scale", 100) / 100;
	return s < 1 ? 1 : s;
}

static void print_fixed(const char *key, uint64_t hundredths, const char *unit)
{
	printf("result %s %lu.%02lu %s\n", key, (unsigned long)(hundredths / 100),
	       (unsigned long)(hundredths % 100), unit);
}

void bench_result(const char *key, uint64_t total, long ops)
{
	print_fixed(key, total * 100 / (uint64_t)ops, bench_unit);
}

void bench_value(const char *key, double value, const char *unit)
{
	print_fixed(key, (uint64_t)(value * 100 + 0.5), unit);
}

int main(void)
{
	char mode[16] = "ops";	/* cmdline_get's buffer is reused by the next call */
	const char *m = cmdline_get("bench");
	if (m)
		snprintf(mode, sizeof(mode), "%s", m);
	printf("bench: mode %s, %d cores, counter in %s\n", mode, go_ncpu(), bench_unit);
	if (!strcmp(mode, "ops") || !strcmp(mode, "wall")) {
		wall = !strcmp(mode, "wall");
		if (wall)
			bench_unit = "ns";
		bench_ops(wall);
	} else if (!strcmp(mode, "throughput"))
		bench_throughput();
	else if (!strcmp(mode, "memory"))
		bench_memory();
	else if (!strcmp(mode, "maxtasks"))
		bench_maxtasks();
	else if (!strcmp(mode, "latency"))
		bench_latency();
	else if (!strcmp(mode, "scale"))
		bench_scale();
	else
		panic("bench: unknown mode '%s' (ops, wall, throughput, memory, maxtasks, latency, scale)", mode);
	printf("bench: done\n");
	return 0;
}
