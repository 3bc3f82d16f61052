/*
 * Shared by the benchmark files. One image, several modes, chosen on the
 * command line (bench=...); tools/bench.py boots it under QEMU and reads the
 * `result <key> <value> <unit>` lines, the same lines bench/go prints.
 */
#pragma once
#include <stdint.h>

/*
 * The per-operation counter, in bench_unit:
 * - "insn": -icount shift=0 (one virtual ns per instruction), the default;
 * - "ns": plain TCG or hardware wall time (bench=wall);
 * - "cycles": PMCCNTR_EL0 on hardware (built with BENCH_CYCLES=1).
 */
uint64_t bench_now(void);
extern const char *bench_unit;

/* Iteration count n scaled by the command line's scale=PERCENT (quick runs). */
long bench_n(long n);

/* One `result` line: value per op in the counter's unit. */
void bench_result(const char *key, uint64_t total, long ops);
void bench_value(const char *key, double value, const char *unit);

/* Modes. */
void bench_ops(int wall);	/* per-operation costs, one core */
void bench_throughput(void);	/* fork-join fib, sieve, daisy chain, matmul */
void bench_memory(void);	/* bytes per blocked task */
void bench_maxtasks(void);	/* blocked tasks until memory runs out */
void bench_latency(void);	/* timer lateness, spawn to first run */
void bench_scale(void);		/* spawn and steal against the core count */
