/* The scheduler: spawning, yielding, stealing, parking, fairness, memory. */
#include "ktest.h"
#include <kernel/generic_timer.h>
#include <kernel/ipi.h>
#include <errno.h>
#include <gometal.h>
#include <kernel/mem.h>
#include <kernel/percpu.h>
#include <kernel/spinlock.h>
#include <sched/sched.h>
#include <stdio.h>
#include <string.h>

static void add_one(void *arg)
{
	__atomic_add_fetch((int *)arg, 1, __ATOMIC_RELAXED);
}

struct counted {
	int *count;
	waitgroup_t *wg;
};

static void add_one_done(void *arg)
{
	struct counted *c = arg;
	__atomic_add_fetch(c->count, 1, __ATOMIC_RELAXED);
	wg_done(c->wg);
}

/* Ids are unique and > 0; the ones a core hands out increase (each P
 * takes them 16 at a time, as Go's goidcache: sched/g.c), so the
 * spawning task stays on its core for the check. */
TEST(sched, go_returns_increasing_ids_on_one_core_and_tasks_run)
{
	int count = 0;
	waitgroup_t wg = {0};
	struct counted c = {&count, &wg};
	CHECK(go_id() > 0);
	long last = 0;
	wg_add(&wg, 100);
	go_pin();
	for (int i = 0; i < 100; i++) {
		long id = go(add_one_done, &c);
		CHECK(id > last);
		CHECK_NE(id, go_id());
		last = id;
	}
	go_unpin();
	wg_wait(&wg);
	CHECK_EQ(count, 100);
}

static void add_one_then_exit(void *arg)
{
	add_one(arg);
	go_exit();
	add_one(arg); /* never runs */
}

TEST(sched, returning_from_fn_or_go_exit_ends_a_task)
{
	int count = 0;
	go(add_one, &count);
	go(add_one_then_exit, &count);
	while (__atomic_load_n(&count, __ATOMIC_RELAXED) < 2)
		go_yield();
	for (int i = 0; i < 100; i++)
		go_yield();
	CHECK_EQ(count, 2);
}

/* Two tasks pinned to one core alternate through go_yield. */
struct pingpong {
	int turn, rounds;
	int trace[40];
	int n;
	int started;
	waitgroup_t wg;
};

static void pingpong(void *arg)
{
	struct pingpong *pp = arg;
	int me = go_id() & 1;
	/* Only the yields switch: a preemption between recording and
	 * yielding would let the other task record twice in a row. Nor may
	 * one start recording while the other has yet to enter its region:
	 * preempted there (50 us quanta), it would go behind the first. */
	preempt_disable();
	pp->started++;
	while (pp->started < 2)
		go_yield();
	for (int i = 0; i < pp->rounds; i++) {
		pp->trace[pp->n++] = me;
		go_yield();
	}
	preempt_enable();
	wg_done(&pp->wg);
}

TEST(sched, yield_alternates_two_tasks_on_one_core)
{
	struct pingpong pp = {.rounds = 20};
	go_attr_t a = {.name = "pingpong", .cpu = go_cpu()};
	wg_add(&pp.wg, 2);
	go_with(&a, pingpong, &pp);
	go_with(&a, pingpong, &pp);
	wg_wait(&pp.wg);
	CHECK_EQ(pp.n, 40);
	for (int i = 1; i < 40; i++)
		CHECK(pp.trace[i] != pp.trace[i - 1]);
}

static void errno_task(void *arg)
{
	struct counted *c = arg;
	int mine = 1000 + (int)go_id();
	errno = mine;
	for (int i = 0; i < 50; i++) {
		go_yield();
		if (errno != mine)
			__atomic_add_fetch(c->count, 1, __ATOMIC_RELAXED);
		errno = mine;
	}
	wg_done(c->wg);
}

TEST(sched, errno_is_per_task)
{
	int bad = 0;
	waitgroup_t wg = {0};
	struct counted c = {&bad, &wg};
	go_attr_t here = {.name = "errno", .cpu = go_cpu()};
	wg_add(&wg, 8);
	for (int i = 0; i < 4; i++) {
		go_with(&here, errno_task, &c); /* same core: interleaved */
		go(errno_task, &c);		/* anywhere: migrating */
	}
	errno = 7;
	wg_wait(&wg);
	CHECK_EQ(errno, 7);
	CHECK_EQ(bad, 0);
}

