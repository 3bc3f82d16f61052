/*
 * Demand-paged task stacks (sched/stack.c): stacks grow page by page as
 * they are touched, by their own task or by another one on any core, and
 * a task that blocks early costs about one page.
 */
#include "ktest.h"
#include <gometal.h>
#include <kernel/config.h>
#include <kernel/generic_timer.h>
#include <kernel/frame.h>
#include <kernel/panic.h>
#include <kernel/sysreg.h>
#include <sched/sched.h>
#include <sched/stack.h>
#include <stdio.h>
#include <string.h>

/* About 1 KiB of stack a level, each frame's array really written. */
static long deep(int n)
{
	volatile char pad[1000];
	for (size_t i = 0; i < sizeof(pad); i += 64)
		pad[i] = (char)(n + i);
	if (n == 0)
		return 0;
	long below = deep(n - 1);
	long sum = below;
	for (size_t i = 0; i < sizeof(pad); i += 64)
		sum += pad[i];
	return sum;
}

static long deep_expected(int n)
{
	long sum = 0;
	for (int k = 1; k <= n; k++)
		for (size_t i = 0; i < 1000; i += 64)
			sum += (char)(k + i);
	return sum;
}

#define DEPTH 40 /* about 40 KiB: past any page backed at the start */

static void deep_task(void *arg)
{
	long *out = arg;
	*out = deep(DEPTH);
}

TEST(stack, a_task_recursing_40_kib_deep_gets_the_right_result)
{
	long got = -1;
	go_attr_t a = {.name = "deep", .cpu = -1};
	long id = go_with(&a, deep_task, &got);
	CHECK(id > 0);
	while (ktest_task_state(id, 0) != G_DEAD)
		go_yield();
	CHECK_EQ(got, deep_expected(DEPTH));
}

/* Every core at once: faults on several cores together. */
static long every_core_result[NCPU_MAX];

static void deep_here(void *arg)
{
	(void)arg;
	every_core_result[go_cpu()] = deep(DEPTH);
}

TEST(stack, deep_recursion_on_every_core_at_once)
{
	memset(every_core_result, 0, sizeof(every_core_result));
	int n = ktest_on_every_core(deep_here, 0);
	for (int c = 0; c < n; c++)
		CHECK_EQ(every_core_result[c], deep_expected(DEPTH));
}

/*
 * A parked task's stack written by tasks on every core, racing to back
 * the same pages. A channel copies a value straight into a parked
 * receiver's variable; here the owner hands out, in its place, pages of
 * its own stack that nothing has touched yet (below its SP: a variable
 * the compiler placed there would have been touched by its stack probes
 * already). A stack size no other test uses gives the owner a new slot.
 */
#define SHARED_BYTES (32 * 1024)
#define WRITERS 8

struct shared {
	volatile uint8_t *buf;
	int writer;
	int backed_before;
	waitgroup_t wg;
};

static void writer(void *arg)
{
	struct shared *s = arg;
	int w = __atomic_fetch_add(&s->writer, 1, __ATOMIC_RELAXED);
	/* Every writer touches every page; each owns its own bytes. */
	for (size_t i = (size_t)w; i < SHARED_BYTES; i += WRITERS)
		s->buf[i] = (uint8_t)(i * 7 + 1);
	wg_done(&s->wg);
}

static void owner(void *arg)
{
	int *bad = arg;
	uintptr_t page = (uintptr_t)__builtin_frame_address(0) & ~(uintptr_t)(PAGE_SIZE - 1);
	struct shared s = {.buf = (volatile uint8_t *)(page - 2 * PAGE_SIZE - SHARED_BYTES)};
	for (size_t i = 0; i < SHARED_BYTES; i += PAGE_SIZE)
		s.backed_before += stack_readable((uintptr_t)s.buf + i, 1);
	wg_add(&s.wg, WRITERS);
	for (int i = 0; i < WRITERS; i++)
		ktest_go("writer", i % go_ncpu(), writer, &s);
	wg_wait(&s.wg);
	*bad = s.backed_before * 1000000;
	for (size_t i = 0; i < SHARED_BYTES; i++)
		*bad += s.buf[i] != (uint8_t)(i * 7 + 1);
}

TEST(stack, other_tasks_on_every_core_fill_a_parked_tasks_untouched_stack)
{
	int bad = -1;
	go_attr_t a = {.stack_size = 64 * 1024 + 123, .name = "owner", .cpu = -1};
	long id = go_with(&a, owner, &bad);
	CHECK(id > 0);
	while (ktest_task_state(id, 0) != G_DEAD)
		go_yield();
	CHECK_EQ(bad, 0); /* millions: pages backed too early; units: bytes wrong */
}

/*
 * The preemption path writes the task's interrupt frame (IRQ_FRAME_SIZE
 * bytes) below its SP, from the interrupt handler on SP_EL1: a first touch
 * of a stack page from there is a fault inside an exception handler. A
 * task spins with its SP just above a page boundary, the page below never
 * touched, until it is preempted (a hog on the same core gives the timer
 * a reason to switch), and must come back intact.
 */
#define SP_OFFSET 256 /* room for stack_readable's frame, not for the interrupt's */

