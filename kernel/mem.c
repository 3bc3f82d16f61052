#include <kernel/config.h>
#include <kernel/mem.h>
#include <kernel/platform.h>
#include <kernel/spinlock.h>

extern char __image_end[];

static spinlock_t mem_lock = SPINLOCK_INIT;	/* protects low and high */
static uintptr_t low;	/* first byte not yet given to early pages or the heap */
static uintptr_t heap_base;	/* where the heap starts (after the early pages) */
static uintptr_t high;	/* lowest byte given to mem_pages() */

static void init_bounds(void)
{
	if (!low) {
		low = ((uintptr_t)__image_end + PAGE_SIZE - 1) & ~(uintptr_t)(PAGE_SIZE - 1);
		high = plat.ram_base + plat.ram_size;
	}
}

void *mem_early_page(void)
{
	init_bounds();
	uint64_t *p = (uint64_t *)low;
	for (int i = 0; i < PAGE_SIZE / 8; i++)
		p[i] = 0; /* MMU off: plain aligned stores, no DC ZVA */
	low += PAGE_SIZE;
	return p;
}

uintptr_t mem_early_end(void)
{
	init_bounds();
	return low;
}

void *mem_sbrk(ptrdiff_t incr)
{
	spin_lock(&mem_lock);
	init_bounds();
	if (!heap_base)
		heap_base = low;
	uintptr_t old = low;
	int ok = incr >= 0 ? (uintptr_t)incr <= high - low : (uintptr_t)-incr <= low - heap_base;
	if (ok)
		low += incr;
	spin_unlock(&mem_lock);
	return ok ? (void *)old : (void *)-1;
}

void *mem_pages(size_t n)
{
	uintptr_t size = n * PAGE_SIZE;
	void *p = 0;
	spin_lock(&mem_lock);
	init_bounds();
	if (n && size / PAGE_SIZE == n && size <= high - low) {
		high -= size;
		p = (void *)high;
	}
	spin_unlock(&mem_lock);
	return p;
}

size_t mem_free(void)
{
	spin_lock(&mem_lock);
	init_bounds();
	size_t f = high - low;
	spin_unlock(&mem_lock);
	return f;
}