struct where {
	int cpu, moved;
	waitgroup_t wg;
};

static void where(void *arg)
{
	struct where *w = arg;
	for (int i = 0; i < 20; i++) {
		if (go_cpu() != w->cpu)
			w->moved = 1;
		go_yield();
	}
	wg_done(&w->wg);
}

TEST(sched, go_pin_keeps_a_task_on_its_core)
{
	go_pin();
	int cpu = go_cpu();
	for (int i = 0; i < 50; i++) {
		go_yield();
		CHECK_EQ(go_cpu(), cpu);
	}
	go_unpin();
	struct where w = {.cpu = go_ncpu() - 1};
	go_attr_t a = {.name = "pinned", .cpu = w.cpu};
	wg_add(&w.wg, 1);
	go_with(&a, where, &w);
	wg_wait(&w.wg); /* it uses w, on this stack, until it is done */
	CHECK_EQ(w.moved, 0);
}

/*
 * Fairness: a task waiting in the global queue runs after at most about 61
 * local schedule ticks, even while the local queue never empties. main
 * yields (to the global queue) while a tree of 32,767 tasks keeps its
 * core's local queue full; on one core only the 61-tick check lets main
 * back in before the tree is done.
 *
 * Checked on one core only. With several, idle cores take batches from the
 * global queue into their local rings and steal halves of each other's,
 * so main may travel through local queues behind whole subtrees: what it
 * then waits for is not the 61-tick check (8 vCPUs once showed 9928 tasks
 * run, 4505 of them on the core that took main back). So are quanta
 * under 1 ms: preempted tasks and the runnext chains they break go through
 * the global queue too, and 1311 was seen at 50 us. There the count is
 * printed.
 */
static int storm_ran;
static int storm_ran_on[NCPU_MAX];

static void storm(void *arg)
{
	long depth = (long)arg;
	__atomic_add_fetch(&storm_ran, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&storm_ran_on[go_cpu()], 1, __ATOMIC_RELAXED);
	if (depth > 0) {
		go(storm, (void *)(depth - 1));
		go(storm, (void *)(depth - 1));
	}
}

TEST(sched, global_queue_is_checked_every_61_ticks)
{
	const int total = (1 << 15) - 1;
	storm_ran = 0;
	memset(storm_ran_on, 0, sizeof(storm_ran_on));
	go(storm, (void *)14L);
	go_yield();
	int cpu = go_cpu(), all = __atomic_load_n(&storm_ran, __ATOMIC_RELAXED);
	int seen = __atomic_load_n(&storm_ran_on[cpu], __ATOMIC_RELAXED);
	printf("  main ran again after %d of %d tasks (%d of them on cpu %d, which took it)\n",
	       all, total, seen, cpu);
	/* Measured on one core: 355 with the 61-tick check, 2112 without it
	 * (main then waits until the local queue first runs dry). */
	if (go_ncpu() == 1 && (!quantum_ticks || quantum_ticks >= timer_ns_to_ticks(1000000)))
		CHECK(seen < 1000);
	while (__atomic_load_n(&storm_ran, __ATOMIC_RELAXED) < total)
		go_yield();
}

/*
 * A burst of 10,000 tasks spawned on one core spreads over every core.
 * Exact: every core runs some of them (measured under icount, 4 cores:
 * 1999 1570 3498 2933). Stall-proof: all of them run. Without icount a
 * core the host stops for the burst's 50-200 ms never gets to steal.
 */
static int ran_on[NCPU_MAX];

static void busy_20us(void *arg)
{
	uint64_t end = timer_count() + timer_ns_to_ticks(20000);
	while (timer_count() < end)
		;
	__atomic_add_fetch(&ran_on[go_cpu()], 1, __ATOMIC_RELAXED);
	wg_done(arg);
}

TEST(sched, stealing_spreads_a_burst_over_every_core)
{
	waitgroup_t wg = {0};
	memset(ran_on, 0, sizeof(ran_on));
	go_pin(); /* spawn everything from one core */
	wg_add(&wg, 10000);
	for (int i = 0; i < 10000; i++)
		CHECK(go(busy_20us, &wg) > 0);
	wg_wait(&wg);
	go_unpin();
	int total = 0;
	printf("  tasks per core:");
	for (int c = 0; c < go_ncpu(); c++) {
		printf(" %d", ran_on[c]);
		total += ran_on[c];
	}
	printf("\n");
	CHECK_EQ(total, 10000);
	for (int c = 0; ktest_exact_time() && c < go_ncpu(); c++)
		CHECK(ran_on[c] > 0);
}

