/*
 * sched/runq.c, the same file the kernel uses, under host threads and
 * ThreadSanitizer: every thread owns a queue; thread 0 produces tasks
 * (into the ring and through runnext), every thread takes from its own
 * queue or steals from the others, spills go to a locked global list that
 * everyone drains. Every task must be taken exactly once.
 */
#include "check.h"
#include <pthread.h>
#include <sched/runq.h>
#include <sched.h>
#include <stdlib.h>
#include <time.h>

#define THREADS 4
#define TASKS 1000000

struct g {
	int id;
	struct g *link;
};

static struct g *tasks;
static int *taken;
static struct runq q[THREADS];
static long consumed;		/* atomic */
static pthread_mutex_t glock = PTHREAD_MUTEX_INITIALIZER;
static struct g *global;	/* protected by glock */
static long steals, spills;	/* atomic, for the report */

static void take(struct g *g)
{
	__atomic_fetch_add(&taken[g->id], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&consumed, 1, __ATOMIC_RELAXED);
}

static void spill_to_global(struct runq_spill *s)
{
	pthread_mutex_lock(&glock);
	for (int i = 0; i < s->n; i++) {
		s->g[i]->link = global;
		global = s->g[i];
	}
	pthread_mutex_unlock(&glock);
	__atomic_fetch_add(&spills, 1, __ATOMIC_RELAXED);
}

static struct g *from_global(void)
{
	pthread_mutex_lock(&glock);
	struct g *g = global;
	if (g)
		global = g->link;
	pthread_mutex_unlock(&glock);
	return g;
}

/* One round of a consumer: own queue, else global, else steal. */
static void consume(int me, unsigned *seed)
{
	bool inherit;
	struct g *g = runq_get(&q[me], &inherit);
	if (!g)
		g = from_global();
	if (!g) {
		int victim = (int)(rand_r(seed) % THREADS);
		if (victim != me) {
			/* runnext: never, whatever it holds, or the word seen
			 * a moment ago (steal_work's grace) */
			unsigned how = rand_r(seed) % 8;
			uintptr_t next = how < 5 ? 0 : how == 5 ? RUNQ_NEXT_ANY
						 : runq_next_word(&q[victim]);
			g = runq_steal(&q[me], &q[victim], next);
			if (g)
				__atomic_fetch_add(&steals, 1, __ATOMIC_RELAXED);
		}
	}
	if (g)
		take(g);
}

/* Thread 0 puts n tasks, taking none, keeping runnext free or not. */
static void produce(int n, int *produced, unsigned *seed, bool use_next)
{
	struct runq_spill spill;
	for (int i = 0; i < n; i++) {
		struct g *g = &tasks[(*produced)++];
		unsigned how = use_next ? rand_r(seed) % 6 : 5;
		/* ready_put's way: runnext if empty, else as put(next) */
		if (how == 0 && runq_put_next_if_empty(&q[0], g))
			continue;
		if (!runq_put(&q[0], g, how < 2, &spill))
			spill_to_global(&spill);
	}
}

/*
 * Thread 0 offers the last HOLD tasks only when all others are taken, and
 * then takes none itself until the thieves have emptied its queue: the run
 * steals whatever the host's scheduling (a loaded host once gave a run with
 * no steal at all). Stall-proof: it waits for progress, not for a time;
 * HANG_S only turns a broken steal into a failure instead of a hang.
 */
#define HOLD 64
#define HANG_S 60
static bool thieves_emptied_q0;

static void offer_to_thieves(int *produced, unsigned *seed)
{
	while (__atomic_load_n(&consumed, __ATOMIC_RELAXED) < TASKS - HOLD)
		consume(0, seed);
	produce(HOLD, produced, seed, false);
	time_t end = time(NULL) + HANG_S;
	while (!runq_empty(&q[0]) && time(NULL) < end)
		sched_yield();
	thieves_emptied_q0 = runq_empty(&q[0]);
}

static int started;	/* atomic: thread 0 has overfilled its ring */

static void *worker(void *arg)
{
	int me = (int)(long)arg;
	unsigned seed = (unsigned)me * 7919u + 1;
	int produced = 0;
	if (me == 0) {
		/* One more than the ring holds before anyone takes: a spill
		 * every run, whatever the host's scheduling. */
		produce(RUNQ_SIZE + 1, &produced, &seed, false);
		__atomic_store_n(&started, 1, __ATOMIC_RELEASE);
	}
	while (!__atomic_load_n(&started, __ATOMIC_ACQUIRE))
		sched_yield();
	while (__atomic_load_n(&consumed, __ATOMIC_RELAXED) < TASKS) {
		if (me == 0 && produced < TASKS - HOLD) {
			/* Bursts of puts, so the ring fills and spills too. */
			int burst = (int)(rand_r(&seed) % 300);
			if (burst > TASKS - HOLD - produced)
				burst = TASKS - HOLD - produced;
			produce(burst, &produced, &seed, true);
		} else if (me == 0 && produced < TASKS) {
			offer_to_thieves(&produced, &seed);
		}
		consume(me, &seed);
	}
	return NULL;
}

