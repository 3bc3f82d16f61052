/*
 * The register frame an exception entry (boot/vectors.S) pushes on the
 * core's exception stack. Offsets are shared with the assembly.
 */
#pragma once

#define FRAME_X(n)	((n) * 8)
#define FRAME_SP	(31 * 8)	/* SP_EL0 of the interrupted code */
#define FRAME_ELR	(32 * 8)
#define FRAME_SPSR	(33 * 8)
#define FRAME_ESR	(34 * 8)
#define FRAME_FAR	(35 * 8)
#define FRAME_SIZE	(36 * 8)

/*
 * An interrupt's frame adds the FP/SIMD state: q0-q31, FPCR, FPSR. The
 * interrupt entry saves it (FPSAVE=eager, the default) or leaves it in the
 * registers and saves it only when it preempts (FPSAVE=lazy); see
 * sched/preempt.c. A preempted task's frame is this, on its own stack.
 */
#define FRAME_Q(n)	(FRAME_SIZE + (n) * 16)
#define FRAME_FPCR	(FRAME_SIZE + 512)
#define FRAME_FPSR	(FRAME_SIZE + 520)
#define IRQ_FRAME_SIZE	(FRAME_SIZE + 528)

#define PSR_I		(1 << 7)	/* SPSR/DAIF: IRQs masked */

/* Exception kinds and origins passed to exc_unexpected(). */
#define EXC_SYNC	0
#define EXC_IRQ		1
#define EXC_FIQ		2
#define EXC_SERROR	3
#define FROM_EL1_SP0	0	/* current EL, SP_EL0: normal kernel code */
#define FROM_EL1_SPX	1	/* current EL, SP_EL1: inside an exception handler */
#define FROM_EL0_64	2
#define FROM_EL0_32	3

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

struct frame {
	uint64_t x[31];
	uint64_t sp, elr, spsr, esr, far;
};

_Static_assert(offsetof(struct frame, sp) == FRAME_SP, "FRAME_SP");
_Static_assert(offsetof(struct frame, elr) == FRAME_ELR, "FRAME_ELR");
_Static_assert(offsetof(struct frame, spsr) == FRAME_SPSR, "FRAME_SPSR");
_Static_assert(offsetof(struct frame, far) == FRAME_FAR, "FRAME_FAR");
_Static_assert(sizeof(struct frame) == FRAME_SIZE, "FRAME_SIZE");
_Static_assert(FRAME_SIZE % 16 == 0, "SP must stay 16-byte aligned");

struct irq_frame {
	struct frame f;
	__uint128_t q[32];
	uint64_t fpcr, fpsr;
};

_Static_assert(offsetof(struct irq_frame, q) == FRAME_Q(0), "FRAME_Q");
_Static_assert(offsetof(struct irq_frame, fpcr) == FRAME_FPCR, "FRAME_FPCR");
_Static_assert(sizeof(struct irq_frame) == IRQ_FRAME_SIZE, "IRQ_FRAME_SIZE");
_Static_assert(IRQ_FRAME_SIZE % 16 == 0, "SP must stay 16-byte aligned");

void exc_sync(struct frame *f);
struct g;
struct g *exc_irq(struct irq_frame *f); /* the task to preempt, or NULL */
void exc_unexpected(struct frame *f, int kind, int from);
#endif
