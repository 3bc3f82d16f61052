/*
 * gometal: the API programs are written against.
 *
 * A program provides `int main(void)`. It runs as the first task once every
 * core is up. When main returns, or anything calls exit(n), every core stops
 * and the system ends with that status (under QEMU, QEMU exits with it),
 * even if other tasks still run: as in Go.
 *
 * Tasks are goroutines: cheap, scheduled by the runtime over all cores, each
 * with its own stack (a guard page below it: overflowing panics), errno and
 * stdio state. Blocking operations park the task, never the core.
 */
#pragma once
#include <stddef.h>
#include <stdint.h>

struct g;

/* --- Tasks (Go's go statement and runtime package) --- */

typedef struct {
	size_t stack_size;	/* usable stack in bytes; 0: the default (about 15 KiB) */
	const char *name;	/* shown in panics, deadlock reports; copied, may be NULL */
	int cpu;		/* run only on this core (-1: any core) */
} go_attr_t;

#define GO_ATTR_DEFAULT ((go_attr_t){.stack_size = 0, .name = NULL, .cpu = -1})

/*
 * Spawns a task running fn(arg). Returns its id (> 0), or -ENOMEM when
 * there is no memory for its stack: never crashes on exhaustion.
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
 */
uint64_t go_now(void);
void go_sleep(uint64_t ns);

long go_id(void);	/* the caller's task id; 0 outside a task */
int go_cpu(void);	/* the core running the caller (0 is the boot core) */
int go_ncpu(void);	/* number of Ps: cores online */

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

/* Ends the system with "panic: ..." naming the core and task, status 2. */
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
