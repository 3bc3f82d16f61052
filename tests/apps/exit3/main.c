/* A program whose main calls exit(3): `make run` must fail and say so. */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	printf("exiting with status 3\n");
	exit(3);
}
