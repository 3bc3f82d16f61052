/*
 * sched/timerwatch.c, the same file the kernel uses, under host threads and
 * ThreadSanitizer: "no timer goes unwatched".
 *
 * Four threads are four cores. Each goes idle (on the idle list, in a WFI
 * that an IPI or its armed deadline ends, as sched/idle.c's sleep loop),
 * and when the driver wakes it (wakep) it becomes busy: it adds a timer,
 * covers it (timer_cover) and then spins with interrupts masked, never
 * running it, until a watcher has. A watcher that fires runs every due
 * timer and hands the watch on (find_runnable). Idle cores sometimes hold
 * timers of their own, which they cover themselves.
 *
 * Time is virtual and moves only when every core waits and none has a
 * reason to wake (QEMU's -icount with sleep=off does the same): the driver
 * then either wakes an idle core or jumps the clock to the earliest armed
 * deadline. At each such moment the claim is checked exactly, whatever the
 * threads' interleaving was: every masked core's timer has an idle core
 * armed at or before it. A lost poke or a stale watch_when fails it there,
 * before the clock could pass the deadline.
 *
 * Seen to fail (each change made to timerwatch.c alone, then reverted):
 * timer_cover without its poke, watch_leave without its hand-over, and
 * watch_handover that never pokes, every run; watch_arm without its
 * re-read, two runs in three. Not seen: dropping a fence. x86 reorders
 * only a store with a later load, TSan's atomics are calls, and TSan does
 * not model fences; the fences' argument is in timerwatch.c's header.
 */
#include "check.h"
#include <kernel/ipi.h>
#include <pthread.h>
#include <sched/sched.h>
#include <stdlib.h>
#include <time.h>

#define CORES 4
#define FIRES 10000		/* busy cores' timers run by a watcher */
#define NEVER UINT64_MAX

struct sched sched = {.nprocs = CORES, .watcher = -1, .watch_when = NEVER};
struct p allp[CORES];
static __thread struct p *self;

struct p *this_p(void) { return self; }

/*
 * The machine around the cores. m protects all of it; cv announces any
 * change to it (or to a P's when0) to whoever waits: cores and driver.
 */
enum { RUNNING, IN_WFI, MASKED };
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static uint64_t vnow = 1;	/* the generic counter */
static int state[CORES];
static uint64_t armed[CORES];	/* IN_WFI: the compare register */
static int poked[CORES];	/* an IPI not yet taken; MASKED: let go */
static int masked_timer[CORES];	/* MASKED: waiting for its timer to be run */
static int stop;		/* atomic */
static long fires, own_fires;	/* m */

void ipi_send(int cpu, enum ipi ipi)
{
	(void)ipi;
	pthread_mutex_lock(&m);
	poked[cpu] = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&m);
}

static uint64_t now(void)
{
	pthread_mutex_lock(&m);
	uint64_t t = vnow;
	pthread_mutex_unlock(&m);
	return t;
}

/* sched/idle.c's list, in short: sched.lock held. */
static void pidle_put(struct p *pp)
{
	pp->idle_link = sched.pidle;
	sched.pidle = pp;
	__atomic_store_n(&pp->idle, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&sched.npidle, 1, __ATOMIC_SEQ_CST);
}

static void pidle_remove(struct p *pp)
{
	if (!pp->idle)
		return;
	for (struct p **l = &sched.pidle; *l; l = &(*l)->idle_link)
		if (*l == pp) {
			*l = pp->idle_link;
			__atomic_sub_fetch(&sched.npidle, 1, __ATOMIC_SEQ_CST);
			break;
		}
	__atomic_store_n(&pp->idle, 0, __ATOMIC_RELEASE);
}

