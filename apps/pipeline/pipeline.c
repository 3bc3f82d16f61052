/*
 * A worker pool with channels, as one would write it in Go:
 *
 *	jobs := make(chan int); results := make(chan int, 16)
 *	for w := 0; w < workers; w++ { go worker(jobs, results) }
 *	go func() { for i := 1; i <= n; i++ { jobs <- i }; close(jobs) }()
 *	for k := 0; k < n; k++ {
 *		select {
 *		case r := <-results: sum += r
 *		case <-time.After(10 * time.Second): panic("stuck")
 *		}
 *	}
 */
#include "pipeline.h"
#include <gometal.h>
#include <string.h>

struct pool {
	chan_t *jobs, *results;
	int n;
	waitgroup_t wg;		/* the workers and the feeder */
	struct pipeline_stats *st;
};

static void worker(void *arg)
{
	struct pool *p = arg;
	int v;
	while (chan_recv(p->jobs, &v)) {	/* for v := range jobs */
		long sq = (long)v * v;
		__atomic_fetch_add(&p->st->done_by[go_cpu() % 8], 1, __ATOMIC_RELAXED);
		chan_send(p->results, &sq);
	}
	wg_done(&p->wg);
}

static void feeder(void *arg)
{
	struct pool *p = arg;
	for (int i = 1; i <= p->n; i++)
		chan_send(p->jobs, &i);
	chan_close(p->jobs);
	wg_done(&p->wg);
}

long pipeline_sum_squares(int n, int workers, struct pipeline_stats *st)
{
	struct pool p = {chan_make(sizeof(int), 0), chan_make(sizeof(long), 16), n, {0}, st};
	if (!p.jobs || !p.results)
		panic("pipeline: no memory for its channels");
	memset(st, 0, sizeof(*st));
	wg_add(&p.wg, workers + 1);	/* before the go statements, as in Go */
	for (int w = 0; w < workers; w++)
		go(worker, &p);
	go(feeder, &p);
	for (int k = 0; k < n; k++) {
		long r;
		chan_t *timeout = go_after(10000000000ull);
		chan_case_t cases[2] = {
			{.ch = p.results, .op = CHAN_RECV, .elem = &r},
			{.ch = timeout, .op = CHAN_RECV},
		};
		if (chan_select(cases, 2, true) == 1)
			panic("pipeline: no result for 10 s");
		chan_free(timeout);
		st->sum += r;
	}
	wg_wait(&p.wg);	/* the pool lives on this stack: nobody may touch it after */
	chan_free(p.jobs);
	chan_free(p.results);
	return st->sum;
}
