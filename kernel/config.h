/*
 * Kernel-wide constants, shared by C and assembly (no C syntax here).
 */
#pragma once

#define NCPU_MAX		128	/* QEMU virt with GICv3 models this many and more */
/*
 * How long one core waits for another to answer: to come online, to stop.
 * A real core answers within microseconds; an emulated one is a host
 * thread that a loaded host can leave unscheduled for hundreds of
 * milliseconds (437 ms seen with 8 vCPUs on 2 host cores), so a shorter
 * wait would report a healthy core as dead. Only a core that is really
 * gone (masked interrupts, hung, never started) costs the whole wait.
 */
#define CORE_ANSWER_MS		10000
#define PAGE_SIZE		4096
#define CPU_SIZE		512	/* sizeof(struct cpu), for boot/start.S */

/*
 * Per-core boot stacks, in .bss.stacks, one stride per core:
 *   [guard page][main stack][guard page][exception stack]
 * Guard pages are unmapped by kernel/mmu.c so an overflow faults. The main
 * stack is SP_EL0 (code runs with SPSel=0); the exception stack is SP_EL1,
 * so an exception taken on an overflowing stack still has a good stack.
 */
#define BOOT_STACK_SIZE		(16 * 1024)
#define EXC_STACK_SIZE		(8 * 1024)
#define CPU_STACK_STRIDE	(PAGE_SIZE + BOOT_STACK_SIZE + PAGE_SIZE + EXC_STACK_SIZE)
#define BOOT_STACK_TOP_OFF	(PAGE_SIZE + BOOT_STACK_SIZE)
#define EXC_STACK_TOP_OFF	CPU_STACK_STRIDE
