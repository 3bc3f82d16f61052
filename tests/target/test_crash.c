/*
 * Cases that end the system on purpose; tests/run.py boots each one alone
 * (crash=<name>) on the boards tests/cases.py names, and checks what it
 * printed and its exit status against the case's .expect and .status.
 */
#include "ktest.h"
#include <assert.h>
#include <gometal.h>
#include <kernel/spinlock.h>
#include <kernel/sysreg.h>
#include <sched/sched.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

/* What each case must print (a regular expression in Python's syntax,
 * matched by tools/check.py for make check and tests/run.py) and its exit
 * status. The start of a panic's first line, up to its message: */
#define PANIC_AT "^panic: (task \\d+ \\(.*\\) on )?cpu \\d+: "
#define PANIC_MAIN "^panic: task 1 \\(main\\) on cpu \\d+: "

static volatile uintptr_t zero;	/* defeats the compiler's NULL reasoning */

CRASH(null_deref, .status = 2,
      .expect = PANIC_AT "data abort at 0x8 \\(translation fault, level "
		  "\\d, read\\)")
{
	volatile int *p = (volatile int *)(zero + 8);
	(void)*p;
}

CRASH(undefined_instruction, .status = 2,
      .expect = PANIC_AT "undefined instruction at pc 0x")
{
	__asm__ volatile(".inst 0x00000000"); /* permanently undefined (UDF #0) */
}

CRASH(write_to_text, .status = 2,
      .expect = PANIC_AT "data abort at 0x\\w+ \\(permission fault, "
		  "level 3, write\\)")
{
	extern char __text_start[];
	*(volatile char *)(__text_start + zero + 0x100) = 0;
}

CRASH(execute_data, .status = 2,
      .expect = PANIC_AT "instruction abort at 0x\\w+ \\(permission fault")
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

CRASH(stack_overflow, .status = 2,
      .expect = "^panic: stack overflow in task 1 \\(main\\) on cpu \\d+ "
		  "\\(data abort at 0x")
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

CRASH(huge_frame, .status = 2,
      .expect = "^panic: stack overflow in task 1 \\(main\\) on cpu \\d+ "
		  "\\(data abort at 0x")
{
	huge_frame((int)zero);
}

CRASH(explicit_panic, .status = 2,
      .expect = PANIC_AT "test panic 42$(?s:.*)^  other cores stopped: 3 "
		  "of 3$")
{
	panic("test panic %d", 42);
}

/*
 * A core that cannot take the stop IPI (interrupts masked for good, as a
 * hung driver would leave it): the panic waits CORE_ANSWER_MS for it, then
 * names it and ends the system without it.
 */
static volatile int masked_spinning;

static void spin_masked(void *arg)
{
	(void)arg;
	irq_disable();
	masked_spinning = 1;
	for (;;)
		;
}

CRASH(panic_with_a_core_masked, .status = 2,
      .expect = PANIC_AT "test panic, cpu (?P<cpu>\\d) masked$(?s:.*)^  "
		  "other cores stopped: 2 of 3\\n  cpu (?P=cpu) did not answer "
		  "within 10 s \\(interrupts masked, or hung\\): it may still be "
		  "running$")
{
	go_pin();
	go_attr_t a = {.name = "masked", .cpu = (go_cpu() + 1) % go_ncpu()};
	go_with(&a, spin_masked, 0);
	while (!masked_spinning)
		go_yield();
	panic("test panic, cpu %d masked", a.cpu);
}

CRASH(failed_assert, .status = 2,
      .expect = PANIC_AT "assertion failed: zero == 1")
{
	assert(zero == 1);
}

CRASH(exit3, .status = 3,
      .expect = "test: crash case exit3$")
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
CRASH(secondary_null_deref, .status = 2,
      .expect = "^panic: task \\d+ \\(faulty\\) on cpu \\d+: data abort "
		  "at 0x0 (?s:.*)^  other cores stopped: 3 of 3$")
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
CRASH(deadlock, .status = 2,
      .expect = "^fatal error: all goroutines are asleep - "
		  "deadlock!\\n\\n(?s:.*)^goroutine 1 \\[sync.WaitGroup.Wait\\]: "
		  "\"main\"$(?s:.*)^goroutine \\d+ \\[sync.WaitGroup.Wait\\]: "
		  "\"blocked\"$")
{
	static waitgroup_t never;
	wg_add(&never, 1);
	go_attr_t a = {.name = "blocked", .cpu = -1};
	go_with(&a, block_forever, &never);
	wg_wait(&never);
}

CRASH(go_nil_function, .status = 2,
      .expect = PANIC_MAIN "go: nil function$")
{
	go(0, 0);
}

static void nothing(void *arg) { (void)arg; }