/* A task spinning forever on one core does not stop the others' work. */
static volatile int spin_stop;

static void spin_forever(void *arg)
{
	while (!spin_stop)
		;
	wg_done(arg);
}

TEST(sched, a_spinning_pinned_task_does_not_stop_other_cores)
{
	if (go_ncpu() < 2)
		return; /* it would own the only core: nothing to show */
	waitgroup_t spinner = {0}, work = {0};
	int count = 0;
	struct counted c = {&count, &work};
	spin_stop = 0;
	go_attr_t a = {.name = "spinner", .cpu = go_cpu()};
	wg_add(&spinner, 1);
	go_with(&a, spin_forever, &spinner);
	wg_add(&work, 200);
	for (int i = 0; i < 200; i++)
		go(add_one_done, &c);
	wg_wait(&work); /* our core now belongs to the spinner */
	CHECK_EQ(count, 200);
	spin_stop = 1;
	wg_wait(&spinner);
}

/* 200,000 tasks, each spawning the next and exiting, in bounded memory. */
static waitgroup_t chain_wg;
static int chain_err;

static void chain(void *arg)
{
	long n = (long)arg;
	if (n == 0)
		wg_done(&chain_wg);
	else if (go(chain, (void *)(n - 1)) < 0)
		chain_err = 1;
}

TEST(sched, a_200000_task_chain_runs_in_bounded_memory)
{
	size_t before = mem_free();
	wg_add(&chain_wg, 1);
	go(chain, (void *)200000L);
	wg_wait(&chain_wg);
	size_t used = before - mem_free();
	printf("  memory used by the chain: %zu KiB\n", used / 1024);
	CHECK_EQ(chain_err, 0);
	CHECK(used < 2 * 1024 * 1024);
}

/*
 * No lost wake-ups: tasks park themselves on a shared list; waker tasks on
 * every core pop and ready them. Every task must run once and wake once.
 */
#define LW_TASKS 1000000
#define LW_BATCH 1000
/*
 * A waker per core, up to eight. A waker that finds nobody parked yields
 * and looks again: it never sleeps. Under emulation every core is a host
 * thread, and more spinning wakers than the host has cores measure how
 * the host shares its cores out (on 2 host cores: 4 wakers 10 s, 8 wakers
 * 48 s, 12 over 100 s), not the scheduler. Past eight the parked tasks
 * still run on every core (stolen), which is what the test is about.
 */
#define LW_WAKERS_MAX 8

struct lw {
	spinlock_t lock;	/* protects parked */
	struct g *parked;
	int stop;
	uint8_t ran[LW_TASKS], woke[LW_TASKS];
	waitgroup_t batch, wakers;
};

static struct lw lw;
static int lw_next;

static void lw_task(void *arg)
{
	long i = (long)arg;
	struct g *me = getg();
	lw.ran[i]++;
	spin_lock(&lw.lock);
	me->schedlink = lw.parked;
	lw.parked = me;
	go_park(park_unlock_spin, &lw.lock, "test park");
	lw.woke[i]++;
	wg_done(&lw.batch);
}

static void lw_waker(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&lw.stop, __ATOMIC_ACQUIRE)) {
		spin_lock(&lw.lock);
		struct g *g = lw.parked;
		if (g)
			lw.parked = g->schedlink;
		spin_unlock(&lw.lock);
		if (g)
			go_ready(g);
		else
			go_yield();
	}
	wg_done(&lw.wakers);
}

TEST(sched, no_lost_wakeups_over_many_park_ready_cycles)
{
	memset(&lw, 0, sizeof(lw));
	int wakers = go_ncpu() < LW_WAKERS_MAX ? go_ncpu() : LW_WAKERS_MAX;
	wg_add(&lw.wakers, wakers);
	for (int c = 0; c < wakers; c++)
		go(lw_waker, 0);
	for (lw_next = 0; lw_next < LW_TASKS; lw_next += LW_BATCH) {
		wg_add(&lw.batch, LW_BATCH);
		for (long i = lw_next; i < lw_next + LW_BATCH; i++)
			CHECK(go(lw_task, (void *)i) > 0);
		wg_wait(&lw.batch);
	}
	__atomic_store_n(&lw.stop, 1, __ATOMIC_RELEASE);
	wg_wait(&lw.wakers);
	int bad = 0;
	for (int i = 0; i < LW_TASKS; i++)
		bad += lw.ran[i] != 1 || lw.woke[i] != 1;
	CHECK_EQ(bad, 0);
}

