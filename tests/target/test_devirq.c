/*
 * Device interrupts that wake tasks (sched/netpoll.c): irq_notify,
 * irq_rearm, irq_release, on each interrupt controller, with a real device
 * of each board as the source:
 *
 *  - virt: the PL061 GPIO controller at 0x09030000, SPI 7 (INTID 39:
 *    QEMU hw/arm/virt.c, [VIRT_GPIO]; the DTB's pl061@9030000). Line 0 set
 *    to interrupt on a low level (GPIOIS, GPIOIEV; ARM DDI 0190 3.3) while
 *    QEMU pulls it down: asserted from the moment its GPIOIE bit is set,
 *    until it is cleared (the service).
 *  - rpi3 and rpi4: the mini UART (UART1, BCM2835 ARM Peripherals 2.1-2.2:
 *    AUX_ENABLES at 0x04 of the AUX block, AUX_MU_IER at 0x44; bit 1
 *    enables the transmit interrupt, held while the transmit FIFO is
 *    empty, Linux 8250_bcm2835aux and QEMU hw/char/bcm2835_aux.c alike),
 *    which nothing else here uses; its pins stay with the PL011. The AUX
 *    block: bcm283x.dtsi aux@7e215000, so 0x3f215000 on the Pi 3 and
 *    0xfe215000 on the Pi 4. Its line: bcm283x.dtsi uart1: interrupts =
 *    <1 29> (GPU IRQ 29, so 32 + 29 here); bcm2711.dtsi &uart1: <GIC_SPI
 *    93 ...> (INTID 32 + 93). (The system timer would do too on hardware,
 *    but QEMU's raspi4b does not wire it to the GIC.)
 *
 * Time: nothing is timed but the progress of a task, counted; waits end on
 * events, with KTEST_HANG_MS to tell a hang.
 */
#include "ktest.h"
#include <gometal.h>
#include <kernel/mmio.h>
#include <kernel/percpu.h>
#include <kernel/platform.h>
#include <stdio.h>
#include <string.h>

#define PL061		0x09030000ull
#define PL061_IS	0x404
#define PL061_IEV	0x40c
#define PL061_IE	0x410

#define AUX_ENABLES	0x04
#define AUX_MU_IER	0x44
#define MU_TX_INT	(1u << 1)

static uint64_t aux;	/* the AUX block, on the Pis */

static void pl061_fire(void)
{
	mmio_write32(PL061 + PL061_IS, mmio_read32(PL061 + PL061_IS) | 1);	/* level */
	mmio_write32(PL061 + PL061_IEV, mmio_read32(PL061 + PL061_IEV) & ~1u);	/* low */
	mmio_write32(PL061 + PL061_IE, mmio_read32(PL061 + PL061_IE) | 1);
}

static void pl061_service(void)
{
	mmio_write32(PL061 + PL061_IE, mmio_read32(PL061 + PL061_IE) & ~1u);
}

static void mu_fire(void)
{
	mmio_write32(aux + AUX_ENABLES, mmio_read32(aux + AUX_ENABLES) | 1); /* mini UART on */
	mmio_write32(aux + AUX_MU_IER, MU_TX_INT);
}

static void mu_service(void)
{
	mmio_write32(aux + AUX_MU_IER, 0);
}

static struct {
	unsigned irq;
	void (*fire)(void);	/* the line goes (and stays) asserted */
	void (*service)(void);	/* the device lets it go */
} dev;

static bool have_device(void)
{
	if (!strcmp(plat.name, "virt")) {
		dev.irq = 32 + 7;
		dev.fire = pl061_fire;
		dev.service = pl061_service;
	} else if (!strcmp(plat.name, "rpi3") || !strcmp(plat.name, "rpi4")) {
		bool pi3 = !strcmp(plat.name, "rpi3");
		aux = pi3 ? 0x3f215000 : 0xfe215000;
		dev.irq = pi3 ? 32 + 29 : 32 + 93;
		dev.fire = mu_fire;
		dev.service = mu_service;
	} else {
		printf("  no test device on %s\n", plat.name);
		return false;
	}
	return true;
}

/* Receives from c, or gives up after KTEST_HANG_MS: the value, or 0. */
static uint32_t recv_or_hang(chan_t *c)
{
	chan_t *t = go_after(KTEST_HANG_MS * 1000000ull);
	uint32_t v = 0;
	chan_case_t cases[2] = {{.ch = c, .op = CHAN_RECV, .elem = &v}, {.ch = t, .op = CHAN_RECV}};
	int got = chan_select(cases, 2, true);
	chan_free(t);
	return got == 0 ? v : 0;
}

static volatile int on_core_done;
static uint32_t on_core_got[NCPU_MAX];

