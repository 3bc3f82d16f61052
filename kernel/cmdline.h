/*
 * The boot command line: "key=value" words from the DTB's /chosen/bootargs
 * (QEMU -append, the Pi's cmdline.txt) or, on QEMU's raspi boards without a
 * DTB, from the ATAG_CMDLINE QEMU leaves at 0x100.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>

void cmdline_set(const char *s);	/* copies s (runs before the MMU is on) */
const char *cmdline(void);		/* the whole line */
/* Value of "key=value" (NULL if absent; "" for a bare "key"). The result is
 * a pointer into a copy that ends at the value's end. */
const char *cmdline_get(const char *key);
long cmdline_int(const char *key, long dflt);
/* ATAG list at `atags` (the older ARM boot protocol): its command line, or NULL. */
const char *atags_cmdline(uint64_t atags);
/* Its first ATAG_MEM range (what the firmware or QEMU gives the ARM);
 * false if there is none. */
bool atags_mem(uint64_t atags, uint64_t *base, uint64_t *size);
