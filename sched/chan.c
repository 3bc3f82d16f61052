/*
 * Channels (Go's runtime/chan.go): make, send, receive, close. go_after
 * (time.After) is a channel fed by a timer: sched/time.c.
 *
 * Locking: c->lock (a spinlock, so the holder is not preempted) protects
 * the buffer, the indexes, `closed` and both wait queues. A task that must
 * wait queues a sudog from its own stack while holding the lock and parks;
 * go_park releases the lock only once the task is off its core, so a
 * waker, which must take the lock to find the sudog, never readies a task
 * that is still running. The waker copies the value and sets `success`
 * under the lock, then readies the task after unlocking: go_ready's queue
 * operations publish those writes to whichever core resumes it.
 *
 * Rendezvous: on an unbuffered channel (and on a buffered one whose buffer
 * is empty with a receiver waiting) the value goes straight from the
 * sender's memory to the receiver's, never through the buffer, and the
 * woken side runs next on the waker's core (go_ready puts it on runnext).
 */
#include <gometal.h>
#include <kernel/panic.h>
#include <sched/chan.h>
#include <stdlib.h>
#include <string.h>

/* --- wait queues --- */

void waitq_enqueue(struct waitq *q, struct sudog *sg)
{
	sg->next = 0;
	sg->prev = q->last;
	if (q->last)
		q->last->next = sg;
	else
		q->first = sg;
	q->last = sg;
}

static void unlink(struct waitq *q, struct sudog *sg)
{
	if (sg->prev)
		sg->prev->next = sg->next;
	else
		q->first = sg->next;
	if (sg->next)
		sg->next->prev = sg->prev;
	else
		q->last = sg->prev;
	sg->next = sg->prev = 0;
}

/* Inline here (send and receive take the first waiter on every
 * rendezvous); select.c and chan_close call waitq_dequeue. */
