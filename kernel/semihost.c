#include <kernel/semihost.h>

#define SYS_EXIT	0x18
#define ADP_Stopped_ApplicationExit 0x20026

static volatile int absent;	/* set once a call trapped */

/* The trap instruction, with a label the fault handler compares against. */
static int64_t semihost_call(uint64_t op, void *arg)
{
	register uint64_t x0 __asm__("x0") = op;
	register void *x1 __asm__("x1") = arg;
	__asm__ volatile(".globl semihost_trap\n"
			 "semihost_trap: hlt #0xf000"
			 : "+r"(x0)
			 : "r"(x1)
			 : "memory");
	return (int64_t)x0;
}

bool semihost_fault(uint64_t pc)
{
	extern char semihost_trap[];
	if (pc != (uint64_t)semihost_trap)
		return false;
	absent = 1;
	return true;
}

void semihost_exit(int status)
{
	if (absent)
		return;
	uint64_t block[2] = {ADP_Stopped_ApplicationExit, (uint64_t)(int64_t)status};
	semihost_call(SYS_EXIT, block);
}
