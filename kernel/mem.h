/*
 * RAM after the kernel image, handed out from both ends:
 *
 *   [image][page tables][heap: brk grows up ->      <- pages: grow down][end]
 *
 * The identity map's page tables come first (boot time, MMU off). newlib's
 * heap (_sbrk) grows up from there; whole pages (task stack pages and the
 * tables that map them, sched/stack.c) come down from the top. They fail,
 * with NULL, where they would meet. Pages are never given back: the
 * scheduler keeps dead tasks' stacks for reuse (sched/g.c).
 */
#pragma once
#include <stddef.h>
#include <stdint.h>

/* Boot core, MMU off: a zeroed page just above the image (or what came before). */
void *mem_early_page(void);
/* End of the early pages handed out so far. */
uintptr_t mem_early_end(void);
/* newlib's sbrk: grow (or shrink) the heap; (void *)-1 when out of room. */
void *mem_sbrk(ptrdiff_t incr);
/*
 * `n` contiguous pages from the top, page-aligned, not zeroed; NULL when
 * out of room. Lock-free: callable from any context, the stack fault
 * handler included, whatever locks the caller holds.
 */
void *mem_pages(size_t n);
/* Bytes not yet handed out to either side (whole pages). */
size_t mem_free(void);
/* Bytes handed out so far by mem_pages() (stacks, their page tables) and
 * to the heap by mem_sbrk(); either pointer may be NULL. */
void mem_usage(size_t *page_bytes, size_t *heap_bytes);
