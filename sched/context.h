/*
 * A task's saved context for a voluntary switch (sched/switch.S): what the
 * AAPCS64 says a callee must preserve (x19-x29, the return address x30, sp,
 * the low halves d8-d15 of v8-v15) and the task's FP control and status.
 * Everything else is dead across the call that switches.
 */
#pragma once

#define CTX_X19		0	/* x19..x28, then x29 (fp) and x30 (lr) */
#define CTX_SP		96
#define CTX_D8		104	/* d8..d15 */
#define CTX_FPCR	168
#define CTX_FPSR	176
#define CTX_SIZE	184

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

struct context {
	uint64_t x[12];		/* x19..x30 */
	uint64_t sp;
	uint64_t d[8];		/* d8..d15 */
	uint64_t fpcr, fpsr;
};

_Static_assert(offsetof(struct context, x) == CTX_X19, "CTX_X19");
_Static_assert(offsetof(struct context, sp) == CTX_SP, "CTX_SP");
_Static_assert(offsetof(struct context, d) == CTX_D8, "CTX_D8");
_Static_assert(offsetof(struct context, fpcr) == CTX_FPCR, "CTX_FPCR");
_Static_assert(offsetof(struct context, fpsr) == CTX_FPSR, "CTX_FPSR");
_Static_assert(sizeof(struct context) == CTX_SIZE, "CTX_SIZE");

struct g;
/*
 * Go's mcall: saves the caller's context into `save` (it resumes as a
 * return from sched_mcall), switches to the stack whose top is `g0_sp` and
 * calls fn(g) there; fn never returns.
 */
void sched_mcall(struct context *save, void (*fn)(struct g *), struct g *g, uint64_t g0_sp);
/* Saves the caller into `save`, releases the spinlock word `*lock`, resumes
 * `load`; returns when something resumes `save`. */
void sched_switch(struct context *save, const struct context *load, uint32_t *lock);
/* Go's gogo: resumes the context `load`. Never returns. */
void sched_gogo(const struct context *load) __attribute__((noreturn));
/* Where a new task's context first returns to: calls task_main(x19). */
void task_trampoline(void);
/* Where a preempted task resumes: restores its interrupt frame (sched/preempt.c). */
void preempt_resume(void);
#endif
