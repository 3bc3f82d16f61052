/*
 * The lock-free run queue. Memory-ordering argument:
 *
 * - Slots: the owner writes ring[tail % N] and then publishes it with a
 *   release store of `tail`; a consumer acquire-loads `tail` before reading
 *   slots below it, so it sees the task pointer. Slots are relaxed atomics
 *   because a consumer with a stale `head` may read a slot while the owner
 *   overwrites it; such a consumer's CAS of `head` then fails and it throws
 *   what it read away.
 * - Taking: a consumer reads head (acquire), the slots, then CASes head
 *   forward (release); only one CAS from a given head value succeeds, so no
 *   task is taken twice. The release lets the owner, which acquire-loads
 *   head before reusing a slot, know the thief is done reading it.
 * - The owner checks for room with tail - head < N using an acquire load of
 *   head: a slot is reused only after whoever took it has moved head on.
 * - runnext is a single word changed only by CAS; whoever CASes it from
 *   g's word to something else owns g. Only the owner puts a task in it
 *   (with a fresh generation, runq.h), so a word is never reused while a
 *   thief may still hold an old copy of it (up to 2^16 puts later).
 * The design and its argument follow Go's runtime/proc.go (runqput,
 * runqget, runqgrab, runqsteal).
 */
#include <sched/runq.h>

#define N RUNQ_SIZE

static uint32_t load_acq(uint32_t *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
static void store_rel(uint32_t *p, uint32_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }
static bool cas_rel(uint32_t *p, uint32_t old, uint32_t v)
{
	return __atomic_compare_exchange_n(p, &old, v, false, __ATOMIC_RELEASE, __ATOMIC_RELAXED);
}
static struct g *slot_load(struct runq *q, uint32_t i)
{
	return __atomic_load_n(&q->ring[i % N], __ATOMIC_RELAXED);
}
static void slot_store(struct runq *q, uint32_t i, struct g *g)
{
	__atomic_store_n(&q->ring[i % N], g, __ATOMIC_RELAXED);
}
static bool cas_next(struct runq *q, uintptr_t old, uintptr_t word)
{
	return __atomic_compare_exchange_n(&q->next, &old, word, false, __ATOMIC_ACQ_REL,
					   __ATOMIC_RELAXED);
}

/* Full ring: move the older half and g into *spill in one go. */
static bool put_slow(struct runq *q, struct g *g, uint32_t h, uint32_t t,
		     struct runq_spill *spill)
{
	uint32_t n = (t - h) / 2;
	for (uint32_t i = 0; i < n; i++)
		spill->g[i] = slot_load(q, h + i);
	if (!cas_rel(&q->head, h, h + n))
		return false; /* a thief took some meanwhile: there may be room now */
	spill->g[n] = g;
	spill->n = (int)n + 1;
	return true;
}

bool runq_put(struct runq *q, struct g *g, bool next, struct runq_spill *spill)
{
	if (next) {
		uintptr_t word = runq_word(g, ++q->gen);
		uintptr_t old = __atomic_load_n(&q->next, __ATOMIC_RELAXED);
		while (!cas_next(q, old, word))
			old = __atomic_load_n(&q->next, __ATOMIC_RELAXED);
		if (!old)
			return true;
		g = runq_next_task(old); /* the previous runnext goes to the ring */
	}
	for (;;) {
		uint32_t h = load_acq(&q->head);
		uint32_t t = q->tail; /* only we write it */
		if (t - h < N) {
			slot_store(q, t, g);
			store_rel(&q->tail, t + 1);
			return true;
		}
		if (put_slow(q, g, h, t, spill))
			return false;
	}
}

struct g *runq_get(struct runq *q, bool *inherit)
{
	struct g *next = runq_take_next(q, runq_next_word(q));
	if (next) {
		*inherit = true;
		return next;
	}
	*inherit = false;
	for (;;) {
		uint32_t h = load_acq(&q->head);
		uint32_t t = q->tail;
		if (t == h)
			return 0;
		struct g *g = slot_load(q, h);
		if (cas_rel(&q->head, h, h + 1))
			return g;
	}
}


/* Copies n slots from[h..] to to[at..], in runs that do not wrap. */
static void copy_slots(struct runq *to, uint32_t at, struct runq *from, uint32_t h, uint32_t n)
{
	while (n) {
		uint32_t s = h % N, d = at % N, run = n;
		if (run > N - s)
			run = N - s;
		if (run > N - d)
			run = N - d;
		struct g **src = &from->ring[s], **dst = &to->ring[d];
		for (uint32_t i = 0; i < run; i++)
			__atomic_store_n(&dst[i], __atomic_load_n(&src[i], __ATOMIC_RELAXED),
					 __ATOMIC_RELAXED);
		h += run, at += run, n -= run;
	}
}

/*
 * Copies half of from's ring into `to` starting at to's slot `at` (the
 * thief's tail, not yet published). Returns how many.
 */
static uint32_t grab(struct runq *from, struct runq *to, uint32_t at, uintptr_t want)
{
	for (;;) {
		uint32_t h = load_acq(&from->head);
		uint32_t t = load_acq(&from->tail);
		uint32_t n = t - h;
		n = n - n / 2;
		if (n == 0) {
			uintptr_t next = __atomic_load_n(&from->next, __ATOMIC_ACQUIRE);
			if (!want || !next || (want != RUNQ_NEXT_ANY && next != want))
				return 0;
			if (!cas_next(from, next, 0))
				continue;
			slot_store(to, at, runq_next_task(next));
			return 1;
		}
		if (n > N / 2)
			continue; /* head and tail read at different times: retry */
		copy_slots(to, at, from, h, n);
		if (cas_rel(&from->head, h, h + n))
			return n;
	}
}

struct g *runq_steal(struct runq *to, struct runq *from, uintptr_t next)
{
	uint32_t t = to->tail;
	uint32_t n = grab(from, to, t, next);
	if (n == 0)
		return 0;
	n--;
	struct g *g = slot_load(to, t + n); /* the last one grabbed runs now */
	if (n)
		store_rel(&to->tail, t + n);
	return g;
}