CRASH(huge_stack_size, .status = 2,
      .expect = PANIC_MAIN "go: stack_size 18446744073709551615 is over "
		  "the 1024 MiB a task may have$")
{
	go_attr_t a = {.stack_size = (size_t)-1, .cpu = -1};
	go_with(&a, nothing, 0);
}

CRASH(negative_waitgroup, .status = 2,
      .expect = PANIC_MAIN "sync: negative WaitGroup counter")
{
	waitgroup_t wg = {0};
	wg_done(&wg);
}

CRASH(unpin_without_pin, .status = 2,
      .expect = PANIC_MAIN "go_unpin: task 1 \\(main\\) is not pinned$")
{
	go_unpin();
}

/* Not a crash: go() reports exhaustion with -ENOMEM, and the system goes on. */
static void wait_on(void *arg)
{
	wg_wait(arg);
}

CRASH(go_enomem, .status = 0,
      .expect = "^go returned -12 after \\d+ tasks with 32 MiB stacks$")
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

/* --- channel and sync misuse (Go's runtime panics) --- */

CRASH(send_on_closed_channel, .status = 2,
      .expect = PANIC_MAIN "send on closed channel$")
{
	chan_t *c = chan_make(sizeof(int), 1);
	chan_close(c);
	int v = 1;
	chan_send(c, &v);
}

static void send_forever(void *arg)
{
	int v = 1;
	chan_send(arg, &v);
}

/* A sender blocked when the channel closes panics too, in its own name. */
CRASH(blocked_sender_sees_close, .status = 2,
      .expect = "^panic: task \\d+ \\(sender\\) on cpu \\d+: send on "
		  "closed channel$")
{
	chan_t *c = chan_make(sizeof(int), 0);
	go_pin();
	go_attr_t a = {.name = "sender", .cpu = go_cpu()};
	go_with(&a, send_forever, c);
	go_yield(); /* it blocks in chan_send */
	chan_close(c);
	go_sleep(KTEST_HANG_MS * 1000000ull); /* the sender, readied on our core, panics */
}

CRASH(close_of_closed_channel, .status = 2,
      .expect = PANIC_MAIN "close of closed channel$")
{
	chan_t *c = chan_make(0, 0);
	chan_close(c);
	chan_close(c);
}

CRASH(close_of_nil_channel, .status = 2,
      .expect = PANIC_MAIN "close of nil channel$")
{
	chan_close(NULL);
}

CRASH(unlock_of_unlocked_mutex, .status = 2,
      .expect = PANIC_MAIN "sync: unlock of unlocked mutex")
{
	mutex_t m = {0};
	mutex_lock(&m);
	mutex_unlock(&m);
	mutex_unlock(&m);
}

/* Lock rules: tests/run.py boots these on a LOCKDEBUG=1 kernel only
 * (kernel/spinlock.h); elsewhere the rules are not checked. */
CRASH(spinlock_released_unheld, .status = 2,
      .expect = PANIC_MAIN "lock rule broken: spinlock 0x\\w+ released "
		  "by a core that does not hold it \\(it is free\\)$")
{
	static spinlock_t l;
	spin_unlock(&l);
}

CRASH(spinlock_taken_twice, .status = 2,
      .expect = PANIC_MAIN "lock rule broken: spinlock 0x\\w+ taken "
		  "again by the core holding it$")
{
	static spinlock_t l;
	spin_lock(&l);
	spin_lock(&l);
}

CRASH(lock_not_held_where_required, .status = 2,
      .expect = PANIC_MAIN "lock rule broken: &sched.lock is not held by "
		  "this core \\(\\S*sched/sched.h:\\d+\\)$")
{
	globrunq_pop(); /* sched.lock held, says its comment */
}

CRASH(runlock_of_unlocked_rwmutex, .status = 2,
      .expect = PANIC_MAIN "sync: RUnlock of unlocked RWMutex")
{
	rwmutex_t rw = {0};
	rw_runlock(&rw);
}

CRASH(select_bad_op, .status = 2,
      .expect = PANIC_MAIN "chan_select: case 0 has op 3")
{
	chan_case_t c = {.ch = 0, .op = 3};
	chan_select(&c, 1, false);
}

/* Everyone blocked, each in a different way: the report names each wait. */
static chan_t *dl_chan;
static mutex_t dl_mutex;

static void dl_recv(void *arg) { (void)arg; chan_recv(dl_chan, 0); }
static void dl_send(void *arg) { (void)arg; int v = 0; chan_send(dl_chan, &v); chan_send(dl_chan, &v); }
static void dl_nil(void *arg) { (void)arg; chan_recv(NULL, 0); }
static void dl_empty_select(void *arg) { (void)arg; chan_select(NULL, 0, true); }
static void dl_lock(void *arg) { (void)arg; mutex_lock(&dl_mutex); }

