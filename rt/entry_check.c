/*
 * Two ways a real board can start this kernel that QEMU's -kernel never
 * does, each refused with one line on the console instead of a silent
 * crash. Both run before anything else on the boot core, MMU off.
 *
 * 1. Loaded where it is not linked. The image is linked at LOAD_ADDR and is
 *    not position-independent: statically initialised pointers (the driver
 *    tables' function pointers, for one) hold link-time addresses. The
 *    firmware loads it where config.txt's kernel_address says, and the
 *    Pi 5's default for a 64-bit kernel is 0x200000, not 0x80000
 *    (Raspberry Pi documentation, "config.txt", kernel_address). Code
 *    itself is PC-relative (-mcmodel=small: adrp), so this file can still
 *    run: it calls the UART driver's functions at their link address plus
 *    the distance the image was moved.
 *
 * 2. Entered at EL3 (config.txt kernel_old=1, or a custom armstub=). On the
 *    normal path the firmware's armstub (raspberrypi/tools armstubs/
 *    armstub8.S) has, at EL3, set CNTFRQ_EL0 (else 0, and the kernel's
 *    timer arithmetic divides by it), CPUECTLR_EL1.SMPEN (A53/A72 cores
 *    are not coherent without it; Cortex-A53 TRM, CPUECTLR_EL1), the
 *    BCM2836 local timer's prescaler, and, on the Pi 4, put the GIC's
 *    interrupts in group 1 (non-secure) so that EL1 sees them. On QEMU virt
 *    with secure=on the GIC likewise has its security extension and every
 *    interrupt starts in group 0. This kernel does none of that, so it
 *    refuses to run half set up. start.S has already dropped to EL1 (that
 *    leaves FP usable: CPTR_EL3 is cleared there) so that this C can run.
 */
#include <kernel/platform.h>
#include <kernel/uart.h>
#include <rt/entry_check.h>
#include <stdint.h>

extern char _start[];
void park(void) __attribute__((noreturn)); /* boot/start.S */

/* A link-time address: a data relocation, not folded into adrp. */
static const volatile uintptr_t linked_start = (uintptr_t)_start;

struct early_uart {
	void (*putc)(uint64_t base, char c);
	uint64_t base;
};

static void say(const struct early_uart *u, const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			u->putc(u->base, '\r');
		u->putc(u->base, *s);
	}
}

static void say_hex(const struct early_uart *u, uint64_t v)
{
	char buf[19] = "0x";
	int n = 2, shift = 60;
	while (shift > 0 && !((v >> shift) & 0xf))
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		buf[n++] = "0123456789abcdef"[(v >> shift) & 0xf];
	buf[n] = 0;
	say(u, buf);
}

/* The board's console, set up from its defaults (no device tree yet:
 * parsing it is more code that might reach a link-time pointer). */
static void early_console(struct early_uart *u, intptr_t moved)
{
	static struct platform p; /* in .bss, zeroed by start.S where we run */
	board_init(&p);
	if (p.uart_pins)
		p.uart_pins(); /* assigned at run time: already a run address */
	void (*init)(uint64_t, uint32_t, uint32_t) =
		(void (*)(uint64_t, uint32_t, uint32_t))((uintptr_t)p.uart->init + moved);
	u->putc = (void (*)(uint64_t, char))((uintptr_t)p.uart->putc + moved);
	u->base = p.uart_base;
	init(p.uart_base, p.uart_clock, 115200);
}

void entry_check(uint64_t entry_el)
{
	uintptr_t here = (uintptr_t)_start; /* adrp: where we run */
	intptr_t moved = (intptr_t)(here - linked_start);
	if (!moved && entry_el < 3)
		return;
	struct early_uart u;
	early_console(&u, moved);
	if (moved) {
		say(&u, "gometal: loaded at ");
		say_hex(&u, here);
		say(&u, " but linked at ");
		say_hex(&u, linked_start);
		say(&u, ", and it runs only where it is linked: on a Pi, put kernel_address=");
		say_hex(&u, linked_start);
		say(&u, " in config.txt. Stopped.\n");
	} else {
		say(&u, "gometal: entered at EL3, where nothing has set the counter frequency, "
			"SMPEN or the GIC's interrupt groups, and this kernel does not: boot it at EL2 "
			"(on a Pi, through the firmware's own armstub: no kernel_old=1 or armstub= in "
			"config.txt). Stopped.\n");
	}
	park();
}
