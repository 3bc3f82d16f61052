/* kernel/cmdline.c: boot argument parsing and ATAG command lines. */
#include "check.h"
#include <kernel/cmdline.h>
#include <stdint.h>
#include <string.h>

static void cmdline_keys_and_values(void)
{
	cmdline_set("maxcpus=2 quiet test=smp. quantum=50 neg=-3");
	CHECK(cmdline_int("maxcpus", 9) == 2);
	CHECK(cmdline_int("quantum", 0) == 50);
	CHECK(cmdline_int("neg", 0) == -3);
	CHECK(cmdline_int("absent", 7) == 7);
	CHECK(strcmp(cmdline_get("test"), "smp.") == 0);
	CHECK(strcmp(cmdline_get("quiet"), "") == 0);
	CHECK(cmdline_get("max") == NULL);	/* no prefix matches */
	CHECK(cmdline_get("cpus") == NULL);	/* nor suffix matches */
}

static void cmdline_empty_and_null(void)
{
	cmdline_set(NULL);
	CHECK(strcmp(cmdline(), "") == 0);
	CHECK(cmdline_get("x") == NULL);
}

static void atags_command_line(void)
{
	/* ATAG_CORE (5 words), ATAG_CMDLINE, ATAG_NONE: as QEMU writes them. */
	uint32_t tags[32] = {5, 0x54410001, 0, 4096, 0};
	const char *text = "maxcpus=1 test=irq";
	uint32_t words = (uint32_t)(strlen(text) + 1 + 3) / 4;
	tags[5] = 2 + words;
	tags[6] = 0x54410009;
	memcpy(&tags[7], text, strlen(text) + 1);
	tags[7 + words] = 0;
	tags[8 + words] = 0;
	const char *got = atags_cmdline((uint64_t)(uintptr_t)tags);
	CHECK(got && strcmp(got, text) == 0);
	uint32_t not_atags[4] = {0xd00dfeed};
	CHECK(atags_cmdline((uint64_t)(uintptr_t)not_atags) == NULL);
	uint64_t base = 1, size = 1;
	CHECK(!atags_mem((uint64_t)(uintptr_t)tags, &base, &size)); /* none in this list */
	CHECK(!atags_mem((uint64_t)(uintptr_t)not_atags, &base, &size));
}

/* ATAG_MEM (size, start), between ATAG_CORE and the command line, as the
 * firmware and QEMU write it: the RAM the ARM may use. */
static void atags_memory(void)
{
	uint32_t tags[] = {5, 0x54410001, 0, 4096, 0,	/* ATAG_CORE */
			   4, 0x54410002, 0x3b400000, 0,	/* ATAG_MEM: 948 MiB at 0 */
			   3, 0x54410009, 0x00003d78,		/* ATAG_CMDLINE "x==" */
			   0, 0};
	uint64_t base = 1, size = 1;
	CHECK(atags_mem((uint64_t)(uintptr_t)tags, &base, &size));
	CHECK(base == 0 && size == 0x3b400000);
	CHECK(atags_cmdline((uint64_t)(uintptr_t)tags) == (const char *)&tags[11]);
	tags[5] = 3; /* an ATAG_MEM too short to hold a start: not taken */
	tags[8] = 0;
	tags[9] = 0;
	CHECK(!atags_mem((uint64_t)(uintptr_t)tags, &base, &size));
}

int main(void)
{
	RUN(cmdline_keys_and_values);
	RUN(cmdline_empty_and_null);
	RUN(atags_command_line);
	RUN(atags_memory);
	return 0;
}
