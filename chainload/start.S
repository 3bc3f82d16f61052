/*
 * The chainloader's entry. The Pi firmware (or QEMU) starts it at 0x80000,
 * where the kernel it receives must go, on the boot core (the others wait
 * in the firmware's spin table, for the kernel to release). So it first
 * copies itself to LOADER_ADDR, where it is linked, and runs from there;
 * the code up to the jump only uses PC-relative addressing.
 */
	.section .text.start, "ax"
	.globl	_start
_start:
	mov	x19, x0			/* DTB (or ATAGs) pointer, for the kernel */
	adr	x1, _start		/* where we are: 0x80000 */
	ldr	x2, =_start		/* where we are linked */
	ldr	x3, =__loader_end
	sub	x3, x3, x2		/* bytes to copy */
1:	ldp	x4, x5, [x1], #16
	stp	x4, x5, [x2], #16
	subs	x3, x3, #16
	b.gt	1b
	dsb	sy
	ic	iallu			/* the copy is code: no stale lines */
	dsb	sy
	isb
	ldr	x1, =high
	br	x1
high:
	ldr	x1, =__stack_top
	mov	sp, x1
	ldr	x1, =__bss_start	/* (BSS lies inside the copied range: clear it) */
	ldr	x2, =__bss_end
2:	cmp	x1, x2
	b.hs	3f
	str	xzr, [x1], #8
	b	2b
3:	mov	x0, x19
	bl	loader_main		/* returns the entry point */
	mov	x4, x0
	mov	x0, x19			/* the kernel gets x0 = DTB, x1-x3 = 0 */
	mov	x1, xzr
	mov	x2, xzr
	mov	x3, xzr
	dsb	sy
	ic	iallu
	dsb	sy
	isb
	br	x4
