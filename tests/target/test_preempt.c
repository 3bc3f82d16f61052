/*
 * Preemption by the timer interrupt, time slices, per-P timers and
 * go_sleep (sched/preempt.c, sched/time.c).
 *
 * The "one core" cases pin their tasks to one core, so they run the same
 * way whatever the number of cores (a pinned task that is preempted goes
 * back on its core's pinned list). The runnext case cannot pin (pinned
 * tasks never use runnext) and runs only on a one-core system.
 *
 * Time: every check here is exact (judged under -icount, where it can be
 * as tight as the scheduler's promise) or stall-proof (ktest.h); each says
 * which. The measured figures are printed either way. Plain QEMU checks
 * what no host stall can break: nobody wakes early, every task makes
 * progress, and waits end on events, with KTEST_HANG_MS only as a limit.
 */
#include "ktest.h"
#include <kernel/generic_timer.h>
#include <gometal.h>
#include <kernel/percpu.h>
#include <kernel/preempt.h>
#include <sched/sched.h>
#include <stdio.h>
#include <string.h>

#define MS		1000000ull
#define US		1000ull
#define GAP		(50 * US)	/* a longer gap between two readings: not running */

static uint64_t quantum_ns(void)
{
	return quantum_ticks * 1000000000ull / timer_freq();
}

static int the_core(void)
{
	return go_ncpu() - 1;
}

/* --- spinners --- */

struct flagpair {
	volatile int flag;
	volatile int done;
	int rounds;
};

static void spin_a(void *arg)
{
	struct flagpair *f = arg;
	for (int i = 0; i < f->rounds; i++) {
		while (f->flag != 0)
			;
		f->flag = 1;
	}
	__atomic_add_fetch(&f->done, 1, __ATOMIC_RELAXED);
}

static void spin_b(void *arg)
{
	struct flagpair *f = arg;
	for (int i = 0; i < f->rounds; i++) {
		while (f->flag != 1)
			;
		f->flag = 0;
	}
	__atomic_add_fetch(&f->done, 1, __ATOMIC_RELAXED);
}

/* Each hand-over needs the other task to be preempted: nothing else can
 * take a core from a loop that calls nothing. Stall-proof: counts
 * hand-overs, with a hang limit. */
TEST(preempt, two_spinners_on_one_core_both_make_progress)
{
	struct flagpair f = {.rounds = 8};
	ktest_go("spin_a", the_core(), spin_a, &f);
	ktest_go("spin_b", the_core(), spin_b, &f);
	CHECK(ktest_wait_count(&f.done, 2));
}

/* --- a sleeper against a yielding loop --- */

static volatile int stop_yield;

static void yield_loop(void *arg)
{
	while (!stop_yield)
		go_yield();
	__atomic_add_fetch((int *)arg, 1, __ATOMIC_RELAXED);
}

struct sleeper {
	int64_t late;		/* ns after its deadline; < 0: woke early */
	volatile int done;
};

static void sleep_10ms(void *arg)
{
	struct sleeper *s = arg;
	uint64_t t0 = go_now();
	go_sleep(10 * MS);
	s->late = (int64_t)(go_now() - t0 - 10 * MS);
	s->done = 1;
}

/*
 * A task readied by a timer while its core runs a yielding loop: exact, it
 * runs within a quantum (measured under icount: 1 us); stall-proof, never
 * before its time.
 */
TEST(preempt, a_yielding_loop_delays_a_sleeper_by_at_most_a_quantum)
{
	int64_t worst = 0, earliest = INT64_MAX;
	for (int round = 0; round < 3; round++) {
		volatile int yielders = 0;
		struct sleeper s = {0};
		stop_yield = 0;
		ktest_go("yield_loop", the_core(), yield_loop, (void *)&yielders);
		ktest_go("sleeper", the_core(), sleep_10ms, &s);
		bool ok = ktest_wait_count(&s.done, 1);
		stop_yield = 1;
		CHECK(ok);
		CHECK(ktest_wait_count(&yielders, 1));
		if (s.late > worst)
			worst = s.late;
		if (s.late < earliest)
			earliest = s.late;
	}
	printf("  worst lateness %ld us (quantum %lu us)\n", (long)(worst / (int64_t)US),
	       (unsigned long)(quantum_ns() / US));
	CHECK(earliest >= 0);
	if (ktest_exact_time())
		CHECK(worst <= (int64_t)quantum_ns());
}

