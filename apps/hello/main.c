/*
 * The demo `make run` boots: every core reports in through newlib's
 * printf, then main prints a little libc work and returns 0.
 */
#include <gometal.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
	printf("hello from main on cpu %d of %d\n", go_cpu(), go_ncpu());
	char *s = malloc(64);
	snprintf(s, 64, "%s %d %.3f", "newlib", 42, sqrt(2.0));
	printf("libc: %s (strlen %zu)\n", s, strlen(s));
	free(s);
	return 0;
}