static uintptr_t sp_now(void)
{
	uintptr_t sp;
	__asm__ volatile("mov %0, sp" : "=r"(sp));
	return sp;
}

/* A leaf: no frame, so its SP is its caller's. Spins (no calls: nothing
 * may touch the page below) until g is preempted or `until` passes. */
static uintptr_t __attribute__((noinline)) spin_low(struct g *g, uint64_t until)
{
	uint32_t n0 = __atomic_load_n(&g->npreempt, __ATOMIC_RELAXED);
	while (__atomic_load_n(&g->npreempt, __ATOMIC_RELAXED) == n0 && timer_count_fast() < until)
		;
	return sp_now();
}

struct low {
	volatile int stop;
	uintptr_t sp;
	int below_backed_before, below_backed_after, preempted;
	waitgroup_t wg;
};

static void low_spinner(void *arg)
{
	struct low *l = arg;
	struct g *me = getg();
	uint64_t spin_ticks = timer_ns_to_ticks(KTEST_HANG_MS * 1000000ull); /* a hang limit */
	/* IRQs masked until the spin: a preemption on the way down (a short
	 * quantum) would save its frame below us and back the page early. */
	irq_disable();
	size_t off = sp_now() & (PAGE_SIZE - 1);
	size_t pad = (off >= SP_OFFSET + 64 ? off : off + PAGE_SIZE) - SP_OFFSET;
	volatile char *v = __builtin_alloca(pad);
	v[0] = 1;
	uint32_t n0 = me->npreempt;
	uintptr_t below = (sp_now() & ~(uintptr_t)(PAGE_SIZE - 1)) - PAGE_SIZE;
	l->below_backed_before = stack_readable(below, 8);
	uint64_t until = timer_count_fast() + spin_ticks;
	irq_enable();
	l->sp = spin_low(me, until);
	l->preempted = me->npreempt != n0;
	l->below_backed_after = stack_readable(below, 8);
	l->stop = 1;
	wg_done(&l->wg);
}

static void hog(void *arg)
{
	struct low *l = arg;
	while (!l->stop)
		go_yield();
	wg_done(&l->wg);
}

TEST(stack, a_preempted_frame_saved_onto_an_untouched_stack_page)
{
	if (!quantum_ticks) {
		printf("  preemption is off: nothing to test\n");
		return;
	}
	static struct low l;
	memset(&l, 0, sizeof(l));
	wg_add(&l.wg, 2);
	/* Both on one core, read once: main may move between two go_cpu()
	 * calls, and a spinner alone on its core is never preempted. A
	 * stack size of its own: a new slot, nothing below backed yet. */
	int cpu = go_cpu();
	go_attr_t a = {.stack_size = 20 * 1024 + 7, .name = "low", .cpu = cpu};
	CHECK(go_with(&a, low_spinner, &l) > 0);
	ktest_go("hog", cpu, hog, &l);
	wg_wait(&l.wg);
	printf("  spun at page offset %lu, preempted %d, page below backed %d -> %d\n",
	       (unsigned long)(l.sp & (PAGE_SIZE - 1)), l.preempted, l.below_backed_before,
	       l.below_backed_after);
	CHECK((l.sp & (PAGE_SIZE - 1)) < IRQ_FRAME_SIZE);
	CHECK(!l.below_backed_before);
	CHECK(l.preempted);
	CHECK(l.below_backed_after);
}

/*
 * What a blocked task costs: 1000 new tasks parked on a channel take about
 * a page each (their record and first stack page) plus their share of the
 * page tables. (With whole stacks allocated up front it was 5 pages.) A
 * stack size of their own makes them new tasks, not reused dead ones.
 */
#define NBLOCKED 1000

static int nstarted;
static waitgroup_t blocked_done;

static void blocked(void *arg)
{
	__atomic_add_fetch(&nstarted, 1, __ATOMIC_RELAXED);
	chan_recv(arg, 0);
	wg_done(&blocked_done);
}

TEST(stack, a_blocked_task_costs_about_one_page)
{
	chan_t *c = chan_make(0, 0);
	struct go_memstats before, after;
	go_attr_t a = {.stack_size = 48 * 1024, .name = "blocked", .cpu = -1};
	nstarted = 0;
	wg_add(&blocked_done, NBLOCKED);
	go_memstats(&before);
	for (int i = 0; i < NBLOCKED; i++)
		CHECK(go_with(&a, blocked, c) > 0);
	while (__atomic_load_n(&nstarted, __ATOMIC_RELAXED) < NBLOCKED)
		go_yield();
	go_memstats(&after);
	size_t bytes = after.page_bytes + after.heap_bytes - before.page_bytes - before.heap_bytes;
	printf("  %d blocked tasks: %zu bytes each; tasks alive %ld -> %ld\n", NBLOCKED,
	       bytes / NBLOCKED, before.tasks, after.tasks);
	chan_close(c);
	wg_wait(&blocked_done);
	chan_free(c);
	CHECK(after.tasks >= NBLOCKED + 1); /* and main; others may still be exiting */
	CHECK(bytes / NBLOCKED <= PAGE_SIZE + 256);
}
