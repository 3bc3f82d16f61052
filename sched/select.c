/*
 * select (Go's runtime/select.go selectgo).
 *
 * 1. Poll order: the cases with a channel, in a random permutation, so
 *    that among ready cases each is chosen with equal probability.
 * 2. Lock order: the same cases sorted by channel address. Every select
 *    locks its channels in that one global order (a channel twice only
 *    once), so two selects over the same channels cannot deadlock.
 * 3. With every channel locked, the first ready case in poll order runs.
 * 4. None ready and blocking: a sudog per case (on this stack) goes on
 *    every channel's queue, and the task parks; the park callback unlocks
 *    the channels once the task is off its core.
 * 5. Woken: the waker that claimed g->selectdone (chan.c's waitq_dequeue)
 *    completed one sudog and left it in g->param. Relock everything, take
 *    the other sudogs off their queues, unlock, report that case.
 *
 * The channel locks are taken raw inside one preemption-off region (one
 * count for all of them), because go_park accepts a single held count: the
 * park callback gives that count back before its first unlock.
 */
#include <gometal.h>
#include <kernel/panic.h>
#include <sched/chan.h>
#include <stdlib.h>
#include <string.h>

#define SELECT_MAX	65536	/* cases, as in Go */
#define SELECT_STACK	8	/* cases handled without the heap */

struct selstate {
	chan_case_t *cases;
	uint16_t *pollorder;	/* indexes of the cases with a channel */
	uint16_t *lockorder;	/* the same, by channel address */
	int norder;
};

static uintptr_t chan_of(const struct selstate *s, int i)
{
	return (uintptr_t)s->cases[s->lockorder[i]].ch;
}

/* Heap sort of lockorder by channel address: O(n log n), no allocation. */
static void sift_down(struct selstate *s, int root, int n)
{
	for (;;) {
		int child = 2 * root + 1;
		if (child >= n)
			return;
		if (child + 1 < n && chan_of(s, child + 1) > chan_of(s, child))
			child++;
		if (chan_of(s, root) >= chan_of(s, child))
			return;
		uint16_t t = s->lockorder[root];
		s->lockorder[root] = s->lockorder[child];
		s->lockorder[child] = t;
		root = child;
	}
}

static void sort_lockorder(struct selstate *s)
{
	int n = s->norder;
	memcpy(s->lockorder, s->pollorder, (size_t)n * sizeof(uint16_t));
	if (n <= SELECT_STACK) { /* insertion sort: fewer steps for a few cases */
		for (int i = 1; i < n; i++) {
			uint16_t k = s->lockorder[i];
			uintptr_t c = (uintptr_t)s->cases[k].ch;
			int j = i;
			for (; j > 0 && chan_of(s, j - 1) > c; j--)
				s->lockorder[j] = s->lockorder[j - 1];
			s->lockorder[j] = k;
		}
		return;
	}
	for (int i = n / 2 - 1; i >= 0; i--)
		sift_down(s, i, n);
	for (int end = n - 1; end > 0; end--) {
		uint16_t t = s->lockorder[0];
		s->lockorder[0] = s->lockorder[end];
		s->lockorder[end] = t;
		sift_down(s, 0, end);
	}
}

/* Inside-out Fisher-Yates over the cases that have a channel. */
static void make_pollorder(struct selstate *s, int n)
{
	preempt_disable(); /* this P's random state */
	struct p *pp = this_p();
	int k = 0;
	for (int i = 0; i < n; i++) {
		if (!s->cases[i].ch)
			continue; /* a nil channel is never ready */
		int j = (int)(p_fastrand(pp) % (uint32_t)(k + 1));
		s->pollorder[k] = s->pollorder[j];
		s->pollorder[j] = (uint16_t)i;
		k++;
	}
	preempt_enable();
	s->norder = k;
}

static void sellock(struct selstate *s)
{
	preempt_disable();
	struct chan *last = 0;
	for (int i = 0; i < s->norder; i++) {
		struct chan *c = s->cases[s->lockorder[i]].ch;
		if (c != last)
			spin_lock_raw(&c->lock);
		last = c;
	}
}

static void selunlock(struct selstate *s)
{
	for (int i = s->norder - 1; i >= 0; i--) {
		struct chan *c = s->cases[s->lockorder[i]].ch;
		if (i == 0 || c != s->cases[s->lockorder[i - 1]].ch)
			spin_unlock_raw(&c->lock);
	}
	preempt_enable();
}

/*
 * go_park's callback, on the scheduler stack. Once a channel is unlocked,
 * a waker may claim the select and ready g, but g cannot get past its own
 * sellock (and so cannot leave chan_select, whose frame holds the sudogs)
 * until the last channel is unlocked too: reading sg->c and sg->waitlink
 * up to then is safe. A channel is unlocked after its last sudog is passed
 * (duplicates are adjacent in lock order).
 */
static bool selparkcommit(struct g *g, void *arg)
{
	(void)arg;
	g->preempt--; /* sellock's region: g's, returned before any unlock */
	struct chan *last = 0;
	for (struct sudog *sg = g->waiting; sg; sg = sg->waitlink) {
		if (last && sg->c != last)
			spin_unlock_raw(&last->lock);
		last = sg->c;
	}
	if (last)
		spin_unlock_raw(&last->lock);
	return true;
}

