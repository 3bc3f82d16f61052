/*
 * select and go_after (Go's select statement and time.After): fairness,
 * nil channels and default, wake-once, lock order, timers racing busy
 * channels. Nothing here depends on timing but go_after's lower bound.
 */
#include "ktest.h"
#include <gometal.h>
#include <stdio.h>

#define MS 1000000ull

/* --- select --- */

TEST(select, picks_ready_cases_uniformly)
{
	chan_t *c[4];
	int counts[4] = {0};
	chan_case_t cases[4];
	int vals[4];
	for (int i = 0; i < 4; i++) {
		c[i] = chan_make(sizeof(int), 1);
		chan_send(c[i], &i);
		cases[i] = (chan_case_t){.ch = c[i], .op = CHAN_RECV, .elem = &vals[i]};
	}
	int n = 100000;
	for (int r = 0; r < n; r++) {
		int k = chan_select(cases, 4, true);
		CHECK(k >= 0 && k < 4);
		CHECK(cases[k].ok && vals[k] == k);
		counts[k]++;
		chan_send(c[k], &k); /* ready again */
	}
	printf("  select choices: %d %d %d %d of %d\n", counts[0], counts[1], counts[2], counts[3],
	       n);
	for (int i = 0; i < 4; i++) {
		CHECK(counts[i] >= n * 20 / 100);
		CHECK(counts[i] <= n * 30 / 100);
		chan_free(c[i]);
	}
}

TEST(select, nil_channels_and_default)
{
	chan_t *c = chan_make(sizeof(int), 1);
	int v = 0;
	chan_case_t nils[2] = {{.ch = NULL, .op = CHAN_RECV, .elem = &v},
			       {.ch = NULL, .op = CHAN_SEND, .elem = &v}};
	CHECK_EQ(chan_select(nils, 2, false), -1);
	CHECK_EQ(chan_select(NULL, 0, false), -1);
	chan_case_t recv_empty = {.ch = c, .op = CHAN_RECV, .elem = &v};
	CHECK_EQ(chan_select(&recv_empty, 1, false), -1);
	/* A nil case beside a ready one: the ready one, every time. */
	v = 31;
	chan_case_t mix[3] = {{.ch = NULL, .op = CHAN_RECV, .elem = &v},
			      {.ch = c, .op = CHAN_SEND, .elem = &v},
			      {.ch = NULL, .op = CHAN_SEND, .elem = &v}};
	for (int i = 0; i < 20; i++) {
		CHECK_EQ(chan_select(mix, 3, true), 1);
		int w = 0;
		CHECK(chan_recv(c, &w));
		CHECK_EQ(w, 31);
	}
	/* Send on a full channel: default. Receive on a closed one: ok false. */
	chan_send(c, &v);
	CHECK_EQ(chan_select(&mix[1], 1, false), -1);
	chan_close(c);
	v = 9;
	recv_empty.ok = true;
	CHECK_EQ(chan_select(&recv_empty, 1, false), 0); /* the buffered value */
	CHECK(recv_empty.ok && v == 31);
	CHECK_EQ(chan_select(&recv_empty, 1, true), 0);
	CHECK(!recv_empty.ok && v == 0);
	chan_free(c);
}

struct selw {
	chan_t *a, *b;
	int which, val;
	bool ok;
	waitgroup_t wg;
};

static void select_two(void *arg)
{
	struct selw *s = arg;
	int va = -1, vb = -1;
	chan_case_t cases[2] = {{.ch = s->a, .op = CHAN_RECV, .elem = &va},
				{.ch = s->b, .op = CHAN_RECV, .elem = &vb}};
	s->which = chan_select(cases, 2, true);
	s->val = s->which == 0 ? va : vb;
	s->ok = cases[s->which].ok;
	wg_done(&s->wg);
}

/* A blocked select is woken once, by one case, and leaves no waiter behind
 * on the other channel. */
TEST(select, blocked_select_wakes_once_and_cleans_up)
{
	go_pin();
	struct selw s = {.a = chan_make(sizeof(int), 0), .b = chan_make(sizeof(int), 0)};
	wg_add(&s.wg, 1);
	ktest_wait_blocked(ktest_go("selector", go_cpu(), select_two, &s)); /* on both */
	int v = 17;
	chan_send(s.b, &v);
	wg_wait(&s.wg);
	CHECK_EQ(s.which, 1);
	CHECK_EQ(s.val, 17);
	CHECK(s.ok);
	chan_case_t try_a = {.ch = s.a, .op = CHAN_SEND, .elem = &v};
	CHECK_EQ(chan_select(&try_a, 1, false), -1); /* no receiver left on a */
	/* Woken by a close instead. */
	wg_add(&s.wg, 1);
	ktest_wait_blocked(ktest_go("selector", go_cpu(), select_two, &s));
	chan_close(s.a);
	wg_wait(&s.wg);
	CHECK_EQ(s.which, 0);
	CHECK(!s.ok);
	CHECK_EQ(s.val, 0);
	chan_free(s.a);
	chan_free(s.b);
	go_unpin();
}