static void dl_select(void *arg)
{
	(void)arg;
	chan_t *other = chan_make(4, 0);
	chan_case_t c[2] = {{.ch = other, .op = CHAN_RECV}, {.ch = 0, .op = CHAN_SEND}};
	chan_select(c, 2, true);
}

static void dl_spawn(const char *name, void (*fn)(void *))
{
	go_attr_t a = {.name = name, .cpu = -1};
	go_with(&a, fn, 0);
	go_sleep(2000000); /* let it block (the report is in id order anyway) */
}

CRASH(deadlock_reasons, .status = 2,
      .expect = "^fatal error: all goroutines are asleep - "
		  "deadlock!\\n\\n^goroutine 1 \\[sync.WaitGroup.Wait\\]: "
		  "\"main\"\\n^goroutine \\d+ \\[chan send\\]: \"send\"\\n^goroutine "
		  "\\d+ \\[chan receive \\(nil chan\\)\\]: \"nil\"\\n^goroutine \\d+ "
		  "\\[select\\]: \"select\"\\n^goroutine \\d+ \\[select \\(no "
		  "cases\\)\\]: \"nocases\"\\n^goroutine \\d+ \\[sync.Mutex.Lock\\]: "
		  "\"lock\"\\n^goroutine \\d+ \\[chan receive\\]: \"recv\"$")
{
	static waitgroup_t never;
	/* The report lists tasks by id, and the ids one core hands out
	 * increase (each P takes a block of them: sched/g.c): spawned from
	 * one core, they are listed in the order spawned. */
	go_pin();
	dl_chan = chan_make(sizeof(int), 1); /* dl_send's first send is buffered */
	mutex_lock(&dl_mutex);
	dl_spawn("send", dl_send);
	dl_spawn("nil", dl_nil);
	dl_spawn("select", dl_select);
	dl_spawn("nocases", dl_empty_select);
	dl_spawn("lock", dl_lock);
	dl_chan = chan_make(sizeof(int), 0);
	dl_spawn("recv", dl_recv);
	wg_add(&never, 1);
	wg_wait(&never);
}

/* A task with a small stack of its own overflows it: the panic names it. */
static void recurse_forever(void *arg)
{
	(void)arg;
	depth(1 << 20);
}

CRASH(small_stack_overflow, .status = 2,
      .expect = "^panic: stack overflow in task \\d+ \\(small\\) on cpu "
		  "\\d+ \\(data abort at 0x")
{
	static waitgroup_t never;
	wg_add(&never, 1);
	go_attr_t a = {.stack_size = 8 * 1024, .name = "small", .cpu = -1};
	go_with(&a, recurse_forever, 0);
	wg_wait(&never);
}

/* Device interrupts (sched/netpoll.c): misuse is named. */
CRASH(irq_not_a_device_line, .status = 2,
      .expect = PANIC_MAIN "irq_notify: interrupt 5 is not a device line "
		  "of the (gicv2|bcm2836-local) controller \\(32-\\d+\\)$")
{
	irq_notify(5, chan_make(0, 1), IRQ_LEVEL);
}

CRASH(irq_claimed_twice, .status = 2,
      .expect = PANIC_MAIN "irq_notify: interrupt 40 is already claimed "
		  "\\(irq_release it first\\)$")
{
	irq_notify(40, chan_make(0, 1), IRQ_LEVEL);
	irq_notify(40, chan_make(0, 1), IRQ_LEVEL);
}

CRASH(irq_unbuffered_channel, .status = 2,
      .expect = PANIC_MAIN "irq_notify: interrupt 40: the channel must "
		  "be buffered")
{
	irq_notify(40, chan_make(sizeof(uint32_t), 0), IRQ_LEVEL);
}

CRASH(irq_rearm_unclaimed, .status = 2,
      .expect = PANIC_MAIN "irq_rearm: interrupt 40 is not claimed by "
		  "irq_notify$")
{
	irq_rearm(40);
}

CRASH(chan_free_while_notified, .status = 2,
      .expect = PANIC_MAIN "chan_free: interrupts still notify channel "
		  "0x\\w+ \\(irq_release them first\\)$")
{
	chan_t *c = chan_make(0, 1);
	irq_notify(40, c, IRQ_LEVEL);
	chan_free(c);
}

CRASH(gpio_pin_out_of_range, .status = 2,
      .expect = PANIC_MAIN "gpio_watch: pin 9: the pl061 has pins 0-7$")
{
	gpio_watch(9, GPIO_RISING, chan_make(sizeof(uint32_t), 1));
}
