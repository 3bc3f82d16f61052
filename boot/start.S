/*
 * Entry for every core, from any of EL3, EL2 or EL1, down to EL1 with
 * SPSel=0: code runs on SP_EL0 (the core's boot stack, later a task's),
 * exceptions on SP_EL1 (the core's exception stack).
 *
 * The first 64 bytes are the arm64 Linux Image header, so QEMU's -kernel
 * and the Raspberry Pi firmware both load us at a 2 MiB boundary + 0x80000
 * and hand the DTB's address over in x0 (Documentation/arch/arm64/booting.rst).
 */
#include <kernel/config.h>
#include <kernel/bootparams.h>

#define SCTLR_EL1_RESET	0x30d00800	/* RES1 bits; MMU, caches off; little-endian */
#define SPSR_EL1H_MASKED 0x3c5		/* EL1h, D A I F masked */
#define SPSR_EL2H_MASKED 0x3c9		/* EL2h, D A I F masked */
#define SCR_EL3_VALUE	0x5b1		/* RW, HCE, SMD, RES1[5:4], NS */
#define HCR_EL2_RW	(1 << 31)	/* EL1 is AArch64 */
#define CPACR_FPEN	(3 << 20)	/* no FP/SIMD traps at EL1/EL0 */

	.macro adr_l reg, sym
	adrp	\reg, \sym
	add	\reg, \reg, :lo12:\sym
	.endm

/*
 * Invalidate the data cache by VA over [start, end), to the point of
 * coherency; dirty lines are discarded, not written. With the MMU off, VA
 * is PA (Arm ARM DDI 0487, D7.5.9 "Data cache maintenance instructions").
 * The line size is CTR_EL0.DminLine (log2 of words). Clobbers all four.
 */
	.macro dcache_inval start, end, t1, t2
	mrs	\t2, ctr_el0
	ubfx	\t2, \t2, #16, #4
	mov	\t1, #4
	lsl	\t1, \t1, \t2		/* bytes per line */
	sub	\t2, \t1, #1
	bic	\start, \start, \t2
5:	dc	ivac, \start
	add	\start, \start, \t1
	cmp	\start, \end
	b.lo	5b
	dsb	sy
	.endm

/*
 * Drop to EL1. Clobbers x9, x10. Safe to run from EL3, EL2 or EL1.
 */
	.macro drop_to_el1
	mrs	x9, CurrentEL
	lsr	x9, x9, #2
	cmp	x9, #3
	b.ne	1f
	/* EL3: lower ELs non-secure and AArch64; no FP traps. */
	mov	x9, #SCR_EL3_VALUE
	msr	scr_el3, x9
	msr	cptr_el3, xzr
	mrs	x9, id_aa64pfr0_el1
	ubfx	x9, x9, #8, #4		/* EL2 implemented? */
	mov	x10, #SPSR_EL2H_MASKED
	cbnz	x9, 0f
	mov	x10, #SPSR_EL1H_MASKED	/* no EL2: go straight to EL1 */
	ldr	x9, =SCTLR_EL1_RESET
	msr	sctlr_el1, x9
	adr	x9, 3f
	b	4f
0:	adr	x9, 1f
4:	msr	spsr_el3, x10
	msr	elr_el3, x9
	eret
1:	mrs	x9, CurrentEL
	lsr	x9, x9, #2
	cmp	x9, #2
	b.ne	3f
	/* EL2: EL1 is AArch64, owns the timers and FP, sees counter offset 0. */
	mov	x9, #HCR_EL2_RW
	msr	hcr_el2, x9
	/* HCR_EL2.E2H decides CNTHCTL_EL2's layout, and a register write
	 * reaches later instructions only after a context synchronization
	 * (Arm ARM DDI 0487, "Synchronization requirements for AArch64
	 * System registers"); Linux's init_el2 (arch/arm64/kernel/head.S)
	 * has the same isb after its msr hcr_el2. */
	isb
	mov	x9, #3			/* EL1PCTEN | EL1PCEN */
	msr	cnthctl_el2, x9
	msr	cntvoff_el2, xzr
	mrs	x9, midr_el1		/* EL1 reads of MIDR/MPIDR see these */
	msr	vpidr_el2, x9
	mrs	x9, mpidr_el1
	msr	vmpidr_el2, x9
	mrs	x9, pmcr_el0		/* all PMU counters to EL1, no debug traps */
	ubfx	x9, x9, #11, #5
	msr	mdcr_el2, x9
	mov	x9, #0x33ff		/* CPTR_EL2: RES1 bits, no traps */
	msr	cptr_el2, x9
	msr	hstr_el2, xzr
	mrs	x9, id_aa64pfr0_el1
	ubfx	x9, x9, #24, #4		/* GICv3 system registers? */
	cbz	x9, 2f
	mrs	x9, S3_4_C12_C9_5	/* ICC_SRE_EL2: let EL1 use them */
	orr	x9, x9, #0xf		/* SRE | DFB | DIB | Enable */
	msr	S3_4_C12_C9_5, x9
	isb
	msr	S3_4_C12_C11_0, xzr	/* ICH_HCR_EL2: no virtual interface */
