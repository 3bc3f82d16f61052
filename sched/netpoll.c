/*
 * Interrupts that wake tasks: Go's netpoller on bare metal.
 *
 * Go parks a goroutine that waits for a descriptor and lets the netpoller,
 * which the scheduler polls (findRunnable's netpoll(0)), make it runnable.
 * Here the "descriptor" is an interrupt line, and the poll is cheap: the
 * interrupt handler (netpoll_irq, from rt/irq.c) masks the line at the
 * controller, sets the line's bit in `pending` and makes sure a scheduler
 * looks soon; whichever core's scheduler looks next (netpoll, from
 * find_runnable) sends the line's number on the channel the task attached
 * with irq_notify, which readies the task. The task services its device
 * and calls irq_rearm to unmask the line: Linux's threaded interrupts with
 * IRQF_ONESHOT, so a level line nobody services cannot storm the system.
 *
 * Why not send from the handler: a send takes the channel's lock and
 * readies a task onto this P's run queue, and the handler may have
 * interrupted this very core in the middle of either (they do not mask
 * interrupts). The scheduler runs neither.
 *
 * Making a scheduler look (netpoll_irq's return): the core that took the
 * interrupt is idle (its sleep loop sees `waiting` and leaves), in the
 * scheduler (find_runnable polls on every pass), or running a task, which
 * is then preempted as for a due timer (sched/preempt.c counts `waiting`
 * as due), or, if it cannot be preempted yet, as soon as it can.
 *
 * Locks: `lock` (a spinlock, task and scheduler context only, never the
 * handler) protects the writes of lines[].c and the channels' irq_refs, and
 * netpoll's sends, so that a line released on one core is never sent to by
 * another. The handler reads only `flags` (set before the line is unmasked,
 * cleared after it is masked) and, as a hint, `c`; it writes only the
 * atomics `pending` and `waiting`.
 */
#include <gometal.h>
#include <kernel/irqchip.h>
#include <kernel/panic.h>
#include <kernel/platform.h>
#include <sched/chan.h>
#include <sched/netpoll.h>
#include <sched/sched.h>

#define NLINES 1024	/* the GIC's SPIs end at 1019 */
_Static_assert(NLINES / 64 <= 32, "a bit of `waiting` per word of `pending`");

enum { LINE_USED = 1, LINE_KERNEL = 2 /* serviced by its handler: never masked */ };

static struct line {
	struct chan *c;		/* lock; NULL: nobody to tell */
	void (*tell)(void);	/* lock; a kernel line's own telling (GPIO pins) */
	uint8_t flags;		/* atomic */
} lines[NLINES];
static spinlock_t lock = SPINLOCK_INIT;
static uint64_t pending[NLINES / 64];	/* atomic: fired, not yet told */
uint32_t netpoll_pending_words;	/* atomic: bit w: pending[w] may be non-zero */
#define waiting netpoll_pending_words

static const struct irqchip *chip(void) { return plat.irqchip; }

/* --- the interrupt side --- */

bool netpoll_irq(unsigned irq)
{
	if (irq >= NLINES)
		return false;
	uint8_t f = __atomic_load_n(&lines[irq].flags, __ATOMIC_ACQUIRE);
	if (!(f & LINE_KERNEL))
		chip()->mask(irq); /* before the EOI: a level line stays quiet */
	if (!f)
		return false; /* released meanwhile: stays masked */
	__atomic_fetch_or(&pending[irq / 64], 1ull << (irq % 64), __ATOMIC_RELAXED);
	/* The line's bit before its word's: a poller that takes the word's
	 * bit (acquire) then finds the line's. */
	__atomic_fetch_or(&waiting, 1u << (irq / 64), __ATOMIC_RELEASE);
	/* Nobody to tell yet (the console before its first reader, who looks
	 * at its buffer after attaching): no need to preempt anyone. */
	return __atomic_load_n(&lines[irq].c, __ATOMIC_RELAXED) ||
	       __atomic_load_n(&lines[irq].tell, __ATOMIC_RELAXED);
}

/* --- the scheduler side --- */

static void tell(unsigned irq)
{
	if (lines[irq].tell) {
		lines[irq].tell();
		return;
	}
	struct chan *c = lines[irq].c;
	uint32_t v = irq;
	/* A full channel already holds a word for the task: the events
	 * coalesce, as signal.Notify's do. Never closed: chan_close refuses
	 * an attached channel. */
	if (c)
		chan_try_send(c, &v);
}

int netpoll(void)
{
	if (!__atomic_load_n(&waiting, __ATOMIC_RELAXED))
		return 0;
	/* The words' bits before the lines': a line that fires after this
	 * sets its word's bit again, so none is left without a poller. */
	uint32_t words = __atomic_exchange_n(&waiting, 0, __ATOMIC_ACQUIRE);
	int n = 0;
	spin_lock(&lock);
	for (; words; words &= words - 1) {
		unsigned w = (unsigned)__builtin_ctz(words);
		uint64_t bits = __atomic_exchange_n(&pending[w], 0, __ATOMIC_ACQUIRE);
		for (; bits; bits &= bits - 1, n++)
			tell(w * 64 + (unsigned)__builtin_ctzll(bits));
	}
	spin_unlock(&lock);
	return n;
}

