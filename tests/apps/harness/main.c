/* The harness's own test program: its tests (tests/) pass, fail, hang,
 * crash and are skipped on purpose; tests/harness_checks.py holds make
 * check to what it must then print. This main is not part of that build. */
#include <stdio.h>

int main(void)
{
	printf("run make check APP=tests/apps/harness\n");
	return 0;
}