2:	ldr	x9, =SCTLR_EL1_RESET
	msr	sctlr_el1, x9
	mov	x9, #SPSR_EL1H_MASKED
	msr	spsr_el2, x9
	adr	x9, 3f
	msr	elr_el2, x9
	eret
3:	ldr	x9, =SCTLR_EL1_RESET
	msr	sctlr_el1, x9
	isb
	.endm

/*
 * Per-core registers once at EL1: x0 = logical cpu id. Sets SP_EL1 to the
 * exception stack, switches to SP_EL0 on the boot stack, TPIDR_EL1 to
 * &cpus[id], installs the vectors and enables FP/SIMD. Clobbers x1-x3.
 */
	.macro cpu_setup
	adr_l	x1, boot_stacks
	mov	x2, #CPU_STACK_STRIDE
	madd	x1, x0, x2, x1		/* this core's stride */
	add	x2, x1, #EXC_STACK_TOP_OFF
	mov	sp, x2			/* SPSel is 1 here: this is SP_EL1 */
	msr	spsel, #0
	add	x2, x1, #BOOT_STACK_TOP_OFF
	mov	sp, x2			/* and this is SP_EL0 */
	adr_l	x1, cpus
	mov	x2, #CPU_SIZE
	madd	x1, x0, x2, x1
	msr	tpidr_el1, x1
	msr	tpidr_el0, xzr		/* no task yet (sched/sched.h getg) */
	adr_l	x1, vectors
	msr	vbar_el1, x1
	mov	x1, #CPACR_FPEN
	msr	cpacr_el1, x1
	msr	daifclr, #4		/* SErrors (bus errors) are reported */
	mov	x29, xzr		/* end of the frame-pointer chain */
	mov	x30, xzr
	isb
	.endm

