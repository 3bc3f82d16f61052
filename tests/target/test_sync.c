/*
 * sync: Mutex, RWMutex, Once, Cond, semaphores (WaitGroup is used by
 * every other test). Correct under any interleaving; nothing is timed.
 */
#include "ktest.h"
#include <errno.h>
#include <gometal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define US 1000ull
#define MS 1000000ull

/* --- Mutex --- */

TEST(sync, zero_mutex_lock_unlock_trylock)
{
	mutex_t m = {0};
	mutex_lock(&m);
	CHECK(!mutex_trylock(&m));
	mutex_unlock(&m);
	CHECK(mutex_trylock(&m));
	mutex_unlock(&m);
	CHECK_EQ(m.state, 0);
}

struct hammer {
	mutex_t m;
	long value;		/* plain: only under m */
	int inside;		/* tasks inside the critical section: must stay <= 1 */
	int overlap;
	waitgroup_t wg;
};

#define HROUNDS 1500

static void hammer(void *arg)
{
	struct hammer *h = arg;
	for (int i = 0; i < HROUNDS; i++) {
		mutex_lock(&h->m);
		if (__atomic_add_fetch(&h->inside, 1, __ATOMIC_RELAXED) != 1)
			__atomic_fetch_add(&h->overlap, 1, __ATOMIC_RELAXED);
		long v = h->value;
		if (i % 97 == 0)
			go_sleep(20 * US); /* parked while holding it */
		else if (i % 13 == 0)
			go_yield();
		h->value = v + 1;
		__atomic_sub_fetch(&h->inside, 1, __ATOMIC_RELAXED);
		mutex_unlock(&h->m);
	}
	wg_done(&h->wg);
}

/* Tasks on every core, sleeping and yielding inside the critical section. */
TEST(sync, mutex_hammered_from_every_core)
{
	static struct hammer h;
	memset(&h, 0, sizeof(h));
	int n = 2 * go_ncpu() + 2;
	wg_add(&h.wg, n);
	for (int i = 0; i < n; i++)
		ktest_go("hammer", -1, hammer, &h);
	wg_wait(&h.wg);
	CHECK_EQ(h.overlap, 0);
	CHECK_EQ(h.value, (long)n * HROUNDS);
	CHECK_EQ(h.m.state, 0);
}

/*
 * Go's TestMutexFairness: one task keeps re-taking the mutex the moment
 * it lets go (sleeping while it holds it); another wants it 10 times.
 * Without starvation mode the first always wins the race back, since the
 * woken waiter is not running yet; with it, the waiter gets it after
 * about 1 ms, in which greedy (holding it 100 us at a time) takes it about
 * ten times. The check counts those turns, not time: without starvation
 * mode, greedy takes it thousands of times in a row. Both share one core,
 * so the count is stall-proof: on two cores, a host stall of the woken
 * waiter's vCPU would give greedy turns that starvation mode cannot stop
 * (the waiter is runnable, not yet back at the mutex); on one, a stall
 * stops both and only makes the waiter's wait longer, which makes it
 * starve sooner.
 */
struct fair {
	mutex_t m;
	volatile int stop;
	int got;
	long greedy_got;	/* times greedy took it */
	long most_passed;	/* most times greedy took it while modest waited once */
	uint64_t worst;
	waitgroup_t wg;
};

static void greedy(void *arg)
{
	struct fair *f = arg;
	while (!f->stop) {
		mutex_lock(&f->m);
		f->greedy_got++;
		go_sleep(100 * US);
		mutex_unlock(&f->m);
	}
	wg_done(&f->wg);
}

static void modest(void *arg)
{
	struct fair *f = arg;
	for (int i = 0; i < 10; i++) {
		go_sleep(100 * US);
		uint64_t t0 = go_now();
		long g0 = __atomic_load_n(&f->greedy_got, __ATOMIC_RELAXED);
		mutex_lock(&f->m);
		uint64_t w = go_now() - t0;
		if (f->greedy_got - g0 > f->most_passed)
			f->most_passed = f->greedy_got - g0;
		if (w > f->worst)
			f->worst = w;
		f->got++;
		mutex_unlock(&f->m);
	}
	f->stop = 1;
	wg_done(&f->wg);
}

