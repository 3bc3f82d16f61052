#include <kernel/semihost.h>

#define SYS_OPEN	0x01
#define SYS_CLOSE	0x02
#define SYS_WRITE	0x05
#define SYS_EXIT	0x18
#define ADP_Stopped_ApplicationExit 0x20026

static volatile int absent;	/* set once a call trapped */

/* The trap instruction, with a label the fault handler compares against. */
__attribute__((noipa)) /* one trap instruction, one label: never inlined nor cloned */
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

/* The host's files (Arm's "Semihosting for AArch32 and AArch64", SYS_OPEN:
 * mode 5 is fopen's "wb"). -1 without a host, or if the host refuses. */
int semihost_open_write(const char *path)
{
	if (absent)
		return -1;
	uint64_t n = 0;
	while (path[n])
		n++;
	uint64_t block[3] = {(uint64_t)path, 5, n};
	int64_t fd = semihost_call(SYS_OPEN, block);
	return absent ? -1 : (int)fd;
}

/* 0 once all n bytes are written. */
int semihost_write(int fd, const void *buf, uint64_t n)
{
	uint64_t block[3] = {(uint64_t)(int64_t)fd, (uint64_t)buf, n};
	return semihost_call(SYS_WRITE, block) == 0 ? 0 : -1;
}

void semihost_close(int fd)
{
	uint64_t block[1] = {(uint64_t)(int64_t)fd};
	semihost_call(SYS_CLOSE, block);
}
