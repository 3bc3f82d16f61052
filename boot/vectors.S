/*
 * The exception vector table. Kernel code runs at EL1 with SPSel=0, so the
 * normal group is "current EL with SP_EL0": the hardware has already
 * switched to SP_EL1, the core's own exception stack, and the interrupted
 * SP_EL0 is saved in the frame. Anything else (an exception inside an
 * exception handler, anything from EL0) is unexpected and panics, but for
 * one: an interrupt handler's first touch of a task stack page, which
 * exc_unexpected backs (sched/stack.c) and returns from. That nests
 * safely: the outer handler's ELR/SPSR are already in its frame.
 */
#include <kernel/frame_asm.h>

	.macro	save_frame size=FRAME_SIZE
	sub	sp, sp, #\size
	stp	x0, x1, [sp, #FRAME_X(0)]
	stp	x2, x3, [sp, #FRAME_X(2)]
	stp	x4, x5, [sp, #FRAME_X(4)]
	stp	x6, x7, [sp, #FRAME_X(6)]
	stp	x8, x9, [sp, #FRAME_X(8)]
	stp	x10, x11, [sp, #FRAME_X(10)]
	stp	x12, x13, [sp, #FRAME_X(12)]
	stp	x14, x15, [sp, #FRAME_X(14)]
	stp	x16, x17, [sp, #FRAME_X(16)]
	stp	x18, x19, [sp, #FRAME_X(18)]
	stp	x20, x21, [sp, #FRAME_X(20)]
	stp	x22, x23, [sp, #FRAME_X(22)]
	stp	x24, x25, [sp, #FRAME_X(24)]
	stp	x26, x27, [sp, #FRAME_X(26)]
	stp	x28, x29, [sp, #FRAME_X(28)]
	mrs	x21, sp_el0
	stp	x30, x21, [sp, #FRAME_X(30)]
	mrs	x22, elr_el1
	mrs	x23, spsr_el1
	stp	x22, x23, [sp, #FRAME_ELR]
	mrs	x24, esr_el1
	mrs	x25, far_el1
	stp	x24, x25, [sp, #FRAME_ESR]
	.endm

	.macro	restore_frame size=FRAME_SIZE
	ldp	x22, x23, [sp, #FRAME_ELR]
	msr	elr_el1, x22
	msr	spsr_el1, x23
	ldp	x30, x21, [sp, #FRAME_X(30)]
	msr	sp_el0, x21
	ldp	x0, x1, [sp, #FRAME_X(0)]
	load_x2_x29 sp
	add	sp, sp, #\size
	eret
	.endm

	/* Each 128-byte slot only branches; the bodies follow the table. */
	.macro	vslot target
	.balign	0x80
	b	\target
	.endm

	.macro	vbad name, kind, from
\name:
	save_frame
	mov	x0, sp
	mov	x1, #\kind
	mov	x2, #\from
	bl	exc_unexpected		/* panics, unless a semihosting probe */
	b	exc_return
	.endm

	.text
	.balign	0x800
	.globl	vectors
vectors:
	/* Current EL with SP_EL0: the normal case. */
	vslot	el1_sp0_sync
	vslot	el1_sp0_irq
	vslot	el1_sp0_fiq
	vslot	el1_sp0_serror
	/* Current EL with SP_EL1: a fault inside an exception handler. */
	vslot	el1_spx_sync
	vslot	el1_spx_irq
	vslot	el1_spx_fiq
	vslot	el1_spx_serror
	/* Lower EL, AArch64 and AArch32: no user mode. */
	vslot	el0_64_sync
	vslot	el0_64_irq
	vslot	el0_64_fiq
	vslot	el0_64_serror
	vslot	el0_32_sync
	vslot	el0_32_irq
	vslot	el0_32_fiq
	vslot	el0_32_serror
	.balign	0x80

el1_sp0_sync:
	save_frame
	mov	x0, sp
	bl	exc_sync
	b	exc_return

/*
 * An interrupt. exc_irq() returns the task to preempt, or NULL to go back
 * to whatever was interrupted. FP/SIMD registers: see kernel/frame.h.
 */
el1_sp0_irq:
	save_frame IRQ_FRAME_SIZE
#ifndef FPSAVE_LAZY
	save_fp	sp
#endif
	mov	x0, sp
	bl	exc_irq
	cbnz	x0, irq_preempt
#ifndef FPSAVE_LAZY
	restore_fp sp
#endif
	restore_frame IRQ_FRAME_SIZE

/*
 * Preempt the task x0: its whole frame goes onto its own stack
 * (preempt_save, which returns the top of this core's scheduler stack),
 * the exception stack is emptied, and the exception "returns" into
 * preempt_m(task) on the scheduler stack with IRQs still masked. The task
 * resumes later through preempt_resume (sched/switch.S).
 */
irq_preempt:
#ifdef FPSAVE_LAZY
	save_fp	sp			/* the handler left them untouched */
#endif
	mov	x19, x0
	mov	x1, x0
	mov	x0, sp
	bl	preempt_save
	msr	sp_el0, x0
	adrp	x1, preempt_m
	add	x1, x1, :lo12:preempt_m
	msr	elr_el1, x1
	ldr	x1, [sp, #FRAME_SPSR]
	orr	x1, x1, #PSR_I
	msr	spsr_el1, x1
	add	sp, sp, #IRQ_FRAME_SIZE
	mov	x0, x19
	mov	x29, xzr		/* backtraces end in preempt_m */
	mov	x30, xzr
	eret

	vbad	el1_sp0_fiq, EXC_FIQ, FROM_EL1_SP0
	vbad	el1_sp0_serror, EXC_SERROR, FROM_EL1_SP0
	vbad	el1_spx_sync, EXC_SYNC, FROM_EL1_SPX
	vbad	el1_spx_irq, EXC_IRQ, FROM_EL1_SPX
	vbad	el1_spx_fiq, EXC_FIQ, FROM_EL1_SPX
	vbad	el1_spx_serror, EXC_SERROR, FROM_EL1_SPX
	vbad	el0_64_sync, EXC_SYNC, FROM_EL0_64
	vbad	el0_64_irq, EXC_IRQ, FROM_EL0_64
	vbad	el0_64_fiq, EXC_FIQ, FROM_EL0_64
	vbad	el0_64_serror, EXC_SERROR, FROM_EL0_64
	vbad	el0_32_sync, EXC_SYNC, FROM_EL0_32
	vbad	el0_32_irq, EXC_IRQ, FROM_EL0_32
	vbad	el0_32_fiq, EXC_FIQ, FROM_EL0_32
	vbad	el0_32_serror, EXC_SERROR, FROM_EL0_32

exc_return:
	restore_frame
