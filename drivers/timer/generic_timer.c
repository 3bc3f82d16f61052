#include <drivers/timer/generic_timer.h>
#include <kernel/sysreg.h>

#define CNTV_CTL_ENABLE	(1u << 0)
#define CNTV_CTL_IMASK	(1u << 1)

static uint64_t freq;	/* written once by the boot core before the others start */

void timer_init(void)
{
	/* Never hard-coded: Pi 3 19.2 MHz, Pi 4/5 54 MHz, QEMU virt 62.5 MHz. */
	freq = read_cntfrq() & 0xffffffff;
}

uint64_t timer_freq(void) { return freq; }

uint64_t timer_count(void)
{
	isb(); /* do not read the counter ahead of earlier instructions */
	return read_cntvct();
}

uint64_t timer_ns(void)
{
	uint64_t c = timer_count();
	/* Split to avoid overflow: c * 1e9 overflows after ~5 minutes at 62.5 MHz. */
	return c / freq * 1000000000ull + c % freq * 1000000000ull / freq;
}

uint64_t timer_ns_to_ticks(uint64_t ns)
{
	return ns / 1000000000ull * freq + ns % 1000000000ull * freq / 1000000000ull;
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
