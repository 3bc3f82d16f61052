/*
 * The demo `make run` boots: main (the first task) starts a worker task
 * per core and some more, they report where they ran through newlib's
 * printf, and a WaitGroup brings them home. Returning 0 ends the system.
 */
#include <gometal.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define WORKERS 16

static int ran_on[128]; /* a count per core: virt with GIC=3 runs up to 128 */
static waitgroup_t wg;

static void worker(void *arg)
{
	long n = (long)arg;
	double x = 0;
	for (int i = 1; i <= 20000; i++) /* some work, so the others steal */
		x += sqrt((double)i * (double)n);
	__atomic_add_fetch(&ran_on[go_cpu()], 1, __ATOMIC_RELAXED);
	printf("task %ld (worker %ld) on cpu %d: %.1f\n", go_id(), n, go_cpu(), x);
	wg_done(&wg);
}

int main(void)
{
	printf("hello from main (task %ld) on cpu %d of %d\n", go_id(), go_cpu(), go_ncpu());
	wg_add(&wg, WORKERS);
	for (long n = 0; n < WORKERS; n++)
		if (go(worker, (void *)n) < 0)
			return 1;
	wg_wait(&wg);
	printf("all %d workers done; per cpu:", WORKERS);
	for (int c = 0; c < go_ncpu(); c++)
		printf(" %d", ran_on[c]);
	printf("\n");
	return 0;
}
