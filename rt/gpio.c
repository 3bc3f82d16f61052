/*
 * GPIO edge events for tasks (gpio_watch, include/gometal.h): while any
 * pin is watched, the GPIO banks' lines are the kernel's, routed to the
 * core of the first watch; their interrupt takes the pins' events from the controller (gpio_irq,
 * interrupt context, from rt/irq.c) into `pending`; the scheduler then
 * sends each pin's number on the channel watching it (tell, under
 * netpoll's lock, which also guards `watchers`, so that a pin unwatched on
 * one core is never sent to by another). QEMU virt's PL061 and the Pi 3's
 * and Pi 4's GPIO block (kernel/gpio.h) go through the same path as any
 * device interrupt (sched/netpoll.c).
 */
#include <gometal.h>
#include <kernel/gpio.h>
#include <kernel/panic.h>
#include <kernel/platform.h>
#include <rt/console.h>
#include <sched/chan.h>
#include <sched/netpoll.h>
#include <sched/sched.h>

static chan_t *watchers[64];	/* netpoll's lock */
static uint64_t pending;	/* atomic: pins with an event not yet told */
static mutex_t setup;		/* the controller's registers, task side; nwatched */
static int nwatched;		/* while 0 the banks' lines are free for irq_notify */

void gpio_irq(void)
{
	__atomic_fetch_or(&pending, plat.gpio->events_take(plat.gpio_base), __ATOMIC_RELAXED);
}

bool gpio_line(unsigned irq)
{
	return plat.gpio && irq && (irq == plat.gpio_irq[0] || irq == plat.gpio_irq[1]);
}

static void tell(void)
{
	uint64_t p = __atomic_exchange_n(&pending, 0, __ATOMIC_RELAXED);
	for (; p; p &= p - 1) {
		uint32_t pin = (uint32_t)__builtin_ctzll(p);
		if (watchers[pin]) /* else unwatched as it fired */
			chan_try_send(watchers[pin], &pin);
	}
}

/* The banks' lines are ours from the first watch to the last unwatch. */
static void claim_lines(bool on)
{
	for (int i = 0; i < 2; i++)
		if (plat.gpio_irq[i] && on) {
			netpoll_attach_kernel(plat.gpio_irq[i], go_cpu());
			netpoll_set_tell(plat.gpio_irq[i], tell);
		} else if (plat.gpio_irq[i]) {
			netpoll_detach_kernel(plat.gpio_irq[i]);
		}
}

static void check_pin(const char *what, unsigned pin)
{
	if (!plat.gpio)
		panic("%s: the %s board has no GPIO events here", what, plat.name);
	if (pin >= plat.gpio->npins)
		panic("%s: pin %u: the %s has pins 0-%u", what, pin, plat.gpio->name,
		      plat.gpio->npins - 1);
}

void gpio_watch(unsigned pin, int edges, chan_t *c)
{
	must_be_task("gpio_watch");
	check_pin("gpio_watch", pin);
	if (!edges || (edges & ~(GPIO_RISING | GPIO_FALLING)))
		panic("gpio_watch: pin %u: edges %#x (GPIO_RISING, GPIO_FALLING or both)", pin, edges);
	if (!c || !c->dataqsiz || (c->elemsize != 0 && c->elemsize != sizeof(uint32_t)))
		panic("gpio_watch: pin %u: the channel must be buffered, of uint32_t or of nothing",
		      pin);
	mutex_lock(&setup);
	netpoll_lock();
	bool taken = watchers[pin] != 0;
	if (!taken) {
		watchers[pin] = c;
		__atomic_add_fetch(&c->irq_refs, 1, __ATOMIC_RELAXED);
	}
	netpoll_unlock();
	if (taken) {
		mutex_unlock(&setup);
		panic("gpio_watch: pin %u is already watched (gpio_unwatch it first)", pin);
	}
	if (!nwatched++)
		claim_lines(true);
	plat.gpio->events_on(plat.gpio_base, pin, edges);
	mutex_unlock(&setup);
}

void gpio_unwatch(unsigned pin)
{
	must_be_task("gpio_unwatch");
	check_pin("gpio_unwatch", pin);
	mutex_lock(&setup);
	plat.gpio->events_off(plat.gpio_base, pin);
	netpoll_lock();
	chan_t *c = watchers[pin];
	watchers[pin] = 0;
	if (c)
		__atomic_sub_fetch(&c->irq_refs, 1, __ATOMIC_RELAXED);
	netpoll_unlock();
	if (c && !--nwatched)
		claim_lines(false);
	mutex_unlock(&setup);
	if (!c)
		panic("gpio_unwatch: pin %u is not watched", pin);
}