/* --- CPU shares --- */

struct hog {
	volatile int *stop;
	uint64_t ontime;	/* ns this task was seen running, kept current */
	volatile int *done;
};

/* Adds the time since *last to *sum unless the gap says the reader was off
 * the core: summed over a loop, the time it ran, whatever the emulator's
 * speed. */
static void account(uint64_t *last, uint64_t *sum)
{
	uint64_t t = go_now();
	if (t - *last < GAP)
		*sum += t - *last;
	*last = t;
}

static void hog(void *arg)
{
	struct hog *h = arg;
	uint64_t last = go_now(), sum = 0;
	while (!*h->stop) {
		account(&last, &sum);
		__atomic_store_n(&h->ontime, sum, __ATOMIC_RELAXED);
	}
	__atomic_add_fetch(h->done, 1, __ATOMIC_RELAXED);
}

/* Waits until *ns is not 0, sleeping; false after KTEST_HANG_MS. */
static bool wait_ran(uint64_t *ns)
{
	uint64_t end = ktest_deadline(KTEST_HANG_MS);
	while (!__atomic_load_n(ns, __ATOMIC_RELAXED))
		if (ktest_deadline_passed(end))
			return false;
		else
			go_sleep(MS);
	return true;
}

/*
 * Lets the hogs run for 1 s, then until each has run at all: a host stall
 * can push a hog's first turn past the second, never take it away. So
 * "every hog ran" is stall-proof, and fails (at the hang limit) only if
 * preemption never reaches one of them.
 */
static bool run_hogs(struct hog *h, int n)
{
	go_sleep(1000 * MS);
	for (int i = 0; i < n; i++)
		if (!wait_ran(&h[i].ontime))
			return false;
	return true;
}

/*
 * Exact: each of four hogs pinned to one core gets a quarter of it, within
 * a twentieth (measured under icount: 25.0% each). Stall-proof: each runs. A
 * host stall cuts the slice it lands in short, so without icount the
 * shares say how the host ran the vCPU (seen: 20.3% 28.6% 28.6% 22.6%).
 */
TEST(preempt, four_cpu_bound_tasks_share_one_core_equally)
{
	volatile int stop = 0, done = 0;
	struct hog h[4];
	for (int i = 0; i < 4; i++) {
		h[i] = (struct hog){.stop = &stop, .done = &done};
		ktest_go("hog", the_core(), hog, &h[i]);
	}
	bool ran = run_hogs(h, 4);
	stop = 1;
	CHECK(ran);
	CHECK(ktest_wait_count(&done, 4));
	uint64_t sum = 0;
	for (int i = 0; i < 4; i++)
		sum += h[i].ontime;
	printf("  shares:");
	for (int i = 0; i < 4; i++)
		printf(" %.1f%%", 100.0 * (double)h[i].ontime / (double)sum);
	printf("\n");
	for (int i = 0; ktest_exact_time() && i < 4; i++) {
		CHECK(h[i].ontime * 4 >= sum * 19 / 20);
		CHECK(h[i].ontime * 4 <= sum * 21 / 20);
	}
}

/* A binary semaphore on park/ready: post readies the waiter onto the
 * poster's runnext, as a Go channel hand-over does. */
struct bsem {
	spinlock_t lock;
	int token;
	struct g *waiter;
};

static void bsem_wait(struct bsem *s)
{
	spin_lock(&s->lock);
	if (s->token) {
		s->token = 0;
		spin_unlock(&s->lock);
		return;
	}
	s->waiter = getg();
	go_park(park_unlock_spin, &s->lock, "test semaphore");
}

