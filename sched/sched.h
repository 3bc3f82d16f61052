/*
 * The scheduler's internals: G (a task), P (a core's scheduler state) and
 * the global state, named as in Go's runtime so that a reader of proc.go
 * finds their way. Every core is an M bound for life to its P.
 */
#pragma once
#include <kernel/evtrace.h>
#include <kernel/generic_timer.h>
#include <kernel/panic.h>
#include <kernel/percpu.h>
#include <kernel/spinlock.h>
#include <reent.h>
#include <sched/context.h>
#include <sched/netpoll.h>
#include <sched/park.h>
#include <sched/runq.h>
#include <sched/timer.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum gstate {
	G_RUNNABLE = 1,	/* in a run queue, or about to be */
	G_RUNNING,	/* on a core */
	G_WAITING,	/* parked, with a wait reason */
	G_DEAD,		/* exited; its record and stack wait on a free list */
};

/*
 * A task. Its record sits at the top of its own stack allocation:
 *   [guard page][stack, grows down ... ][struct g]
 * so a dead task's record and stack are reused together (Go's gFree).
 */
struct sudog;

struct g {
	uint32_t preempt;	/* preemption-off nesting + pending bit (kernel/preempt.h) */
	struct context ctx;	/* saved when not running (preempted: see sched/preempt.c) */
	long id;		/* > 0, never reused */
	int state;		/* enum gstate */
	int pin;		/* the only cpu it may run on, -1 for any */
	int pin_depth;		/* go_pin() nesting; go_with(cpu) pins for life */
	int cpu;		/* where it last ran */
	const char *waitreason;	/* why it is G_WAITING */
	void (*fn)(void *);
	void *arg;
	uintptr_t stack_lo;	/* lowest usable stack byte; the guard page is below */
	size_t npages;		/* pages of the allocation, guard page excluded */
	struct g *schedlink;	/* run/free/wait lists */
	struct g *alllink;	/* every task record ever made (allg) */
	char name[24];
	uint32_t npreempt;	/* times the timer interrupt preempted it */
	uint64_t runticks;	/* counter ticks it has run, up to its last switch */
	/* Channels (sched/chan.c, sched/select.c), as Go's g.param/waiting/selectDone. */
	struct sudog *param;	/* the sudog a waker completed; written before go_ready */
	struct sudog *waiting;	/* a blocked select's sudogs, in lock order */
	uint32_t selectdone;	/* atomic: 1 once a waker has claimed this select */
	int reent_ready;	/* reent initialised (on the task's first newlib call) */
	struct _reent reent;	/* newlib: errno and friends of this task */
};

/* A FIFO of tasks linked through schedlink; its owner's lock protects it. */
struct gqueue {
	struct g *head, *tail;
};

static inline void gq_push(struct gqueue *q, struct g *g)
{
	g->schedlink = 0;
	if (q->tail)
		q->tail->schedlink = g;
	else
		q->head = g;
	q->tail = g;
}

static inline struct g *gq_pop(struct gqueue *q)
{
	struct g *g = q->head;
	if (g) {
		q->head = g->schedlink;
		if (!q->head)
			q->tail = 0;
	}
	return g;
}

#define GFREE_LOCAL_MAX	64	/* per-P dead tasks kept before sharing */

/*
 * Ps, and the global state, each start on a line of their own: allp's
 * records were 2,296 bytes apart, so one P's end (park_fn, written on
 * every park) shared a cache line with the next P's run queue indices,
 * and two cores busy on their own work kept moving it between them.
 * Cortex-A53/A72 lines are 64 bytes (ARM's TRMs, L1 data cache); 128
 * also keeps adjacent-line prefetchers (the x86 hosts that emulate us,
 * Neoverse cores) from pairing two Ps' lines.
 */
#define SCHED_LINE 128

