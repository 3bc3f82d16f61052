/*
 * Memory (bench=memory, bench=maxtasks): what a blocked task costs.
 *
 * RAM is handed out from both ends of one range (kernel/mem.c): pages for
 * task records, stacks and page tables from the top, the malloc heap from
 * the bottom. mem_free() is the gap between them, so the drop in mem_free()
 * across spawning n tasks is everything they took: pages and heap, measured
 * rather than estimated.
 */
#include "bench.h"
#include <kernel/cmdline.h>
#include <kernel/mem.h>
#include <gometal.h>
#include <stdio.h>

struct blocked {
	chan_t *c;		/* never sent on: closed at the end */
	long started;		/* atomic */
	waitgroup_t wg;
};

static void blocker(void *arg)
{
	struct blocked *b = arg;
	int v;
	__atomic_fetch_add(&b->started, 1, __ATOMIC_RELAXED);
	chan_recv(b->c, &v);
	wg_done(&b->wg);
}

/*
 * On one core, main's sleep lets every runnable task run until it parks
 * on the channel: after it, all of them are blocked, stacks as deep as
 * blocking makes them.
 */
static void settle(struct blocked *b, long n)
{
	while (__atomic_load_n(&b->started, __ATOMIC_RELAXED) < n)
		go_sleep(1000000);
	go_sleep(10000000);
}

static void release(struct blocked *b)
{
	chan_close(b->c);
	wg_wait(&b->wg);
	chan_free(b->c);
}

void bench_memory(void)
{
	long n = cmdline_int("n", 100000);
	struct blocked b = {.c = chan_make(sizeof(int), 0)};
	size_t before = mem_free();
	wg_add(&b.wg, n);
	for (long i = 0; i < n; i++)
		if (go(blocker, &b) < 0)
			panic("bench: out of memory at %ld of %ld blocked tasks", i, n);
	settle(&b, n);
	size_t used = before - mem_free();
	printf("bench: %ld blocked tasks took %zu bytes (%zu KiB)\n", n, used, used / 1024);
	bench_value("blocked_bytes", (double)used / (double)n, "bytes");
	release(&b);
}

/* Spawns blocked tasks until go() reports that memory has run out. */
void bench_maxtasks(void)
{
	struct blocked b = {.c = chan_make(sizeof(int), 0)};
	long n = 0;
	for (;;) {
		wg_add(&b.wg, 1);
		if (go(blocker, &b) < 0) {
			wg_done(&b.wg);
			break;
		}
		if (++n % 4096 == 0)
			settle(&b, n); /* they block as they go, as in bench=memory */
	}
	settle(&b, n);
	printf("bench: %zu bytes left after %ld blocked tasks\n", mem_free(), n);
	bench_value("maxtasks", (double)n, "tasks");
	release(&b);
}
