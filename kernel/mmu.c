/*
 * The identity map, built by the boot core with the MMU off and shared by
 * every core (boot/start.S turns it on for the secondaries).
 *
 * 4 KiB granule, 39-bit VA (T0SZ=25): translation starts at level 1, whose
 * entries cover 1 GiB. RAM is Normal write-back, inner-shareable (needed for
 * exclusive loads/stores to work across cores on a real Cortex-A53/A72);
 * board MMIO is Device-nGnRE. The kernel image is mapped with 4 KiB pages:
 * text R+X, rodata R, data/bss/stacks RW+XN; the guard page under each boot
 * stack and exception stack, and page 0, are left unmapped. SCTLR.WXN makes
 * any writable page execute-never as well. The rest of RAM is mapped with
 * the largest blocks that fit (1 GiB, 2 MiB): nothing in it is ever
 * unmapped, since task stacks and their guard pages live in a region of
 * their own (mmu_pte, sched/stack.c).
 *
 * Runs before the MMU is on (all accesses Device, so no unaligned accesses
 * and no DC ZVA: this file must not call memset).
 */
#include <kernel/bootparams.h>
#include <kernel/mmu.h>
#include <kernel/mem.h>
#include <kernel/platform.h>
#include <kernel/sysreg.h>

#define DESC_VALID	(1ull << 0)
#define DESC_TABLE	(1ull << 1)	/* levels 1-2: next-level table; level 3: page */
#define DESC_BLOCK	(0ull << 1)
#define ATTR_IDX(n)	((uint64_t)(n) << 2)
#define AP_RO		(2ull << 6)	/* EL1 read-only */
#define SH_INNER	(3ull << 8)
#define AF		(1ull << 10)
#define PXN		(1ull << 53)
#define UXN		(1ull << 54)
#define ADDR_MASK	0x0000fffffffff000ull

/* MAIR slots */
#define MT_DEVICE	0	/* Device-nGnRE */
#define MT_NORMAL	1	/* Normal, inner/outer write-back RW-allocate */
#define MAIR_VALUE	(0x04ull << (8 * MT_DEVICE) | 0xffull << (8 * MT_NORMAL))

#define PROT_DEVICE	(ATTR_IDX(MT_DEVICE) | AF | PXN | UXN)
#define PROT_RW		(ATTR_IDX(MT_NORMAL) | SH_INNER | AF | PXN | UXN)
#define PROT_RO		(PROT_RW | AP_RO)
#define PROT_RX		(ATTR_IDX(MT_NORMAL) | SH_INNER | AF | AP_RO | UXN)
#define PROT_NONE	0

#define TCR_T0SZ	25
#define TCR_VALUE	(TCR_T0SZ | 1ull << 8 /* IRGN0 WBWA */ | 1ull << 10 /* ORGN0 WBWA */ | \
			 3ull << 12 /* SH0 inner */ | 0ull << 14 /* TG0 4K */ | 1ull << 23 /* EPD1 */ | \
			 (uint64_t)TCR_T0SZ << 16 /* T1SZ */ | 2ull << 30 /* TG1 4K */)
#define SCTLR_MMU_ON	(0x30d00800ull | 1 /* M */ | 1 << 2 /* C */ | 1 << 3 /* SA */ | \
			 1 << 4 /* SA0 */ | 1 << 12 /* I */ | 1 << 19 /* WXN */)

#define ENTRIES		512

/* Level 1 lives in the image; the rest come from RAM above it. */
static uint64_t l1[ENTRIES] __attribute__((aligned(PAGE_SIZE), section(".bss.pagetables")));

extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __bss_start[], __image_end[], boot_stacks[];

static uint64_t *new_table(void)
{
	return mem_early_page();
}

static int shift_of(int level) { return 39 - 9 * level; }

/*
 * Replace a block entry by a table of the next level holding the same
 * mapping, so that part of it can be changed.
 */
static uint64_t *split(uint64_t *entry, int level)
{
	uint64_t *t = new_table();
	uint64_t old = *entry;
	if (old & DESC_VALID) {
		uint64_t attrs = old & ~ADDR_MASK & ~3ull;
		uint64_t size = 1ull << shift_of(level + 1);
		uint64_t kind = level + 1 == 3 ? DESC_TABLE : DESC_BLOCK;
		for (int i = 0; i < ENTRIES; i++)
			t[i] = ((old & ADDR_MASK) + i * size) | attrs | kind | DESC_VALID;
	}
	*entry = (uint64_t)t | DESC_TABLE | DESC_VALID;
	return t;
}

/*
 * Map [va, end) identity with `prot` (PROT_NONE unmaps) below `table`,
 * with blocks where they fit.
 */