/* A core's scheduler state. Fields are the owning core's unless noted. */
struct p {
	int id;
	struct runq runq;		/* see sched/runq.h for who may touch it */
	uint32_t schedtick;		/* schedule() calls that did not inherit */
	uint32_t rand;			/* xorshift state for steal order */
	uintptr_t g0_sp;		/* top of this core's scheduler stack */
	/* Tasks pinned to this core that are ready: any core pushes. */
	spinlock_t pin_lock;		/* protects pinned */
	struct gqueue pinned;
	int npinned;			/* atomic: length of that list */
	/* Idle bookkeeping, written under sched.lock (idle read atomically). */
	struct p *idle_link;
	int idle;			/* on the idle list, asleep or going to sleep */
	int spinning;			/* this M looks for work (counted in nmspinning); own core only */
	int granted;			/* atomic: wakep woke us to spin, and counted it */
	int asleep;			/* atomic, own core writes: in the WFI loop, past its
					 * last look at any queue (sched/idle.c) */
	/* Dead tasks with default-size stacks, for reuse. */
	struct g *gfree;
	int ngfree;
	long id_next, id_end;		/* task ids this P hands out next (sched/g.c) */
	/* Time slice (sched/preempt.c) and timers (sched/time.c). */
	uint64_t slice_end;		/* counter value the running slice ends at; 0: start anew */
	int slice_spent;		/* own core (atomic: its timer interrupt sets it): the
					 * interrupt found the slice over, whether or not it
					 * could preempt (sched/preempt.c); cleared as a new
					 * slice starts */
	uint64_t armed;			/* what the compare register holds, UINT64_MAX: off */
	struct ptimers timers;
	int timers_unwatched;		/* own core: a timer added in the scheduler, not yet
					 * shown to the watcher (sched/timerwatch.c) */
	int timer_batch;		/* own core: tasks readied by the timers running
					 * here now, -1 outside (ready_put's order) */
	int watch_fired;		/* own core: left idle for a busy P's due timer */
	uint64_t wake_at;		/* own core (atomic: its timer interrupt reads it): a
					 * deferred wakep is due at this count, 0 none
					 * (sched/idle.c, wakep_later) */
	uint64_t wake_defer;		/* own core: how far ahead, adapted (ticks) */
	uint64_t preempts;		/* tasks preempted here */
	uint64_t steals;		/* times this P took work from another (own core) */
	/* go_park's unlockf and its argument, for park_m on the scheduler
	 * stack (sched/park.c); own core, preemption off. */
	bool (*park_fn)(struct g *, void *);
	void *park_arg;
	/* A page a stack fault here took but did not need (sched/stack.c). */
	void *spare_page;
} __attribute__((aligned(SCHED_LINE)));

struct sched {
	spinlock_t lock;		/* protects the global queue and the idle list */
	struct gqueue runq;
	int runqsize;			/* atomic reads outside the lock */
	struct p *pidle;		/* idle Ps */
	int npidle;			/* atomic reads outside the lock */
	int nmspinning;			/* atomic: spinning Ms */
	int nprocs;			/* Ps in use (cores online), fixed after start */
	int started;			/* main is queued: the other cores may schedule (rt/smp.c) */
	/* The idle core that covers busy Ps' timers (sched/timerwatch.c). */
	int watcher;			/* atomic: its P's id, -1 none */
	uint64_t watch_when;		/* atomic: the deadline it is armed for */
	int count_run_time;		/* set once (go_count_run_time), never cleared */
} __attribute__((aligned(SCHED_LINE)));

/* Every GLOBAL_TURN-th schedtick, schedule() takes the global queue's head
 * before the local queue: tasks that keep refilling a local queue cannot
 * starve the global one (Go's 61, runtime/proc.go findRunnable). */
#define GLOBAL_TURN 61

extern struct sched sched;
extern struct p allp[NCPU_MAX];

static inline struct p *this_p(void) { return this_cpu()->p; }
/* The running task: TPIDR_EL0, which the preemption counter also uses
 * (kernel/preempt.h). One register read, and right on whatever core the
 * reader has been moved to. */
static inline struct g *getg(void) { return (struct g *)read_tpidr_el0(); }

