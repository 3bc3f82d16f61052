/*
 * Flattened device tree (devicetree.org spec v0.4, chapter 5): a header, a
 * structure block of BEGIN_NODE / PROP / END_NODE tokens, and a strings
 * block for property names. All fields are big-endian; the reader uses
 * byte loads only, because it runs before the MMU is on, when unaligned
 * accesses fault.
 */
#include <kernel/dtb.h>
#include <stddef.h>

#define FDT_MAGIC	0xd00dfeedu
#define FDT_BEGIN_NODE	1
#define FDT_END_NODE	2
#define FDT_PROP	3
#define FDT_NOP		4
#define FDT_END		9
#define MAX_DEPTH	8

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Reads a `cells`-cell big-endian number. */
static uint64_t cells(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v = v << 32 | be32(p + 4 * i);
	return v;
}

static bool str_eq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* Node name without its unit address: "cpu@1" matches "cpu". */
static bool name_is(const char *name, const char *want)
{
	while (*want && *name == *want)
		name++, want++;
	return *want == 0 && (*name == 0 || *name == '@');
}

/* Does a "compatible" string list (NUL-separated) contain `want`? */
static bool compat_has(const char *list, uint32_t len, const char *want)
{
	uint32_t i = 0;
	while (i < len) {
		if (str_eq(list + i, want))
			return true;
		while (i < len && list[i])
			i++;
		i++;
	}
	return false;
}

uint32_t dt_size(const void *fdt)
{
	const uint8_t *h = fdt;
	if (!h || be32(h) != FDT_MAGIC)
		return 0;
	return be32(h + 4);
}

/* What the walk knows about each open node. */
struct node {
	const char *name;
	int addr_cells, size_cells;	/* for this node's children */
	const uint8_t *reg;		/* this node's reg, if seen */
	uint32_t reg_len;
	const char *compat;
	uint32_t compat_len;
	uint64_t release;
	bool spin_table;
	bool disabled;		/* status = "disabled" (or anything but "okay") */
	bool no_map;		/* a reserved-memory region the OS must not map */
	const uint8_t *ranges;	/* how child addresses map to ours, if given */
	uint32_t ranges_len;
	bool has_ranges;
	int redist_regions;	/* GICv3 "#redistributor-regions", 0 if absent */
};

static void zero(void *p, size_t n)
{
	for (uint8_t *b = p; n--; b++)
		*b = 0;
}

static bool has_reg(const struct node *n, const struct node *parent, int i)
{
	int stride = 4 * (parent->addr_cells + parent->size_cells);
	return n->reg && (uint32_t)(stride * (i + 1)) <= n->reg_len;
}

/* Reg entry `i` of node `n`, whose parent is `parent`. */
static uint64_t reg_addr(const struct node *n, const struct node *parent, int i)
{
	int stride = 4 * (parent->addr_cells + parent->size_cells);
	if (!n->reg || (uint32_t)(stride * (i + 1)) > n->reg_len)
		return 0;
	return cells(n->reg + stride * i, parent->addr_cells);
}

static uint64_t reg_size(const struct node *n, const struct node *parent, int i)
{
	int stride = 4 * (parent->addr_cells + parent->size_cells);
	if (!n->reg || (uint32_t)(stride * (i + 1)) > n->reg_len)
		return 0;
	return cells(n->reg + stride * i + 4 * parent->addr_cells, parent->size_cells);
}

/*
 * A device's address as the CPU sees it: reg entry `i` of stack[depth],
 * carried up through each ancestor bus's `ranges` (a Raspberry Pi's
 * peripherals sit at bus address 0x7e000000, CPU address 0x3f000000 on a
 * Pi 3). An empty or missing `ranges` passes addresses through. A missing
 * entry is 0, untranslated: the Pi 5's soc bus maps bus address 0 (Linux
 * arch/arm64/boot/dts/broadcom/bcm2712.dtsi, ranges <0x0 0x10 0x0
 * 0x80000000>), so its one-entry brcm,bcm2836-l1-intc would otherwise get
 * a second address of 0x1000000000.
 */