TEST(sync, mutex_starvation_mode_lets_the_waiter_in)
{
	struct fair f = {0};
	wg_add(&f.wg, 2);
	ktest_go("greedy", go_ncpu() - 1, greedy, &f);
	ktest_go("modest", go_ncpu() - 1, modest, &f);
	wg_wait(&f.wg);
	CHECK_EQ(f.got, 10);
	printf("  longest wait for the mutex: %llu us, %ld turns of the greedy task\n",
	       (unsigned long long)f.worst / 1000, f.most_passed);
	CHECK(f.most_passed <= 100);
}

/* --- RWMutex --- */

struct rw {
	rwmutex_t l;
	int readers, writers, max_readers, bad;
	long data;
	waitgroup_t wg;
};

static void rw_worker(void *arg)
{
	struct rw *r = arg;
	for (int i = 0; i < 400; i++) {
		if (i % 8 == 0) {
			rw_lock(&r->l);
			if (__atomic_add_fetch(&r->writers, 1, __ATOMIC_RELAXED) != 1 ||
			    __atomic_load_n(&r->readers, __ATOMIC_RELAXED))
				__atomic_fetch_add(&r->bad, 1, __ATOMIC_RELAXED);
			r->data++;
			if (i % 32 == 0)
				go_yield();
			__atomic_sub_fetch(&r->writers, 1, __ATOMIC_RELAXED);
			rw_unlock(&r->l);
		} else {
			rw_rlock(&r->l);
			int n = __atomic_add_fetch(&r->readers, 1, __ATOMIC_RELAXED);
			if (__atomic_load_n(&r->writers, __ATOMIC_RELAXED))
				__atomic_fetch_add(&r->bad, 1, __ATOMIC_RELAXED);
			int m = __atomic_load_n(&r->max_readers, __ATOMIC_RELAXED);
			while (n > m && !__atomic_compare_exchange_n(&r->max_readers, &m, n, false,
								      __ATOMIC_RELAXED, __ATOMIC_RELAXED))
				;
			if (i % 5 == 0)
				go_sleep(10 * US); /* readers overlap while one sleeps */
			__atomic_sub_fetch(&r->readers, 1, __ATOMIC_RELAXED);
			rw_runlock(&r->l);
		}
	}
	wg_done(&r->wg);
}

TEST(sync, rwmutex_readers_share_writers_exclude)
{
	static struct rw r;
	memset(&r, 0, sizeof(r));
	int n = 8;
	wg_add(&r.wg, n);
	for (int i = 0; i < n; i++)
		ktest_go("rw", -1, rw_worker, &r);
	wg_wait(&r.wg);
	CHECK_EQ(r.bad, 0);
	CHECK_EQ(r.data, (long)n * 400 / 8);
	CHECK(r.max_readers > 1);
	printf("  most readers inside at once: %d\n", r.max_readers);
}

/* --- Once --- */

struct once_arg {
	once_t once;
	int calls;
	int saw_done;
	waitgroup_t wg;
};

static void init_fn(void *arg)
{
	struct once_arg *o = arg;
	go_sleep(2 * MS); /* the others arrive and wait */
	o->calls++;
}

static void once_caller(void *arg)
{
	struct once_arg *o = arg;
	once_do(&o->once, init_fn, o);
	if (o->calls == 1) /* every caller returns after fn has run */
		__atomic_fetch_add(&o->saw_done, 1, __ATOMIC_RELAXED);
	wg_done(&o->wg);
}

TEST(sync, once_runs_exactly_once)
{
	struct once_arg o = {0};
	int n = 50;
	wg_add(&o.wg, n);
	for (int i = 0; i < n; i++)
		ktest_go("once", -1, once_caller, &o);
	wg_wait(&o.wg);
	CHECK_EQ(o.calls, 1);
	CHECK_EQ(o.saw_done, n);
}

/* --- Cond --- */

struct queue {
	mutex_t m;
	cond_t nonempty;
	int items[64], n;
	long consumed;
	bool closed;
	waitgroup_t wg;
};

static void cond_consumer(void *arg)
{
	struct queue *q = arg;
	long sum = 0;
	mutex_lock(&q->m);
	for (;;) {
		while (q->n == 0 && !q->closed)
			cond_wait(&q->nonempty, &q->m);
		if (q->n == 0)
			break;
		sum += q->items[--q->n];
	}
	q->consumed += sum;
	mutex_unlock(&q->m);
	wg_done(&q->wg);
}

