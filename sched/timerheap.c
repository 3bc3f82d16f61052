/*
 * A pairing heap (Fredman, Sedgewick, Sleator and Tarjan, 1986) of timers.
 * Intrusive: the links live in struct timer, so adding a timer never
 * allocates and cannot fail; insert is O(1), pop and remove O(log n)
 * amortised.
 *
 * Each node's children form a list through `sibling`; `prev` is the
 * previous sibling, or the parent for a first child, or NULL for the root.
 * Pure C with no kernel dependencies: tests/host checks it against a
 * sorted reference.
 */
#include <sched/timer.h>
#include <stddef.h>

static bool before(const struct timer *a, const struct timer *b)
{
	return a->when < b->when || (a->when == b->when && a->seq < b->seq);
}

/* Two roots (prev and sibling unused) into one. */
static struct timer *meld(struct timer *a, struct timer *b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	if (before(b, a)) {
		struct timer *t = a;
		a = b;
		b = t;
	}
	b->sibling = a->child;
	if (a->child)
		a->child->prev = b;
	b->prev = a;
	a->child = b;
	a->sibling = a->prev = NULL;
	return a;
}

/* A list of siblings into one root: the standard two passes. */
static struct timer *merge_pairs(struct timer *first)
{
	struct timer *pairs = NULL; /* first pass results, in reverse order */
	while (first) {
		struct timer *a = first, *b = a->sibling;
		first = b ? b->sibling : NULL;
		a->sibling = a->prev = NULL;
		if (b)
			b->sibling = b->prev = NULL;
		struct timer *m = meld(a, b);
		m->sibling = pairs;
		pairs = m;
	}
	struct timer *root = NULL;
	while (pairs) {
		struct timer *next = pairs->sibling;
		pairs->sibling = NULL;
		root = meld(root, pairs);
		pairs = next;
	}
	return root;
}

void theap_insert(struct timerheap *h, struct timer *t)
{
	t->seq = h->seq++;
	t->child = t->sibling = t->prev = NULL;
	h->root = meld(h->root, t);
	h->n++;
}

struct timer *theap_pop(struct timerheap *h)
{
	struct timer *t = h->root;
	if (t) {
		h->root = merge_pairs(t->child);
		t->child = NULL;
		h->n--;
	}
	return t;
}

void theap_remove(struct timerheap *h, struct timer *t)
{
	if (t == h->root) {
		theap_pop(h);
		return;
	}
	/* Cut t's subtree out of its parent's child list... */
	if (t->prev->child == t)
		t->prev->child = t->sibling;
	else
		t->prev->sibling = t->sibling;
	if (t->sibling)
		t->sibling->prev = t->prev;
	t->sibling = t->prev = NULL;
	/* ...and put its children back. */
	struct timer *sub = merge_pairs(t->child);
	t->child = NULL;
	h->root = meld(h->root, sub);
	h->n--;
}
