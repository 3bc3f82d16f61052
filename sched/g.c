/*
 * Tasks: creation, the first run, exit, and reuse of dead tasks (Go's
 * newproc, goexit and gFree).
 *
 * A task's record sits at the top of its stack, in a slot of the task
 * stack region (sched/stack.c): a guard page, the stack, the record. Only
 * the page holding the record (and the first ~3 KiB of stack below it) is
 * backed when the task is made; the rest of the stack gets a page on
 * first touch, and an overflow into the guard page faults (kernel/panic.c
 * names the task). So the default stack can be large (STACK_DEFAULT):
 * what a task does not touch costs no RAM.
 *
 * Dead tasks with the default stack size wait on their P's free list;
 * past GFREE_LOCAL_MAX half move to the global list, from which a P with
 * none refills. Dead tasks with other stack sizes wait on a global list
 * and are reused for the same size. A reused task keeps the pages its
 * predecessor's stack grew to (its high-water mark): nothing is returned
 * to the page allocator, so memory is bounded by the most tasks alive at
 * once and the deepest each of their stacks went.
 */
#include <errno.h>
#include <gometal.h>
#include <kernel/mem.h>
#include <kernel/panic.h>
#include <sched/sched.h>
#include <sched/stack.h>
#include <stdlib.h>
#include <string.h>

#define STACK_DEFAULT	(64 * 1024)	/* record included */
#define STACK_MIN	(4 * 1024)
#define STACK_FIRST	1024		/* stack backed below the record at the start */

struct g *allg;			/* every record ever made, linked by alllink */
static long nallg;		/* their number */
spinlock_t allg_lock;		/* protects allg, nallg */
static long next_id;		/* atomic: the last id handed to a P's cache */

/*
 * Task ids come from a per-P cache refilled 16 at a time, as Go's
 * goidcache (runtime/proc.go, _GoidCacheBatch): an atomic add on one
 * shared counter for every spawn kept its cache line moving between
 * cores. Ids stay unique and > 0, and increase on each P.
 */
#define ID_BATCH 16

static long new_id(struct p *pp)
{
	if (pp->id_next == pp->id_end) {
		pp->id_end = __atomic_add_fetch(&next_id, ID_BATCH, __ATOMIC_RELAXED) + 1;
		pp->id_next = pp->id_end - ID_BATCH;
	}
	return pp->id_next++;
}

static spinlock_t gfree_lock;	/* protects the two global free lists */
static struct g *gfree_default;	/* default-size dead tasks */
static int ngfree_default;
static struct g *gfree_other;	/* any other size */
static int ngfree_other;

static size_t pages_for(size_t stack)
{
	size_t bytes = stack < STACK_MIN ? STACK_MIN : stack;
	return (bytes + PAGE_SIZE - 1) / PAGE_SIZE;
}

/* A fresh record and stack; NULL when out of memory. Kept out of line:
 * inlined, it cost g_new's reuse path a callee-saved register. */
static struct g *__attribute__((noinline, cold)) g_alloc(size_t npages)
{
	uintptr_t top = stack_alloc(npages, pages_for(sizeof(struct g) + STACK_FIRST));
	if (!top)
		return 0;
	struct g *g = (struct g *)(top - sizeof(struct g));
	if ((uintptr_t)g >> RUNQ_GEN_SHIFT) /* runnext's tag bits (sched/runq.h) */
		panic("g_alloc: task record at %p, above runnext's 48-bit pointers", (void *)g);
	memset(g, 0, sizeof(*g));
	g->stack_lo = top - npages * PAGE_SIZE;
	g->npages = npages;
	spin_lock(&allg_lock);
	g->alllink = allg;
	allg = g;
	nallg++;
	spin_unlock(&allg_lock);
	return g;
}

static struct g *pop(struct g **list)
{
	struct g *g = *list;
	if (g)
		*list = g->schedlink;
	return g;
}