static void runq_every_task_taken_exactly_once(void)
{
	tasks = calloc(TASKS, sizeof(*tasks));
	taken = calloc(TASKS, sizeof(*taken));
	for (int i = 0; i < TASKS; i++)
		tasks[i].id = i;
	pthread_t t[THREADS];
	for (long i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, worker, (void *)i);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	int bad = 0;
	for (int i = 0; i < TASKS; i++)
		bad += taken[i] != 1;
	printf("  %d tasks, %ld steals, %ld spills, %d taken other than once\n", TASKS, steals,
	       spills, bad);
	CHECK(bad == 0);
	CHECK(consumed == TASKS);
	CHECK(thieves_emptied_q0);
	CHECK(steals > 0 && spills > 0);
	for (int i = 0; i < THREADS; i++)
		CHECK(runq_empty(&q[i]));
	free(tasks);
	free(taken);
}

static void runq_put_get_order(void)
{
	static struct runq r;
	static struct g gs[4];
	struct runq_spill spill;
	bool inherit;
	runq_put(&r, &gs[0], false, &spill);
	runq_put(&r, &gs[1], false, &spill);
	runq_put(&r, &gs[2], true, &spill);
	runq_put(&r, &gs[3], true, &spill); /* kicks gs[2] to the tail */
	CHECK(runq_get(&r, &inherit) == &gs[3] && inherit);
	CHECK(runq_get(&r, &inherit) == &gs[0] && !inherit);
	CHECK(runq_get(&r, &inherit) == &gs[1]);
	CHECK(runq_get(&r, &inherit) == &gs[2]);
	CHECK(runq_get(&r, &inherit) == NULL);
}

static void runq_full_ring_spills_half_plus_one(void)
{
	static struct runq r;
	static struct g gs[RUNQ_SIZE + 1];
	struct runq_spill spill;
	for (int i = 0; i < RUNQ_SIZE; i++)
		CHECK(runq_put(&r, &gs[i], false, &spill));
	CHECK(!runq_put(&r, &gs[RUNQ_SIZE], false, &spill));
	CHECK(spill.n == RUNQ_SIZE / 2 + 1);
	CHECK(spill.g[0] == &gs[0] && spill.g[spill.n - 1] == &gs[RUNQ_SIZE]);
	CHECK(runq_len(&r) == RUNQ_SIZE / 2);
}

static void runq_steal_takes_half(void)
{
	static struct runq a, b;
	static struct g gs[100];
	struct runq_spill spill;
	for (int i = 0; i < 100; i++)
		runq_put(&a, &gs[i], false, &spill);
	struct g *g = runq_steal(&b, &a, false);
	CHECK(g == &gs[49]);			/* the last of the 50 taken */
	CHECK(runq_len(&a) == 50 && runq_len(&b) == 49);
	static struct runq c, d;
	runq_put(&c, &gs[0], true, &spill);	/* only runnext */
	CHECK(runq_steal(&d, &c, 0) == NULL);
	CHECK(runq_steal(&d, &c, RUNQ_NEXT_ANY) == &gs[0]);
}

/* A thief that saw one readying of a task in runnext takes that one only:
 * not the same task readied again after its owner ran it (ABA). */
static void runq_steal_takes_only_the_readying_it_saw(void)
{
	static struct runq a, b;
	static struct g gs[2];
	struct runq_spill spill;
	bool inherit;
	CHECK(runq_put_next_if_empty(&a, &gs[0]));
	uintptr_t seen = runq_next_word(&a);
	CHECK(runq_next_task(seen) == &gs[0]);
	CHECK(runq_get(&a, &inherit) == &gs[0] && inherit); /* the owner runs it */
	CHECK(runq_put_next_if_empty(&a, &gs[0]));	     /* and it is readied again */
	CHECK(runq_next_word(&a) != seen);
	CHECK(runq_steal(&b, &a, seen) == NULL);
	CHECK(runq_next_task(runq_next_word(&a)) == &gs[0]);
	seen = runq_next_word(&a);
	runq_put(&a, &gs[1], true, &spill); /* runnext: gs[1]; gs[0] to the ring */
	CHECK(runq_steal(&b, &a, seen) == &gs[0]); /* the ring's, not runnext */
	CHECK(runq_steal(&b, &a, seen) == NULL);
	CHECK(runq_steal(&b, &a, runq_next_word(&a)) == &gs[1]);
	CHECK(runq_empty(&a));
}

int main(void)
{
	RUN(runq_put_get_order);
	RUN(runq_full_ring_spills_half_plus_one);
	RUN(runq_steal_takes_half);
	RUN(runq_steal_takes_only_the_readying_it_saw);
	RUN(runq_every_task_taken_exactly_once);
	return 0;
}
