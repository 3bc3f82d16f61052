/*
 * FP/SIMD state across preemption (boot/vectors.S, sched/preempt.c): a
 * preempted task gets back every vector register, FPCR and FPSR, with
 * FPSAVE=eager and FPSAVE=lazy alike. Part of the preempt suite.
 */
#include "ktest.h"
#include <gometal.h>
#include <kernel/panic.h>
#include <kernel/preempt.h>
#include <math.h>
#include <sched/sched.h>
#include <stdio.h>
#include <string.h>

static volatile int stop_noise;

/* newlib's string functions use the SIMD registers; snprintf of doubles
 * the FP ones. */
static void simd_noise(void *arg)
{
	volatile int *done = arg;
	char a[4096], b[4096];
	for (unsigned i = 0; !stop_noise; i++) {
		memset(a, (int)(i % 251) + 1, 4095);
		a[4095] = 0;
		memcpy(b, a, 4096);
		if (strlen(b) != 4095 || !memchr(a, (int)(i % 251) + 1, 4096))
			panic("simd_noise: string functions disagree");
		char line[64];
		snprintf(line, sizeof(line), "%.17g", sin((double)i));
	}
	__atomic_add_fetch(done, 1, __ATOMIC_RELAXED);
}

static volatile int noise_done;

static int start_noise(int per_core)
{
	stop_noise = 0;
	noise_done = 0;
	for (int c = 0; c < go_ncpu(); c++)
		for (int k = 0; k < per_core; k++)
			ktest_go("simd_noise", c, simd_noise, (void *)&noise_done);
	return go_ncpu() * per_core;
}

/* Stops the noise tasks and waits until all n have ended. */
static bool stop_noise_wait(int n)
{
	stop_noise = 1;
	return ktest_wait_count(&noise_done, n);
}

#define FPCR_RMODE_ZERO	(3ull << 22)
#define FPSR_IOC	(1ull << 0)

struct vkeeper {
	int ok;		/* 1: every register came back */
	uint32_t preempted;
	volatile int *done;
};

/*
 * Puts known values in all of v0-v31, FPCR (round toward zero) and FPSR
 * (a cumulative flag), then spins in code that touches none of them until
 * preempted 4 times (or KTEST_HANG_MS: stall-proof), then reads them all
 * back.
 */
static void keep_vregs(void *arg)
{
	struct vkeeper *k = arg;
	struct g *g = getg();
	uint64_t in[64], out[64], fpcr_in, fpcr_out, fpsr_out;
	for (int i = 0; i < 64; i++)
		in[i] = 0x0123456789abcdefull * (uint64_t)(i + 1) ^ (uint64_t)g->id << 56;
	uint64_t until = ktest_deadline(KTEST_HANG_MS);
	uint32_t start = g->npreempt;
	const uint64_t *pin = in;
	uint64_t *pout = out;
	__asm__ volatile(
		"mrs	x10, fpcr\n"
		"orr	%[fpcr_in], x10, %[rmode]\n"
		"msr	fpcr, %[fpcr_in]\n"
		"msr	fpsr, %[ioc]\n"
		"ld1	{v0.2d-v3.2d}, [%[pin]], #64\n"
		"ld1	{v4.2d-v7.2d}, [%[pin]], #64\n"
		"ld1	{v8.2d-v11.2d}, [%[pin]], #64\n"
		"ld1	{v12.2d-v15.2d}, [%[pin]], #64\n"
		"ld1	{v16.2d-v19.2d}, [%[pin]], #64\n"
		"ld1	{v20.2d-v23.2d}, [%[pin]], #64\n"
		"ld1	{v24.2d-v27.2d}, [%[pin]], #64\n"
		"ld1	{v28.2d-v31.2d}, [%[pin]], #64\n"
		"1:	ldr	w9, [%[np]]\n"
		"sub	w9, w9, %w[start]\n"
		"cmp	w9, #4\n"
		"b.hs	2f\n"
		"mrs	x9, cntvct_el0\n"
		"cmp	x9, %[until]\n"
		"b.lo	1b\n"
		"2:	st1	{v0.2d-v3.2d}, [%[pout]], #64\n"
		"st1	{v4.2d-v7.2d}, [%[pout]], #64\n"
		"st1	{v8.2d-v11.2d}, [%[pout]], #64\n"
		"st1	{v12.2d-v15.2d}, [%[pout]], #64\n"
		"st1	{v16.2d-v19.2d}, [%[pout]], #64\n"
		"st1	{v20.2d-v23.2d}, [%[pout]], #64\n"
		"st1	{v24.2d-v27.2d}, [%[pout]], #64\n"
		"st1	{v28.2d-v31.2d}, [%[pout]], #64\n"
		"mrs	%[fpcr_out], fpcr\n"
		"mrs	%[fpsr_out], fpsr\n"
		"msr	fpcr, x10\n"
		"msr	fpsr, xzr\n"
		: [pin] "+r"(pin), [pout] "+r"(pout), [fpcr_in] "=&r"(fpcr_in),
		  [fpcr_out] "=&r"(fpcr_out), [fpsr_out] "=&r"(fpsr_out)
		: [rmode] "r"(FPCR_RMODE_ZERO), [ioc] "r"(FPSR_IOC), [np] "r"(&g->npreempt),
		  [start] "r"(start), [until] "r"(until)
		: "x9", "x10", "cc", "memory", "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7",
		  "v8", "v9", "v10", "v11", "v12", "v13", "v14", "v15", "v16", "v17", "v18",
		  "v19", "v20", "v21", "v22", "v23", "v24", "v25", "v26", "v27", "v28", "v29",
		  "v30", "v31");
	k->preempted = g->npreempt - start;
	k->ok = memcmp(in, out, sizeof(in)) == 0 && fpcr_out == fpcr_in &&
		(fpsr_out & FPSR_IOC);
	if (!k->ok)
		for (int i = 0; i < 64; i++)
			if (in[i] != out[i]) {
				printf("  task %ld: v%d.d[%d] %016lx came back %016lx\n", go_id(),
				       i / 2, i % 2, (unsigned long)in[i], (unsigned long)out[i]);
				break;
			}
	__atomic_add_fetch(k->done, 1, __ATOMIC_RELEASE);
}

