/*
 * Timers (Go's runtime timers): a callback at a deadline on the generic
 * counter. Each P keeps its own in a heap (sched/timerheap.c); the core's
 * timer compare register is set to the nearer of its earliest timer and the
 * end of the running task's time slice (sched/time.c), so a core with no
 * task and no timer takes no timer interrupt at all.
 *
 * Callbacks run in a core's scheduler (never in an interrupt handler), with
 * the heap unlocked and preemption off: they may ready tasks (go_ready) and
 * add timers, and must not block.
 */
#pragma once
#include <kernel/spinlock.h>
#include <stdbool.h>
#include <stdint.h>

struct p;

struct timer {
	uint64_t when;			/* counter value it fires at */
	void (*fn)(struct timer *);
	void *arg;
	bool daemon;			/* does not keep the program alive (schedtrace) */
	/* Owned by the heap while queued. */
	uint64_t seq;			/* FIFO among equal deadlines */
	struct timer *child, *sibling, *prev; /* pairing-heap links */
	struct p *pp;			/* whose heap it is on, NULL when not queued */
};

/* A pairing heap of timers, earliest first; its owner locks it. */
struct timerheap {
	struct timer *root;
	int n;
	int root_kids;	/* the root's children, about (over-counted after a remove) */
};

/* t->when and t->seq set: equal deadlines come out in seq order. */
void theap_insert(struct timerheap *h, struct timer *t);
struct timer *theap_pop(struct timerheap *h);		/* the earliest, or NULL */
void theap_remove(struct timerheap *h, struct timer *t);/* t must be in h */

/* A P's timers. */
struct ptimers {
	spinlock_t lock;		/* protects heap, nlive, seq, every queued timer's links */
	struct timerheap heap;
	int nlive;			/* queued timers that are not daemons */
	uint64_t seq;			/* numbers the timers added, for FIFO */
	uint64_t when0;			/* earliest deadline or UINT64_MAX: atomic, read unlocked */
};

/* Queues t on this core's P. t->when, fn, arg (and daemon) set by the caller. */
void addtimer(struct timer *t);
/* Takes t off its heap; false if it was not queued (fired, or never added). */
bool deltimer(struct timer *t);
/* Runs pp's timers that are due, in order; returns how many ran.
 * pp is this core's P. Scheduler only. */
int checktimers(struct p *pp, uint64_t now);
/* Runs every P's due timers, in deadline order across them (Go's stealWork
 * runs other Ps' timers too). pp is this core's P. Scheduler only. */
int steal_timers(struct p *pp, uint64_t now);
/* Some non-daemon timer is queued on some P: the program is not stuck. */
bool timers_live(void);
