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

void exc_sync(struct frame *f);
void exc_irq(struct frame *f);
void exc_unexpected(struct frame *f, int kind, int from);
#endif