static void bsem_post(struct bsem *s)
{
	spin_lock(&s->lock);
	struct g *w = s->waiter;
	s->waiter = 0;
	if (!w)
		s->token = 1;
	spin_unlock(&s->lock);
	if (w)
		go_ready(w);
}

struct pinger {
	struct bsem *mine, *other;
	volatile int *stop;
	volatile int *done;
};

/* The pair's running time, hand-overs included: both members add the time
 * since either last looked (account). */
static uint64_t pair_last, pair_sum;

/* Works ~20 us of clock time, then hands the token to the other. */
static void pinger(void *arg)
{
	struct pinger *p = arg;
	for (;;) {
		bsem_wait(p->mine);
		if (*p->stop)
			break;
		uint64_t start = go_now();
		do
			account(&pair_last, &pair_sum);
		while (pair_last - start < 20 * US);
		bsem_post(p->other);
	}
	bsem_post(p->other);
	__atomic_add_fetch(p->done, 1, __ATOMIC_RELAXED);
}

/*
 * A pair handing a token through runnext shares one slice (it inherits),
 * so against two hogs it gets one slice in three: a third of the core, by
 * design, as in Go, less what its hand-overs cost it.
 * Without inheritance it would get half; if runnext kept the core past the
 * slice, all of it. Exact: the share below. Stall-proof: the pair and both
 * hogs run (as in the four-hog case).
 */
TEST(preempt, a_runnext_pair_and_two_hogs_share_one_core)
{
	if (go_ncpu() != 1) {
		printf("  (one-core systems only: pinned tasks do not use runnext)\n");
		return;
	}
	volatile int stop = 0, done = 0;
	struct bsem a = {0}, b = {0};
	struct pinger pa = {&a, &b, &stop, &done}, pb = {&b, &a, &stop, &done};
	pair_last = go_now();
	pair_sum = 0;
	struct hog h[2] = {{&stop, 0, &done}, {&stop, 0, &done}};
	go(pinger, &pa);
	go(pinger, &pb);
	go(hog, &h[0]);
	go(hog, &h[1]);
	bsem_post(&a);
	bool ran = run_hogs(h, 2) && wait_ran(&pair_sum);
	stop = 1;
	CHECK(ran);
	CHECK(ktest_wait_count(&done, 4));
	double pair = (double)pair_sum, hogs = (double)(h[0].ontime + h[1].ontime);
	double share = pair / (pair + hogs);
	printf("  pair %.1f%%, hogs %.1f%%\n", 100 * share, 100 * (1 - share));
	if (quantum_ns() < 1000 * US) {
		/* Under emulation a switch costs tens of us: at a quantum this
		 * short it is a large part of every slice, and the shares
		 * measure the emulator. Printed, not checked. */
		printf("  (not checked below a 1 ms quantum)\n");
		return;
	}
	if (!ktest_exact_time())
		return;
	/* By design a third, less what its hand-overs (park, ready, switch)
	 * cost inside its own slice: measured under icount on the rpi3
	 * model, 33.0%. The bounds tell a third from a half (no inheritance)
	 * and from a quarter (a slice lost per round). */
	CHECK(share >= 0.30 && share <= 0.40);
}

/* --- timers on every core --- */

#define NSLEEPERS 40
#define STEP (5 * MS)

struct sleepers {
	uint64_t start;
	int next;
	int order[NSLEEPERS];
	int64_t worst_late;	/* ns; < 0 if every sleeper woke early */
	int early;		/* sleepers that woke before their deadline */
	volatile int done;
};

struct one_sleeper {
	struct sleepers *s;
	int i;
};

