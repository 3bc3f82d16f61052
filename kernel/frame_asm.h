/*
 * Assembly for the frames of kernel/frame.h at \base, shared by the
 * interrupt entry (boot/vectors.S) and the resumption of a preempted task
 * (sched/switch.S).
 */
#include <kernel/frame.h>

	/* x2-x29 from the frame; x0, x1 and x30 are the caller's to load, as
	 * one of them is usually \base. */
	/*
	 * FPCR and FPSR := fpcr, fpsr, each written only if it differs from
	 * what is in force (cur_fpcr, cur_fpsr). Not for the hardware's sake:
	 * QEMU's TCG computes a floating-point operation on the host's FPU
	 * only once the guest's inexact flag is set, and every FPSR write
	 * clears its record of the flags (fpu/softfloat.c can_use_fpu;
	 * target/arm vfp_set_fpsr). Written on every switch, FPSR kept a loop
	 * of exact products (bench/work.c matmult) on the slow path: 15.5 ms
	 * against 7.7 ms with this.
	 */
	.macro	set_fp_status fpcr, fpsr, cur_fpcr, cur_fpsr
	cmp	\fpcr, \cur_fpcr
	b.eq	.Lfpcr_same\@
	msr	fpcr, \fpcr
.Lfpcr_same\@:
	cmp	\fpsr, \cur_fpsr
	b.eq	.Lfpsr_same\@
	msr	fpsr, \fpsr
.Lfpsr_same\@:
	.endm

	.macro	load_x2_x29 base
	ldp	x2, x3, [\base, #FRAME_X(2)]
	ldp	x4, x5, [\base, #FRAME_X(4)]
	ldp	x6, x7, [\base, #FRAME_X(6)]
	ldp	x8, x9, [\base, #FRAME_X(8)]
	ldp	x10, x11, [\base, #FRAME_X(10)]
	ldp	x12, x13, [\base, #FRAME_X(12)]
	ldp	x14, x15, [\base, #FRAME_X(14)]
	ldp	x16, x17, [\base, #FRAME_X(16)]
	ldp	x18, x19, [\base, #FRAME_X(18)]
	ldp	x20, x21, [\base, #FRAME_X(20)]
	ldp	x22, x23, [\base, #FRAME_X(22)]
	ldp	x24, x25, [\base, #FRAME_X(24)]
	ldp	x26, x27, [\base, #FRAME_X(26)]
	ldp	x28, x29, [\base, #FRAME_X(28)]
	.endm

	/* The FP/SIMD state of an irq_frame; x9 and x10 are clobbered. */

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
	mrs	x11, fpcr
	mrs	x12, fpsr
	set_fp_status x9, x10, x11, x12
	.endm
