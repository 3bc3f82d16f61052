/*
 * gometal: the API programs are written against.
 *
 * A program provides `int main(void)`. It runs as the first task once every
 * core is up. When main returns, or anything calls exit(n), every core stops
 * and the system ends with that status (under QEMU, QEMU exits with it),
 * even if other tasks still run: as in Go.
 *
 * Tasks are goroutines: cheap, scheduled by the runtime over all cores, each
 * with its own stack (backed by RAM only as deep as it has been used; a
 * guard page below it: overflowing panics), errno and stdio state. Blocking
 * operations park the task, never the core.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct g;

/* --- Tasks (Go's go statement and runtime package) --- */

typedef struct {
	size_t stack_size;	/* usable stack in bytes; 0: the default (about 63 KiB).
				 * Pages are backed as the stack first reaches them, so
				 * only what is used costs RAM; the size is the limit. */
	const char *name;	/* shown in panics, deadlock reports; copied, may be NULL */
	int cpu;		/* run only on this core (-1: any core) */
} go_attr_t;

#define GO_STACK_MAX (1u << 30)	/* stack_size above this panics (Go's limit is 1 GB) */
#define GO_ATTR_DEFAULT ((go_attr_t){.stack_size = 0, .name = NULL, .cpu = -1})

/*
 * Spawns a task running fn(arg). Returns its id (> 0, never reused; the
 * ids one core hands out increase, as Go's), or -ENOMEM when there is no
 * memory for its stack: never crashes on exhaustion.
 * fn == NULL, or a cpu that is not online, panics.
 */
long go(void (*fn)(void *), void *arg);
long go_with(const go_attr_t *attr, void (*fn)(void *), void *arg);

void go_yield(void);	/* runtime.Gosched: to the back of the global queue */
void go_exit(void) __attribute__((noreturn)); /* runtime.Goexit; returning from fn does the same */

/*
 * Time. go_now() is monotonic nanoseconds since boot from the ARM generic
 * counter, the same clock on every core (resolution: one counter tick,
 * 16 ns on QEMU virt, 52 ns on a Pi 3, 18.5 ns on a Pi 4/5). go_sleep()
 * parks the caller for at least ns (time.Sleep); 0 is go_yield().
 * go_sleep_until(t) parks it until go_now() >= t (a time already past is
 * go_yield()): periodic work without drift, as FreeRTOS's vTaskDelayUntil.
 * Sleepers wake in deadline order; with the same deadline, those that
 * went to sleep on one core wake in the order they did.
 */
uint64_t go_now(void);
void go_sleep(uint64_t ns);
void go_sleep_until(uint64_t t);

long go_id(void);	/* the caller's task id; 0 outside a task */
int go_cpu(void);	/* the core running the caller (0 is the boot core) */
int go_ncpu(void);	/* number of Ps: cores online */

/*
 * The live tasks (a shell's ps; Go has no such call, its tracebacks come
 * closest): up to max snapshots, oldest first; returns how many are alive.
 * run_ns counts only once go_count_run_time() has been called (which then
 * costs every task switch a few instructions, for the rest of the run).
 */
struct go_task {
	long id;
	char name[24];
	const char *state;	/* "running", "runnable" or "waiting" */
	const char *waitreason;	/* "chan receive", "sleep", ...; "" unless waiting */
	int cpu;		/* the core it runs or last ran on */
	uint64_t run_ns;	/* time on a core, up to its last switch */
};
int go_tasks(struct go_task *out, int max);
void go_count_run_time(void);
void go_schedtrace(void);	/* one SCHED line now, as the schedtrace= boot argument prints */

/* Memory in use (runtime.MemStats, roughly): what a blocked task costs is
 * the difference over spawning many. */
struct go_memstats {
	size_t page_bytes;	/* whole pages handed out: stacks and their page tables */
	size_t heap_bytes;	/* the malloc heap's size (newlib's sbrk) */
	long tasks;		/* tasks alive (not yet exited), main included */
};
void go_memstats(struct go_memstats *ms);

/* runtime.LockOSThread: the caller stays on its current core until the
 * matching go_unpin(). Nests. go_unpin() without go_pin() panics. */