TEST(preempt, vector_registers_survive_preemption)
{
	int n = go_ncpu();
	static struct vkeeper k[NCPU_MAX];
	static volatile int done;
	done = 0;
	int noise = start_noise(2);
	for (int c = 0; c < n; c++) {
		k[c] = (struct vkeeper){.done = &done};
		ktest_go("keep_vregs", c, keep_vregs, &k[c]);
	}
	bool finished = ktest_wait_count(&done, n);
	CHECK(stop_noise_wait(noise));
	CHECK(finished);
	for (int c = 0; c < n; c++) {
		CHECK(k[c].ok);
		CHECK(k[c].preempted >= 4);
	}
}

/* Floating-point work whose result depends on every rounding: 6000 steps,
 * about 0.6 s of a core under -icount for the eight jobs below. */
static void fp_work(double seed, double out[4])
{
	double x = seed, y = 1.0 / seed, z = 0;
	float f = (float)seed;
	for (int i = 0; i < 6000; i++) {
		x = x * 1.0000001 + sin(x) * 1e-3;
		y = sqrt(y * y + 1e-9) - cos(y) * 1e-4;
		z += x * y / (1.0 + fabs(z));
		f = f * 0.999f + (float)i * 1e-6f;
	}
	out[0] = x;
	out[1] = y;
	out[2] = z;
	out[3] = f;
}

struct fpjob {
	double seed, got[4];
	volatile int *done;
};

static void fp_task(void *arg)
{
	struct fpjob *j = arg;
	fp_work(j->seed, j->got);
	__atomic_add_fetch(j->done, 1, __ATOMIC_RELEASE);
}

#define FPJOBS 8

TEST(preempt, fp_results_are_bit_identical_with_and_without_preemption)
{
	static struct fpjob j[FPJOBS];
	static volatile int done;
	double want[FPJOBS][4];
	preempt_disable(); /* the reference: never preempted */
	for (int i = 0; i < FPJOBS; i++)
		fp_work(1.5 + i, want[i]);
	preempt_enable();
	done = 0;
	int noise = start_noise(1);
	uint64_t before = 0, after = 0;
	for (int c = 0; c < go_ncpu(); c++)
		before += allp[c].preempts;
	for (int i = 0; i < FPJOBS; i++) {
		j[i] = (struct fpjob){.seed = 1.5 + i, .done = &done};
		go(fp_task, &j[i]);
	}
	bool finished = ktest_wait_count(&done, FPJOBS);
	for (int c = 0; c < go_ncpu(); c++)
		after += allp[c].preempts;
	CHECK(stop_noise_wait(noise));
	CHECK(finished);
	printf("  %lu preemptions meanwhile\n", (unsigned long)(after - before));
	/* Exact (-icount): the jobs are long enough to be preempted many
	 * times (40000 steps were: a loaded host then took over the 60 s
	 * hang limit of guest time on one core). Elsewhere the count is the
	 * host's business. */
	if (ktest_exact_time())
		CHECK(after - before >= 2 * FPJOBS);
	for (int i = 0; i < FPJOBS; i++)
		CHECK(memcmp(want[i], j[i].got, sizeof(want[i])) == 0);
}
