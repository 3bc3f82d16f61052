/*
 * Panics and the report of a fatal exception (rt/traps.c decides which are
 * fatal): one line "panic: cpu N: what", then the registers and a
 * frame-pointer backtrace, then the system stops with PANIC_STATUS.
 * Everything here uses kprintf, never newlib, and takes no lock but the
 * console's (forced open once the other cores are stopped).
 */
#include <kernel/frame.h>
#include <kernel/panic.h>
#include <kernel/percpu.h>
#include <kernel/platform.h>
#include <kernel/printk.h>
#include <kernel/sysreg.h>

#define BACKTRACE_MAX 16

static volatile int panicking = -1;	/* cpu printing a panic */
static int nested;			/* panics inside that panic */
static int unstopped;			/* cores that ignored IPI_STOP */

/* Exception classes (ESR_EL1.EC) in words. */
static const char *ec_name(unsigned ec)
{
	switch (ec) {
	case 0x00: return "undefined instruction";
	case 0x01: return "trapped WFI/WFE";
	case 0x07: return "trapped FP/SIMD access";
	case 0x0e: return "illegal execution state";
	case 0x15: return "svc";
	case 0x16: return "hvc";
	case 0x17: return "smc";
	case 0x18: return "trapped system register access";
	case 0x20:
	case 0x21: return "instruction abort";
	case 0x22: return "pc alignment fault";
	case 0x24:
	case 0x25: return "data abort";
	case 0x26: return "sp alignment fault";
	case 0x2c: return "floating-point exception";
	case 0x2f: return "SError";
	case 0x30:
	case 0x31: return "breakpoint";
	case 0x32:
	case 0x33: return "software step";
	case 0x34:
	case 0x35: return "watchpoint";
	case 0x3c: return "brk instruction";
	default: return "unknown exception";
	}
}

/* Fault status codes (DFSC/IFSC) of an abort, in words. */
static void fsc_name(unsigned fsc, char *buf, size_t len)
{
	static const char *const kinds[] = {"address size fault", "translation fault",
					    "access flag fault", "permission fault"};
	if (fsc < 16)
		ksnprintf(buf, len, "%s, level %u", kinds[fsc >> 2], fsc & 3);
	else if (fsc == 0x10)
		ksnprintf(buf, len, "synchronous external abort");
	else if (fsc == 0x21)
		ksnprintf(buf, len, "alignment fault");
	else if (fsc == 0x30)
		ksnprintf(buf, len, "TLB conflict");
	else
		ksnprintf(buf, len, "fault status 0x%x", fsc);
}

/* Can a frame record at a be read: [a, a+16) in RAM or in a backed part
 * of a task stack? Guards the backtrace against wild pointers. */
static int in_ram(uint64_t a)
{
	return (a & 7) == 0 && ((a >= plat.ram_base && a + 16 <= plat.ram_base + plat.ram_size) ||
				stack_readable(a, 16));
}

/* Is `a` in a boot-stack guard page? Names the core whose stack overflowed. */
static int stack_guard_cpu(uint64_t a)
{
	extern char boot_stacks[];
	uint64_t off = a - (uint64_t)boot_stacks;
	if (a < (uint64_t)boot_stacks || off >= (uint64_t)NCPU_MAX * CPU_STACK_STRIDE)
		return -1;
	uint64_t in = off % CPU_STACK_STRIDE;
	if (in < PAGE_SIZE || (in >= BOOT_STACK_TOP_OFF && in < BOOT_STACK_TOP_OFF + PAGE_SIZE))
		return (int)(off / CPU_STACK_STRIDE);
	return -1;
}

/* "task 7 (worker) on cpu 2", or "cpu 2" outside any task. */
static const char *who(void)
{
	static char buf[64];
	struct panic_task t;
	if (panic_running_task(&t))
		ksnprintf(buf, sizeof(buf), "task %ld (%s) on cpu %d", t.id, t.name, cpu_id());
	else
		ksnprintf(buf, sizeof(buf), "cpu %d", cpu_id());
	return buf;
}

/* Is `a` in the running task's guard page? Then *t is that task. */
static bool task_guard(uint64_t a, struct panic_task *t)
{
	return panic_running_task(t) && a < t->stack_lo && a >= t->stack_lo - PAGE_SIZE;
}