/* Pinned: claims the line (so it is routed here), fires, waits, services. */
static void claim_here(void *arg)
{
	chan_t *c = arg;
	irq_notify(dev.irq, c, IRQ_LEVEL);
	dev.fire();
	on_core_got[go_cpu()] = recv_or_hang(c);
	dev.service();
	irq_release(dev.irq);
	__atomic_store_n(&on_core_done, 1, __ATOMIC_RELEASE);
}

/* Claimed and waited for from each core in turn: the task wakes with the
 * line's number (on the Pi 3 the interrupt itself is always core 0's). */
TEST(devirq, a_device_interrupt_wakes_a_task_on_each_core)
{
	if (!have_device())
		return;
	chan_t *c = chan_make(sizeof(uint32_t), 1);
	for (int cpu = 0; cpu < go_ncpu(); cpu++) {
		on_core_done = 0;
		go_attr_t a = {.name = "claimer", .cpu = cpu};
		CHECK(go_with(&a, claim_here, c) > 0);
		CHECK(ktest_wait_count(&on_core_done, 1));
		CHECK_EQ(on_core_got[cpu], dev.irq);
	}
	chan_free(c);
}

static volatile int spins;
static volatile int stop_spinning;

static void spinner(void *arg)
{
	(void)arg;
	while (!stop_spinning) {
		__atomic_add_fetch(&spins, 1, __ATOMIC_RELAXED);
		go_yield();
	}
}

/*
 * A level line the task does not service stays masked until irq_rearm:
 * the core it is routed to goes on running tasks (a spinner there counts
 * 1000 turns) and takes a handful of interrupts, not a storm. Once
 * serviced and re-armed, the line is quiet; fired again, it wakes again.
 */
TEST(devirq, an_unserviced_level_line_does_not_storm)
{
	if (!have_device())
		return;
	go_pin();
	/* the line's core: ours (irq_notify routes it here), core 0 on a Pi 3 */
	int me = strcmp(plat.name, "rpi3") ? go_cpu() : 0;
	chan_t *c = chan_make(sizeof(uint32_t), 1);
	irq_notify(dev.irq, c, IRQ_LEVEL);
	dev.fire();
	CHECK_EQ(recv_or_hang(c), dev.irq);
	uint64_t irqs = cpus[me].irqs;
	spins = 0;
	stop_spinning = 0;
	go_attr_t a = {.name = "spinner", .cpu = me};
	CHECK(go_with(&a, spinner, 0) > 0);
	CHECK(ktest_wait_count(&spins, 1000));
	stop_spinning = 1;
	uint64_t taken = cpus[me].irqs - irqs;
	printf("  line asserted, not serviced: %d turns of a task on core %d, %lu interrupts there\n",
	       spins, me, (unsigned long)taken);
	CHECK(taken < 1000);
	CHECK_EQ(chan_len(c), 0);
	dev.service();
	irq_rearm(dev.irq);
	go_sleep(5 * 1000000);
	CHECK_EQ(chan_len(c), 0);
	dev.fire();
	CHECK_EQ(recv_or_hang(c), dev.irq);
	dev.service();
	irq_release(dev.irq);
	chan_free(c);
	go_unpin();
}

/* Released, then claimed again with another channel: the new one is told. */
TEST(devirq, a_released_line_can_be_claimed_again)
{
	if (!have_device())
		return;
	chan_t *a = chan_make(0, 1), *b = chan_make(sizeof(uint32_t), 4);
	irq_notify(dev.irq, a, IRQ_LEVEL);
	irq_release(dev.irq);
	chan_free(a); /* allowed once released */
	irq_notify(dev.irq, b, IRQ_LEVEL);
	dev.fire();
	CHECK_EQ(recv_or_hang(b), dev.irq);
	dev.service();
	irq_release(dev.irq);
	chan_free(b);
}

/*
 * As an edge line (GIC: virt, rpi4): one event per rising edge. The line
 * stays high unserviced and no more events come, masked or not; serviced
 * and fired again, a new edge wakes the task again.
 */
TEST(devirq, an_edge_line_wakes_once_per_edge)
{
	if (!have_device())
		return;
	if (!strcmp(plat.name, "rpi3")) {
		printf("  the BCM2835's lines are all level lines\n");
		return;
	}
	chan_t *c = chan_make(sizeof(uint32_t), 1);
	irq_notify(dev.irq, c, IRQ_EDGE);
	for (int round = 0; round < 3; round++) {
		dev.fire();
		CHECK_EQ(recv_or_hang(c), dev.irq);
		irq_rearm(dev.irq);
		go_sleep(2 * 1000000);
		CHECK_EQ(chan_len(c), 0); /* still high: no new edge */
		dev.service();
	}
	irq_release(dev.irq);
	chan_free(c);
}
