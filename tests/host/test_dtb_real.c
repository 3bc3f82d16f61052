/*
 * The Raspberry Pi device trees of Linux itself against boards/<board>/
 * board.c. The kernel boots on a Pi with or without a tree (QEMU's raspi
 * boards pass ATAGs; the firmware passes a DTB only when the card has
 * one), so what it takes from the real tree must be what board.c says
 * when there is none. tools/fetch-dtbs.sh builds the trees from Debian's
 * linux-source-6.12 into build/dtbs/ (linux-source.version says which
 * version; src/ holds the .dts/.dtsi files cited below by line).
 *
 * Both sides are the real code: board.c is compiled for the host with its
 * board_init renamed per board (the Makefile's -Dboard_init=...), and the
 * kernel's view is rt/platform.c's platform_init() over kernel/dtb.c,
 * which calls board_init below and lays the tree over it. A mismatch
 * prints both values.
 */
#include "check.h"
#include <drivers/gpio/bcm2835_gpio.h>
#include <drivers/irq/irqchips.h>
#include <drivers/uart/pl011.h>
#include <kernel/dtb.h>
#include <kernel/platform.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* The drivers board.c names: here only their identity matters. */
const struct irqchip gicv2_irqchip = {.name = "gicv2"};
const struct irqchip gicv3_irqchip = {.name = "gicv3"};
const struct irqchip bcm2836_irqchip = {.name = "bcm2836-local"};
const struct uart_driver pl011_uart = {.name = "pl011"};
const struct gpio_chip bcm2835_gpio = {.name = "bcm2835-gpio"};
void bcm2835_gpio_func(uint64_t base, unsigned pin, enum gpio_func f)
{
	(void)base, (void)pin, (void)f;
}
void bcm2835_gpio_pull_none(uint64_t base, unsigned pin)
{
	(void)base, (void)pin;
}

void board_init_rpi3(struct platform *p);
void board_init_rpi4(struct platform *p);
void board_init_rpi5(struct platform *p);

/* The kernel image's bounds rt/platform.c keeps RAM around (the linker
 * script's on the target); here far above any Pi's RAM. */
char __image_start[1], __image_end[1];

/* rt/platform.c calls board_init(): the board under test. */
static void (*this_board)(struct platform *);
void board_init(struct platform *p)
{
	this_board(p);
}

/*
 * What a tree says about RAM. Every Pi firmware rewrites /memory with what
 * the ARM really has, so only what the .dts fixes is compared: the base,
 * always, and the size as the rule says.
 */
enum ram_rule {
	/* The tree gives a size; board.c's default must lie within it. */
	RAM_WITHIN,
	/* The tree's size is 0, to be filled in; the kernel must then keep
	 * board.c's default (rt/platform.c ignores an empty /memory). */
	RAM_UNSET,
};

struct board {
	const char *name, *dtb;
	void (*init)(struct platform *);
	enum ram_rule ram;
};

static const char *dtb_dir = DTB_DIR, *board_name;

static void same(const char *what, uint64_t dtb, uint64_t board)
{
	if (dtb == board)
		return;
	printf("  %s: %s: dtb 0x%" PRIx64 ", board.c 0x%" PRIx64 "\n", board_name, what, dtb, board);
	check_failed = 1;
}

static void same_str(const char *what, const char *dtb, const char *board)
{
	if (strcmp(dtb, board) == 0)
		return;
	printf("  %s: %s: dtb %s, board.c %s\n", board_name, what, dtb, board);
	check_failed = 1;
}

static void fail(const char *what)
{
	printf("  %s: %s\n", board_name, what);
	check_failed = 1;
}

static const char *start_name(enum cpu_start s)
{
	return s == CPU_START_SPIN_TABLE ? "spin-table"
	       : s == CPU_START_PSCI_SMC ? "psci smc"
					 : "psci hvc";
}

static void *load(const char *name)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dtb_dir, name);
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	void *buf = calloc(1, 1 << 20);
	size_t n = fread(buf, 1, 1 << 20, f);
	fclose(f);
	if (n)
		return buf;
	free(buf);
	return NULL;
}

/* Is [a, a + 4 KiB) inside a range board.c maps as Device memory? The kernel
 * maps only those: a device the tree puts elsewhere would fault. */
static void mapped(const struct platform *want, const char *what, uint64_t a)
{
	for (int i = 0; i < want->nmmio; i++)
		if (a >= want->mmio[i].base && a + 0x1000 <= want->mmio[i].base + want->mmio[i].size)
			return;
	printf("  %s: %s: dtb 0x%" PRIx64 " is outside board.c's mmio ranges\n", board_name, what, a);
	check_failed = 1;
}

