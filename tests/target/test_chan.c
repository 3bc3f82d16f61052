/*
 * Channels: Go's classic channel programs (written here from scratch) and
 * the semantics the language spec promises. select and go_after:
 * test_select.c.
 *
 * Where a test needs tasks to be blocked before it acts, it pins them and
 * itself to one core and yields: the pinned list is FIFO, so each spawned
 * task has run until it blocked by the time the test runs again. Nothing
 * here depends on timing.
 */
#include "ktest.h"
#include <gometal.h>
#include <sched/sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MS 1000000ull

/* --- basics --- */

TEST(chan, len_cap_and_buffered_fifo)
{
	chan_t *c = chan_make(sizeof(int), 8);
	CHECK(c);
	CHECK_EQ(chan_cap(c), 8);
	for (int i = 0; i < 8; i++)
		chan_send(c, &i);
	CHECK_EQ(chan_len(c), 8);
	int v = 99;
	chan_case_t full = {.ch = c, .op = CHAN_SEND, .elem = &v};
	CHECK_EQ(chan_select(&full, 1, false), -1); /* would block */
	for (int i = 0; i < 8; i++) {
		CHECK(chan_recv(c, &v));
		CHECK_EQ(v, i);
	}
	CHECK_EQ(chan_len(c), 0);
	CHECK_EQ(chan_len(NULL), 0);
	CHECK_EQ(chan_cap(NULL), 0);
	chan_free(c);
	chan_free(NULL);
}

TEST(chan, huge_make_returns_null)
{
	CHECK(chan_make(1 << 20, (size_t)1 << 50) == NULL);
	CHECK(chan_make(SIZE_MAX / 2, 4) == NULL);
}

struct rv {
	chan_t *c;
	int got;
	uint64_t t;
	waitgroup_t wg;
};

static void late_receiver(void *arg)
{
	struct rv *r = arg;
	go_sleep(5 * MS);
	r->t = go_now();
	chan_recv(r->c, &r->got);
	wg_done(&r->wg);
}

/* An unbuffered send returns only once a receiver has taken the value. */
TEST(chan, unbuffered_send_waits_for_receiver)
{
	struct rv r = {.c = chan_make(sizeof(int), 0)};
	wg_add(&r.wg, 1);
	ktest_go("receiver", -1, late_receiver, &r);
	int v = 4242;
	chan_send(r.c, &v);
	uint64_t sent = go_now();
	CHECK(r.t != 0 && sent >= r.t);
	wg_wait(&r.wg);
	CHECK_EQ(r.got, 4242);
	chan_free(r.c);
}

/* chan struct{}: elem_size 0 works as a signal, buffered or not. */
static void signaller(void *arg)
{
	chan_send(arg, NULL);
}

TEST(chan, zero_size_elements)
{
	chan_t *done = chan_make(0, 0);
	ktest_go("signaller", -1, signaller, done);
	CHECK(chan_recv(done, NULL));
	chan_t *b = chan_make(0, 3);
	for (int i = 0; i < 3; i++)
		chan_send(b, NULL);
	CHECK_EQ(chan_len(b), 3);
	chan_close(b);
	int n = 0;
	while (chan_recv(b, NULL))
		n++;
	CHECK_EQ(n, 3);
	chan_free(done);
	chan_free(b);
}

/* --- arrival order --- */

struct order {
	chan_t *c;
	int idx;
	int got[16];
	waitgroup_t wg;
};

static void order_sender(void *arg)
{
	struct order *o = arg;
	int v = o->idx++;
	chan_send(o->c, &v);
	wg_done(&o->wg);
}

static void order_receiver(void *arg)
{
	struct order *o = arg;
	int me = o->idx++, v = -1;
	chan_recv(o->c, &v);
	o->got[me] = v;
	wg_done(&o->wg);
}