/* The running task; a panic naming `what` when called from no task (a
 * timer callback, the boot path). Inline: it is on the blocking paths. */
static inline struct g *must_be_task(const char *what)
{
	struct g *g = getg();
	if (!g)
		panic("%s called outside a task", what);
	return g;
}

/* Run time, once go_count_run_time() asked for it: the outgoing task's
 * share since the core's last change (none before the first). */
static inline void count_run_time(struct cpu *c)
{
	uint64_t now = timer_count_fast();
	if (c->curg && c->run_since)
		c->curg->runticks += now - c->run_since;
	c->run_since = now;
}

#ifdef EVTRACE
/* make trace: which task now runs here, the one before and its state, and
 * the run queues' lengths (kernel/evtrace.h, EV_RUN). */
static inline void trace_run(struct cpu *c, struct g *g)
{
	struct g *prev = c->curg;
	uint64_t q = runq_len(&c->p->runq), gq = (uint64_t)sched.runqsize;
	uint64_t b = (prev ? (uint32_t)prev->id | (uint64_t)(prev->state & 0xff) << 32 : 0) |
		     (q > 0xfff ? 0xfff : q) << 40 | (gq > 0xfff ? 0xfff : gq) << 52;
	evtrace(EV_RUN, g ? (uint32_t)g->id : 0, b);
}
#else
static inline void trace_run(struct cpu *c, struct g *g)
{
	(void)c, (void)g;
}
#endif

/* Every change of a core's running task goes through here. Always
 * inline: out of line it cost execute() and go_exit() a call each. */
static inline __attribute__((always_inline)) void set_curg(struct cpu *c, struct g *g)
{
	trace_run(c, g);
	if (__builtin_expect(__atomic_load_n(&sched.count_run_time, __ATOMIC_RELAXED), 0))
		count_run_time(c);
	c->curg = g;
	write_tpidr_el0((uint64_t)g);
}

/*
 * The one way a task becomes the one running on this core: execute() and
 * the direct switches in park.c (hand-over, yield) all come here. A
 * preemption left pending in it was meant for its previous slice; curg
 * (and TPIDR_EL0) name it before the switch, so the timer interrupt,
 * which preempts only a task on its own stack, leaves the window alone.
 */
static inline void g_run_here(struct cpu *c, struct g *g)
{
	/* The task a deferred wake was for has left runnext (to run here,
	 * most often): nobody needs waking for it (sched/idle.c). */
	if (__atomic_load_n(&c->p->wake_at, __ATOMIC_RELAXED) &&
	    !runq_next_word(&c->p->runq))
		__atomic_store_n(&c->p->wake_at, 0, __ATOMIC_RELAXED);
	g->preempt &= ~PREEMPT_PENDING;
	g->state = G_RUNNING;
	g->cpu = c->id;
	set_curg(c, g);
}

/* g is preempted on pp: counted, and pp's slice is over. */
static inline void count_preemption(struct p *pp, struct g *g)
{
	evtrace(EV_PREEMPT, (uint32_t)g->id, 0);
	pp->preempts++;
	g->npreempt++;
	pp->slice_end = 0;
}

/* xorshift32 on pp's state: steal order, select's poll order. The owner's
 * (preemption off), so no lock. */
static inline uint32_t p_fastrand(struct p *pp)
{
	uint32_t x = pp->rand;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return pp->rand = x;
}

static inline uint64_t timers_when(struct p *pp)
{
	return __atomic_load_n(&pp->timers.when0, __ATOMIC_ACQUIRE);
}

/* The global run queue, sched.lock held: append, and take the head. */
static inline void globrunq_put(struct g *g)
{
	assert_held(&sched.lock);
	gq_push(&sched.runq, g);
	__atomic_store_n(&sched.runqsize, sched.runqsize + 1, __ATOMIC_RELAXED);
}

static inline struct g *globrunq_pop(void)
{
	assert_held(&sched.lock);
	struct g *g = gq_pop(&sched.runq);
	if (g)
		__atomic_store_n(&sched.runqsize, sched.runqsize - 1, __ATOMIC_RELAXED);
	return g;
}

