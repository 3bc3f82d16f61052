#include <kernel/cpu_start.h>
#include <kernel/sysreg.h>

void spin_table_release(uint64_t release_addr, uint64_t entry)
{
	volatile uint64_t *slot = (volatile uint64_t *)release_addr;
	*slot = entry;
	/* The waiting core reads with caches off: push the line to memory. */
	dcache_clean_inval_range((const void *)release_addr, sizeof(uint64_t));
	dsb_sy();
	sev();
}
