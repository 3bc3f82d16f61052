/*
 * The generators behind kernel/chaos.h, in CHAOS=1 kernels only.
 *
 * One splitmix64 state per core. A core's state is touched by that core
 * only, with interrupts masked for the update (an interrupt handler may
 * draw too: the time slice), so no lock is needed and the sequence a core
 * draws depends only on the seed and what that core executes.
 */
#ifdef CHAOS
#include <kernel/chaos.h>
#include <kernel/config.h>
#include <kernel/percpu.h>
#include <kernel/sysreg.h>

static uint64_t state[NCPU_MAX];
static int on;	/* set once by chaos_init, before other cores run tasks */

void chaos_init(uint64_t seed)
{
	for (int i = 0; i < NCPU_MAX; i++)
		state[i] = seed * 0x9e3779b97f4a7c15ull + (uint64_t)i * 0xbf58476d1ce4e5b9ull;
	__atomic_store_n(&on, 1, __ATOMIC_RELEASE);
}

uint32_t chaos_rand(void)
{
	if (!__atomic_load_n(&on, __ATOMIC_ACQUIRE))
		return 0;
	uint64_t f = irq_save();
	uint64_t z = (state[this_cpu()->id] += 0x9e3779b97f4a7c15ull);
	irq_restore(f);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return (uint32_t)((z ^ (z >> 31)) >> 16);
}

int chaos_one_in(unsigned n)
{
	return __atomic_load_n(&on, __ATOMIC_RELAXED) && chaos_rand() % n == 0;
}

void chaos_hold(void)
{
	if (!chaos_one_in(8))
		return;
	for (uint32_t i = chaos_rand() % 512; i; i--)
		cpu_relax();
}
#endif