/* Blocked senders, then receivers, are served in the order they came. */
static int served_in_order(size_t cap, bool senders)
{
	go_pin();
	struct order o = {.c = chan_make(sizeof(int), cap)};
	int prefill = senders ? (int)cap : 0;
	for (int i = 0; i < prefill; i++) {
		int v = o.idx++;
		chan_send(o.c, &v);
	}
	int n = 10;
	wg_add(&o.wg, n);
	for (int i = 0; i < n; i++) {
		ktest_wait_blocked(ktest_go(senders ? "sender" : "receiver", go_cpu(),
				   senders ? order_sender : order_receiver, &o));
	}
	int bad = 0;
	for (int i = 0; i < prefill + n && senders; i++) {
		int v = -1;
		chan_recv(o.c, &v);
		bad += v != i;
	}
	for (int i = 0; i < n && !senders; i++)
		chan_send(o.c, &i);
	wg_wait(&o.wg);
	for (int i = 0; i < n && !senders; i++)
		bad += o.got[i] != i;
	chan_free(o.c);
	go_unpin();
	return bad;
}

TEST(chan, blocked_senders_served_in_arrival_order)
{
	CHECK_EQ(served_in_order(0, true), 0);
	CHECK_EQ(served_in_order(3, true), 0); /* buffer first, then the waiters */
}

TEST(chan, blocked_receivers_served_in_arrival_order)
{
	CHECK_EQ(served_in_order(0, false), 0);
	CHECK_EQ(served_in_order(4, false), 0);
}

/* --- close --- */

struct closer {
	chan_t *c;
	int falses, zeroed;
	waitgroup_t wg;
};

static void wait_for_close(void *arg)
{
	struct closer *k = arg;
	long v = 777;
	bool ok = chan_recv(k->c, &v);
	if (!ok)
		__atomic_fetch_add(&k->falses, 1, __ATOMIC_RELAXED);
	if (v == 0)
		__atomic_fetch_add(&k->zeroed, 1, __ATOMIC_RELAXED);
	wg_done(&k->wg);
}

/* Some blocked on this core for sure, others anywhere: all see the close. */
TEST(chan, close_wakes_every_blocked_receiver)
{
	go_pin();
	struct closer k = {.c = chan_make(sizeof(long), 0)};
	int n = 60;
	wg_add(&k.wg, n);
	long last = 0;
	for (int i = 0; i < n; i++) {
		long id = ktest_go("receiver", i < n / 2 ? go_cpu() : -1, wait_for_close, &k);
		if (i < n / 2)
			last = id;
	}
	ktest_wait_blocked(last); /* the pinned half is blocked now (FIFO) */
	chan_close(k.c);
	wg_wait(&k.wg);
	CHECK_EQ(k.falses, n);
	CHECK_EQ(k.zeroed, n);
	long v = 5;
	CHECK(!chan_recv(k.c, &v));
	CHECK_EQ(v, 0);
	chan_free(k.c);
	go_unpin();
}

TEST(chan, closed_buffered_channel_drains_first)
{
	chan_t *c = chan_make(sizeof(int), 4);
	for (int i = 1; i <= 3; i++)
		chan_send(c, &i);
	chan_close(c);
	int v, sum = 0, n = 0;
	while (chan_recv(c, &v)) {
		sum += v;
		n++;
	}
	CHECK_EQ(n, 3);
	CHECK_EQ(sum, 6);
	CHECK_EQ(v, 0);
	chan_free(c);
}

/* --- the concurrent prime sieve --- */

struct sieve {
	chan_t *in, *out, *quit;
	int prime;
	waitgroup_t *wg;
};

/* Sends 2, 3, 4, ... until quit is closed; then closes its output. */
static void generate(void *arg)
{
	struct sieve *s = arg;
	for (int i = 2;; i++) {
		chan_case_t cases[2] = {{.ch = s->out, .op = CHAN_SEND, .elem = &i},
					{.ch = s->quit, .op = CHAN_RECV}};
		if (chan_select(cases, 2, true) == 1)
			break;
	}
	chan_close(s->out);
	wg_done(s->wg);
}

/* Passes on what its prime does not divide; closes downstream when its
 * input closes, so the whole chain unwinds. */
static void filter(void *arg)
{
	struct sieve *s = arg;
	int v;
	while (chan_recv(s->in, &v))
		if (v % s->prime)
			chan_send(s->out, &v);
	chan_close(s->out);
	wg_done(s->wg);
}

#define NPRIMES 1000