/*
 * Test hook (boot argument smp_late=N): the core whose mpidr is in
 * boot_params.late waits an eighth of a second here, between finding its
 * slot and taking it, so that it comes in after the boot core gave up on
 * it (tests/run.py has the boot core wait 50 ms). x1 = this core's
 * mpidr_aff; clobbers x5-x7.
 */
	.macro dawdle_if_late
	adr_l	x5, boot_params
	ldr	x5, [x5, #BP_LATE]
	cmp	x5, x1
	b.ne	9f
	mrs	x6, cntfrq_el0
	lsr	x6, x6, #3
	mrs	x7, cntvct_el0
	add	x6, x6, x7
8:	mrs	x7, cntvct_el0
	cmp	x7, x6
	b.lo	8b
9:
	.endm

	.section .text.head, "ax"
	.globl	_start
_start:
	b	primary_entry		/* code0 */
	.long	0			/* code1 */
	.quad	0x80000			/* text_offset from a 2 MiB boundary */
	.quad	__image_end - _start	/* image_size, bss and stacks included */
	.quad	0x2			/* flags: LE, 4 KiB pages, within 2 MiB of the base */
	.quad	0, 0, 0			/* res2-res4 */
	.ascii	"ARM\x64"		/* magic */
	.long	0			/* res5 */

	.section .text.boot, "ax"
primary_entry:
	mov	x19, x0			/* DTB physical address (0 if none) */
	mrs	x20, CurrentEL
	lsr	x20, x20, #2		/* the EL we were entered at, for the log */
	/*
	 * Entered at EL3, every core may be here: a Pi's firmware with
	 * kernel_old=1 starts all four at the image (no armstub parks them;
	 * QEMU's raspi machines do the same with an ELF). Only core 0 goes
	 * on, to refuse the entry in words (rt/entry_check.c).
	 */
	cmp	x20, #3
	b.ne	1f
	mrs	x9, mpidr_el1
	ldr	x10, =0xff00ffffff	/* Aff3..Aff0 */
	tst	x9, x10
	b.ne	park
1:	drop_to_el1
	/*
	 * Zero .bss, page tables and stacks (caches and MMU are off). First
	 * discard any cached copy of them: a boot loader that ran with the
	 * caches on may have left dirty lines there, and one evicted after
	 * our uncached stores would overwrite them. mmu_init discards the
	 * range again after writing the tables, for lines fetched
	 * speculatively meanwhile (Linux arch/arm64/kernel/head.S does both,
	 * around its init page tables).
	 */
	adr_l	x0, __bss_start
	adr_l	x1, __image_end
	dcache_inval x0, x1, x2, x3
	adr_l	x0, __bss_start
1:	stp	xzr, xzr, [x0], #16
	cmp	x0, x1
	b.lo	1b
	mov	x0, #0
	cpu_setup
	mov	x0, x19
	mov	x1, x20
	bl	kernel_main		/* never returns */
	b	park

/*
 * Where released secondary cores start: PSCI CPU_ON (at EL1 or EL2) or the
 * spin table (at EL2 on a Pi), MMU and caches off. The core finds its
 * logical id by looking its MPIDR up in boot_params, which the boot core
 * cleaned to the point of coherency; a core that is not listed parks.
 */
	.globl	secondary_entry
secondary_entry:
	drop_to_el1
	mrs	x1, mpidr_el1
	ldr	x2, =0xff00ffffff	/* Aff3..Aff0 */
	and	x1, x1, x2
	adr_l	x2, boot_params
	add	x2, x2, #BP_MPIDR
	mov	x0, #0
1:	ldr	x3, [x2, x0, lsl #3]
	cmp	x3, x1
	b.eq	2f
	add	x0, x0, #1
	cmp	x0, #NCPU_MAX
	b.lo	1b
	b	park
2:	dawdle_if_late
	mov	x23, x0			/* the slot */
	mov	x24, x1			/* our mpidr_aff */
	adr_l	x4, boot_params
	ldp	x0, x1, [x4, #BP_TTBR0]	/* ttbr0, tcr */
	ldp	x2, x3, [x4, #BP_MAIR]	/* mair, sctlr */
	bl	mmu_on			/* a leaf: no stack yet */
	/*
	 * Take the slot: compare-and-swap our mpidr for BP_CLAIMED, with
	 * the MMU and caches on (exclusives need them; ARM ARM B2.9.5). The
	 * boot core, when it gives up on us, swaps our mpidr for BP_NONE
	 * (rt/smp.c withdraw): exactly one of the two wins. A core that
	 * found its slot, then stalled past the boot core's wait, loses
	 * here and parks before touching the slot's stack or struct cpu,
	 * which may already be another core's.
	 */
	adr_l	x5, boot_params + BP_MPIDR
	add	x5, x5, x23, lsl #3
	mov	x6, #BP_CLAIMED
3:	ldaxr	x7, [x5]
	cmp	x7, x24
	b.ne	4f
	stlxr	w8, x6, [x5]
	cbnz	w8, 3b
	mov	x0, x23
	cpu_setup
	mov	x0, x23
	bl	secondary_main		/* never returns */
4:	clrex
	adr_l	x5, smp_cores_turned_away	/* counted, for the test */
5:	ldxr	w6, [x5]
	add	w6, w6, #1
	stxr	w7, w6, [x5]
	cbnz	w7, 5b
	b	park
/*
 * Where a core stops for good (an unlisted or late core, a stopped one).
 * WFI, not WFE: a core in a WFE loop never counts as idle, so under QEMU
 * -icount the clock would advance only by its loop's instructions, and
 * the other cores' timers would take minutes to come.
 */
	.globl	park
park:	wfi
	b	park

/*
 * mmu_on(ttbr0, tcr, mair, sctlr): turn on translation and caches with the
 * given tables. Called with the MMU off, on an identity-mapped PC.
 */
	.globl	mmu_on
mmu_on:
	msr	mair_el1, x2
	msr	tcr_el1, x1
	msr	ttbr0_el1, x0
	isb
	tlbi	vmalle1			/* nothing stale from before */
	ic	iallu
	dsb	nsh
	isb
	msr	sctlr_el1, x3
	isb
	ret

	.section .bss.stacks, "aw", %nobits
	.balign	PAGE_SIZE
	.globl	boot_stacks
boot_stacks:
	.space	NCPU_MAX * CPU_STACK_STRIDE