static void map_level(uint64_t *table, int level, uint64_t va, uint64_t end, uint64_t prot)
{
	uint64_t size = 1ull << shift_of(level);
	while (va < end) {
		uint64_t *e = &table[(va >> shift_of(level)) & (ENTRIES - 1)];
		uint64_t next = (va & ~(size - 1)) + size;
		if (next > end)
			next = end;
		bool whole = (va & (size - 1)) == 0 && next - va == size;
		bool is_table = level < 3 && (*e & 3) == (DESC_TABLE | DESC_VALID);
		if (whole && !is_table) {
			uint64_t kind = level == 3 ? DESC_TABLE : DESC_BLOCK;
			*e = prot ? va | prot | kind | DESC_VALID : 0;
		} else {
			uint64_t *sub = is_table ? (uint64_t *)(*e & ADDR_MASK) : split(e, level);
			map_level(sub, level + 1, va, next, prot);
		}
		va = next;
	}
}

static void map(uint64_t base, uint64_t size, uint64_t prot)
{
	map_level(l1, 1, base, base + size, prot);
}

static uint64_t tcr_value(void)
{
	/* Intermediate physical address size: whatever the core supports. */
	uint64_t ips = read_id_aa64mmfr0() & 7;
	return TCR_VALUE | ips << 32;
}

void mmu_init(void)
{
	map(plat.ram_base, plat.ram_size, PROT_RW);
	for (int i = 0; i < plat.nmmio; i++)
		map(plat.mmio[i].base, plat.mmio[i].size, PROT_DEVICE);
	map((uint64_t)__text_start, __text_end - __text_start, PROT_RX);
	map((uint64_t)__rodata_start, __rodata_end - __rodata_start, PROT_RO);
	map((uint64_t)__data_start, __image_end - __data_start, PROT_RW);
	for (int c = 0; c < NCPU_MAX; c++) {
		uint64_t s = (uint64_t)boot_stacks + (uint64_t)c * CPU_STACK_STRIDE;
		map(s, PAGE_SIZE, PROT_NONE);
		map(s + BOOT_STACK_TOP_OFF, PAGE_SIZE, PROT_NONE);
	}
	map(0, PAGE_SIZE, PROT_NONE);	/* NULL dereferences fault */

	boot_params.ttbr0 = (uint64_t)l1;
	boot_params.tcr = tcr_value();
	boot_params.mair = MAIR_VALUE;
	boot_params.sctlr = SCTLR_MMU_ON;
	/* Everything written so far (BSS, the tables, this stack) went to
	 * memory, caches off. Discard any stale cached copy a boot loader may
	 * have left, before the caches come on and could evict it over ours. */
	dcache_inval_range(__bss_start, mem_early_end() - (uint64_t)__bss_start);
	mmu_on(boot_params.ttbr0, boot_params.tcr, boot_params.mair, boot_params.sctlr);
}

bool mmu_enabled(void)
{
	return read_sctlr() & 1;
}

/*
 * Maps page 0 (which is RAM on a Pi: the spin table lives there) for `on`,
 * or unmaps it again. TLB maintenance is local: only the boot core touches
 * page 0, during bring-up.
 */
void mmu_map_page0(bool on)
{
	map(0, PAGE_SIZE, on && plat.ram_base == 0 ? PROT_RW : PROT_NONE);
	dsb_ishst();
	__asm__ volatile("tlbi vaae1is, xzr\n dsb ish\n isb" ::: "memory");
}

/* A table for the stack region's walk: a page from `alloc`, zeroed. */
static uint64_t *zeroed_table(void *(*alloc)(void))
{
	uint64_t *t = alloc();
	if (t)
		for (int i = 0; i < ENTRIES; i++)
			t[i] = 0;
	return t;
}

uint64_t *mmu_pte(uint64_t va, void *(*alloc)(void))
{
	uint64_t *t = l1;
	for (int level = 1; level < 3; level++) {
		uint64_t *e = &t[(va >> shift_of(level)) & (ENTRIES - 1)];
		/* Acquire: a table another core linked is seen zeroed. */
		uint64_t d = __atomic_load_n(e, __ATOMIC_ACQUIRE);
		if ((d & 3) != (DESC_TABLE | DESC_VALID)) {
			uint64_t *sub = d || !alloc ? 0 : zeroed_table(alloc);
			if (!sub)
				return 0;	/* a block, no table, or no memory */
			/* The zeroes reach the table walkers before the link
			 * to them; invalid -> valid needs no TLBI (a TLB never
			 * holds an entry that faulted). */
			dsb_ishst();
			d = (uint64_t)sub | DESC_TABLE | DESC_VALID;
			__atomic_store_n(e, d, __ATOMIC_RELEASE);
		}
		t = (uint64_t *)(d & ADDR_MASK);
	}
	return &t[(va >> 12) & (ENTRIES - 1)];
}

uint64_t mmu_pte_rw(uint64_t pa)
{
	return pa | PROT_RW | DESC_TABLE | DESC_VALID;
}

bool mmu_pte_valid(uint64_t pte)
{
	return pte & DESC_VALID;
}