static uint64_t cpu_addr(const struct node *stack, int depth, int i)
{
	if (!has_reg(&stack[depth], &stack[depth - 1], i))
		return 0;
	uint64_t a = reg_addr(&stack[depth], &stack[depth - 1], i);
	for (int k = depth - 1; k >= 1; k--) {
		const struct node *bus = &stack[k], *up = &stack[k - 1];
		if (!bus->has_ranges || bus->ranges_len == 0)
			continue;
		int ca = bus->addr_cells, pa = up->addr_cells, sz = bus->size_cells;
		uint32_t stride = 4u * (uint32_t)(ca + pa + sz);
		for (uint32_t off = 0; stride && off + stride <= bus->ranges_len; off += stride) {
			uint64_t child = cells(bus->ranges + off, ca);
			uint64_t parent = cells(bus->ranges + off + 4 * ca, pa);
			uint64_t size = cells(bus->ranges + off + 4 * (ca + pa), sz);
			if (a >= child && a - child < size) {
				a = a - child + parent;
				break;
			}
		}
	}
	return a;
}

static enum dt_intc intc_kind(const struct node *n)
{
	if (compat_has(n->compat, n->compat_len, "arm,gic-v3"))
		return DT_INTC_GICV3;
	if (compat_has(n->compat, n->compat_len, "arm,cortex-a15-gic") ||
	    compat_has(n->compat, n->compat_len, "arm,gic-400"))
		return DT_INTC_GICV2;
	if (compat_has(n->compat, n->compat_len, "brcm,bcm2836-l1-intc"))
		return DT_INTC_BCM2836;
	return DT_INTC_NONE;
}

/*
 * Which controller to drive when a tree has several: a GIC over the
 * BCM2836 per-core block, else the first. The Pi 4's tree (Linux
 * arch/arm/boot/dts/broadcom/bcm2711.dtsi) has both, enabled, the
 * brcm,bcm2836-l1-intc "local_intc" first, and routes every interrupt
 * through the arm,gic-400 (the root's interrupt-parent = <&gicv2>); the
 * first one found would be the wrong one, and no timer interrupt or IPI
 * would ever arrive.
 */
static int intc_rank(enum dt_intc k)
{
	return k == DT_INTC_NONE ? 0 : k == DT_INTC_BCM2836 ? 1 : 2;
}

/* A node is complete (its END_NODE seen): record what it tells. */
static void node_done(const struct node *stack, int depth, struct dt_info *o)
{
	const struct node *n = &stack[depth], *parent = &stack[depth - 1];
	if (depth == 1 && name_is(n->name, "memory") && !o->mem_size) {
		o->mem_base = reg_addr(n, parent, 0);
		o->mem_size = reg_size(n, parent, 0);
	}
	if (depth == 2 && name_is(parent->name, "cpus") && name_is(n->name, "cpu") &&
	    o->ncpus_found++ < DT_MAX_CPUS) {
		o->cpu_mpidr[o->ncpus] = reg_addr(n, parent, 0);
		o->cpu_release[o->ncpus] = n->spin_table ? n->release : 0;
		o->ncpus++;
	}
	if (depth == 2 && name_is(parent->name, "reserved-memory") && n->no_map &&
	    !n->disabled && o->nnomap < DT_MAX_NOMAP && reg_size(n, parent, 0)) {
		o->nomap_base[o->nnomap] = reg_addr(n, parent, 0);
		o->nomap_size[o->nnomap++] = reg_size(n, parent, 0);
	}
	if (!n->compat || n->disabled)
		return;
	enum dt_intc kind = intc_kind(n);
	if (kind != DT_INTC_NONE && intc_rank(kind) > intc_rank(o->intc)) {
		o->intc = kind;
		for (int i = 0; i < DT_MAX_INTC_REG; i++) {
			o->intc_reg[i] = cpu_addr(stack, depth, i);
			o->intc_size[i] = reg_size(n, parent, i);
		}
		/* QEMU virt past 123 cores: a second region of redistributors,
		 * above 4 GiB (Linux Documentation/devicetree/bindings/
		 * interrupt-controller/arm,gic-v3.yaml, #redistributor-regions). */
		o->intc_redist_regions = n->redist_regions ? n->redist_regions : 1;
	}
	if (!o->pl011 && compat_has(n->compat, n->compat_len, "arm,pl011"))
		o->pl011 = cpu_addr(stack, depth, 0);
}

