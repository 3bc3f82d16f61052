/* The worker pool of main.c, as a function its tests can call. */
#pragma once

struct pipeline_stats {
	long sum;		/* of the squares of 1..n */
	int done_by[8];		/* results computed on each core (up to 8) */
};

/* Squares 1..n in `workers` tasks fed by one more through an unbuffered
 * channel, and returns the sum of the results (also in st->sum). A result
 * that takes over 10 s (the select's timeout) panics: the workers would
 * still be using the pool. */
long pipeline_sum_squares(int n, int workers, struct pipeline_stats *st);