void go_pin(void);
void go_unpin(void);

/* --- sync.WaitGroup: the zero value is ready to use --- */

typedef struct {
	uint32_t lock;
	long count;
	struct g *waiters;
} waitgroup_t;

void wg_add(waitgroup_t *wg, long n);	/* the counter going below 0 panics */
void wg_done(waitgroup_t *wg);
void wg_wait(waitgroup_t *wg);		/* parks until the counter is 0 */

/* --- Channels (Go's chan, select and time.After) --- */

typedef struct chan chan_t;

/*
 * A channel of elem_size-byte values (0 is Go's chan struct{}) with a
 * buffer of cap values; cap 0 is a rendezvous channel. NULL when there is
 * no memory. Values are copied in and out with memcpy.
 */
chan_t *chan_make(size_t elem_size, size_t cap);
/* Blocks until the value is taken or buffered. A closed channel panics
 * ("send on closed channel"), also when it is closed while we wait. */
void chan_send(chan_t *c, const void *elem);
/* Blocks until a value arrives (copied to elem, which may be NULL) and
 * returns true; false once c is closed and drained, with elem zeroed. */
bool chan_recv(chan_t *c, void *elem);
/* Wakes every blocked receiver (false) and sender (panic). Closing twice,
 * or NULL, panics. */
void chan_close(chan_t *c);
/* Frees c (and stops go_after's timer). Tasks still blocked on it panic
 * the system; NULL does nothing. There is no garbage collector. */
void chan_free(chan_t *c);
size_t chan_len(chan_t *c);	/* values buffered now */
size_t chan_cap(chan_t *c);

/* Send or receive on a NULL channel blocks forever, as on a nil channel
 * in Go (the deadlock report shows it). */

enum { CHAN_SEND = 1, CHAN_RECV = 2 };

typedef struct {
	chan_t *ch;	/* NULL: this case never proceeds */
	int op;		/* CHAN_SEND or CHAN_RECV */
	void *elem;	/* value to send, or where to receive (may be NULL) */
	bool ok;	/* receives: set as chan_recv's result */
} chan_case_t;

/*
 * Go's select: waits until one of the n cases can proceed, performs it and
 * returns its index. Among several ready cases, each is equally likely.
 * block == false is a select with a default case: -1 at once when none is
 * ready. n == 0 with block blocks forever.
 */
int chan_select(chan_case_t *cases, int n, bool block);

/* time.After: a channel (cap 1) that receives go_now() once, ns from now.
 * Receive only (closing it panics); chan_free it when done, even before
 * it fires. NULL when there is no memory. */
chan_t *go_after(uint64_t ns);

/* --- sync: every zero-initialised object below is ready to use --- */

struct sync_waiter;

/* sync.Mutex: spins briefly, then parks. A waiter that has waited over
 * 1 ms puts it in starvation mode: each unlock hands it straight to the
 * longest waiter, until the queue drains. Unlocking an unlocked mutex
 * panics. */
typedef struct {
	uint32_t state;
	uint32_t lock;
	struct sync_waiter *head, *tail;
} mutex_t;

void mutex_lock(mutex_t *m);
void mutex_unlock(mutex_t *m);
bool mutex_trylock(mutex_t *m);

/* A counting semaphore; sema_init sets its count (the zero value has 0).
 * Waiters are served in arrival order. */
typedef struct {
	uint32_t lock;
	long count;
	struct sync_waiter *head, *tail;
} sema_t;

void sema_init(sema_t *s, long count);
void sema_acquire(sema_t *s);
bool sema_tryacquire(sema_t *s);
void sema_release(sema_t *s);

/* sync.RWMutex: many readers or one writer; a waiting writer holds back
 * new readers, so writers do not starve. */
typedef struct {
	mutex_t w;		/* held by the writer, and by a writer waiting */
	sema_t writersem;	/* the writer waits here for readers to leave */
	sema_t readersem;	/* readers wait here for the writer */
	int32_t readercount;	/* readers in, minus RW_MAX_READERS while a writer is */
	int32_t readerwait;	/* readers the waiting writer still waits for */
} rwmutex_t;

