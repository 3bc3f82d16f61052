/* The planted race of racy.c as a program (make run APP=tests/apps/racy). */
#include "racy.h"
#include <stdio.h>

int main(void)
{
	long s = sum_in_parallel(16);
	printf("sum 1..16 = %ld (want 136)\n", s);
	return s == 136 ? 0 : 1;
}