/* A dead task to reuse, from this P, the global lists, or nothing. */
static struct g *gfget(struct p *pp, size_t npages)
{
	struct g *g = 0;
	if (npages != pages_for(STACK_DEFAULT)) {
		spin_lock(&gfree_lock);
		for (struct g **l = &gfree_other; *l; l = &(*l)->schedlink)
			if ((*l)->npages == npages) {
				g = pop(l);
				ngfree_other--;
				break;
			}
		spin_unlock(&gfree_lock);
		return g;
	}
	if (!pp->gfree && __atomic_load_n(&ngfree_default, __ATOMIC_RELAXED)) {
		spin_lock(&gfree_lock);
		while (pp->ngfree < GFREE_LOCAL_MAX / 2 && gfree_default) {
			struct g *d = pop(&gfree_default);
			ngfree_default--;
			d->schedlink = pp->gfree;
			pp->gfree = d;
			pp->ngfree++;
		}
		spin_unlock(&gfree_lock);
	}
	g = pop(&pp->gfree);
	if (g)
		pp->ngfree--;
	return g;
}

void g_free(struct p *pp, struct g *g)
{
	if (g->npages != pages_for(STACK_DEFAULT)) {
		spin_lock(&gfree_lock);
		g->schedlink = gfree_other;
		gfree_other = g;
		ngfree_other++;
		spin_unlock(&gfree_lock);
		return;
	}
	g->schedlink = pp->gfree;
	pp->gfree = g;
	if (++pp->ngfree <= GFREE_LOCAL_MAX)
		return;
	/* The older records move: g, at the head, stays on this P, so a task
	 * freeing itself on its own stack (go_exit) is not handed to another
	 * core before it is off that stack. */
	spin_lock(&gfree_lock);
	while (pp->ngfree > GFREE_LOCAL_MAX / 2) {
		struct g *d = pop(&g->schedlink);
		pp->ngfree--;
		d->schedlink = gfree_default;
		gfree_default = d;
		ngfree_default++;
	}
	spin_unlock(&gfree_lock);
}

/* The first thing a new task runs (from task_trampoline). */
void task_main(struct g *g)
{
	g->fn(g->arg);
	go_exit();
}

/* g_new zeroes from id on and sets preempt and the context by hand: a
 * field added before id would keep a dead task's value. */
_Static_assert(offsetof(struct g, ctx) == 8 &&
		       offsetof(struct g, id) == offsetof(struct g, ctx) + sizeof(struct context),
	       "struct g: only preempt and ctx may come before id");

struct g *g_new(size_t stack, const char *name, int pin, void (*fn)(void *), void *arg)
{
	size_t npages = pages_for(stack ? stack + sizeof(struct g) : STACK_DEFAULT);
	struct g *g = gfget(this_p(), npages);
	if (!g)
		g = g_alloc(npages);
	if (!g)
		return 0;
	struct g *all = g->alllink;
	uintptr_t lo = g->stack_lo;
	/* Everything after the context starts at zero, up to newlib's state
	 * (set up again on the task's first newlib call). Of the context,
	 * only what sched_gogo and task_trampoline use is set: the other
	 * registers are the task's to overwrite before it ever saves them. */
	memset((char *)g + offsetof(struct g, id), 0,
	       offsetof(struct g, reent) - offsetof(struct g, id));
	g->preempt = 0;
	/* C11 7.6p4: a thread's floating-point environment starts as its
	 * creator's (a task made at boot, as FPCR's reset value). Also
	 * QEMU's: a zeroed FPSR, written on the switch, would clear the
	 * inexact flag its fast FP path needs (sched/switch.S). */
	struct g *parent = getg();
	g->ctx.fpcr = parent ? read_fpcr() : 0;
	g->ctx.fpsr = parent ? read_fpsr() : 0;
	g->ctx.x[10] = 0;				/* x29: backtraces end here */
	g->alllink = all;
	g->stack_lo = lo;
	g->npages = npages;
	g->id = new_id(this_p());
	g->fn = fn;
	g->arg = arg;
	g->pin = pin;
	g->pin_depth = pin >= 0;
	g->state = G_RUNNABLE;
	if (name) /* else all zero from the memset: most tasks have none */
		for (size_t i = 0; i < sizeof(g->name) - 1 && name[i]; i++)
			g->name[i] = name[i];
	g->ctx.sp = (uintptr_t)g & ~(uintptr_t)15;	/* the stack ends at the record */
	g->ctx.x[0] = (uintptr_t)g;			/* x19: task_trampoline's argument */
	g->ctx.x[11] = (uintptr_t)task_trampoline;	/* x30: where gogo "returns" */
	return g;
}

