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
	CHECK(dt.intc_redist_regions == 1);
	CHECK(dt.ncpus == 8);
	CHECK(dt.cpu_mpidr[7] == 7);
	free(blob);
}

/* 128 cores: Aff1 counts clusters of 16 (cpu 17 is 0x101), and the
 * redistributors come in two regions, the second at 256 GiB. */
static void dtb_virt_gicv3_smp128(void)
{
	struct dt_info dt;
	void *blob = load("virt-gicv3-smp128.dtb");
	CHECK(blob && dt_parse(blob, &dt));
	if (!blob)
		return;
	CHECK(dt.intc == DT_INTC_GICV3);
	CHECK(dt.ncpus == 128 && dt.ncpus_found == 128);
	CHECK(dt.cpu_mpidr[17] == 0x101 && dt.cpu_mpidr[127] == 0x70f);
	CHECK(dt.intc_redist_regions == 2);
	CHECK(dt.intc_reg[1] == 0x080a0000 && dt.intc_size[1] == 0xf60000);
	CHECK(dt.intc_reg[2] == 0x4000000000ull && dt.intc_size[2] == 0x4000000);
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

/* A tiny FDT writer, for trees QEMU does not make. */
struct fdt {
	uint8_t b[2048];
	uint32_t n, strings[64];
	char str[512];
	uint32_t nstr;
};

static void put32(struct fdt *f, uint32_t v)
{
	f->b[f->n++] = v >> 24, f->b[f->n++] = v >> 16, f->b[f->n++] = v >> 8, f->b[f->n++] = v;
}

static void begin(struct fdt *f, const char *name)
{
	put32(f, 1);
	size_t l = strlen(name) + 1;
	memcpy(f->b + f->n, name, l);
	f->n += (uint32_t)((l + 3) & ~3u);
}

static void prop(struct fdt *f, const char *name, const void *val, uint32_t len)
{
	uint32_t off = f->nstr;
	memcpy(f->str + off, name, strlen(name) + 1);
	f->nstr += (uint32_t)strlen(name) + 1;
	put32(f, 3), put32(f, len), put32(f, off);
	memcpy(f->b + f->n, val, len);
	f->n += (len + 3) & ~3u;
}

static void prop_cells(struct fdt *f, const char *name, int n, const uint32_t *v)
{
	uint8_t be[64];
	for (int i = 0; i < n; i++)
		be[4 * i] = v[i] >> 24, be[4 * i + 1] = v[i] >> 16, be[4 * i + 2] = v[i] >> 8,
			be[4 * i + 3] = v[i];
	prop(f, name, be, 4u * (uint32_t)n);
}

static void *finish(struct fdt *f)
{
	put32(f, 9);
	static uint8_t blob[4096];
	uint32_t hdr = 40, total = hdr + f->n + f->nstr;
	memset(blob, 0, sizeof(blob));
	uint32_t h[10] = {0xd00dfeed, total, hdr, hdr + f->n, 0, 17, 16, 0, f->nstr, f->n};
	for (int i = 0; i < 10; i++)
		blob[4 * i] = h[i] >> 24, blob[4 * i + 1] = h[i] >> 16, blob[4 * i + 2] = h[i] >> 8,
				 blob[4 * i + 3] = h[i];
	memcpy(blob + hdr, f->b, f->n);
	memcpy(blob + hdr + f->n, f->str, f->nstr);
	return blob;
}

/* As in the Pi 3's own tree: peripherals at bus 0x7e000000 = CPU 0x3f000000. */
static void dtb_translates_bus_addresses(void)
{
	static struct fdt f;
	uint32_t one = 1, ranges[] = {0x7e000000, 0x3f000000, 0x01000000};
	uint32_t uart[] = {0x7e201000, 0x200}, local[] = {0x40000000, 0x100};
	uint32_t local_ranges[] = {0x40000000, 0x40000000, 0x00040000};
	begin(&f, "");
	prop_cells(&f, "#address-cells", 1, &one);
	prop_cells(&f, "#size-cells", 1, &one);
	begin(&f, "soc");
	prop_cells(&f, "#address-cells", 1, &one);
	prop_cells(&f, "#size-cells", 1, &one);
	prop_cells(&f, "ranges", 3, ranges);
	begin(&f, "serial@7e201000");
	prop(&f, "compatible", "arm,pl011\0arm,primecell", 24);
	prop_cells(&f, "reg", 2, uart);
	put32(&f, 2);
	put32(&f, 2);
	begin(&f, "local_intc@40000000");
	prop_cells(&f, "#address-cells", 1, &one);
	prop_cells(&f, "ranges", 3, local_ranges);
	prop(&f, "compatible", "brcm,bcm2836-l1-intc", 21);
	prop_cells(&f, "reg", 2, local);
	put32(&f, 2);
	put32(&f, 2);
	struct dt_info dt;
	CHECK(dt_parse(finish(&f), &dt));
	CHECK(dt.pl011 == 0x3f201000);
	CHECK(dt.intc == DT_INTC_BCM2836 && dt.intc_reg[0] == 0x40000000);
}

/*
 * As in the Pi 5's tree (Linux bcm2712.dtsi): a bus whose ranges map bus
 * address 0, and a controller with one reg entry. The missing second entry
 * must stay 0, not become the bus's base.
 */
static void dtb_missing_reg_entry_is_zero(void)
{
	static struct fdt f;
	uint32_t one = 1, two = 2, ranges[] = {0x0, 0x10, 0x0, 0x80000000};
	uint32_t local[] = {0x7cd00000, 0x100};
	begin(&f, "");
	prop_cells(&f, "#address-cells", 1, &two);
	prop_cells(&f, "#size-cells", 1, &two);
	begin(&f, "soc@107c000000");
	prop_cells(&f, "ranges", 4, ranges);
	prop_cells(&f, "#address-cells", 1, &one);
	prop_cells(&f, "#size-cells", 1, &one);
	begin(&f, "interrupt-controller@7cd00000");
	prop(&f, "compatible", "brcm,bcm2836-l1-intc", 21);
	prop_cells(&f, "reg", 2, local);
	put32(&f, 2);
	put32(&f, 2);
	put32(&f, 2);
	struct dt_info dt;
	CHECK(dt_parse(finish(&f), &dt));
	CHECK(dt.intc == DT_INTC_BCM2836);
	CHECK(dt.intc_reg[0] == 0x107cd00000);
	CHECK(dt.intc_reg[1] == 0);
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
	RUN(dtb_virt_gicv3_smp128);
	RUN(dtb_skips_disabled_nodes);
	RUN(dtb_translates_bus_addresses);
	RUN(dtb_missing_reg_entry_is_zero);
	RUN(dtb_rejects_garbage);
	RUN(dtb_rejects_truncated);
	return 0;
}
