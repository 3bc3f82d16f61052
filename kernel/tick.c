#include <drivers/timer/generic_timer.h>
#include <kernel/percpu.h>
#include <kernel/tick.h>

void tick_start(uint64_t period_ns, uint64_t count)
{
	struct cpu *c = this_cpu();
	uint64_t f = irq_save();
	c->timer_period = timer_ns_to_ticks(period_ns);
	c->timer_limit = c->timer_ticks + count;
	timer_arm_at(timer_count() + c->timer_period);
	irq_restore(f);
}

void tick_every(uint64_t period_ns, void (*fn)(void))
{
	struct cpu *c = this_cpu();
	c->tick_fn = fn;
	tick_start(period_ns, UINT64_MAX - c->timer_ticks);
}

void tick_irq(void)
{
	struct cpu *c = this_cpu();
	c->timer_ticks++;
	if (c->tick_fn)
		c->tick_fn();
	if (c->timer_period && c->timer_ticks < c->timer_limit)
		timer_arm_at(timer_count() + c->timer_period);
	else
		timer_disarm();
}
