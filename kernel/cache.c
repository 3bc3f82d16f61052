/* Data cache maintenance by virtual address, to the point of coherency. */
#include <kernel/sysreg.h>

static uint64_t dline(void)
{
	uint64_t ctr;
	__asm__ volatile("mrs %0, ctr_el0" : "=r"(ctr));
	return 4ull << ((ctr >> 16) & 0xf); /* DminLine: log2 words */
}

void dcache_clean_inval_range(const void *p, uint64_t len)
{
	uint64_t line = dline(), a = (uint64_t)p & ~(line - 1), end = (uint64_t)p + len;
	for (; a < end; a += line)
		__asm__ volatile("dc civac, %0" ::"r"(a) : "memory");
	dsb_sy();
}

void dcache_inval_range(const void *p, uint64_t len)
{
	uint64_t line = dline(), a = (uint64_t)p & ~(line - 1), end = (uint64_t)p + len;
	for (; a < end; a += line)
		__asm__ volatile("dc ivac, %0" ::"r"(a) : "memory");
	dsb_sy();
}