static inline __attribute__((always_inline)) struct sudog *dequeue(struct waitq *q)
{
	struct sudog *sg;
	while ((sg = q->first)) {
		unlink(q, sg);
		/* A select waits on several channels at once; the first waker
		 * to claim it owns it, and the others drop its sudog. The
		 * claim is what makes a select wake exactly once. */
		uint32_t zero = 0;
		if (sg->isselect &&
		    !__atomic_compare_exchange_n(&sg->g->selectdone, &zero, 1, false,
						 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			continue;
		return sg;
	}
	return 0;
}

struct sudog *waitq_dequeue(struct waitq *q)
{
	return dequeue(q);
}

void waitq_remove(struct waitq *q, struct sudog *sg)
{
	/* Dequeued already (by the winner, or dropped by a loser): its
	 * links are clear and it is not the queue's only element. */
	if (!sg->prev && q->first != sg)
		return;
	unlink(q, sg);
}

/* --- transfers (c locked) --- */

/* Ints, longs and pointers move as one aligned word; anything else (and
 * anything unaligned: the kernel is built -mstrict-align) by memcpy. */
static inline __attribute__((always_inline)) void copy_elem(struct chan *c, void *dst,
							     const void *src)
{
	size_t n = c->elemsize;
	if (!dst || !src || !n)
		return;
	uintptr_t a = (uintptr_t)dst | (uintptr_t)src;
	if (n == 8 && !(a & 7))
		*(uint64_t *)dst = *(const uint64_t *)src;
	else if (n == 4 && !(a & 3))
		*(uint32_t *)dst = *(const uint32_t *)src;
	else
		memcpy(dst, src, n);
}

void chan_zero(struct chan *c, void *ep)
{
	if (ep && c->elemsize)
		memset(ep, 0, c->elemsize);
}

static void complete(struct sudog *sg, bool success)
{
	sg->success = success;
	sg->g->param = sg;
}

/* A receiver waits: hand it the value directly (the buffer is empty).
 * Inline in send and receive, as recv_from: select.c calls the
 * chan_send_to and chan_recv_from below. */
static inline __attribute__((always_inline)) void send_to(struct chan *c, struct sudog *sg,
							  const void *ep)
{
	assert_held(&c->lock);
	copy_elem(c, sg->elem, ep);
	complete(sg, true);
}

/*
 * A sender waits. Unbuffered: take its value directly. Buffered (then the
 * buffer is full): take the head and put the sender's value in the slot it
 * frees, which keeps the order FIFO.
 */
static inline __attribute__((always_inline)) void recv_from(struct chan *c, struct sudog *sg,
							    void *ep)
{
	assert_held(&c->lock);
	if (c->dataqsiz == 0) {
		copy_elem(c, ep, sg->elem);
	} else {
		void *slot = chanbuf(c, c->recvx);
		copy_elem(c, ep, slot);
		copy_elem(c, slot, sg->elem);
		if (++c->recvx == c->dataqsiz)
			c->recvx = 0;
		c->sendx = c->recvx;
	}
	complete(sg, true);
}

void chan_send_to(struct chan *c, struct sudog *sg, const void *ep)
{
	send_to(c, sg, ep);
}

void chan_recv_from(struct chan *c, struct sudog *sg, void *ep)
{
	recv_from(c, sg, ep);
}

void chan_buf_put(struct chan *c, const void *ep)
{
	assert_held(&c->lock);
	copy_elem(c, chanbuf(c, c->sendx), ep);
	if (++c->sendx == c->dataqsiz)
		c->sendx = 0;
	__atomic_store_n(&c->qcount, c->qcount + 1, __ATOMIC_RELAXED);
}

void chan_buf_get(struct chan *c, void *ep)
{
	assert_held(&c->lock);
	copy_elem(c, ep, chanbuf(c, c->recvx));
	if (++c->recvx == c->dataqsiz)
		c->recvx = 0;
	__atomic_store_n(&c->qcount, c->qcount - 1, __ATOMIC_RELAXED);
}

/* --- blocking forever, panics --- */

void chan_block_forever(const char *reason)
{
	go_park(0, 0, reason);
	panic("%s: a task blocked forever was woken", reason);
}

void chan_panic_closed_send(void)
{
	panic("send on closed channel");
}

/* --- make, free, len, cap --- */

chan_t *chan_make(size_t elem_size, size_t cap)
{
	size_t hdr = (sizeof(struct chan) + 15) & ~(size_t)15;
	if (elem_size && cap > (SIZE_MAX - hdr) / elem_size)
		return 0;
	struct chan *c = malloc(hdr + elem_size * cap);
	if (!c)
		return 0;
	memset(c, 0, sizeof(*c));
	c->elemsize = elem_size;
	c->dataqsiz = cap;
	c->buf = (char *)c + hdr;
	return c;
}

size_t chan_len(chan_t *c)
{
	return c ? __atomic_load_n(&c->qcount, __ATOMIC_RELAXED) : 0;
}

size_t chan_cap(chan_t *c)
{
	return c ? c->dataqsiz : 0;
}


void chan_free(chan_t *c)
{
	if (!c)
		return;
	spin_lock(&c->lock);
	bool busy = c->recvq.first || c->sendq.first;
	spin_unlock(&c->lock);
	if (busy)
		panic("chan_free: tasks are still blocked on channel %p", (void *)c);
	if (__atomic_load_n(&c->irq_refs, __ATOMIC_RELAXED))
		panic("chan_free: interrupts still notify channel %p (irq_release them first)",
		      (void *)c);
	if (c->after)
		after_stop(c->after);
	free(c);
}

/* --- send, receive --- */

/*
 * c locked, nothing ready: queue a sudog for ep on q and park until a
 * waker completes it. True if it was a transfer, false if a close.
 * Inlined: as a call it adds 50 instructions to a ping-pong round trip.
 */
static inline __attribute__((always_inline)) bool wait_on(struct chan *c, struct waitq *q, void *ep,
							   const char *reason)
{
	struct g *g = must_be_task(reason);
	struct sudog me = {.g = g, .elem = ep, .c = c};
	waitq_enqueue(q, &me);
	go_park_unlock(&c->lock, reason);
	g->param = 0;
	return me.success;
}

/* Go's chansend. Returns false only when !block and it would block.
 * Inline: chan_send's copy is the blocking one, chan_try_send's the other. */
static inline __attribute__((always_inline)) bool chansend(struct chan *c, const void *ep,
							   bool block)
{
	if (!c) {
		if (!block)
			return false;
		chan_block_forever("chan send (nil chan)");
	}
	spin_lock(&c->lock);
	if (c->closed) {
		spin_unlock(&c->lock);
		chan_panic_closed_send();
	}
	struct sudog *sg = dequeue(&c->recvq);
	if (sg) {
		send_to(c, sg, ep);
		struct g *w = sg->g;
		spin_unlock(&c->lock);
		go_ready(w);
		return true;
	}
	if (c->qcount < c->dataqsiz) {
		chan_buf_put(c, ep);
		spin_unlock(&c->lock);
		return true;
	}
	if (!block) {
		spin_unlock(&c->lock);
		return false;
	}
	if (!wait_on(c, &c->sendq, (void *)ep, "chan send"))
		chan_panic_closed_send(); /* closed while we waited */
	return true;
}

/*
 * Go's chanrecv. Returns false only when !block and it would block;
 * *received says whether a value arrived (false: closed and drained, and
 * *ep is zeroed).
 */
static bool chanrecv(struct chan *c, void *ep, bool block, bool *received)
{
	if (!c) {
		if (!block)
			return false;
		chan_block_forever("chan receive (nil chan)");
	}
	spin_lock(&c->lock);
	if (c->closed && c->qcount == 0) {
		spin_unlock(&c->lock);
		chan_zero(c, ep);
		*received = false;
		return true;
	}
	struct sudog *sg = dequeue(&c->sendq);
	if (sg) {
		recv_from(c, sg, ep);
		struct g *w = sg->g;
		spin_unlock(&c->lock);
		go_ready(w);
		*received = true;
		return true;
	}
	if (c->qcount > 0) {
		chan_buf_get(c, ep);
		spin_unlock(&c->lock);
		*received = true;
		return true;
	}
	if (!block) {
		spin_unlock(&c->lock);
		return false;
	}
	*received = wait_on(c, &c->recvq, ep, "chan receive"); /* false: closed, *ep zeroed */
	return true;
}

bool chan_try_send(struct chan *c, const void *ep)
{
	return chansend(c, ep, false);
}

void chan_send(chan_t *c, const void *elem)
{
	chansend(c, elem, true);
	chaos_yield_point();
}

bool chan_recv(chan_t *c, void *elem)
{
	bool received = false;
	chanrecv(c, elem, true, &received);
	chaos_yield_point();
	return received;
}

/* --- close --- */

void chan_close(chan_t *c)
{
	if (!c)
		panic("close of nil channel");
	if (c->after) /* Go's time.After channel is receive-only */
		panic("close of a go_after channel (receive from it, or chan_free it)");
	if (__atomic_load_n(&c->irq_refs, __ATOMIC_RELAXED))
		panic("close of channel %p: interrupts still notify it (irq_release them first)",
		      (void *)c);
	spin_lock(&c->lock);
	if (c->closed) {
		spin_unlock(&c->lock);
		panic("close of closed channel");
	}
	c->closed = 1;
	/* Every waiter, receivers (a zero value, ok false) and senders (who
	 * will panic), collected under the lock and readied after it. */
	struct g *list = 0;
	struct sudog *sg;
	while ((sg = waitq_dequeue(&c->recvq))) {
		chan_zero(c, sg->elem);
		complete(sg, false);
		sg->g->schedlink = list;
		list = sg->g;
	}
	while ((sg = waitq_dequeue(&c->sendq))) {
		complete(sg, false);
		sg->g->schedlink = list;
		list = sg->g;
	}
	spin_unlock(&c->lock);
	while (list) {
		struct g *next = list->schedlink;
		go_ready(list);
		list = next;
	}
}

