/*
 * A P's local run queue (Go's p.runq/runqhead/runqtail/runnext): a ring of
 * RUNQ_SIZE task pointers with one producer, the owning core, and any number
 * of consumers: the owner takes from the head, thieves take half from the
 * head. `next` (Go's runnext) is a one-task handoff slot ahead of the ring.
 *
 * Pure C11 atomics and no knowledge of struct g beyond its name: the same
 * file is stress-tested by host threads under ThreadSanitizer.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#define RUNQ_SIZE 256

struct g;

/*
 * The runnext word: the task pointer with a generation in its top 16 bits
 * (task records live below 2^48: sched/g.c checks each), 0 when empty.
 * Every put into it takes the next generation, so each readying has its own
 * word: a thief that waited on one word (sched/sched.c, runnext_grace) can
 * CAS exactly that readying away, never a later readying of the same task
 * that found the slot emptied and refilled meanwhile (ABA).
 */
#define RUNQ_GEN_SHIFT 48
#define RUNQ_NEXT_ANY ((uintptr_t)1) /* runq_steal: whatever runnext holds */

static inline struct g *runq_next_task(uintptr_t word)
{
	return (struct g *)(word & (((uintptr_t)1 << RUNQ_GEN_SHIFT) - 1));
}

/* g's runnext word at generation gen. */
static inline uintptr_t runq_word(struct g *g, uint16_t gen)
{
	return (uintptr_t)g | (uintptr_t)gen << RUNQ_GEN_SHIFT;
}

struct runq {
	uint32_t head;		/* next to take; advanced by CAS (owner and thieves) */
	uint32_t tail;		/* next free slot; written only by the owner */
	uintptr_t next;		/* runnext word; CAS by owner and thieves */
	uint16_t gen;		/* the last word's generation; owner only */
	struct g *ring[RUNQ_SIZE];
};

/* What a full ring spills (Go's runqputslow): half the ring plus the new
 * task, oldest first, for the caller to put on the global queue. */
struct runq_spill {
	int n;
	struct g *g[RUNQ_SIZE / 2 + 1];
};

/*
 * Owner only. Puts g at the tail, or in runnext if `next` (the task that
 * was in runnext then goes to the tail). Returns false if the ring was full:
 * then *spill holds half the ring and the task, all removed from q.
 */
bool runq_put(struct runq *q, struct g *g, bool next, struct runq_spill *spill);

/* Owner only. runnext first (then *inherit is true: the task inherits the
 * time slice), else the head of the ring; NULL if empty. */
struct g *runq_get(struct runq *q, bool *inherit);
/* Owner: puts g in runnext if it is empty (the common case after a
 * hand-over took it); false: it is not, use runq_put(next). Inline: it is
 * on every wake-up (ready_put). */
static inline bool runq_put_next_if_empty(struct runq *q, struct g *g)
{
	uintptr_t none = 0;
	uintptr_t word = runq_word(g, (uint16_t)(q->gen + 1));
	if (!__atomic_compare_exchange_n(&q->next, &none, word, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_RELAXED))
		return false;
	q->gen++;
	return true;
}

/* The runnext word now (relaxed: a hint, as any snapshot). */
static inline uintptr_t runq_next_word(struct runq *q)
{
	return __atomic_load_n(&q->next, __ATOMIC_RELAXED);
}

/* Owner: takes runnext's task if the word is still `word` (a thief may
 * have taken it). Inline: it is on the channel hand-over path
 * (go_park_unlock). */
static inline struct g *runq_take_next(struct runq *q, uintptr_t word)
{
	if (!word || !__atomic_compare_exchange_n(&q->next, &word, 0, false, __ATOMIC_ACQ_REL,
						  __ATOMIC_RELAXED))
		return 0;
	return runq_next_task(word);
}

/*
 * Another core (the thief, which owns `to`) takes half of `from`'s ring
 * into its own ring `to`, and returns one of them to run (the rest stay in
 * `to`); if the ring is empty, it takes from's runnext as `next` allows:
 * 0 never, RUNQ_NEXT_ANY whatever it holds, else only if it still holds
 * that word. NULL if there was nothing to take.
 */
struct g *runq_steal(struct runq *to, struct runq *from, uintptr_t next);

/*
 * Snapshots, possibly stale by the time the caller looks. Each reads tail
 * twice so that head, tail (and runnext) belong to one moment: a thief
 * moving head and the owner moving tail in between could otherwise make
 * a non-empty queue look empty (Go's runqempty).
 */
static inline uint32_t runq_len(struct runq *q)
{
	for (;;) {
		uint32_t t = __atomic_load_n(&q->tail, __ATOMIC_ACQUIRE);
		uint32_t h = __atomic_load_n(&q->head, __ATOMIC_ACQUIRE);
		if (t == __atomic_load_n(&q->tail, __ATOMIC_ACQUIRE) && t - h <= RUNQ_SIZE)
			return t - h;
	}
}

/*
 * The owner's own check, without the snapshot loop: only the owner adds
 * (moves tail, fills runnext), so what it reads can be stale only towards
 * "not empty" (a thief has since taken work): never a false "empty".
 */
static inline bool runq_empty_owner(struct runq *q)
{
	return !runq_next_word(q) &&
	       __atomic_load_n(&q->head, __ATOMIC_RELAXED) == q->tail;
}

static inline bool runq_empty(struct runq *q)
{
	for (;;) {
		uint32_t h = __atomic_load_n(&q->head, __ATOMIC_ACQUIRE);
		uint32_t t = __atomic_load_n(&q->tail, __ATOMIC_ACQUIRE);
		uintptr_t next = __atomic_load_n(&q->next, __ATOMIC_ACQUIRE);
		if (t == __atomic_load_n(&q->tail, __ATOMIC_ACQUIRE))
			return h == t && !next;
	}
}