/* sched.c */
void sched_init(int nprocs);
void sched_start(void) __attribute__((noreturn));	/* every core, once */
void schedule(void) __attribute__((noreturn));		/* on the scheduler stack */
void globrunq_put_batch(struct runq_spill *s);		/* takes sched.lock */
void globrunq_put_wake(struct g *g);			/* takes sched.lock, then wakep */
/* Runs g on this core now (schedtick advances unless inherit). */
void execute(struct g *g, bool inherit) __attribute__((noreturn));
/* One of pp's timers is due. No timer, no counter read (local_turn says
 * what a read costs under TCG). */
static inline bool timer_due(struct p *pp)
{
	uint64_t w = timers_when(pp);
	return w != UINT64_MAX && w <= timer_count_fast();
}

/*
 * Would schedule() take this P's own next task now? Not once the slice is
 * over (the task would be preempted), a timer is due (it runs first), a
 * device's interrupt waits to be told, or on the global queue's turn. The
 * direct switches (park.c: a hand-over, an exit) skip the scheduler only
 * while this holds, so they decide as find_runnable() would. Inline: it is
 * on every channel hand-over.
 *
 * The slice's end is the timer interrupt's to tell (slice_spent), not a
 * counter read's: under TCG every read of the counter takes QEMU's global
 * lock (its registers are I/O registers, ARM_CP_IO), which a second core
 * contends for; two such reads per task cost fork-join fib a fifth of its
 * time at two cores. The interrupt is armed at or before the slice's end
 * whenever a task runs (timer_program), so the answer is at most the
 * interrupt's latency late, and a task that gets a spent slice in that
 * window is preempted by that very interrupt.
 */
static inline bool local_turn(struct p *pp)
{
	return !__atomic_load_n(&pp->slice_spent, __ATOMIC_RELAXED) && !timer_due(pp) &&
	       !netpoll_waiting() &&
	       (!__atomic_load_n(&sched.runqsize, __ATOMIC_RELAXED) ||
		pp->schedtick % GLOBAL_TURN != 0);
}

/* Takes pp's runnext if schedule() would run it now (it inherits the
 * slice); NULL when schedule() might choose otherwise. Preemption off. */
static inline struct g *local_pick_next(struct p *pp)
{
	uintptr_t word = runq_next_word(&pp->runq);
	if (!word || !local_turn(pp))
		return 0;
	return runq_take_next(&pp->runq, word);
}
/* The same for the ring's head, when runnext is empty (an exit in a burst
 * of spawns): *inherit as runq_get's. */
struct g *local_pick_ring(struct p *pp, bool *inherit);
/* A spinning M's search of the other Ps (bench/scale.c measures it). */
struct g *steal_work(struct p *pp);
void runq_put_local(struct p *pp, struct g *g, bool next);
void pinq_put(struct p *pp, struct g *g);
/* A new or readied task: runnext or its pinned list. handoff: a task
 * readied it (go_ready), which may be about to block (wakep_later). */
void ready_put(struct g *g, bool handoff);

/* idle.c */
/* A deferred wake's delay, per P, adapts between these (sched/idle.c). */
#define WAKE_DEFER_MIN_NS 20000
#define WAKE_DEFER_MAX_NS 250000
void wakep_init(void);
void wakep(void);
/* Own core, preemption off: pp's runnext holds the only task it has
 * queued; wake an idle P only if that task has not left runnext within
 * pp->wake_defer (sched/idle.c). */
void wakep_later(struct p *pp);
/* From the timer interrupt: pp's deferred wake is due. False: sched.lock
 * was busy, try again. */
bool wakep_due(struct p *pp);
/* Own core, before a direct switch to what was runnext: a hand-over,
 * which teaches pp's deferral (sched/idle.c). */
