/*
 * Cases that end the system on purpose; tests/run.py boots each one alone
 * (crash=<name>) and checks the panic line and the exit status.
 */
#include "ktest.h"
#include <assert.h>
#include <gometal.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

static volatile uintptr_t zero;	/* defeats the compiler's NULL reasoning */

CRASH(null_deref)
{
	volatile int *p = (volatile int *)(zero + 8);
	(void)*p;
}

CRASH(undefined_instruction)
{
	__asm__ volatile(".inst 0x00000000"); /* permanently undefined (UDF #0) */
}

CRASH(write_to_text)
{
	extern char __text_start[];
	*(volatile char *)(__text_start + zero + 0x100) = 0;
}

CRASH(execute_data)
{
	static uint32_t code[2] = {0xd65f03c0 /* ret */};
	((void (*)(void))(uintptr_t)code)();
}

static int depth(int n)
{
	volatile char pad[512];
	pad[0] = (char)n;
	return n ? depth(n - 1) + pad[0] : 0;
}

CRASH(stack_overflow)
{
	depth(1 << 20);
}

/* A frame far bigger than the guard page: the probes still hit it. */
static int __attribute__((noinline)) huge_frame(int i)
{
	volatile char big[64 * 1024];
	big[i] = 1;
	return big[i + 1];
}

CRASH(huge_frame)
{
	huge_frame((int)zero);
}

CRASH(explicit_panic)
{
	panic("test panic %d", 42);
}

CRASH(failed_assert)
{
	assert(zero == 1);
}

CRASH(exit3)
{
	exit(3);
}

static void null_on_core(void *arg)
{
	(void)arg;
	volatile int *p = (volatile int *)zero;
	*p = 1;
}

/* A fault on a secondary core: the panic names that core, the others stop. */
CRASH(secondary_null_deref)
{
	if (go_ncpu() < 2)
		panic("needs two cores");
	go_pin(); /* main stays here; the faulty task runs on another core */
	go_attr_t a = {.name = "faulty", .cpu = (go_cpu() + 1) % go_ncpu()};
	go_with(&a, null_on_core, 0);
	for (;;)
		;
}

static void block_forever(void *arg)
{
	wg_wait(arg);
}

/* Everyone blocked: Go's deadlock report and status 2. */
CRASH(deadlock)
{
	static waitgroup_t never;
	wg_add(&never, 1);
	go_attr_t a = {.name = "blocked", .cpu = -1};
	go_with(&a, block_forever, &never);
	wg_wait(&never);
}

CRASH(go_nil_function)
{
	go(0, 0);
}

CRASH(negative_waitgroup)
{
	waitgroup_t wg = {0};
	wg_done(&wg);
}

CRASH(unpin_without_pin)
{
	go_unpin();
}

/* Not a crash: go() reports exhaustion with -ENOMEM, and the system goes on. */
static void wait_on(void *arg)
{
	wg_wait(arg);
}

CRASH(go_enomem)
{
	static waitgroup_t hold;
	wg_add(&hold, 1);
	go_attr_t big = {.stack_size = 32 << 20, .name = "big", .cpu = -1};
	long n = 0, r;
	while ((r = go_with(&big, wait_on, &hold)) > 0)
		n++;
	printf("go returned %ld after %ld tasks with 32 MiB stacks\n", r, n);
	wg_done(&hold);
	exit(r == -ENOMEM && n > 0 ? 0 : 1);
}