static void sleep_until_turn(void *arg)
{
	struct one_sleeper *o = arg;
	struct sleepers *s = o->s;
	uint64_t deadline = s->start + (uint64_t)(o->i + 1) * STEP;
	uint64_t now = go_now();
	go_sleep(deadline > now ? deadline - now : 0);
	int64_t late = (int64_t)(go_now() - deadline);
	s->order[__atomic_fetch_add(&s->next, 1, __ATOMIC_RELAXED)] = o->i;
	if (late < 0)
		__atomic_add_fetch(&s->early, 1, __ATOMIC_RELAXED);
	int64_t w = __atomic_load_n(&s->worst_late, __ATOMIC_RELAXED);
	while (late > w &&
	       !__atomic_compare_exchange_n(&s->worst_late, &w, late, false, __ATOMIC_RELAXED,
					    __ATOMIC_RELAXED))
		;
	__atomic_add_fetch(&s->done, 1, __ATOMIC_RELEASE);
}

static struct sleepers sl;

/*
 * Forty sleepers pinned round-robin, spawned out of order, each due STEP
 * after the one before. Exact: they wake in deadline order, each within
 * 100 us (measured under icount: 0 us). Stall-proof: none wakes early.
 * Without icount the order across cores is the host's: a vCPU it stops
 * (16-22 ms seen with 4-8 vCPUs on 2 host cores) wakes its sleepers late
 * while the others run on.
 */
TEST(preempt, forty_sleepers_wake_in_deadline_order)
{
	static struct one_sleeper o[NSLEEPERS];
	memset(&sl, 0, sizeof(sl));
	sl.start = go_now() + 20 * MS;
	for (int k = 0; k < NSLEEPERS; k++) {
		int i = k * 7 % NSLEEPERS;
		o[i] = (struct one_sleeper){&sl, i};
		ktest_go("sleeper", i % go_ncpu(), sleep_until_turn, &o[i]);
	}
	CHECK(ktest_wait_count(&sl.done, NSLEEPERS));
	printf("  worst wake-up lateness %ld us\n", (long)(sl.worst_late / (int64_t)US));
	CHECK_EQ(sl.early, 0);
	if (!ktest_exact_time())
		return;
	for (int k = 0; k < NSLEEPERS; k++)
		CHECK_EQ(sl.order[k], k);
	CHECK(sl.worst_late <= (int64_t)(100 * US));
}

static void busy_until(void *arg)
{
	volatile int *stop = arg;
	while (!*stop)
		;
}

/*
 * A sleeper against a busy task on every core: exact, every wake-up within
 * a quantum (measured under icount, 4 cores: median 993 us, worst 2962 us,
 * how QEMU's round-robin of vCPUs delivers an interrupt to a busy one);
 * stall-proof, none early.
 */
TEST(preempt, a_timer_fires_on_time_while_every_core_is_busy)
{
	static volatile int stop;
	stop = 0;
	for (int c = 0; c < go_ncpu(); c++)
		ktest_go("busy", c, busy_until, (void *)&stop);
	go_sleep(5 * MS); /* let them all start */
	int64_t late[5];
	for (int i = 0; i < 5; i++) {
		uint64_t t0 = go_now();
		go_sleep(20 * MS);
		late[i] = (int64_t)(go_now() - t0 - 20 * MS);
	}
	stop = 1;
	for (int i = 0; i < 5; i++) /* sort */
		for (int k = i + 1; k < 5; k++)
			if (late[k] < late[i]) {
				int64_t t = late[i];
				late[i] = late[k];
				late[k] = t;
			}
	printf("  lateness with %d busy cores: median %ld us, worst %ld us\n", go_ncpu(),
	       (long)(late[2] / (int64_t)US), (long)(late[4] / (int64_t)US));
	CHECK(late[0] >= 0);
	if (ktest_exact_time())
		CHECK(late[4] <= (int64_t)quantum_ns());
}

/*
 * A sleeper beside a spinner on one core, 150 times: each due timer
 * preempts the spinner, which goes to the global queue, and the sleeper,
 * readied into runnext, must run then. Every 61st pick is the global
 * queue's turn (GLOBAL_TURN); when it fell on such a pick it took the
 * spinner back for a whole slice (at quantum=0, for good), and a sleep
 * ended a quantum late. Exact: each within 50 us of its deadline (measured
 * under icount: a few us). Stall-proof: none early.
 */
