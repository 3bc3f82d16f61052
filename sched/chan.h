/*
 * Channels' internals (Go's hchan, sudog and waitq from runtime/chan.go),
 * shared by sched/chan.c (send, receive, close) and sched/select.c.
 *
 * A blocked task waits on a channel through a sudog that lives on its own
 * stack: stacks never move here, and a task blocked in a channel operation
 * cannot return from it, so the sudog is valid exactly as long as it is
 * queued. Whoever dequeues a sudog completes the operation (copies the
 * value, sets success), sets g->param to it and readies the task.
 */
#pragma once
#include <kernel/spinlock.h>
#include <sched/park.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sudog {
	struct g *g;
	struct sudog *next, *prev;	/* in c's recvq or sendq */
	void *elem;			/* value to send or slot to receive into; may be NULL */
	struct chan *c;
	struct sudog *waitlink;		/* g->waiting: a select's sudogs in lock order */
	bool isselect;
	bool success;			/* completed by a transfer (true) or by close (false) */
};

/* FIFO of waiting sudogs: arrival order is service order. */
struct waitq {
	struct sudog *first, *last;
};

struct after;

struct chan {
	spinlock_t lock;	/* protects every field below but elemsize/dataqsiz */
	uint32_t closed;
	size_t elemsize;	/* fixed at make */
	size_t dataqsiz;	/* capacity: 0 for a rendezvous channel; fixed at make */
	size_t qcount;		/* values in buf (read without the lock by chan_len) */
	size_t sendx, recvx;	/* ring indexes into buf */
	struct waitq recvq, sendq;
	struct after *after;	/* go_after's timer, or NULL */
	uint32_t irq_refs;	/* atomic: interrupt lines notifying it (sched/netpoll.c) */
	char *buf;		/* dataqsiz * elemsize bytes, after the struct */
};

static inline void *chanbuf(struct chan *c, size_t i)
{
	return c->buf + i * c->elemsize;
}

void waitq_enqueue(struct waitq *q, struct sudog *sg);
/* The first waiter that may still be completed (a select another channel
 * has already claimed is dropped), or NULL. */
struct sudog *waitq_dequeue(struct waitq *q);
/* Takes sg out of q if it is still there (a select cleaning up). */
void waitq_remove(struct waitq *q, struct sudog *sg);

/* The transfers, with c locked; each completes sg (the waiter). */
void chan_send_to(struct chan *c, struct sudog *sg, const void *ep);
void chan_recv_from(struct chan *c, struct sudog *sg, void *ep);
/* A buffer slot exists / a value is buffered: move it. */
void chan_buf_put(struct chan *c, const void *ep);
void chan_buf_get(struct chan *c, void *ep);
void chan_zero(struct chan *c, void *ep);

/* Parks forever (a nil channel, an empty select), showing reason. */
void chan_block_forever(const char *reason) __attribute__((noreturn));
void chan_panic_closed_send(void) __attribute__((noreturn));

/* A send that never blocks: false if it would have (go_after's timer). */
bool chan_try_send(struct chan *c, const void *ep);
/* sched/time.c: chan_free of a go_after channel stops its timer first. */
void after_stop(struct after *a);