/* What newlib allocates for a task (dtoa's bigints for %f, stdout's first
 * use) is given back when it exits: many short tasks do not leak. */
static void format_float(void *arg)
{
	char buf[64];
	snprintf(buf, sizeof(buf), "%.3f %e", 3.14159 * go_id(), 2.5e-7);
	printf("%s", go_id() == 0 ? buf : "");
	wg_done(arg);
}

TEST(sched, newlib_state_of_dead_tasks_is_reclaimed)
{
	waitgroup_t wg = {0};
	size_t used[3];
	/* One core, so each task reuses the last one's record (a task that
	 * exits on another core would leave its record in that core's cache). */
	go_pin();
	go_attr_t here = {.name = "float", .cpu = go_cpu()};
	for (int round = 0; round < 3; round++) {
		size_t before = mem_free();
		for (int i = 0; i < 2000; i++) {
			wg_add(&wg, 1);
			go_with(&here, format_float, &wg);
			wg_wait(&wg);
		}
		used[round] = before - mem_free();
	}
	go_unpin();
	printf("  2000 tasks that formatted floats kept %zu, %zu, then %zu bytes\n", used[0],
	       used[1], used[2]);
	/* A leak keeps memory every round; the heap may grow once, in any
	 * round, by a page (under icount after the tests before it, the
	 * second: 0, 4096, 0). */
	CHECK(used[1] < 4096 || used[2] < 4096);
}

/*
 * A relay (each task readies the next, then exits: Go's daisy chain) wakes
 * no idle core at each link: the readied task waits alone in its
 * readier's runnext and runs there next, and the wake that would find it
 * gone is deferred until it proves needed (sched/idle.c). Counts the
 * IPI_RESCHED all cores take over RELAY_LINKS links driven from one core,
 * every link blocked before the count starts. A wake at each ready (Go's
 * way, and ours before) took 167-275 of 2000 here in plain QEMU at 2 and
 * 4 cores (the woken core spins a while, and readies meanwhile wake
 * nobody). Under -icount neither way wakes more than once (the one
 * spinner outlasts the relay), so the plain runs are the ones that tell.
 *
 * Stall-proof: two things may rightly wake a core mid-relay, and each is
 * counted and allowed one wake. A link whose hand-over came more than
 * WAKE_DEFER_MIN_NS after its ready (a host stall: its readier ran on, as
 * far as the kernel can tell); each link stamps the time before its send
 * and after its receive, and the gap between a send and the receiver's
 * return bounds the ready-to-hand-over time from above. And a quantum
 * that ends between a ready and the hand-over: the readier is preempted
 * to the global queue, which wakes a core as Go's does (the P's preempts
 * counter; QUANTUM_US=50 makes those common). RELAY_SLACK for the rest
 * (an idle core's timer cover).
 */
#define RELAY_LINKS 2000
#define RELAY_SLACK 4
static chan_t *relay_c[RELAY_LINKS + 1];
static long relay_id[RELAY_LINKS];
/* Link i sends on relay_c[i] at relay_sent[i]; whoever receives it (link
 * i-1, or the test for i = 0) returns at relay_got[i]. */
static uint64_t relay_sent[RELAY_LINKS + 1], relay_got[RELAY_LINKS + 1];

static void relay_link(void *arg)
{
	long i = (long)arg;
	int v;
	chan_recv(relay_c[i + 1], &v);
	relay_got[i + 1] = go_now();
	v++;
	relay_sent[i] = go_now();
	chan_send(relay_c[i], &v);
}

static uint64_t resched_ipis(void)
{
	uint64_t n = 0;
	for (int c = 0; c < go_ncpu(); c++)
		n += __atomic_load_n(&cpus[c].ipis[IPI_RESCHED], __ATOMIC_RELAXED);
	return n;
}

static uint64_t preemptions(void)
{
	uint64_t n = 0;
	for (int c = 0; c < go_ncpu(); c++)
		n += __atomic_load_n(&allp[c].preempts, __ATOMIC_RELAXED);
	return n;
}

