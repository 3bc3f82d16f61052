/*
 * The timer pairing heap (sched/timerheap.c) against a plain reference:
 * random inserts, pops and removals of arbitrary timers, checking after
 * each pop that it is the earliest (FIFO among equal deadlines).
 */
#include "check.h"
#include <sched/timer.h>
#include <stdlib.h>
#include <string.h>

#define N 2000

static struct timer t[N];
static int queued[N];

static uint64_t rnd(void)
{
	static uint64_t x = 88172645463325252ull;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return x;
}

/* The earliest queued timer by (when, insertion order), or -1. */
static int ref_min(void)
{
	int best = -1;
	for (int i = 0; i < N; i++)
		if (queued[i] && (best < 0 || t[i].when < t[best].when ||
				  (t[i].when == t[best].when && t[i].seq < t[best].seq)))
			best = i;
	return best;
}

static void heap_matches_reference_under_random_operations(void)
{
	struct timerheap h = {0};
	int n = 0;
	for (int step = 0; step < 200000; step++) {
		int op = (int)(rnd() % 10);
		int i = (int)(rnd() % N);
		if (op < 5 && !queued[i]) {
			t[i].when = rnd() % 64; /* many equal deadlines */
			t[i].seq = (uint64_t)step; /* insertion order */
			theap_insert(&h, &t[i]);
			queued[i] = 1;
			n++;
		} else if (op < 8) {
			int want = ref_min();
			struct timer *got = theap_pop(&h);
			CHECK(want < 0 ? got == NULL : got == &t[want]);
			if (got) {
				queued[got - t] = 0;
				n--;
			}
		} else if (queued[i]) {
			theap_remove(&h, &t[i]);
			queued[i] = 0;
			n--;
		}
		CHECK(h.n == n);
		if (check_failed)
			return;
	}
	while (n) { /* drains in order */
		int want = ref_min();
		CHECK(theap_pop(&h) == &t[want]);
		queued[want] = 0;
		n--;
	}
	CHECK(theap_pop(&h) == NULL && h.root == NULL);
}

static void removing_the_root_and_leaves_keeps_order(void)
{
	struct timerheap h = {0};
	struct timer a[8];
	memset(a, 0, sizeof(a));
	for (int i = 0; i < 8; i++) {
		a[i].when = (uint64_t)(8 - i);
		a[i].seq = (uint64_t)i;
		theap_insert(&h, &a[i]);
	}
	theap_remove(&h, &a[7]); /* when 1: the root */
	theap_remove(&h, &a[0]); /* when 8: the last */
	theap_remove(&h, &a[3]); /* when 5: in the middle */
	uint64_t want[] = {2, 3, 4, 6, 7};
	for (int i = 0; i < 5; i++) {
		struct timer *x = theap_pop(&h);
		CHECK(x && x->when == want[i]);
	}
	CHECK(theap_pop(&h) == NULL);
}

int main(void)
{
	RUN(heap_matches_reference_under_random_operations);
	RUN(removing_the_root_and_leaves_keeps_order);
	return 0;
}
