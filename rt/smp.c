/*
 * Bringing up the secondary cores, one at a time, with the board's method:
 * PSCI CPU_ON or the spin table. Each core is given a dense logical id in
 * start order; a core that does not check in within a second is reported
 * and its slot goes to the next candidate.
 *
 * Hand-over: the boot core fills boot_params (page tables, the mpidr of
 * the slot being started) and cleans it to the point of coherency, because
 * the new core reads it with caches off. The new core turns its MMU on,
 * sets up its interrupt controller and only then publishes `online` with a
 * release store; the boot core's acquire load of it orders everything after.
 */
#include <kernel/bootparams.h>
#include <kernel/mmu.h>
#include <kernel/irqchip.h>
#include <kernel/cpu_start.h>
#include <kernel/generic_timer.h>
#include <kernel/cmdline.h>
#include <kernel/percpu.h>
#include <kernel/platform.h>
#include <kernel/pmu.h>
#include <kernel/printk.h>
#include <rt/smp.h>
#include <sched/sched.h>

struct cpu cpus[NCPU_MAX];
uint32_t smp_cores_turned_away;	/* boot/start.S: lost their slot, parked */
int ncpu_online = 1;
struct boot_params boot_params;

/* Asks the machine's core number `i` to start at secondary_entry; 0 if asked. */
static int start_core(int i)
{
	uint64_t mpidr = plat.cpu_mpidr[i], release = plat.cpu_release[i];
	uint64_t entry = (uint64_t)secondary_entry;
	/* A test hook: smp_stuck=N sends the machine's core N somewhere it
	 * never checks in from, to exercise the timeout path. */
	if (cmdline_int("smp_stuck", 0) == i) {
		extern char park[];
		entry = (uint64_t)park;
	}
	if (plat.cpu_start == CPU_START_SPIN_TABLE) {
		bool page0 = release < PAGE_SIZE;
		if (page0)
			mmu_map_page0(true);
		spin_table_release(release, entry);
		if (page0)
			mmu_map_page0(false);
		return 0;
	}
	return psci_cpu_on(plat.cpu_start == CPU_START_PSCI_SMC, mpidr, entry);
}

/* How long a core may take to check in: CORE_ANSWER_MS, or the boot
 * argument smp_wait_ms (tests shorten it to make a core late on purpose). */
static uint64_t answer_ms(void)
{
	long ms = cmdline_int("smp_wait_ms", CORE_ANSWER_MS);
	return ms > 0 ? (uint64_t)ms : CORE_ANSWER_MS;
}

static bool wait_online(int id, uint64_t ms)
{
	uint64_t deadline = timer_count() + timer_ns_to_ticks(ms * 1000000ull);
	while (timer_count() < deadline)
		if (__atomic_load_n(&cpus[id].online, __ATOMIC_ACQUIRE))
			return true;
	return false;
}

/*
 * Gives up on the core meant for slot `id`: swaps its mpidr in the slot
 * for BP_NONE, unless it has swapped in BP_CLAIMED first (boot/start.S):
 * then it is past its point of no return and does come online, so wait
 * for that. False: the slot is free again, and the core, if it ever
 * arrives, parks. The clean makes BP_NONE what a core with its caches off
 * reads.
 */
static bool withdraw(int id, uint64_t mpidr)
{
	uint64_t want = mpidr;
	if (__atomic_compare_exchange_n(&boot_params.mpidr[id], &want, (uint64_t)BP_NONE, false,
					__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		dcache_clean_inval_range(&boot_params, sizeof(boot_params));
		return false;
	}
	/* It took the slot: past that point it only sets itself up, so
	 * give it the full CORE_ANSWER_MS, not a test's short smp_wait_ms. */
	if (!wait_online(id, CORE_ANSWER_MS))
		panic("smp: core %lx took slot %d but did not come online", mpidr, id);
	return true;
}

/* Starts cores until `want` are online or the candidates run out. */
void smp_boot(int want)
{
	uint64_t me = mpidr_aff(read_mpidr());
	for (int i = 0; i < NCPU_MAX; i++)
		boot_params.mpidr[i] = (uint64_t)BP_NONE;
	/* Test hook: smp_late=N makes the machine's core N check in late. */
	long late = cmdline_int("smp_late", -1);
	boot_params.late = late >= 1 && late < plat.ncpus ? mpidr_aff(plat.cpu_mpidr[late])
							   : (uint64_t)BP_NONE;
	cpus[0].mpidr = me;
	cpus[0].online = 1;

	for (int i = 0; i < plat.ncpus && ncpu_online < want; i++) {
		uint64_t mpidr = mpidr_aff(plat.cpu_mpidr[i]);
		if (mpidr == me)
			continue;
		int id = ncpu_online;
		cpus[id].id = id;
		cpus[id].mpidr = mpidr;
		boot_params.mpidr[id] = mpidr;
		dcache_clean_inval_range(&boot_params, sizeof(boot_params));
		int err = start_core(i);
		if (err == 0 && (wait_online(id, answer_ms()) || withdraw(id, mpidr))) {
			ncpu_online++;
			continue;
		}
		if (err)
			kprintf("smp: core %lx failed to start (PSCI error %d)\n", mpidr, err);
		else
			kprintf("smp: core %lx did not come online within %lu ms\n", mpidr,
				(unsigned long)answer_ms());
		if (err) {
			boot_params.mpidr[id] = (uint64_t)BP_NONE;
			dcache_clean_inval_range(&boot_params, sizeof(boot_params));
		}
	}
}

void secondary_main(int id)
{
	struct cpu *c = this_cpu();
	/* The slot's mpidr is the boot core's choice (smp_boot): a core that
	 * is not that one must never get this far (boot/start.S's claim). */
	uint64_t me = mpidr_aff(read_mpidr());
	if (me != c->mpidr)
		panic("smp: core %lx runs as cpu %d, the slot of core %lx", me, id, c->mpidr);
	c->id = id;
	plat.irqchip->init_cpu();
	timer_disarm();
	pmu_init_cpu();
	cpu_init_libc();
	__atomic_store_n(&c->online, 1, __ATOMIC_RELEASE);
	/*
	 * Wait for the boot core to finish bring-up and fix the number of
	 * Ps; it sends each core IPI_RESCHED then (rt/main.c). WFI, not WFE:
	 * QEMU's TCG treats WFE as a yield and keeps the vCPU running, so
	 * with a hundred cores waiting the boot core's thread got a hundredth
	 * of the host (28 s to bring 128 cores online, 2 host cores). The
	 * IRQ is masked from the check to the WFI: an IPI arriving in between
	 * stays pending and ends the WFI (ARM ARM D1.6.2, wake-up events).
	 */
	irq_disable();
	while (!__atomic_load_n(&sched.started, __ATOMIC_ACQUIRE)) {
		wfi();
		irq_enable(); /* let what woke us run (an smp_call), then look again */
		isb();
		irq_disable();
	}
	irq_enable();
	sched_start();
}