TEST(preempt, a_spinners_preemption_for_a_due_timer_runs_the_sleeper)
{
	if (go_ncpu() != 1) {
		printf("  (one-core systems only: the spinner must share the sleeper's core "
		       "unpinned, through the global queue)\n");
		return;
	}
	static volatile int stop;
	stop = 0;
	go(busy_until, (void *)&stop);
	go_sleep(1 * MS); /* the spinner under way */
	int64_t worst = 0, earliest = INT64_MAX;
	for (int i = 0; i < 150; i++) {
		uint64_t deadline = go_now() + 100 * US;
		go_sleep_until(deadline);
		int64_t late = (int64_t)(go_now() - deadline);
		if (late > worst)
			worst = late;
		if (late < earliest)
			earliest = late;
	}
	stop = 1;
	printf("  150 sleeps of 100 us beside a spinner: worst %ld us late\n",
	       (long)(worst / (int64_t)US));
	CHECK(earliest >= 0);
	if (ktest_exact_time())
		CHECK(worst <= (int64_t)(50 * US));
}

/*
 * Tickless: while every task sleeps, only the interrupt that ends a sleep
 * comes. Exact: no other core takes one, and ours takes the one that ends
 * our sleep. Stall-proof: ours takes at most two (below). Without icount a
 * host stall can keep another core from reaching its WFI, with its last
 * slice's interrupt still armed, for longer than the settling sleep; or
 * keep it spinning for work past our deadline, so that it runs our timer.
 */
TEST(preempt, an_idle_system_takes_no_timer_interrupts)
{
	uint64_t before[NCPU_MAX], idle_before[NCPU_MAX];
	go_sleep(20 * MS); /* let every other core settle into its sleep */
	go_pin();
	int me = cpu_id();
	for (int c = 0; c < go_ncpu(); c++) {
		before[c] = cpus[c].timer_ticks;
		idle_before[c] = cpus[c].timer_ticks_idle;
	}
	go_sleep(200 * MS);
	go_unpin();
	uint64_t idle = cpus[me].timer_ticks_idle - idle_before[me], others = 0;
	printf("  timer interrupts in 200 ms:");
	for (int c = 0; c < go_ncpu(); c++) {
		printf(" %lu", (unsigned long)(cpus[c].timer_ticks - before[c]));
		if (c != me)
			others += cpus[c].timer_ticks - before[c];
	}
	printf(" (cpu %d: %lu while idle)\n", me, (unsigned long)idle);
	/* Ours ends the sleep. One more may be the end of the slice we were
	 * running when we went to sleep, if the scheduler's way from our
	 * park to its WFI outlasts it (at a 50 us quantum under emulation);
	 * once it sleeps, its compare register holds our deadline alone. */
	CHECK(idle <= 2);
	if (!ktest_exact_time())
		return;
	CHECK_EQ(others, 0);
	CHECK(idle >= 1);
}

TEST(preempt, go_sleep_zero_yields_and_go_now_is_monotonic)
{
	uint64_t a = go_now();
	go_sleep(0);
	uint64_t b = go_now();
	CHECK(b >= a);
	uint64_t prev = go_now(), steps = 0, smallest = UINT64_MAX;
	for (int i = 0; i < 100000 && steps < 100; i++) {
		uint64_t t = go_now();
		CHECK(t >= prev);
		if (t != prev) {
			steps++;
			if (t - prev < smallest)
				smallest = t - prev;
		}
		prev = t;
	}
	/* One counter tick; a loop under emulation may not see every tick.
	 * Stall-proof: a stall lengthens some of the 100 steps, not all. */
	printf("  go_now() resolution: one tick, %lu ns; smallest step seen %lu ns\n",
	       (unsigned long)(1000000000ull / timer_freq()), (unsigned long)smallest);
	CHECK(smallest < 1000);
}
