/*
 * The context switch: a voluntary one, so only callee-saved state moves
 * (sched/context.h). A switch from task A to task B is sched_mcall on A
 * (save A, go to the core's scheduler stack) and sched_gogo(B) at the end
 * of schedule(). A preempted task's context instead resumes in
 * preempt_resume, which restores the full frame the interrupt saved.
 */
#include <kernel/frame_asm.h>
#include <sched/context.h>

	/* The caller's context into the struct context at x0 (x9, x10 clobbered). */
	.macro	save_context
	stp	x19, x20, [x0, #CTX_X19 + 0]
	stp	x21, x22, [x0, #CTX_X19 + 16]
	stp	x23, x24, [x0, #CTX_X19 + 32]
	stp	x25, x26, [x0, #CTX_X19 + 48]
	stp	x27, x28, [x0, #CTX_X19 + 64]
	stp	x29, x30, [x0, #CTX_X19 + 80]
	mov	x9, sp
	str	x9, [x0, #CTX_SP]
	stp	d8, d9, [x0, #CTX_D8 + 0]
	stp	d10, d11, [x0, #CTX_D8 + 16]
	stp	d12, d13, [x0, #CTX_D8 + 32]
	stp	d14, d15, [x0, #CTX_D8 + 48]
	mrs	x9, fpcr
	mrs	x10, fpsr
	stp	x9, x10, [x0, #CTX_FPCR]
	.endm

	.text
	.globl	sched_mcall
sched_mcall:
	save_context
	/*
	 * No task's preemption count from here (kernel/preempt.h): the
	 * scheduler may queue this task and take locks after, and once it is
	 * queued another core may resume it and change its count.
	 */
	msr	tpidr_el0, xzr
	mov	sp, x3			/* the scheduler's stack, from its top */
	mov	x0, x2
	mov	x29, xzr		/* backtraces end here */
	mov	x30, xzr
	br	x1

/*
 * sched_switch(save, load, lock): a direct task-to-task switch for the
 * yield fast path. Saves the caller's context into `save`, only then
 * releases the spinlock word at `lock` (the queue lock under which the
 * caller made itself runnable: nobody can take it before its context is
 * complete), and resumes `load`.
 */
	.globl	sched_switch
sched_switch:
	save_context			/* leaves FPCR, FPSR in x9, x10 */
	stlr	wzr, [x2]		/* release: the saved context before the unlock */
	mov	x0, x1
	b	1f

	.globl	sched_gogo
sched_gogo:
	mrs	x9, fpcr
	mrs	x10, fpsr
1:	ldp	x11, x12, [x0, #CTX_FPCR]
	set_fp_status x11, x12, x9, x10
	ldp	d8, d9, [x0, #CTX_D8 + 0]
	ldp	d10, d11, [x0, #CTX_D8 + 16]
	ldp	d12, d13, [x0, #CTX_D8 + 32]
	ldp	d14, d15, [x0, #CTX_D8 + 48]
	ldp	x19, x20, [x0, #CTX_X19 + 0]
	ldp	x21, x22, [x0, #CTX_X19 + 16]
	ldp	x23, x24, [x0, #CTX_X19 + 32]
	ldp	x25, x26, [x0, #CTX_X19 + 48]
	ldp	x27, x28, [x0, #CTX_X19 + 64]
	ldp	x29, x30, [x0, #CTX_X19 + 80]
	ldr	x9, [x0, #CTX_SP]
	/*
	 * The stack last: the timer interrupt may preempt the task once SP
	 * is on its stack (sched/preempt.c), and from here on the registers
	 * are all the task's own, so the saved frame resumes correctly.
	 */
	mov	sp, x9
	ret

/*
 * Where a preempted task's context "returns" to, on its own stack, where
 * preempt_save left its interrupt frame (kernel/frame.h): restore it all
 * and return from the interrupt. IRQs are masked while ELR/SPSR are live.
 * If an interrupt preempts the task before the daifset, the new frame goes
 * below this one, which stays intact, and the task later resumes here.
 */
	.globl	preempt_resume
preempt_resume:
	msr	daifset, #2
	mov	x0, sp
	restore_fp x0
	ldp	x1, x2, [x0, #FRAME_ELR]
	msr	elr_el1, x1
	msr	spsr_el1, x2
	load_x2_x29 x0
	ldr	x30, [x0, #FRAME_X(30)]
	ldr	x1, [x0, #FRAME_SP]
	mov	sp, x1
	ldp	x0, x1, [x0, #FRAME_X(0)]
	eret

	/* A new task: x19 holds its struct g. */
	.globl	task_trampoline
task_trampoline:
	mov	x0, x19
	bl	task_main		/* runs fn(arg), then exits the task */
	brk	#0			/* unreachable */
