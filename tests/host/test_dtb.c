/* kernel/dtb.c against device trees QEMU's virt machine generated. */
#include "check.h"
#include <kernel/dtb.h>
#include <stdlib.h>
#include <string.h>

static const char *dir;

static void *load(const char *name)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	void *buf = malloc(1 << 20);
	size_t n = fread(buf, 1, 1 << 20, f);
	fclose(f);
	return n ? buf : NULL;
}

static void dtb_virt_gicv2_smp4(void)
{
	struct dt_info dt;
	void *blob = load("virt-gicv2-smp4.dtb");
	CHECK(blob && dt_parse(blob, &dt));
	if (!blob)
		return;
	CHECK(dt.mem_base == 0x40000000 && dt.mem_size == 512ull << 20);
	CHECK(dt.intc == DT_INTC_GICV2);
	CHECK(dt.intc_reg[0] == 0x08000000 && dt.intc_reg[1] == 0x08010000);
	CHECK(dt.psci == DT_PSCI_HVC);
	CHECK(dt.pl011 == 0x09000000);
	CHECK(dt.ncpus == 4);
	for (int i = 0; i < dt.ncpus; i++)
		CHECK(dt.cpu_mpidr[i] == (uint64_t)i && dt.cpu_release[i] == 0);
	CHECK(dt.bootargs && strcmp(dt.bootargs, "maxcpus=4 hello=world") == 0);
	free(blob);
}

static void dtb_virt_gicv3_smp8(void)
{
	struct dt_info dt;
	void *blob = load("virt-gicv3-smp8.dtb");
	CHECK(blob && dt_parse(blob, &dt));
	if (!blob)
		return;
	CHECK(dt.intc == DT_INTC_GICV3);
	CHECK(dt.intc_reg[0] == 0x08000000 && dt.intc_reg[1] == 0x080a0000);
	CHECK(dt.ncpus == 8);
	CHECK(dt.cpu_mpidr[7] == 7);
	free(blob);
}

/* secure=on adds a secure-only PL011 (status "disabled") before ours. */
static void dtb_skips_disabled_nodes(void)
{
	struct dt_info dt;
	void *blob = load("virt-secure.dtb");
	CHECK(blob && dt_parse(blob, &dt));
	if (!blob)
		return;
	CHECK(dt.pl011 == 0x09000000);
	CHECK(dt.ncpus == 2);
	free(blob);
}

static void dtb_rejects_garbage(void)
{
	struct dt_info dt;
	unsigned char junk[64] = {0xd0, 0x0d, 0xfe, 0xee};
	CHECK(!dt_parse(junk, &dt));
	CHECK(dt_size(junk) == 0);
	CHECK(!dt_parse(NULL, &dt));
}

static void dtb_rejects_truncated(void)
{
	struct dt_info dt;
	unsigned char *blob = load("virt-gicv2-smp4.dtb");
	if (!blob)
		return;
	/* Claim a total size that cuts the structure block short. */
	blob[4] = blob[5] = 0, blob[6] = 0x01, blob[7] = 0x00;
	CHECK(!dt_parse(blob, &dt));
	free(blob);
}

int main(int argc, char **argv)
{
	dir = argc > 1 ? argv[1] : ".";
	RUN(dtb_virt_gicv2_smp4);
	RUN(dtb_virt_gicv3_smp8);
	RUN(dtb_skips_disabled_nodes);
	RUN(dtb_rejects_garbage);
	RUN(dtb_rejects_truncated);
	return 0;
}
