/*
 * RAM after the image: early page tables, then the heap growing up, whole
 * pages coming down from the top (kernel/mem.h).
 *
 * Where the two meet is one word, `bounds`: the first page frame the heap
 * has not reached and the lowest frame given to mem_pages(), packed so that
 * one compare-and-swap moves either side and sees the other. mem_pages()
 * is therefore lock-free, which is what lets the stack fault handler take
 * pages at any instant (sched/stack.c): whatever locks the faulting core
 * holds, and even if the fault hit this file's own code, nothing here
 * waits. (If an exception comes between the load-exclusive and the
 * store-exclusive of a CAS, the return from it, ERET, clears the local
 * exclusive monitor, so that attempt's store fails and it retries with the
 * new word; whether taking the exception clears it is IMPLEMENTATION
 * DEFINED, the ERET is what we rely on.)
 *
 * The heap's exact end, in bytes, is newlib's business: mem_sbrk() keeps
 * it under heap_lock and only asks `bounds` for whole pages.
 */
#include <kernel/config.h>
#include <kernel/mem.h>
#include <kernel/platform.h>
#include <kernel/spinlock.h>
#include <kernel/sysreg.h>
#include <stdbool.h>

extern char __image_end[];

#define PFN(a)		((uint64_t)(a) / PAGE_SIZE)
#define LOW(b)		((uint32_t)(b))		/* first frame above the heap */
#define HIGH(b)		((b) >> 32)		/* lowest frame of mem_pages() */
#define BOUNDS(lo, hi)	((uint64_t)(hi) << 32 | (uint32_t)(lo))

static uint64_t bounds;		/* atomic; frame numbers fit 32 bits: RAM below 16 TiB */
static uintptr_t ram_end;

static spinlock_t heap_lock = SPINLOCK_INIT;	/* protects brk, heap_base */
static uintptr_t heap_base;	/* where the heap starts (after the early pages) */
static uintptr_t brk;		/* the heap's end, as newlib asked */

/* Boot core, MMU off, before any other user: the first call sets up. */
static void init_bounds(void)
{
	if (!ram_end) {
		ram_end = plat.ram_base + plat.ram_size;
		bounds = BOUNDS(PFN((uintptr_t)__image_end + PAGE_SIZE - 1), PFN(ram_end));
	}
}

void *mem_early_page(void)
{
	init_bounds();
	uint64_t *p = (uint64_t *)((uintptr_t)LOW(bounds) * PAGE_SIZE);
	/* A page table, written uncached: first drop any dirty line a boot
	 * loader left over it, which could otherwise be evicted over our
	 * stores (as start.S does for .bss; Linux head.S likewise). */
	dcache_inval_range(p, PAGE_SIZE);
	for (int i = 0; i < PAGE_SIZE / 8; i++)
		p[i] = 0; /* MMU off: plain aligned stores, no DC ZVA */
	bounds = BOUNDS(LOW(bounds) + 1, HIGH(bounds));
	return p;
}

uintptr_t mem_early_end(void)
{
	init_bounds();
	return (uintptr_t)LOW(bounds) * PAGE_SIZE;
}

/* Moves the heap's page bound to `lo`, if the pages side allows it. */
static bool heap_pages_to(uint64_t lo)
{
	uint64_t b = __atomic_load_n(&bounds, __ATOMIC_RELAXED);
	do {
		if (lo > HIGH(b))
			return false;
	} while (!__atomic_compare_exchange_n(&bounds, &b, BOUNDS(lo, HIGH(b)), true,
					      __ATOMIC_RELAXED, __ATOMIC_RELAXED));
	return true;
}

void *mem_sbrk(ptrdiff_t incr)
{
	void *old = (void *)-1;
	spin_lock(&heap_lock);
	if (!heap_base)
		heap_base = brk = mem_early_end();
	uintptr_t end = brk + incr;
	bool ok = incr >= 0 ? end >= brk : end >= heap_base && end <= brk;
	if (ok && heap_pages_to(PFN(end + PAGE_SIZE - 1))) {
		old = (void *)brk;
		brk = end;
	}
	spin_unlock(&heap_lock);
	return old;
}

void *mem_pages(size_t n)
{
	uint64_t b = __atomic_load_n(&bounds, __ATOMIC_RELAXED);
	uint64_t hi;
	do {
		if (!n || n > HIGH(b) - LOW(b))
			return 0;
		hi = HIGH(b) - n;
	} while (!__atomic_compare_exchange_n(&bounds, &b, BOUNDS(LOW(b), hi), true,
					      __ATOMIC_RELAXED, __ATOMIC_RELAXED));
	/* Relaxed is enough: the pages were nobody's, and whoever publishes
	 * a pointer into them orders its own stores. */
	return (void *)(uintptr_t)(hi * PAGE_SIZE);
}

size_t mem_free(void)
{
	uint64_t b = __atomic_load_n(&bounds, __ATOMIC_RELAXED);
	return (size_t)(HIGH(b) - LOW(b)) * PAGE_SIZE;
}

void mem_usage(size_t *page_bytes, size_t *heap_bytes)
{
	uint64_t b = __atomic_load_n(&bounds, __ATOMIC_RELAXED);
	if (page_bytes)
		*page_bytes = ram_end - (uintptr_t)HIGH(b) * PAGE_SIZE;
	if (heap_bytes) {
		spin_lock(&heap_lock);
		*heap_bytes = brk - heap_base;
		spin_unlock(&heap_lock);
	}
}
