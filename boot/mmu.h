#pragma once
#include <stdbool.h>

void mmu_init(void);		/* boot core: build the identity map, turn it on */
bool mmu_enabled(void);
void mmu_map_page0(bool on);	/* temporarily map page 0 (the Pi's spin table) */
/* Unmaps one page of RAM above the image (a guard page) on every core;
 * false if it is not page-mapped. */
#include <stdint.h>
bool mmu_unmap_page(uint64_t va);