static void check_ram(const struct board *b, const struct dt_info *dt, const struct platform *want)
{
	/* The base the kernel uses: the tree's, past any no-map region at
	 * its start (the Pi 5's TF-A at 0, bcm2712.dtsi reserved-memory). */
	same("ram base the kernel uses", plat.ram_base, want->ram_base);
	if (b->ram == RAM_UNSET) {
		same("ram size (0 in the tree, for the firmware to fill)", dt->mem_size, 0);
		same("ram size the kernel uses", plat.ram_size, want->ram_size);
	} else if (want->ram_base < dt->mem_base ||
		   want->ram_base + want->ram_size > dt->mem_base + dt->mem_size) {
		printf("  %s: ram: board.c 0x%" PRIx64 "+0x%" PRIx64 " reaches past the tree's "
		       "0x%" PRIx64 "+0x%" PRIx64 "\n", board_name, want->ram_base, want->ram_size,
		       dt->mem_base, dt->mem_size);
		check_failed = 1;
	}
}

static void check_cpus(const struct dt_info *dt, const struct platform *want)
{
	char what[64];
	same("cpus", (uint64_t)dt->ncpus_found, (uint64_t)want->ncpus);
	same("cpus the kernel uses", (uint64_t)plat.ncpus, (uint64_t)want->ncpus);
	for (int i = 0; i < dt->ncpus && i < want->ncpus; i++) {
		snprintf(what, sizeof(what), "cpu %d mpidr", i);
		same(what, dt->cpu_mpidr[i], want->cpu_mpidr[i]);
		snprintf(what, sizeof(what), "cpu %d cpu-release-addr", i);
		same(what, dt->cpu_release[i], want->cpu_release[i]);
	}
	/* Without release addresses or /psci the kernel keeps board.c's
	 * method, and comparing would prove nothing. */
	bool told = dt->psci != DT_PSCI_NONE;
	for (int i = 0; i < dt->ncpus; i++)
		told |= dt->cpu_release[i] != 0;
	if (!told)
		fail("enable method: the tree names none the kernel reads");
	same_str("enable method", start_name(plat.cpu_start), start_name(want->cpu_start));
	same("psci", plat.psci, want->psci);
}

static void check_board(const struct board *b)
{
	struct platform want;
	struct dt_info dt;
	board_name = b->name;
	memset(&want, 0, sizeof(want));
	b->init(&want);

	void *blob = load(b->dtb);
	if (!blob) {
		printf("  %s: %s/%s missing (tools/fetch-dtbs.sh makes it)\n", b->name, dtb_dir, b->dtb);
		check_failed = 1;
		return;
	}
	if (!dt_parse(blob, &dt)) {
		fail("dt_parse refused the tree");
		free(blob);
		return;
	}
	/* The kernel's own view: board_init(), then the tree over it. */
	this_board = b->init;
	memset(&plat, 0, sizeof(plat));
	platform_init((uint64_t)(uintptr_t)blob);

	if (dt.intc == DT_INTC_NONE)
		fail("no interrupt controller found in the tree");
	same_str("interrupt controller", plat.irqchip->name, want.irqchip->name);
	same("intc_reg[0]", dt.intc_reg[0], want.intc_base[0]);
	same("intc_reg[1]", dt.intc_reg[1], want.intc_base[1]);
	if (!dt.pl011)
		fail("no enabled arm,pl011 in the tree");
	same_str("uart driver", want.uart->name, "pl011");
	same("pl011", dt.pl011, want.uart_base);
	mapped(&want, "pl011", plat.uart_base);
	for (int i = 0; i < 2; i++)
		if (plat.intc_base[i])
			mapped(&want, i ? "intc_reg[1]" : "intc_reg[0]", plat.intc_base[i]);
	check_ram(b, &dt, &want);
	check_cpus(&dt, &want);
	free(blob);
}