TEST(sched, a_relay_wakes_no_idle_core_at_each_link)
{
	if (go_ncpu() < 2) {
		printf("  one core: no core to wake\n");
		return;
	}
	for (int i = 0; i <= RELAY_LINKS; i++)
		relay_c[i] = chan_make(sizeof(int), 0);
	for (long i = 0; i < RELAY_LINKS; i++)
		relay_id[i] = ktest_go("link", -1, relay_link, (void *)i);
	for (int i = 0; i < RELAY_LINKS; i++)
		ktest_wait_blocked(relay_id[i]);
	go_sleep(1000000); /* the spawns' wake-ups are all taken */
	uint64_t before = resched_ipis(), preempted = preemptions();
	int v = 0;
	relay_sent[RELAY_LINKS] = go_now();
	chan_send(relay_c[RELAY_LINKS], &v);
	chan_recv(relay_c[0], &v);
	relay_got[0] = go_now();
	uint64_t wakes = resched_ipis() - before;
	preempted = preemptions() - preempted;
	unsigned slow = 0;
	for (int i = 0; i <= RELAY_LINKS; i++)
		slow += relay_got[i] - relay_sent[i] > WAKE_DEFER_MIN_NS;
	printf("  %d links: %lu wake-up IPIs; %u links stalled, %lu preemptions\n", RELAY_LINKS,
	       (unsigned long)wakes, slow, (unsigned long)preempted);
	CHECK_EQ(v, RELAY_LINKS);
	CHECK(wakes <= slow + preempted + RELAY_SLACK);
	for (int i = 0; i <= RELAY_LINKS; i++)
		chan_free(relay_c[i]);
}

/*
 * The other side of a deferred wake: a readier that runs on. Its wakee,
 * alone in runnext with every other core asleep and none spinning, gets
 * another core once the deferral runs out, not at the readier's slice
 * end. The deferral is WAKE_DEFER_MIN_NS (20 us) on a P whose wakes were
 * needed, up to WAKE_DEFER_MAX_NS (250 us) on one that has been relaying
 * (the test before this one may have left core 0's there); one needed
 * wake sets it back. So two rounds from core 0. Exact: another core runs
 * the wakee within 300 us, then within 50 us (the deferral, the IPI, the
 * thief's steal passes and its 3 us runnext grace). Stall-proof: the
 * readier spins until the wakee has run, and the wakee runs.
 */
static chan_t *lone_chan;
static volatile int lone_ran_cpu;
static uint64_t lone_sent, lone_ran;

static void lone_wakee(void *arg)
{
	(void)arg;
	chan_recv(lone_chan, NULL);
	lone_ran = go_now();
	__atomic_store_n(&lone_ran_cpu, go_cpu(), __ATOMIC_RELEASE);
}

static void lone_readier(void *arg)
{
	(void)arg;
	lone_sent = go_now();
	chan_send(lone_chan, NULL);
	uint64_t hang = go_now() + KTEST_HANG_MS * 1000000ull;
	while (__atomic_load_n(&lone_ran_cpu, __ATOMIC_ACQUIRE) < 0 && go_now() < hang)
		__asm__ volatile("yield");
}

/* One round: the core the wakee ran on (-1: never), and how long after
 * the send. */
static int lone_round(int64_t *after)
{
	lone_ran_cpu = -1;
	ktest_wait_blocked(ktest_go("wakee", -1, lone_wakee, 0));
	go_sleep(2000000); /* every other core asleep, none spinning */
	long id = ktest_go("readier", 0, lone_readier, 0);
	while (ktest_task_state(id, 0) != G_DEAD)
		go_sleep(1000000);
	*after = (int64_t)(lone_ran - lone_sent);
	return __atomic_load_n(&lone_ran_cpu, __ATOMIC_ACQUIRE);
}

TEST(sched, a_readier_that_runs_on_gets_its_wakee_another_core)
{
	if (go_ncpu() < 2) {
		printf("  one core: no other core\n");
		return;
	}
	lone_chan = chan_make(0, 0);
	int64_t first, second;
	int cpu1 = lone_round(&first), cpu2 = lone_round(&second);
	printf("  the wakee ran on core %d %ld us after the send, then on core %d after %ld us\n",
	       cpu1, (long)(first / 1000), cpu2, (long)(second / 1000));
	CHECK(cpu1 >= 0 && cpu2 >= 0);
	if (ktest_exact_time()) {
		CHECK(cpu1 != 0 && cpu2 != 0);
		CHECK(first < 300000);
		CHECK(second < 50000);
	}
	chan_free(lone_chan);
}