TEST(chan, prime_sieve_first_1000)
{
	static struct sieve st[NPRIMES + 1];
	static chan_t *chans[NPRIMES + 1];
	waitgroup_t wg = {0};
	chan_t *quit = chan_make(0, 0);
	chans[0] = chan_make(sizeof(int), 0);
	st[0] = (struct sieve){.out = chans[0], .quit = quit, .wg = &wg};
	wg_add(&wg, 1);
	ktest_go("generate", -1, generate, &st[0]);
	long sum = 0;
	int p = 0;
	chan_t *ch = chans[0];
	for (int i = 0; i < NPRIMES; i++) {
		CHECK(chan_recv(ch, &p));
		sum += p;
		chans[i + 1] = chan_make(sizeof(int), 0);
		CHECK(chans[i + 1]);
		st[i + 1] = (struct sieve){.in = ch, .out = chans[i + 1], .prime = p, .wg = &wg};
		wg_add(&wg, 1);
		ktest_go("filter", -1, filter, &st[i + 1]);
		ch = chans[i + 1];
	}
	CHECK_EQ(p, 7919);
	CHECK_EQ(sum, 3682913);
	/* Unwind: the generator stops, each filter closes the next. */
	chan_close(quit);
	int v;
	while (chan_recv(ch, &v))
		;
	wg_wait(&wg);
	for (int i = 0; i <= NPRIMES; i++)
		chan_free(chans[i]);
	chan_free(quit);
}

/* --- daisy chain --- */

struct link {
	chan_t *left, *right;
};

static void whisper(void *arg)
{
	struct link *l = arg;
	int v;
	chan_recv(l->right, &v);
	v++;
	chan_send(l->left, &v);
}

#define CHAIN 10000

TEST(chan, daisy_chain_of_10000_tasks)
{
	static chan_t *c[CHAIN + 1];
	static struct link links[CHAIN];
	for (int i = 0; i <= CHAIN; i++) {
		c[i] = chan_make(sizeof(int), 0);
		CHECK(c[i]);
	}
	for (int i = 0; i < CHAIN; i++) {
		links[i] = (struct link){.left = c[i], .right = c[i + 1]};
		ktest_go("whisper", -1, whisper, &links[i]);
	}
	int v = 1;
	chan_send(c[CHAIN], &v);
	CHECK(chan_recv(c[0], &v));
	CHECK_EQ(v, CHAIN + 1);
	for (int i = 0; i <= CHAIN; i++)
		chan_free(c[i]);
}

/* --- fork-join matrix multiply --- */

#define MM 48

static double ma[MM][MM], mb[MM][MM], mc[MM][MM], serial[MM][MM];

struct row {
	int i;
	chan_t *done;
};

static void mul_row(int i, double out[MM])
{
	for (int j = 0; j < MM; j++) {
		double s = 0;
		for (int k = 0; k < MM; k++)
			s += ma[i][k] * mb[k][j];
		out[j] = s;
	}
}

static void row_task(void *arg)
{
	struct row *r = arg;
	mul_row(r->i, mc[r->i]);
	chan_send(r->done, &r->i);
}

TEST(chan, fork_join_matrix_multiply)
{
	for (int i = 0; i < MM; i++)
		for (int j = 0; j < MM; j++) {
			ma[i][j] = (i * 7 + j * 3) % 11 - 5 + 0.25 * (i % 3);
			mb[i][j] = (i * 5 + j * 13) % 9 - 4 + 0.5 * (j % 2);
			mc[i][j] = -1;
		}
	for (int i = 0; i < MM; i++)
		mul_row(i, serial[i]);
	static struct row rows[MM];
	chan_t *done = chan_make(sizeof(int), 0);
	for (int i = 0; i < MM; i++) {
		rows[i] = (struct row){.i = i, .done = done};
		ktest_go("row", -1, row_task, &rows[i]);
	}
	int seen = 0;
	for (int n = 0; n < MM; n++) {
		int i;
		chan_recv(done, &i);
		seen++;
	}
	CHECK_EQ(seen, MM);
	CHECK(memcmp(mc, serial, sizeof(mc)) == 0); /* same order of sums: bit-identical */
	chan_free(done);
}

/* --- preemption mid-operation --- */

struct pc {
	chan_t *c;
	long sum;
	waitgroup_t prod, cons;
};

static void producer(void *arg)
{
	struct pc *p = arg;
	for (int i = 1; i <= 20000; i++)
		chan_send(p->c, &i);
	wg_done(&p->prod);
}

