/*
 * IPIs and cross-core calls.
 *
 * smp_call: the caller owns the target's call slot while it holds
 * cpus[cpu].call_lock. It writes call_arg, then call_fn with release order, and
 * sends IPI_CALL (the irqchip puts a dsb before the IPI). The target reads
 * call_fn with acquire order, so it sees call_arg; it runs fn, then clears
 * call_fn with release order, so the caller, seeing NULL with acquire
 * order, sees everything fn did. The caller waits with its own IRQs
 * enabled, so two cores calling each other both make progress.
 */
#include <kernel/irqchip.h>
#include <kernel/ipi.h>
#include <kernel/panic.h>
#include <kernel/evtrace.h>
#include <kernel/percpu.h>
#include <kernel/platform.h>
#include <kernel/spinlock.h>


void ipi_send(int cpu, enum ipi ipi)
{
	evtrace(EV_IPI_SEND, (uint32_t)cpu, (uint64_t)ipi);
	plat.irqchip->send_ipi(cpu, (int)ipi);
}

void ipi_ping(int cpu)
{
	int me = cpu_id();
	__atomic_fetch_or(&cpus[cpu].ping_pending[me / 64], 1ull << (me % 64), __ATOMIC_RELEASE);
	ipi_send(cpu, IPI_PING);
}

/* Every bit set before an IPI_PING was sent is collected by the handler
 * that IPI (or an earlier-running one) triggers: nothing is lost even when
 * IPIs coalesce. */
static void ping_collect(void)
{
	struct cpu *c = this_cpu();
	for (int w = 0; w < NCPU_MAX / 64; w++) {
		uint64_t from = __atomic_exchange_n(&c->ping_pending[w], 0, __ATOMIC_ACQUIRE);
		if (from)
			__atomic_fetch_or(&c->ping_seen[w], from, __ATOMIC_RELEASE);
	}
}

static void call_run(void)
{
	struct cpu *c = this_cpu();
	void (*fn)(void *) = __atomic_load_n(&c->call_fn, __ATOMIC_ACQUIRE);
	if (!fn)
		return;
	fn(c->call_arg);
	__atomic_store_n(&c->call_fn, (void (*)(void *))0, __ATOMIC_RELEASE);
}

void ipi_handle(int ipi)
{
	evtrace(EV_IPI_RECV, (uint32_t)ipi, 0);
	this_cpu()->ipis[ipi]++;
	if (ipi == IPI_CALL)
		call_run();
	else if (ipi == IPI_STOP)
		cpu_stop_self();
	else if (ipi == IPI_PING)
		ping_collect();
}

void smp_call(int cpu, void (*fn)(void *), void *arg)
{
	kassert(cpu >= 0 && cpu < ncpu_online);
	kassert(irqs_enabled());
	if (cpu == cpu_id()) {
		uint64_t f = irq_save();
		fn(arg);
		irq_restore(f);
		return;
	}
	struct cpu *t = &cpus[cpu];
	spin_lock(&cpus[cpu].call_lock);
	t->call_arg = arg;
	__atomic_store_n(&t->call_fn, fn, __ATOMIC_RELEASE);
	ipi_send(cpu, IPI_CALL);
	while (__atomic_load_n(&t->call_fn, __ATOMIC_ACQUIRE))
		cpu_relax();
	spin_unlock(&cpus[cpu].call_lock);
}
