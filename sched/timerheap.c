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

/*
 * Every insert that does not become the root adds one child to it, and a
 * pop pairs up the root's children: after n inserts the next pop costs
 * O(n), the amortised bound's worst case (10 us under -icount for a
 * thousand sleepers' first wake-up). So once the root has TIDY_KIDS
 * children they are paired at once, at the insert (amortised O(1) more
 * per insert), and no pop finds more than about that many.
 */
#define TIDY_KIDS 32

void theap_insert(struct timerheap *h, struct timer *t)
{
	t->child = t->sibling = t->prev = NULL;
	struct timer *old = h->root;
	h->root = meld(old, t);
	h->n++;
	if (h->root != t) {
		if (++h->root_kids > TIDY_KIDS) {
			struct timer *r = h->root, *sub = merge_pairs(r->child);
			r->child = sub;
			sub->prev = r;
			h->root_kids = 1;
		}
	} else {
		h->root_kids = old ? 1 : 0;
	}
}

struct timer *theap_pop(struct timerheap *h)
{
	struct timer *t = h->root;
	if (t) {
		h->root = merge_pairs(t->child);
		t->child = NULL;
		h->n--;
		h->root_kids = 0;
		for (struct timer *c = h->root ? h->root->child : NULL; c; c = c->sibling)
			h->root_kids++;
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
	if (sub)
		h->root_kids++; /* r is the least: sub became its child */
}