/* Pass 1: the first ready case in poll order, performed; -1 if none.
 * Channels locked; unlocks them on success. */
static int poll_ready(struct selstate *s)
{
	for (int i = 0; i < s->norder; i++) {
		int k = s->pollorder[i];
		chan_case_t *cas = &s->cases[k];
		struct chan *c = cas->ch;
		struct sudog *sg;
		if (cas->op == CHAN_RECV) {
			if ((sg = waitq_dequeue(&c->sendq))) {
				chan_recv_from(c, sg, cas->elem);
			} else if (c->qcount > 0) {
				chan_buf_get(c, cas->elem);
			} else if (c->closed) {
				selunlock(s);
				chan_zero(c, cas->elem);
				cas->ok = false;
				return k;
			} else {
				continue;
			}
			cas->ok = true;
		} else {
			if (c->closed) {
				selunlock(s);
				chan_panic_closed_send();
			}
			if ((sg = waitq_dequeue(&c->recvq)))
				chan_send_to(c, sg, cas->elem);
			else if (c->qcount < c->dataqsiz)
				chan_buf_put(c, cas->elem);
			else
				continue;
		}
		struct g *w = sg ? sg->g : 0;
		selunlock(s);
		if (w)
			go_ready(w);
		return k;
	}
	return -1;
}

/* Passes 2 and 3: wait on every channel; returns the case that woke us. */
static int wait_all(struct selstate *s, struct sudog *sgs, struct g *g)
{
	struct sudog **link = &g->waiting;
	for (int i = 0; i < s->norder; i++) {
		int k = s->lockorder[i];
		chan_case_t *cas = &s->cases[k];
		struct sudog *sg = &sgs[k];
		*sg = (struct sudog){.g = g, .elem = cas->elem, .c = cas->ch, .isselect = true};
		*link = sg;
		link = &sg->waitlink;
		waitq_enqueue(cas->op == CHAN_RECV ? &cas->ch->recvq : &cas->ch->sendq, sg);
	}
	g->param = 0;
	go_park(selparkcommit, 0, "select");

	sellock(s);
	__atomic_store_n(&g->selectdone, 0, __ATOMIC_RELAXED); /* no waker can see us now */
	struct sudog *won = g->param;
	g->param = 0;
	int casi = -1;
	for (struct sudog *sg = g->waiting; sg; sg = sg->waitlink) {
		int k = (int)(sg - sgs);
		if (sg == won) {
			casi = k;
			continue;
		}
		chan_case_t *cas = &s->cases[k];
		waitq_remove(cas->op == CHAN_RECV ? &sg->c->recvq : &sg->c->sendq, sg);
	}
	g->waiting = 0;
	selunlock(s);
	if (casi < 0)
		panic("select: woken without a case");
	chan_case_t *cas = &s->cases[casi];
	if (cas->op == CHAN_RECV)
		cas->ok = won->success; /* false: closed, and close zeroed elem */
	else if (!won->success)
		chan_panic_closed_send();
	return casi;
}

static int selectgo(struct selstate *s, int n, bool block, struct sudog *sgs)
{
	make_pollorder(s, n);
	if (s->norder == 0) { /* only nil channels: as Go, a plain "select" */
		if (!block)
			return -1;
		chan_block_forever("select");
	}
	sort_lockorder(s);
	sellock(s);
	int k = poll_ready(s);
	if (k >= 0)
		return k;
	if (!block) {
		selunlock(s);
		return -1;
	}
	struct g *g = getg();
	if (!g)
		panic("chan_select called outside a task");
	return wait_all(s, sgs, g);
}

int chan_select(chan_case_t *cases, int n, bool block)
{
	if (n < 0 || n > SELECT_MAX)
		panic("chan_select: %d cases (0 to %d allowed)", n, SELECT_MAX);
	if (n && !cases)
		panic("chan_select: %d cases at NULL", n);
	for (int i = 0; i < n; i++)
		if (cases[i].op != CHAN_SEND && cases[i].op != CHAN_RECV)
			panic("chan_select: case %d has op %d (CHAN_SEND or CHAN_RECV)", i,
			      cases[i].op);
	if (n == 0) {
		if (!block)
			return -1;
		chan_block_forever("select (no cases)");
	}
	if (n <= SELECT_STACK) {
		uint16_t poll[SELECT_STACK], lock[SELECT_STACK];
		struct sudog sgs[SELECT_STACK];
		struct selstate s = {cases, poll, lock, 0};
		return selectgo(&s, n, block, sgs);
	}
	/* Big selects: orders and sudogs in one heap block. */
	size_t sz = (size_t)n * (sizeof(struct sudog) + 2 * sizeof(uint16_t));
	struct sudog *sgs = malloc(sz);
	if (!sgs)
		panic("chan_select: no memory for %d cases", n);
	uint16_t *poll = (uint16_t *)(sgs + n);
	struct selstate s = {cases, poll, poll + n, 0};
	int k = selectgo(&s, n, block, sgs);
	free(sgs);
	return k;
}
