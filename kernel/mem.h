/*
 * RAM after the kernel image, handed out from both ends:
 *
 *   [image][page tables][heap: brk grows up ->      <- pages: grow down][end]
 *
 * The page tables for a 4 KiB mapping of all this RAM come first (boot
 * time, MMU off). newlib's heap (_sbrk) grows up from there; whole pages
 * (task stacks) come down from the top. They fail, with NULL, where they
 * would meet. Nothing is given back here: the scheduler keeps freed stacks
 * for reuse (sched/stack.c).
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
/* `n` contiguous pages from the top, page-aligned; NULL when out of room. */
void *mem_pages(size_t n);
/* Bytes not yet handed out to either side. */
size_t mem_free(void);