void rw_rlock(rwmutex_t *rw);
void rw_runlock(rwmutex_t *rw);
void rw_lock(rwmutex_t *rw);
void rw_unlock(rwmutex_t *rw);

/* sync.Once: fn(arg) runs once; every caller returns after it has. */
typedef struct {
	uint32_t done;
	mutex_t m;
} once_t;

void once_do(once_t *o, void (*fn)(void *), void *arg);

/* sync.Cond: cond_wait unlocks m, waits for a signal, relocks m. */
typedef struct {
	uint32_t lock;
	uint32_t wait;		/* tickets handed out */
	uint32_t notify;	/* tickets signalled */
	struct sync_waiter *head, *tail;
} cond_t;

void cond_wait(cond_t *c, mutex_t *m);
void cond_signal(cond_t *c);
void cond_broadcast(cond_t *c);

/* --- Input and interrupts (Go's netpoller: the task parks, never the core) --- */

/*
 * Console input. The UART's receive interrupt fills a buffer of
 * CONSOLE_BUFFER bytes from boot on, so input that comes before anyone
 * reads is kept; bytes that find it full are dropped and counted in
 * console_stats().overruns, never lost silently.
 *
 * console_read parks the caller until at least one byte is buffered and
 * returns up to n of them; read(0), getchar, fgets(stdin) and scanf read
 * through it, a line at most per read(0) as a terminal gives (stdio's
 * buffer is the task's own: a line one task began stays with it). A CR comes out as '\n' (a terminal's Enter; a tty's ICRNL);
 * nothing is echoed. console_try_read returns 0 at once if nothing is
 * buffered. console_input() is a channel (cap 1, of uint32_t) that
 * receives when input may be waiting: select on it beside other channels
 * or go_after, then console_try_read, and wait again if another reader
 * took the bytes first.
 */
#define CONSOLE_BUFFER 4096
size_t console_read(void *buf, size_t n);
size_t console_try_read(void *buf, size_t n);
chan_t *console_input(void);

struct console_stats {
	uint64_t received;	/* bytes buffered since boot */
	uint64_t overruns;	/* bytes lost: the buffer was full (each counted),
				 * or the UART's FIFO was (one per overrun) */
	uint64_t errors;	/* bytes received with a framing, parity or break error */
	size_t buffered;	/* waiting to be read now */
};
void console_stats(struct console_stats *s);

/*
 * Device interrupts, in the shape of Go's signal.Notify and Linux's
 * threaded interrupts with IRQF_ONESHOT. irq_notify(irq, c, flags): each
 * time line irq interrupts, the kernel masks it at the controller and
 * sends irq on c (buffered, of uint32_t or of nothing; a full channel
 * coalesces); the task services its device, then irq_rearm(irq) unmasks
 * it, so a level line that nobody services cannot storm the system.
 * Numbers are the controller's: GIC INTIDs from 32 (SPI n is 32 + n) on
 * virt, rpi4 and rpi5; on rpi3, 32 + the BCM2835 interrupt (0-63), all
 * taken on core 0. The line is routed to the core irq_notify runs on.
 * A number the controller lacks, a line claimed twice, irq_rearm or
 * irq_release of a line not claimed, closing or freeing a channel still
 * attached: each panics.
 */
#define IRQ_LEVEL 0	/* level-sensitive, active high */
#define IRQ_EDGE 1	/* rising edge */
void irq_notify(unsigned irq, chan_t *c, int flags);
void irq_rearm(unsigned irq);
void irq_release(unsigned irq);

/*
 * GPIO edge events, the same path for QEMU virt's PL061 (8 pins; pin 3 is
 * its power button) and the Pi 3's and Pi 4's GPIO block (pins 0-53; not
 * the Pi 5's, on the RP1): gpio_watch makes `pin` an input and sends its
 * number (a uint32_t) on c at each edge asked for; a full channel
 * coalesces. A board without GPIO events, a pin it lacks, a pin watched
 * twice, an unbuffered channel: each panics.
 */
#define GPIO_RISING 1
#define GPIO_FALLING 2
void gpio_watch(unsigned pin, int edges, chan_t *c);
void gpio_unwatch(unsigned pin);

/* Ends the system with "panic: ..." naming the core and task, status 2. */
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
