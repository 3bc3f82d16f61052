/*
 * A worker pool with channels, as one would write it in Go:
 *
 *	jobs := make(chan int); results := make(chan int, 16)
 *	for w := 0; w < 8; w++ { go worker(jobs, results) }
 *	go func() { for i := 1; i <= 100; i++ { jobs <- i }; close(jobs) }()
 *	for n := 0; n < 100; n++ {
 *		select {
 *		case r := <-results: sum += r
 *		case <-time.After(time.Second): panic("stuck")
 *		}
 *	}
 */
#include <gometal.h>
#include <stdio.h>

static chan_t *jobs, *results;

static void worker(void *arg)
{
	(void)arg;
	int v;
	while (chan_recv(jobs, &v)) {	/* for v := range jobs */
		int sq = v * v;
		chan_send(results, &sq);
	}
}

static void feeder(void *arg)
{
	(void)arg;
	for (int i = 1; i <= 100; i++)
		chan_send(jobs, &i);
	chan_close(jobs);
}

int main(void)
{
	jobs = chan_make(sizeof(int), 0);
	results = chan_make(sizeof(int), 16);
	for (int w = 0; w < 8; w++)
		go(worker, NULL);
	go(feeder, NULL);
	long sum = 0;
	for (int n = 0; n < 100; n++) {
		int r;
		chan_t *timeout = go_after(1000000000ull);
		chan_case_t cases[2] = {
			{.ch = results, .op = CHAN_RECV, .elem = &r},
			{.ch = timeout, .op = CHAN_RECV},
		};
		if (chan_select(cases, 2, true) == 1)
			panic("no result for a second");
		chan_free(timeout);
		sum += r;
	}
	printf("sum of squares 1..100 = %ld (want 338350)\n", sum);
	return sum == 338350 ? 0 : 1;
}
