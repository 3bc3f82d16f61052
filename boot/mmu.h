#pragma once
#include <stdbool.h>

void mmu_init(void);		/* boot core: build the identity map, turn it on */
bool mmu_enabled(void);
void mmu_map_page0(bool on);	/* temporarily map page 0 (the Pi's spin table) */