void wake_learn(struct p *pp);
static inline void wake_handed_over(struct p *pp)
{
	if (__atomic_load_n(&pp->wake_at, __ATOMIC_RELAXED))
		wake_learn(pp);
}
/* pp has pinned work: get it out of its sleep (wakep, by contrast, wakes
 * any idle P to look for work). */
void wake_for_pinned(struct p *pp);
void pidle_put(struct p *pp);	/* sched.lock held */
struct p *pidle_get(void);	/* sched.lock held */
bool pidle_remove(struct p *pp);/* sched.lock held */
void sleep_until_woken(struct p *pp);
bool any_work(struct p *pp, bool all_pinned);

/* g.c */
/* A runnable task record, not yet queued; NULL when out of memory. */
struct g *g_new(size_t stack, const char *name, int pin, void (*fn)(void *), void *arg);
void g_free(struct p *pp, struct g *g);
extern struct g *allg;
extern spinlock_t allg_lock;

/* park.c */
/* go_park, go_park_unlock, go_ready: sched/park.h, the sync code's contract. */
/* An unlockf that releases the spinlock_t at arg. */
bool park_unlock_spin(struct g *g, void *lock);
/* The park path's mcall: saves the task and runs fn(g) on the scheduler stack. */
void mcall(void (*fn)(struct g *));
void gosched_m(struct g *g);	/* queue g at the back of the global queue, schedule */

/* preempt.c */
extern uint64_t quantum_ticks;	/* slice length in counter ticks; 0: no slices */

/* A new slice's length: the quantum; in CHAOS=1 kernels, drawn between a
 * quarter and twice the quantum (kernel/chaos.h). */
static inline uint64_t slice_ticks(void)
{
#ifdef CHAOS
	return quantum_ticks / 4 + chaos_rand() % (quantum_ticks * 7 / 4 + 1);
#else
	return quantum_ticks;
#endif
}

/* A slice starts on pp, `now` being the counter (read only with a quantum:
 * the caller passes 0 without one). Own core: execute(), and the timer
 * interrupt when it renews the slice of a task alone on its core. */
static inline void slice_start(struct p *pp, uint64_t now)
{
	pp->slice_end = quantum_ticks ? now + slice_ticks() : UINT64_MAX;
	__atomic_store_n(&pp->slice_spent, 0, __ATOMIC_RELAXED);
}
extern const char fpsave_mode[];	/* "eager" or "lazy" (FPSAVE=) */
void preempt_init(void);	/* the quantum, from QUANTUM_US or quantum= */
long preempt_set_quantum_us(long us);	/* 0: no slices (from the next new slice) */
bool p_other_work(struct p *pp);	/* anything here besides the running task */
struct frame;
struct g *preempt_tick(struct frame *f, struct g *g); /* from the timer IRQ */
struct g *preempt_event(struct frame *f, struct g *g); /* a device IRQ wakes a task */

/* time.c (and sched/timer.h: the timers) */
void timer_program(struct p *pp);	/* compare register := min(slice end, next timer) */

/* timerwatch.c: an idle core covers busy Ps' timers. */
/* Idle loop: the deadline to arm for; *watched if a busy P's it is. */
uint64_t watch_arm(struct p *pp, bool *watched);
/* pp leaves idle: give the watch up, and on (with `fired`, only once
 * watch_handover is called, after the due timers ran). */
void watch_leave(struct p *pp, bool fired);
void watch_handover(struct p *pp);
void timer_cover(struct p *pp);		/* busy pp: make sure its earliest timer is watched */
/* The compare register, and pp->armed, what it holds (UINT64_MAX: off).
 * Inline: the timer interrupt sets it twice. */
static inline void timer_set_compare(struct p *pp, uint64_t w)
{
	pp->armed = w;
	if (w == UINT64_MAX)
		timer_disarm();
	else
		timer_arm_at(w);
}

/* trace.c */
void schedtrace_start(uint64_t period_ms, bool detail);
void check_dead(void);		/* every P idle: report a deadlock if main is stuck */
void sched_dump(void);	/* every P's state, for debugging */