static void prop(struct node *stack, int depth, const char *pname, const uint8_t *val,
		 uint32_t len, struct dt_info *o)
{
	struct node *n = &stack[depth];
	if (str_eq(pname, "#address-cells") && len == 4)
		n->addr_cells = (int)be32(val);
	else if (str_eq(pname, "#size-cells") && len == 4)
		n->size_cells = (int)be32(val);
	else if (str_eq(pname, "reg"))
		n->reg = val, n->reg_len = len;
	else if (str_eq(pname, "compatible"))
		n->compat = (const char *)val, n->compat_len = len;
	else if (str_eq(pname, "enable-method"))
		n->spin_table = compat_has((const char *)val, len, "spin-table");
	else if (str_eq(pname, "ranges"))
		n->ranges = val, n->ranges_len = len, n->has_ranges = true;
	else if (str_eq(pname, "status"))
		n->disabled = !str_eq((const char *)val, "okay") && !str_eq((const char *)val, "ok");
	else if (str_eq(pname, "#redistributor-regions") && len == 4)
		n->redist_regions = (int)be32(val);
	else if (str_eq(pname, "no-map"))
		n->no_map = true;
	else if (str_eq(pname, "cpu-release-addr") && len >= 4)
		n->release = cells(val, len / 4 > 1 ? 2 : 1);
	else if (depth == 1 && name_is(n->name, "chosen") && str_eq(pname, "bootargs"))
		o->bootargs = (const char *)val;
	else if (depth == 1 && name_is(n->name, "psci") && str_eq(pname, "method"))
		o->psci = str_eq((const char *)val, "smc") ? DT_PSCI_SMC : DT_PSCI_HVC;
}

bool dt_parse(const void *fdt, struct dt_info *o)
{
	zero(o, sizeof(*o));
	uint32_t total = dt_size(fdt);
	if (!total)
		return false;
	const uint8_t *h = fdt;
	const uint8_t *p = h + be32(h + 8), *end = h + total;
	const char *strings = (const char *)h + be32(h + 12);
	struct node stack[MAX_DEPTH];
	int depth = -1;

	while (p + 4 <= end) {
		uint32_t tok = be32(p);
		p += 4;
		if (tok == FDT_BEGIN_NODE) {
			if (++depth >= MAX_DEPTH)
				return false;
			zero(&stack[depth], sizeof(stack[depth]));
			stack[depth].name = (const char *)p;
			stack[depth].addr_cells = 2; /* spec defaults */
			stack[depth].size_cells = 1;
			while (p < end && *p)
				p++;
			p = h + ((p + 1 - h + 3) & ~3u);
		} else if (tok == FDT_PROP) {
			if (depth < 0 || p + 8 > end)
				return false;
			uint32_t len = be32(p), nameoff = be32(p + 4);
			const uint8_t *val = p + 8;
			if (val + len > end)
				return false;
			prop(stack, depth, strings + nameoff, val, len, o);
			p = h + ((val + len - h + 3) & ~3u);
		} else if (tok == FDT_END_NODE) {
			if (depth < 0)
				return false;
			if (depth > 0)
				node_done(stack, depth, o);
			depth--;
		} else if (tok == FDT_END) {
			return true;
		} else if (tok != FDT_NOP) {
			return false;
		}
	}
	return false;
}
