/* The worker pool of pipeline.c: the sum of the squares of 1..100 by eight
 * workers. Its tests: tests/test_pipeline.c (make check APP=apps/pipeline). */
#include "pipeline.h"
#include <gometal.h>
#include <stdio.h>

int main(void)
{
	struct pipeline_stats st;
	pipeline_sum_squares(100, 8, &st);
	printf("sum of squares 1..100 = %ld (want 338350)\n", st.sum);
	return st.sum == 338350 ? 0 : 1;
}