/* make trace: who spawned whom, and the new task's name (16 bytes of it). */
static void trace_spawn(struct g *g)
{
#ifdef EVTRACE
	struct g *parent = getg();
	uint64_t w[2] = {0, 0};
	for (int i = 0; i < 16 && g->name[i]; i++)
		w[i / 8] |= (uint64_t)(unsigned char)g->name[i] << (8 * (i % 8));
	evtrace(EV_SPAWN, parent ? (uint32_t)parent->id : 0, (uint64_t)g->id);
	evtrace(EV_NAME, (uint32_t)g->id, w[0]);
	evtrace(EV_NAME, (uint32_t)g->id, w[1]);
#else
	(void)g;
#endif
}

static long spawn(size_t stack, const char *name, int pin, void (*fn)(void *), void *arg)
{
	if (!fn)
		panic("go: nil function");
	if (pin < -1 || pin >= sched.nprocs)
		panic("go: cpu %d to pin to does not exist (%d cores online)", pin, sched.nprocs);
	if (stack > GO_STACK_MAX) /* as Go's 1 GB maximum; also keeps stack + record from wrapping */
		panic("go: stack_size %zu is over the %u MiB a task may have", stack, GO_STACK_MAX >> 20);
	preempt_disable(); /* g_new takes from this P's free list */
	struct g *g = g_new(stack, name, pin, fn, arg);
	preempt_enable();
	if (!g)
		return -ENOMEM;
	long id = g->id; /* read before another core can run it and exit */
	trace_spawn(g);
	ready_put(g, false); /* as Go's newproc: to runnext, the spawner's core, warm */
	chaos_yield_point();
	return id;
}

long go(void (*fn)(void *), void *arg)
{
	return spawn(0, 0, -1, fn, arg);
}

long go_with(const go_attr_t *attr, void (*fn)(void *), void *arg)
{
	if (!attr)
		return go(fn, arg);
	return spawn(attr->stack_size, attr->name, attr->cpu, fn, arg);
}

long go_id(void)
{
	struct g *g = getg();
	return g ? g->id : 0;
}

/*
 * Tasks alive: every record made, less those on free lists. Counted here
 * rather than on each spawn and exit, which stay as cheap as they were;
 * other Ps' list lengths are read without their owners' care, so the
 * figure is exact only while no task starts or ends.
 */
static long tasks_alive(void)
{
	spin_lock(&allg_lock);
	long n = nallg;
	spin_unlock(&allg_lock);
	spin_lock(&gfree_lock);
	n -= ngfree_default + ngfree_other;
	spin_unlock(&gfree_lock);
	for (int i = 0; i < sched.nprocs; i++)
		n -= __atomic_load_n(&allp[i].ngfree, __ATOMIC_RELAXED);
	return n;
}

void go_memstats(struct go_memstats *ms)
{
	mem_usage(&ms->page_bytes, &ms->heap_bytes);
	ms->tasks = tasks_alive();
}

/* The panic path's upcall (kernel/panic.h): the task running here. */
bool panic_running_task(struct panic_task *t)
{
	struct g *g = getg();
	if (!g)
		return false;
	*t = (struct panic_task){.id = g->id, .name = g->name, .stack_lo = g->stack_lo};
	return true;
}