/*
 * Raspberry Pi 3 Model B (arch/arm64/boot/dts/broadcom/bcm2837-rpi-3-b.dts,
 * which includes arch/arm/boot/dts/broadcom/bcm2837-rpi-3-b.dts; below,
 * files without a path are in arch/arm/boot/dts/broadcom/).
 *  - intc: the only interrupt controller the kernel knows is local_intc,
 *    brcm,bcm2836-l1-intc at 0x40000000 (bcm2837.dtsi:12-14, on the soc
 *    bus's identity range for 0x40000000, bcm2837.dtsi:8-9), which also
 *    takes the timer's interrupts (bcm2837.dtsi:27-29); the BCM2835
 *    brcm,bcm2835-armctrl-ic at 0x7e00b200 (bcm2835-common.dtsi:52-54)
 *    hangs off it and is not one the kernel drives. One reg entry:
 *    intc_reg[1] is 0.
 *  - pl011: uart0 at bus 0x7e201000 (bcm283x.dtsi:304-306), CPU
 *    0x3f201000 through bcm2837.dtsi:8. The tree wires it to Bluetooth and
 *    makes the mini UART the console (stdout-path serial1,
 *    bcm2837-rpi-3-b.dts:16); board.c takes the PL011 anyway, with config.txt's
 *    disable-bt and its own pin set-up, so only the base is compared.
 *  - RAM: reg <0 0x40000000> (bcm2837-rpi-3-b.dts:19-22) is the whole
 *    1 GiB; the firmware rewrites it to the ARM's share (less gpu_mem), so
 *    board.c's default must only lie inside it.
 *  - cpus: four, spin-table, cpu-release-addr 0xd8/0xe0/0xe8/0xf0
 *    (bcm2837.dtsi:53-54, 68-69, 83-84, 98-99). The /cpus node's own
 *    enable-method "brcm,bcm2836-smp" is for 32-bit kernels ("// for ARM
 *    32-bit", bcm2837.dtsi:40); dtb.c reads only the cpu nodes'.
 */
static void dtb_real_rpi3(void)
{
	check_board(&(struct board){"rpi3", "bcm2837-rpi-3-b.dtb", board_init_rpi3, RAM_WITHIN});
}

/*
 * Raspberry Pi 4 Model B (arch/arm64/boot/dts/broadcom/bcm2711-rpi-4-b.dts,
 * including arch/arm/boot/dts/broadcom/bcm2711-rpi-4-b.dts; the .dtsi
 * files below are beside that one).
 *  - intc: the arm,gic-400 at bus 0x40041000 (GICD) and 0x40042000 (GICC),
 *    CPU 0xff841000/0xff842000 through the soc range 0x40000000 ->
 *    0xff800000 (bcm2711.dtsi:41-43, 56-63). The tree also has the enabled
 *    brcm,bcm2836-l1-intc local_intc first (bcm2711.dtsi:51-54), but every
 *    interrupt goes through the GIC (interrupt-parent = <&gicv2>,
 *    bcm2711.dtsi:13): the kernel must pick the GIC.
 *  - pl011: uart0 at bus 0x7e201000 (bcm283x.dtsi:304-306), CPU
 *    0xfe201000 (bcm2711.dtsi:41).
 *  - RAM: reg <0 0 0> "Will be filled by the bootloader"
 *    (bcm2711-rpi.dtsi:7-10): only the base is the tree's.
 *  - cpus: four, spin-table, 0xd8/0xe0/0xe8/0xf0 (bcm2711.dtsi:472-473,
 *    487-488, 502-503, 517-518); /cpus's "brcm,bcm2836-smp" is for 32-bit
 *    kernels (bcm2711.dtsi:459).
 */
static void dtb_real_rpi4(void)
{
	check_board(&(struct board){"rpi4", "bcm2711-rpi-4-b.dtb", board_init_rpi4, RAM_UNSET});
}

/*
 * Raspberry Pi 5 (arch/arm64/boot/dts/broadcom/bcm2712-rpi-5-b.dts and
 * bcm2712.dtsi beside it).
 *  - intc: the arm,gic-400 at bus 0x7fff9000/0x7fffa000 (bcm2712.dtsi:
 *    259-262), CPU 0x107fff9000/0x107fffa000 through the soc ranges
 *    <0x0 0x10 0x0 0x80000000> (bcm2712.dtsi:189-191). A
 *    brcm,bcm2836-l1-intc comes first here too (bcm2712.dtsi:224-226).
 *  - pl011: uart10 at bus 0x7d001000 (bcm2712.dtsi:229-231), the console
 *    (stdout-path serial10, bcm2712-rpi-5-b.dts:15).
 *  - RAM: reg <0 0 0 0x28000000> "Will be filled by the bootloader"
 *    (bcm2712-rpi-5-b.dts:19-22): a placeholder every Pi 5 has more than;
 *    board.c's default must lie inside it.
 *  - cpus: four, MPIDR 0x000-0x300, enable-method "psci"
 *    (bcm2712.dtsi:58, 82, 106, 130) with /psci method "smc"
 *    (bcm2712.dtsi:166).
 */
static void dtb_real_rpi5(void)
{
	check_board(&(struct board){"rpi5", "bcm2712-rpi-5-b.dtb", board_init_rpi5, RAM_WITHIN});
}

int main(int argc, char **argv)
{
	if (argc > 2)
		dtb_dir = argv[2];
	RUN(dtb_real_rpi3);
	RUN(dtb_real_rpi4);
	RUN(dtb_real_rpi5);
	return 0;
}
