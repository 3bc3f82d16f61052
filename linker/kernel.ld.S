/*
 * The one linker script, shared by every board; the C preprocessor fills in
 * LOAD_ADDR from boards/<board>/board.mk.
 *
 * Each output section starts on its own 4 KiB page and gets its own program
 * header, so that code and writable data never share a page (QEMU's
 * self-modifying-code detection slows a page that mixes them ~100x) and the
 * MMU can map text R+X, rodata R, data/bss/stacks RW+XN (kernel/mmu.c).
 */
OUTPUT_FORMAT("elf64-littleaarch64")
OUTPUT_ARCH(aarch64)
ENTRY(_start)

PHDRS
{
	text   PT_LOAD FLAGS(5);	/* R X */
	rodata PT_LOAD FLAGS(4);	/* R   */
	data   PT_LOAD FLAGS(6);	/* R W */
}

SECTIONS
{
	. = LOAD_ADDR;
	__image_start = .;
	__text_start = .;
	.text : {
		KEEP(*(.text.head))	/* arm64 Image header + entry, first */
		*(.text.boot)
		*(.text .text.*)
	} :text
	. = ALIGN(4096);
	__text_end = .;

	__rodata_start = .;
	.rodata : {
		*(.rodata .rodata.*)
		. = ALIGN(8);
		__ktests_start = .;
		KEEP(*(SORT(.ktests.*)))
		__ktests_end = .;
	} :rodata
	.eh_frame : { *(.eh_frame) } :rodata
	. = ALIGN(4096);
	__rodata_end = .;

	__data_start = .;
	.data : {
		*(.data .data.*)
		. = ALIGN(8);
		__init_array_start = .;
		KEEP(*(SORT(.init_array.*)))
		KEEP(*(.init_array))
		__init_array_end = .;
	} :data
	__image_file_end = .;	/* end of what is in the raw image */

	.bss (NOLOAD) : ALIGN(64) {
		__bss_start = .;
		*(.bss .bss.*)
		*(COMMON)
		. = ALIGN(4096);
		__bss_end = .;
		*(.bss.pagetables)	/* page-aligned: page tables */
		*(.bss.stacks)		/* page-aligned: boot and exception stacks */
	} :data
	. = ALIGN(4096);
	__data_end = .;
	__image_end = .;

	/DISCARD/ : { *(.comment) *(.note*) }
}
