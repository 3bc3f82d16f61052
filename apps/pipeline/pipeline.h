/* The worker pool of main.c, as a function its tests can call. */
#pragma once

struct pipeline_stats {
	long sum;		/* of the squares of 1..n */
	int done_by[8];		/* results computed on each core (up to 8) */
};

/* Squares 1..n in `workers` tasks fed by one more through an unbuffered
 * channel, and sums the results as they come; 0 if a result took over
 * 10 s (the select's timeout), else 1. */
int pipeline_sum_squares(int n, int workers, struct pipeline_stats *st);
