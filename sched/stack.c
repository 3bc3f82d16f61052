/*
 * Demand-paged task stacks.
 *
 * Every task's stack is a slot in a virtual region of its own
 * (STACK_VA_BASE..STACK_VA_END, sched/stack.h), outside the identity map:
 *
 *   [guard page][stack pages, backed on first touch ...][backed][struct g]
 *
 * Only the top of the slot, the task's record and the first part of its
 * stack, is backed when the slot is made; each page below gets RAM the
 * first time anything touches it. A task parked early in its life
 * therefore costs one page, however large its stack may grow. Slots are
 * cut from the region by a bump pointer and never given back: dead tasks
 * keep theirs, and the pages it grew, on the free lists (sched/g.c).
 *
 * A slot's level-3 entries are all invalid descriptors at first, so any
 * access faults; the hardware ignores every other bit of an invalid
 * descriptor, and a not-yet-backed page is marked PTE_LAZY in them. The
 * guard page, and the region outside any slot, stay 0: a fault there is
 * not ours, and kernel/panic.c reports it (a stack overflow, in the
 * guard page).
 *
 * The fault (stack_fault) comes from boot/vectors.S through rt/traps.c:
 * a task's own access on SP_EL0 (the common case), the scheduler's or an
 * interrupt handler's access to some task's stack (a channel copying a
 * value to a parked receiver's variable; the preemption path saving a
 * frame below a task's SP, on SP_EL1). Either way the handler runs on the
 * core's exception stack with IRQs masked and touches only identity-mapped
 * memory, so it never faults again itself.
 *
 * Why it cannot deadlock: it takes no lock. The page comes from
 * mem_pages(), which is lock-free (kernel/mem.c), so the fault may strike
 * while its core holds any spinlock, or inside mem.c itself. The table
 * walk only reads: the tables of a slot were all made, under stack_lock,
 * before the slot was handed out.
 *
 * Why no TLB maintenance: an entry only ever goes from invalid to valid.
 * A TLB never holds a translation that faulted, so no core can have a
 * stale copy to invalidate; the new entry must only reach the table
 * walkers before the access is retried (see stack_fault).
 */
#include <kernel/mmu.h>
#include <kernel/config.h>
#include <kernel/mem.h>
#include <kernel/panic.h>
#include <kernel/percpu.h>
#include <kernel/platform.h>
#include <kernel/spinlock.h>
#include <kernel/sysreg.h>
#include <sched/sched.h>
#include <sched/stack.h>

#define PTE_LAZY	(1ull << 55)	/* invalid (bit 0 clear): back on first touch */
#define L3_SPAN		(512ull * PAGE_SIZE)	/* what one level-3 table maps */

#define EC_DABT_CUR	0x25		/* data abort taken without an EL change */
#define ESR_FNV		(1ull << 10)	/* FAR not valid */
#define DFSC_XLATE(esr)	((ESR_FSC(esr) & 0x3c) == 0x04)	/* translation fault, any level */

static spinlock_t stack_lock;	/* protects next, and making tables in the region */
static uintptr_t next = STACK_VA_BASE;	/* bottom of the next slot */

static bool overlaps(uint64_t base, uint64_t size)
{
	return base < STACK_VA_END && base + size > STACK_VA_BASE;
}

void stack_init(void)
{
	if (overlaps(plat.ram_base, plat.ram_size))
		panic("RAM at %lx reaches the task stack region at %llx", plat.ram_base,
		      STACK_VA_BASE);
	for (int i = 0; i < plat.nmmio; i++)
		if (overlaps(plat.mmio[i].base, plat.mmio[i].size))
			panic("device memory at %lx is in the task stack region at %llx",
			      plat.mmio[i].base, STACK_VA_BASE);
}

static void *table_page(void)
{
	return mem_pages(1);
}

/* Makes the tables mapping [lo, hi); false when out of memory. stack_lock held. */
static bool make_tables(uintptr_t lo, uintptr_t hi)
{
	assert_held(&stack_lock);
	for (uintptr_t va = lo; va < hi; va = (va & ~(L3_SPAN - 1)) + L3_SPAN)
		if (!mmu_pte(va, table_page))
			return false;
	return true;
}