static void consumer(void *arg)
{
	struct pc *p = arg;
	int v;
	long s = 0;
	while (chan_recv(p->c, &v))
		s += v;
	__atomic_fetch_add(&p->sum, s, __ATOMIC_RELAXED);
	wg_done(&p->cons);
}

/* Producers and consumers on every core, each channel operation liable to
 * be preempted (the suites run this at a 50 us quantum too). */
TEST(chan, many_producers_consumers_lose_nothing)
{
	struct pc p = {.c = chan_make(sizeof(int), 3)};
	int np = 4, nc = 4;
	wg_add(&p.prod, np);
	wg_add(&p.cons, nc);
	for (int i = 0; i < np; i++)
		ktest_go("producer", -1, producer, &p);
	for (int i = 0; i < nc; i++)
		ktest_go("consumer", -1, consumer, &p);
	wg_wait(&p.prod);
	chan_close(p.c);
	wg_wait(&p.cons);
	CHECK_EQ(p.sum, (long)np * 20000 * 20001 / 2);
	chan_free(p.c);
}

/* --- wait reasons (what the deadlock report and scheddetail show) --- */

static chan_t *wr_chan, *wr_full;
static mutex_t wr_mutex;
static waitgroup_t wr_wg;
static cond_t wr_cond;

static void wr_sleep(void *a) { (void)a; go_sleep(3600ull * 1000 * MS); }
static void wr_recv(void *a) { (void)a; chan_recv(wr_chan, 0); }
static void wr_send(void *a) { (void)a; int v = 0; chan_send(wr_full, &v); }
static void wr_lock(void *a) { (void)a; mutex_lock(&wr_mutex); mutex_unlock(&wr_mutex); }
static void wr_wgwait(void *a) { (void)a; wg_wait(&wr_wg); }
static void wr_select(void *a)
{
	(void)a;
	chan_case_t c[2] = {{.ch = wr_chan, .op = CHAN_RECV}, {.ch = wr_full, .op = CHAN_SEND}};
	chan_select(c, 2, true);
}
static void wr_cond_wait(void *a)
{
	(void)a;
	mutex_t m = {0};
	mutex_lock(&m);
	cond_wait(&wr_cond, &m);
	mutex_unlock(&m);
}

TEST(chan, blocked_tasks_show_their_wait_reason)
{
	static const struct {
		void (*fn)(void *);
		const char *reason;
	} cases[] = {
		{wr_sleep, "sleep"},
		{wr_recv, "chan receive"},
		{wr_send, "chan send"},
		{wr_select, "select"},
		{wr_lock, "sync.Mutex.Lock"},
		{wr_wgwait, "sync.WaitGroup.Wait"},
		{wr_cond_wait, "sync.Cond.Wait"},
	};
	enum { N = sizeof(cases) / sizeof(cases[0]) };
	go_pin();
	wr_chan = chan_make(sizeof(int), 0);
	wr_full = chan_make(sizeof(int), 1);
	int v = 0;
	chan_send(wr_full, &v);
	mutex_lock(&wr_mutex);
	wg_add(&wr_wg, 1);
	long ids[N];
	for (int i = 0; i < N; i++) {
		ids[i] = ktest_go("waiter", go_cpu(), cases[i].fn, 0);
		ktest_wait_blocked(ids[i]);
	}
	int bad = 0;
	for (int i = 0; i < N; i++) {
		const char *why;
		ktest_task_state(ids[i], &why);
		if (strcmp(why, cases[i].reason)) {
			printf("  task %ld waits for \"%s\", not \"%s\"\n", ids[i], why,
			       cases[i].reason);
			bad++;
		}
	}
	/* Release them all; the sleeper is left to its hour (it holds nothing). */
	chan_close(wr_chan);		/* wr_recv, and wr_select's receive */
	chan_recv(wr_full, 0);		/* room for wr_send */
	mutex_unlock(&wr_mutex);
	wg_done(&wr_wg);
	cond_broadcast(&wr_cond);
	for (int i = 1; i < N; i++)
		while (ktest_task_state(ids[i], 0) != G_DEAD)
			go_yield();
	go_unpin();
	CHECK_EQ(bad, 0);
}