bool netpoll_live(void)
{
	for (unsigned i = 0; i < NLINES; i++)
		if (__atomic_load_n(&lines[i].c, __ATOMIC_RELAXED) ||
		    __atomic_load_n(&lines[i].tell, __ATOMIC_RELAXED))
			return true;
	return false;
}

/* --- attaching --- */

static void check_line(const char *what, unsigned irq)
{
	unsigned nr = chip()->nr_irqs();
	if (irq < IRQ_DEV_FIRST || irq >= nr || irq >= NLINES)
		panic("%s: interrupt %u is not a device line of the %s controller (%u-%u)", what, irq,
		      chip()->name, IRQ_DEV_FIRST, nr - 1);
}

void netpoll_attach_kernel(unsigned irq, int cpu)
{
	check_line("netpoll_attach_kernel", irq);
	spin_lock(&lock);
	if (lines[irq].flags)
		panic("netpoll_attach_kernel: interrupt %u is taken", irq);
	chip()->setup(irq, false, cpu);
	__atomic_store_n(&lines[irq].flags, LINE_USED | LINE_KERNEL, __ATOMIC_RELEASE);
	spin_unlock(&lock);
	chip()->unmask(irq);
}

void netpoll_detach_kernel(unsigned irq)
{
	chip()->mask(irq);
	spin_lock(&lock);
	__atomic_store_n(&lines[irq].flags, 0, __ATOMIC_RELEASE);
	__atomic_fetch_and(&pending[irq / 64], ~(1ull << (irq % 64)), __ATOMIC_RELAXED);
	__atomic_store_n(&lines[irq].c, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&lines[irq].tell, 0, __ATOMIC_RELAXED);
	spin_unlock(&lock);
}

void netpoll_set_chan(unsigned irq, struct chan *c)
{
	spin_lock(&lock);
	__atomic_store_n(&lines[irq].c, c, __ATOMIC_RELAXED);
	spin_unlock(&lock);
}

void netpoll_set_tell(unsigned irq, void (*fn)(void))
{
	spin_lock(&lock);
	__atomic_store_n(&lines[irq].tell, fn, __ATOMIC_RELAXED);
	spin_unlock(&lock);
}

void netpoll_lock(void) { spin_lock(&lock); }
void netpoll_unlock(void) { spin_unlock(&lock); }

void irq_notify(unsigned irq, chan_t *c, int flags)
{
	must_be_task("irq_notify");
	check_line("irq_notify", irq);
	if (!c)
		panic("irq_notify: interrupt %u: NULL channel", irq);
	if (!c->dataqsiz || (c->elemsize != 0 && c->elemsize != sizeof(uint32_t)))
		panic("irq_notify: interrupt %u: the channel must be buffered, of uint32_t or of "
		      "nothing (it has capacity %zu, elements of %zu bytes)", irq, c->dataqsiz,
		      c->elemsize);
	if (flags & ~IRQ_EDGE)
		panic("irq_notify: interrupt %u: unknown flags %#x", irq, flags);
	spin_lock(&lock);
	if (lines[irq].flags) {
		spin_unlock(&lock);
		panic("irq_notify: interrupt %u is already claimed (irq_release it first)", irq);
	}
	chip()->setup(irq, flags & IRQ_EDGE, go_cpu());
	__atomic_store_n(&lines[irq].c, c, __ATOMIC_RELAXED);
	__atomic_add_fetch(&c->irq_refs, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&lines[irq].flags, LINE_USED, __ATOMIC_RELEASE);
	spin_unlock(&lock);
	chip()->unmask(irq);
}

static void check_claimed(const char *what, unsigned irq)
{
	check_line(what, irq);
	uint8_t f = __atomic_load_n(&lines[irq].flags, __ATOMIC_ACQUIRE);
	if (!f || (f & LINE_KERNEL))
		panic("%s: interrupt %u is not claimed by irq_notify", what, irq);
}

void irq_rearm(unsigned irq)
{
	check_claimed("irq_rearm", irq);
	chip()->unmask(irq);
}

void irq_release(unsigned irq)
{
	must_be_task("irq_release");
	check_claimed("irq_release", irq);
	chip()->mask(irq);
	spin_lock(&lock);
	__atomic_store_n(&lines[irq].flags, 0, __ATOMIC_RELEASE);
	__atomic_fetch_and(&pending[irq / 64], ~(1ull << (irq % 64)), __ATOMIC_RELAXED);
	__atomic_sub_fetch(&lines[irq].c->irq_refs, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&lines[irq].c, 0, __ATOMIC_RELAXED);
	spin_unlock(&lock);
}
