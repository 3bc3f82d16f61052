#pragma once
#include <stdbool.h>
#include <stdint.h>

void mmu_init(void);		/* boot core: build the identity map, turn it on */
bool mmu_enabled(void);
void mmu_map_page0(bool on);	/* temporarily map page 0 (the Pi's spin table) */

/*
 * The level-3 entry that translates `va` (outside the identity map: the
 * task stack region, sched/stack.c). Missing tables on the way are made
 * from pages `alloc` returns, when it is not NULL; otherwise, or if `va`
 * lies in a block or `alloc` fails, NULL. Making tables is serialised by
 * the caller; walking needs no lock, since a linked table stays forever.
 */
uint64_t *mmu_pte(uint64_t va, void *(*alloc)(void));
/* A level-3 entry mapping the page at physical `pa`: Normal RAM, RW, never executable. */
uint64_t mmu_pte_rw(uint64_t pa);
bool mmu_pte_valid(uint64_t pte);
