/*
 * BENCH(name): Go's testing.B. The body runs the operation b->n times; the
 * harness runs it with n = 1, then with an n predicted to fill the bench
 * time (as Go's predictN: at most 100x the last n, and 1.2x the estimate),
 * until one run lasts that long, and reports the last run:
 *
 *   BENCH bench.push 1000000 52.3 ns/op
 *
 * Under make check ICOUNT=1 the clock counts instructions (QEMU -icount
 * shift=0: one virtual ns per instruction, of every vCPU), and the line
 * says insns/op instead: a figure that is the same on every run.
 */
#include "harness.h"
#include <kernel/cmdline.h>
#include <stdio.h>

static long predict(long n, uint64_t ns, uint64_t goal)
{
	uint64_t want = ns ? (uint64_t)n * goal / ns : (uint64_t)n * 100;
	want += want / 5;
	if (want > (uint64_t)n * 100)
		want = (uint64_t)n * 100;
	if (want <= (uint64_t)n)
		want = (uint64_t)n + 1;
	if (want > 1000000000)
		want = 1000000000;
	return (long)want;
}

void bench_run(const struct gm_test *t)
{
	uint64_t goal = (uint64_t)cmdline_int("benchtime_ms", 100) * 1000000ull;
	int exact = cmdline_int("icount", 0) != 0;
	struct gm_bench b = {.n = 1, .name = t->name};
	uint64_t ns = 0;
	harness_now.test = t;
	for (;;) {
		uint64_t t0 = go_now();
		t->bench(&b);
		ns = go_now() - t0;
		if (ns >= goal || b.n >= 1000000000)
			break;
		b.n = predict(b.n, ns, goal);
	}
	double per = (double)ns / (double)b.n;
	printf("BENCH %s %ld %.1f %s\n", t->name, b.n, per, exact ? "insns/op" : "ns/op");
}