/* A producer/consumer queue: signal per item, broadcast at the end. */
TEST(sync, cond_signal_and_broadcast)
{
	static struct queue q;
	memset(&q, 0, sizeof(q));
	int nc = 6;
	wg_add(&q.wg, nc);
	for (int i = 0; i < nc; i++)
		ktest_go("consumer", -1, cond_consumer, &q);
	long want = 0;
	for (int i = 1; i <= 3000; i++) {
		mutex_lock(&q.m);
		while (q.n == 64) {
			mutex_unlock(&q.m);
			go_yield();
			mutex_lock(&q.m);
		}
		q.items[q.n++] = i;
		want += i;
		cond_signal(&q.nonempty);
		mutex_unlock(&q.m);
	}
	mutex_lock(&q.m);
	q.closed = true;
	cond_broadcast(&q.nonempty);
	mutex_unlock(&q.m);
	wg_wait(&q.wg);
	CHECK_EQ(q.consumed, want);
	cond_signal(&q.nonempty); /* nobody waits: nothing happens */
	cond_broadcast(&q.nonempty);
}

/* --- semaphores --- */

struct pool {
	sema_t s;
	int inside, max, bad;
	waitgroup_t wg;
};

static void pool_user(void *arg)
{
	struct pool *p = arg;
	for (int i = 0; i < 20; i++) {
		sema_acquire(&p->s);
		int n = __atomic_add_fetch(&p->inside, 1, __ATOMIC_RELAXED);
		if (n > 3)
			__atomic_fetch_add(&p->bad, 1, __ATOMIC_RELAXED);
		int m = __atomic_load_n(&p->max, __ATOMIC_RELAXED);
		while (n > m && !__atomic_compare_exchange_n(&p->max, &m, n, false, __ATOMIC_RELAXED,
							      __ATOMIC_RELAXED))
			;
		go_sleep(50 * US);
		__atomic_sub_fetch(&p->inside, 1, __ATOMIC_RELAXED);
		sema_release(&p->s);
	}
	wg_done(&p->wg);
}

TEST(sync, semaphore_bounds_concurrency)
{
	struct pool p = {0};
	sema_init(&p.s, 3);
	CHECK(sema_tryacquire(&p.s));
	sema_release(&p.s);
	int n = 12;
	wg_add(&p.wg, n);
	for (int i = 0; i < n; i++)
		ktest_go("pool", -1, pool_user, &p);
	wg_wait(&p.wg);
	CHECK_EQ(p.bad, 0);
	CHECK_EQ(p.max, 3); /* sleepers inside: all three units get used */
	CHECK_EQ(p.s.count, 3);
	sema_t zero = {0};
	CHECK(!sema_tryacquire(&zero));
}

/* --- newlib from hundreds of tasks --- */

struct libc_churn {
	int bad;
	waitgroup_t wg;
};

static void libc_task(void *arg)
{
	struct libc_churn *c = arg;
	long id = go_id();
	errno = (int)id;
	for (int i = 0; i < 20; i++) {
		size_t n = 32 + (size_t)((id * 37 + i * 101) % 3000);
		char *p = malloc(n);
		if (!p) {
			__atomic_fetch_add(&c->bad, 1, __ATOMIC_RELAXED);
			continue;
		}
		int len = snprintf(p, n, "task %ld round %d %.3f %s", id, i, id / 8.0, "x");
		long rid = -1;
		int ri = -1;
		if (len <= 0 || sscanf(p, "task %ld round %d", &rid, &ri) != 2 || rid != id || ri != i)
			__atomic_fetch_add(&c->bad, 1, __ATOMIC_RELAXED);
		if (i % 5 == 0)
			go_yield();
		free(p);
	}
	if (errno != (int)id)
		__atomic_fetch_add(&c->bad, 1, __ATOMIC_RELAXED);
	if (id % 100 == 0)
		printf("  libc task %ld done\n", id);
	wg_done(&c->wg);
}

TEST(sync, newlib_from_hundreds_of_tasks)
{
	struct libc_churn c = {0};
	int n = 400;
	wg_add(&c.wg, n);
	for (int i = 0; i < n; i++)
		ktest_go("libc", -1, libc_task, &c);
	wg_wait(&c.wg);
	CHECK_EQ(c.bad, 0);
}
