/*
 * Saving and restoring the FP/SIMD state into an irq_frame (kernel/frame.h)
 * at \base: for the interrupt entry and for resuming a preempted task.
 * x9 and x10 are clobbered.
 */
#include <kernel/frame.h>

	.macro	save_fp base
	stp	q0, q1, [\base, #FRAME_Q(0)]
	stp	q2, q3, [\base, #FRAME_Q(2)]
	stp	q4, q5, [\base, #FRAME_Q(4)]
	stp	q6, q7, [\base, #FRAME_Q(6)]
	stp	q8, q9, [\base, #FRAME_Q(8)]
	stp	q10, q11, [\base, #FRAME_Q(10)]
	stp	q12, q13, [\base, #FRAME_Q(12)]
	stp	q14, q15, [\base, #FRAME_Q(14)]
	stp	q16, q17, [\base, #FRAME_Q(16)]
	stp	q18, q19, [\base, #FRAME_Q(18)]
	stp	q20, q21, [\base, #FRAME_Q(20)]
	stp	q22, q23, [\base, #FRAME_Q(22)]
	stp	q24, q25, [\base, #FRAME_Q(24)]
	stp	q26, q27, [\base, #FRAME_Q(26)]
	stp	q28, q29, [\base, #FRAME_Q(28)]
	stp	q30, q31, [\base, #FRAME_Q(30)]
	mrs	x9, fpcr
	mrs	x10, fpsr
	str	x9, [\base, #FRAME_FPCR]
	str	x10, [\base, #FRAME_FPSR]
	.endm

	.macro	restore_fp base
	ldp	q0, q1, [\base, #FRAME_Q(0)]
	ldp	q2, q3, [\base, #FRAME_Q(2)]
	ldp	q4, q5, [\base, #FRAME_Q(4)]
	ldp	q6, q7, [\base, #FRAME_Q(6)]
	ldp	q8, q9, [\base, #FRAME_Q(8)]
	ldp	q10, q11, [\base, #FRAME_Q(10)]
	ldp	q12, q13, [\base, #FRAME_Q(12)]
	ldp	q14, q15, [\base, #FRAME_Q(14)]
	ldp	q16, q17, [\base, #FRAME_Q(16)]
	ldp	q18, q19, [\base, #FRAME_Q(18)]
	ldp	q20, q21, [\base, #FRAME_Q(20)]
	ldp	q22, q23, [\base, #FRAME_Q(22)]
	ldp	q24, q25, [\base, #FRAME_Q(24)]
	ldp	q26, q27, [\base, #FRAME_Q(26)]
	ldp	q28, q29, [\base, #FRAME_Q(28)]
	ldp	q30, q31, [\base, #FRAME_Q(30)]
	ldr	x9, [\base, #FRAME_FPCR]
	ldr	x10, [\base, #FRAME_FPSR]
	msr	fpcr, x9
	msr	fpsr, x10
	.endm