static void backtrace(uint64_t fp)
{
	kprintf("  backtrace:");
	for (int i = 0; i < BACKTRACE_MAX && fp && in_ram(fp); i++) {
		uint64_t *rec = (uint64_t *)fp;
		struct panic_task t;
		if (stack_guard_cpu(fp) >= 0 || task_guard(fp, &t) || !rec[1])
			break;
		kprintf(" %lx", rec[1] - 4); /* the call, not the return address */
		if (rec[0] <= fp)	/* frames move up the stack */
			break;
		fp = rec[0];
	}
	kprintf("\n");
}

/* Claims the panic for this core and quiets the others. */
static void panic_begin(void)
{
	int me = cpu_id();
	if (!stop_claim())
		cpu_stop_self();
	if (panicking == me) {
		/* A fault while panicking: say so once, and if even that
		 * faults (a broken console), stop without a word. */
		if (nested++ == 0)
			kprintf("panic: %s: recursive panic\n", who());
		system_stop(PANIC_STATUS);
	}
	panicking = me;
	unstopped = stop_other_cpus();
	console_force();
}

/* The last words: did the other cores stop? Then end the system. */
static void __attribute__((noreturn)) panic_end(void)
{
	int others = ncpu_online - 1;
	kprintf("  other cores stopped: %d of %d\n", others - unstopped, others);
	for (int c = 0; unstopped && c < ncpu_online; c++)
		if (c != cpu_id() && !cpus[c].stopped)
			kprintf("  cpu %d did not answer within %d s (interrupts masked, or hung): "
				"it may still be running\n", c, CORE_ANSWER_MS / 1000);
	system_stop(PANIC_STATUS);
}

static void dump_frame(const struct frame *f)
{
	kprintf("  ELR %016lx  FAR %016lx  ESR %08lx  SPSR %08lx  SP %016lx\n", f->elr, f->far,
		f->esr, f->spsr, f->sp);
	for (int i = 0; i < 30; i += 3)
		kprintf("  x%-2d %016lx  x%-2d %016lx  x%-2d %016lx\n", i, f->x[i], i + 1,
			f->x[i + 1], i + 2, f->x[i + 2]);
	kprintf("  x30 %016lx\n", f->x[30]);
	kprintf("  pc %lx  lr %lx\n", f->elr, f->x[30]);
	backtrace(f->x[29]);
}

static void __attribute__((noreturn)) exception_panic(const struct frame *f, const char *where)
{
	unsigned ec = ESR_EC(f->esr);
	char what[96];
	int guard = stack_guard_cpu(f->far);
	panic_begin();
	bool abort = ec == 0x24 || ec == 0x25 || ec == 0x20 || ec == 0x21;
	struct panic_task t;
	if (abort && task_guard(f->far, &t)) {
		kprintf("panic: stack overflow in task %ld (%s) on cpu %d (%s at 0x%lx)\n", t.id,
			t.name, cpu_id(), ec_name(ec), f->far);
	} else if (abort && guard >= 0) {
		kprintf("panic: %s: stack overflow on cpu %d's boot stack (%s at 0x%lx)\n", who(),
			guard, ec_name(ec), f->far);
	} else if (abort) {
		fsc_name(ESR_FSC(f->esr), what, sizeof(what));
		kprintf("panic: %s: %s at 0x%lx (%s%s)%s\n", who(), ec_name(ec), f->far, what,
			ec >= 0x24 ? (f->esr & (1 << 6) ? ", write" : ", read") : "", where);
	} else if (ec == 0x00 || ec == 0x22 || ec == 0x3c) {
		kprintf("panic: %s: %s at pc 0x%lx%s\n", who(), ec_name(ec), f->elr, where);
	} else {
		kprintf("panic: %s: %s (ESR %lx)%s\n", who(), ec_name(ec), f->esr, where);
	}
	dump_frame(f);
	panic_end();
}

void panic_exception(const struct frame *f, int kind, int from)
{
	static const char *const kinds[] = {"synchronous exception", "IRQ", "FIQ", "SError"};
	static const char *const froms[] = {"", " in an exception handler", " from EL0",
					    " from AArch32 EL0"};
	if (kind == EXC_SYNC)
		exception_panic(f, froms[from]);
	panic_begin();
	kprintf("panic: %s: unexpected %s%s\n", who(), kinds[kind], froms[from]);
	dump_frame(f);
	panic_end();
}

void panic(const char *fmt, ...)
{
	char msg[200];
	va_list ap;
	va_start(ap, fmt);
	kvsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	panic_begin();
	kprintf("panic: %s: %s\n", who(), msg);
	backtrace((uint64_t)__builtin_frame_address(0));
	panic_end();
}
