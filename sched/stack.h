/*
 * Task stacks: slots of their own virtual region, backed by RAM a page at
 * a time as they are first touched (sched/stack.c).
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Above every board's RAM and devices, below the 512 GiB that TTBR0
 * translates (kernel/mmu.c: T0SZ = 25). Checked against the board at boot. */
#define STACK_VA_BASE	0x7000000000ull	/* 448 GiB */
#define STACK_VA_END	0x8000000000ull	/* 512 GiB */

void stack_init(void);	/* boot core, once: checks the region is free */
/*
 * A new slot: one guard page, then `npages` stack pages, of which the top
 * `nbacked` are backed now and the others on first touch. Returns the
 * slot's top (one past its last byte); 0 when the region or RAM is used up.
 */
uintptr_t stack_alloc(size_t npages, size_t nbacked);
/*
 * From the synchronous exception handlers: if this is a translation fault
 * on a not-yet-backed stack page, back it and return true (the access is
 * then retried); false for anything else (a guard page: an overflow).
 */
bool stack_fault(uint64_t far, uint64_t esr);
/* stack_readable(): an upcall from the panic path, in kernel/panic.h. */