/*
 * Selects over the same channels listed in opposite orders, on every
 * core, both sending and receiving: no deadlock, nothing lost or doubled.
 * The workers run until quit closes (a fixed count each could leave the
 * last one waiting for a partner that has finished).
 */
#define XROUNDS 20000

struct cross {
	chan_t *c[2], *quit;
	long sent, received, rounds;
	waitgroup_t wg;
};

static void cross_worker(void *arg)
{
	struct cross *x = arg;
	int flip = (int)(go_id() & 1);
	long sent = 0, received = 0;
	for (int r = 0;; r++) {
		int out = (int)go_id(), in0 = 0, in1 = 0;
		chan_case_t cases[4] = {
			{.ch = x->c[flip], .op = CHAN_RECV, .elem = &in0},
			{.ch = x->c[!flip], .op = CHAN_SEND, .elem = &out},
			{.ch = x->c[!flip], .op = CHAN_RECV, .elem = &in1},
			{.ch = x->quit, .op = CHAN_RECV},
		};
		int k = chan_select(cases, 4, true);
		if (k == 3)
			break;
		if (k == 1)
			sent += out;
		else
			received += k == 0 ? in0 : in1;
		__atomic_fetch_add(&x->rounds, 1, __ATOMIC_RELAXED);
		if ((r & 63) == 0)
			go_yield();
	}
	__atomic_fetch_add(&x->sent, sent, __ATOMIC_RELAXED);
	__atomic_fetch_add(&x->received, received, __ATOMIC_RELAXED);
	wg_done(&x->wg);
}

TEST(select, opposite_order_selects_do_not_deadlock)
{
	struct cross x = {.c = {chan_make(sizeof(int), 0), chan_make(sizeof(int), 2)},
			  .quit = chan_make(0, 0)};
	int n = 8;
	wg_add(&x.wg, n);
	for (int i = 0; i < n; i++)
		ktest_go("cross", -1, cross_worker, &x);
	while (__atomic_load_n(&x.rounds, __ATOMIC_RELAXED) < XROUNDS)
		go_sleep(MS);
	chan_close(x.quit);
	wg_wait(&x.wg);
	/* Whatever is still buffered was sent and not received. */
	int v;
	long left = 0;
	while (chan_len(x.c[1]) && chan_recv(x.c[1], &v))
		left += v;
	CHECK_EQ(x.sent, x.received + left);
	chan_free(x.c[0]);
	chan_free(x.c[1]);
	chan_free(x.quit);
}

/* --- go_after --- */

struct busy {
	chan_t *c;
	volatile int stop;
	waitgroup_t wg;
};

static void flood(void *arg)
{
	struct busy *b = arg;
	int v = 1;
	while (!b->stop) {
		chan_case_t cases[1] = {{.ch = b->c, .op = CHAN_SEND, .elem = &v}};
		chan_select(cases, 1, false);
		go_yield();
	}
	wg_done(&b->wg);
}

/*
 * A select over a channel that is always ready and a go_after timer: the
 * timer still wins eventually, and not before its time (stall-proof).
 * Exact: the channel was taken first at least once (measured under icount:
 * 11229 times); without icount a host stall of 20 ms between go_after and
 * the first select can leave the timer ready first.
 */
TEST(select, go_after_races_a_busy_channel)
{
	struct busy b = {.c = chan_make(sizeof(int), 1)};
	wg_add(&b.wg, 1);
	ktest_go("flood", -1, flood, &b);
	uint64_t t0 = go_now();
	chan_t *after = go_after(20 * MS);
	CHECK(after);
	uint64_t fired = 0;
	int v, busy = 0;
	for (;;) {
		chan_case_t cases[2] = {{.ch = b.c, .op = CHAN_RECV, .elem = &v},
					{.ch = after, .op = CHAN_RECV, .elem = &fired}};
		if (chan_select(cases, 2, true) == 1)
			break;
		busy++;
	}
	b.stop = 1;
	printf("  go_after fired after %llu us, %d busy receives first\n",
	       (unsigned long long)(fired - t0) / 1000, busy);
	CHECK(fired >= t0 + 20 * MS);
	if (ktest_exact_time())
		CHECK(busy > 0);
	wg_wait(&b.wg); /* flood sees stop (it never blocks) */
	chan_free(after);
	chan_free(b.c);
}

TEST(select, go_after_freed_before_it_fires)
{
	for (int i = 0; i < 50; i++)
		chan_free(go_after(i % 2 ? 1000 * MS : 0));
	/* t0 before go_after: a host stall between the two could let the
	 * timer fire first, and its time would then precede a later t0. */
	uint64_t v = 0, t0 = go_now();
	chan_t *t = go_after(2 * MS);
	CHECK(chan_recv(t, &v));
	CHECK(v >= t0 + 2 * MS);
	chan_free(t);
}
