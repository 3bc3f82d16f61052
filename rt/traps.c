/*
 * Synchronous exceptions (boot/vectors.S): the ones that are no error are
 * dealt with here and the instruction retried or skipped; any other is
 * fatal and kernel/panic.c reports it.
 */
#include <kernel/frame.h>
#include <kernel/panic.h>
#include <kernel/semihost.h>
#include <kernel/sysreg.h>
#include <sched/stack.h>

/* A semihosting call without a host: make it return -1 and go on. */
static int semihost_absent(struct frame *f)
{
	if (ESR_EC(f->esr) != 0x00 || !semihost_fault(f->elr))
		return 0;
	f->x[0] = (uint64_t)-1;
	f->elr += 4;
	return 1;
}

/*
 * A synchronous exception that is no error: a task stack's first touch of
 * a page (sched/stack.c), or a semihosting call without a host. Either is
 * dealt with and the instruction retried or skipped.
 */
static int expected_sync(struct frame *f)
{
	return stack_fault(f->far, f->esr) || semihost_absent(f);
}

void exc_sync(struct frame *f)
{
	if (!expected_sync(f))
		panic_exception(f, EXC_SYNC, FROM_EL1_SP0);
}

void exc_unexpected(struct frame *f, int kind, int from)
{
	/* From SP_EL1, a stack's first touch is expected too: an interrupt
	 * handler writing to a task's stack (preempt_save puts the task's
	 * frame below its SP). */
	if (kind == EXC_SYNC && expected_sync(f))
		return;
	panic_exception(f, kind, from);
}