/* The entries of the slot [lo, lo + (npages + 1) pages). stack_lock held. */
static void fill_slot(uintptr_t lo, size_t npages, size_t nbacked, uintptr_t mem)
{
	assert_held(&stack_lock);
	uint64_t *pte = 0;
	for (size_t i = 0; i <= npages; i++) {
		uintptr_t va = lo + i * PAGE_SIZE;
		if (!pte || (va & (L3_SPAN - 1)) == 0)
			pte = mmu_pte(va, 0);
		uint64_t e = PTE_LAZY;
		if (i == 0)
			e = 0; /* the guard page */
		else if (i > npages - nbacked)
			e = mmu_pte_rw(mem + (i - 1 - (npages - nbacked)) * PAGE_SIZE);
		*pte++ = e;
	}
}

uintptr_t stack_alloc(size_t npages, size_t nbacked)
{
	uintptr_t size = (npages + 1) * PAGE_SIZE, lo, top = 0;
	if (nbacked > npages)
		nbacked = npages;
	spin_lock(&stack_lock);
	lo = next;
	if (size / PAGE_SIZE == npages + 1 && size <= STACK_VA_END - lo &&
	    make_tables(lo, lo + size)) {
		void *mem = mem_pages(nbacked);
		if (mem) {
			fill_slot(lo, npages, nbacked, (uintptr_t)mem);
			next = lo + size;
			top = next;
		}
	}
	spin_unlock(&stack_lock);
	/* The entries reach every core's table walker before the slot is
	 * published (the task is queued with a release after this). */
	dsb_ishst();
	isb();
	return top;
}

/* Zeroes a page with general-purpose registers only: a fault may come in
 * the middle of code using the FP/SIMD registers, which the synchronous
 * exception entry does not save (so no memset). */
static void zero_page(void *p)
{
	uint64_t *w = p;
	for (int i = 0; i < PAGE_SIZE / 8; i += 4)
		__asm__ volatile("stp xzr, xzr, [%0]\n stp xzr, xzr, [%0, #16]" ::"r"(w + i)
				 : "memory");
}

/*
 * pp->spare_page: a page a fault on this core took but did not need
 * (another core backed the same page first), kept for its next fault. Only
 * the core's own fault handler touches it: IRQs masked, and it cannot
 * fault itself.
 */
static void *fault_page(void)
{
	struct p *pp = this_p();
	void *p = pp->spare_page;
	if (p) {
		pp->spare_page = 0;
		return p;
	}
	return mem_pages(1);
}

bool stack_fault(uint64_t far, uint64_t esr)
{
	if (ESR_EC(esr) != EC_DABT_CUR || !DFSC_XLATE(esr) || (esr & ESR_FNV) ||
	    far < STACK_VA_BASE || far >= STACK_VA_END)
		return false;
	uint64_t *pte = mmu_pte(far, 0);
	if (!pte)
		return false;
	uint64_t old = __atomic_load_n(pte, __ATOMIC_RELAXED);
	if (mmu_pte_valid(old))
		return true; /* another core backed it since: retry */
	if (old != PTE_LAZY)
		return false; /* a guard page, or no slot at all */
	void *page = fault_page();
	if (!page)
		panic("out of memory: no page for the stack at 0x%lx", far);
	zero_page(page);
	/* Release: the zeroes before the entry, for a core that reads the
	 * page through it. Losing the race to another core is fine: it
	 * backed the page, and ours waits for the next fault here. */
	if (!__atomic_compare_exchange_n(pte, &old, mmu_pte_rw((uintptr_t)page), false,
					 __ATOMIC_RELEASE, __ATOMIC_RELAXED))
		this_p()->spare_page = page;
	/* The entry reaches the table walkers before the access is retried;
	 * the ISB (and the ERET after it) make this core walk afresh. */
	dsb_ishst();
	isb();
	return true;
}

bool stack_readable(uint64_t va, size_t len)
{
	for (uint64_t p = va & ~(uint64_t)(PAGE_SIZE - 1); p < va + len; p += PAGE_SIZE) {
		if (p < STACK_VA_BASE || p >= STACK_VA_END)
			return false;
		uint64_t *pte = mmu_pte(p, 0);
		if (!pte || !mmu_pte_valid(*pte))
			return false;
	}
	return true;
}