/* Runs the due timers of pp's core, or with `any` every P's (steal_timers). */
static void run_due(struct p *pp, bool any)
{
	uint64_t t = now();
	long n = 0, own = 0;
	for (int i = 0; i < CORES; i++) {
		struct p *q = &allp[i];
		if (q != pp && !any)
			continue;
		uint64_t w = timers_when(q);
		if (w <= t && __atomic_compare_exchange_n(&q->timers.when0, &w, NEVER, false,
							  __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			*(q == pp ? &own : &n) += 1;
	}
	pthread_mutex_lock(&m);
	fires += n;
	own_fires += own;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&m);
}

/* The WFI: until an IPI, or the armed deadline. */
static void wfi(int id, uint64_t w)
{
	pthread_mutex_lock(&m);
	armed[id] = w;
	state[id] = IN_WFI;
	pthread_cond_broadcast(&cv);
	while (!poked[id] && vnow < w && !__atomic_load_n(&stop, __ATOMIC_RELAXED))
		pthread_cond_wait(&cv, &m);
	poked[id] = 0;
	state[id] = RUNNING;
	pthread_mutex_unlock(&m);
}

/* sleep_until_woken's shape. True if the driver woke us (wakep). */
static bool go_idle(struct p *pp, unsigned *seed)
{
	if (rand_r(seed) % 4 == 0 && timers_when(pp) == NEVER)
		__atomic_store_n(&pp->timers.when0, now() + 1 + rand_r(seed) % 50, __ATOMIC_RELEASE);
	spin_lock(&sched.lock);
	pidle_put(pp);
	spin_unlock(&sched.lock);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	bool fired = false, woken = true;
	while (__atomic_load_n(&pp->idle, __ATOMIC_ACQUIRE) && !__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		bool watched;
		uint64_t w = watch_arm(pp, &watched);
		if (w <= now()) {
			spin_lock(&sched.lock);
			pidle_remove(pp);
			spin_unlock(&sched.lock);
			fired = watched;
			woken = false;
			break;
		}
		wfi(pp->id, w);
	}
	watch_leave(pp, fired);
	run_due(pp, fired);
	if (fired)
		watch_handover(pp);
	return woken;
}

/*
 * Busy (woken by wakep): a few timer operations with interrupts open, as a
 * task does (add a timer and cover it; delete the earliest, which leaves
 * watch_when stale and early), then interrupts masked: with a timer, until
 * another core has run it; without one, until the driver lets us go.
 */
static void go_busy(struct p *pp, unsigned *seed)
{
	/* Left idle holding a timer: execute() covers it (timers_unwatched). */
	if (timers_when(pp) != NEVER)
		timer_cover(pp);
	for (int k = rand_r(seed) % 4; k > 0; k--) {
		if (rand_r(seed) % 3) {
			uint64_t t = now() + rand_r(seed) % 40; /* may be due already */
			if (t < timers_when(pp))
				__atomic_store_n(&pp->timers.when0, t, __ATOMIC_RELEASE);
			timer_cover(pp);
		} else {
			__atomic_store_n(&pp->timers.when0, NEVER, __ATOMIC_RELEASE);
		}
		sched_yield();
	}
	pthread_mutex_lock(&m);
	state[pp->id] = MASKED;
	masked_timer[pp->id] = timers_when(pp) != NEVER;
	pthread_cond_broadcast(&cv);
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED) &&
	       (masked_timer[pp->id] ? timers_when(pp) != NEVER : !poked[pp->id]))
		pthread_cond_wait(&cv, &m);
	poked[pp->id] = 0;
	state[pp->id] = RUNNING;
	pthread_mutex_unlock(&m);
}

static void *core(void *arg)
{
	self = &allp[(long)arg];
	unsigned seed = (unsigned)(long)arg * 7919u + 1;
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED))
		if (go_idle(self, &seed))
			go_busy(self, &seed);
	return NULL;
}

/* m held: every core waits, and nothing it waits for has happened. */
static bool quiescent(void)
{
	for (int i = 0; i < CORES; i++)
		if (state[i] == RUNNING || (state[i] == IN_WFI && (poked[i] || vnow >= armed[i])) ||
		    (state[i] == MASKED && (masked_timer[i] ? timers_when(&allp[i]) == NEVER : poked[i])))
			return false;
	return true;
}

/*
 * m held, at quiescence: the claim. False (and says why) if a masked core's
 * timer has no idle core armed at or before it.
 */
