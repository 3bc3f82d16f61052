#include <kernel/generic_timer.h>
#include <kernel/sysreg.h>

#define CNTV_CTL_ENABLE	(1u << 0)
#define CNTV_CTL_IMASK	(1u << 1)

/* Written once by the boot core before the others start. */
static uint64_t freq;
static uint64_t boot_count;	/* the counter when the kernel started */
static uint64_t ns_mult;	/* ns per tick, as a 32.32 fixed-point number */

void timer_init(void)
{
	/* Never hard-coded: Pi 3 19.2 MHz, Pi 4/5 54 MHz, QEMU virt 62.5 MHz. */
	freq = read_cntfrq() & 0xffffffff;
	ns_mult = (1000000000ull << 32) / freq;
	boot_count = timer_count();
}

uint64_t timer_freq(void) { return freq; }

uint64_t timer_count(void)
{
	isb(); /* do not read the counter ahead of earlier instructions */
	return read_cntvct();
}

/*
 * ticks * ns_mult >> 32 in 128 bits: no division, and no overflow for the
 * counter's whole range. The multiplier is exact at 62.5 MHz (16 ns) and
 * off by under 2^-32 ns per tick elsewhere: monotonic either way.
 */
uint64_t timer_ns(void)
{
	return (uint64_t)(((unsigned __int128)(timer_count() - boot_count) * ns_mult) >> 32);
}

uint64_t timer_ns_to_ticks(uint64_t ns)
{
	return ns / 1000000000ull * freq + ns % 1000000000ull * freq / 1000000000ull;
}

/* The counter value at which timer_ns() has reached ns: ns_to_ticks
 * rounds down, and ns_mult may lose one more tick. */
uint64_t timer_count_at_ns(uint64_t ns)
{
	return boot_count + timer_ns_to_ticks(ns) + 2;
}

void timer_arm_at(uint64_t count)
{
	write_cntv_cval(count);
	write_cntv_ctl(CNTV_CTL_ENABLE);
	isb();
}

void timer_disarm(void)
{
	write_cntv_ctl(CNTV_CTL_IMASK);
	isb();
}