static bool every_timer_watched(int *nwfi)
{
	uint64_t soonest_armed = NEVER;
	*nwfi = 0;
	for (int i = 0; i < CORES; i++)
		if (state[i] == IN_WFI) {
			++*nwfi;
			if (armed[i] < soonest_armed)
				soonest_armed = armed[i];
		}
	for (int i = 0; i < CORES; i++) {
		uint64_t w = timers_when(&allp[i]);
		if (state[i] == MASKED && w < soonest_armed) {
			printf("  at %lu: P%d's timer at %lu, but the first idle core is armed for %lu"
			       " (watcher %d, watch_when %lu)\n", (unsigned long)vnow, i, (unsigned long)w,
			       (unsigned long)soonest_armed, sched.watcher, (unsigned long)sched.watch_when);
			return false;
		}
	}
	return true;
}

/* m held: wakep on a random idle core in WFI (the watcher too: Go's
 * wakep takes any idle P, and a pinned task's wake-up takes its own). */
static void wake_one(unsigned *seed)
{
	int pick[CORES], n = 0;
	for (int i = 0; i < CORES; i++)
		if (state[i] == IN_WFI)
			pick[n++] = i;
	int id = pick[rand_r(seed) % n];
	spin_lock(&sched.lock);
	pidle_remove(&allp[id]);
	spin_unlock(&sched.lock);
	poked[id] = 1;
}

/* m held: lets a core masked without a timer go, if there is one. */
static bool release_one(unsigned *seed)
{
	int pick[CORES], n = 0;
	for (int i = 0; i < CORES; i++)
		if (state[i] == MASKED && !masked_timer[i])
			pick[n++] = i;
	if (n)
		poked[pick[rand_r(seed) % n]] = 1;
	return n;
}

/*
 * m held, at quiescence: what happens next. Wake an idle core, let a
 * masked one go, move the clock to the first armed deadline, or wake one
 * and move the clock at once (a watcher re-arming while a core adds a
 * timer). One core always stays idle: with every core masked nobody can
 * run a timer, by design.
 */
static bool step(unsigned *seed, int nwfi, long *wakes)
{
	uint64_t next = NEVER;
	for (int i = 0; i < CORES; i++)
		if (state[i] == IN_WFI && armed[i] < next)
			next = armed[i];
	int r = rand_r(seed) % 4;
	bool acted = false;
	if (nwfi >= 2 && (r == 0 || r == 3)) {
		wake_one(seed);
		++*wakes;
		acted = true;
	}
	if (r == 1)
		acted = release_one(seed);
	if ((r >= 2 || !acted) && next != NEVER) {
		vnow = next;
		acted = true;
	}
	if (!acted && nwfi >= 2) {
		wake_one(seed);
		++*wakes;
		acted = true;
	}
	if (!acted)
		acted = release_one(seed);
	if (!acted)
		printf("  at %lu: every core waits, none is armed\n", (unsigned long)vnow);
	return acted;
}

static void no_timer_goes_unwatched(void)
{
	pthread_t t[CORES];
	for (int i = 0; i < CORES; i++) {
		allp[i].id = i;
		allp[i].timers.when0 = NEVER;
	}
	for (long i = 0; i < CORES; i++)
		pthread_create(&t[i], NULL, core, (void *)i);
	unsigned seed = 12345;
	long steps = 0, wakes = 0;
	bool ok = true;
	pthread_mutex_lock(&m);
	while (fires < FIRES && ok) {
		while (!quiescent())
			pthread_cond_wait(&cv, &m);
		int nwfi;
		ok = every_timer_watched(&nwfi);
		steps++;
		if (ok)
			ok = step(&seed, nwfi, &wakes);
		pthread_cond_broadcast(&cv);
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&m);
	for (int i = 0; i < CORES; i++)
		pthread_join(t[i], NULL);
	printf("  %ld masked cores' timers run by a watcher, %ld idle cores' own;"
	       " %ld quiescent points, %ld wake-ups, virtual time %lu\n",
	       fires, own_fires, steps, wakes, (unsigned long)vnow);
	CHECK(ok);
	CHECK(fires >= FIRES);
}

int main(void)
{
	RUN(no_timer_goes_unwatched);
	return 0;
}
