/* A minimal harness for host tests: one PASS/FAIL line per case. */
#pragma once
#include <stdio.h>

static int check_failed;

#define CHECK(cond)                                                              \
	do {                                                                     \
		if (!(cond)) {                                                   \
			printf("  %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			check_failed = 1;                                        \
		}                                                                \
	} while (0)

#define RUN(fn)                                                    \
	do {                                                       \
		check_failed = 0;                                  \
		fn();                                              \
		printf("%s %s\n", check_failed ? "FAIL" : "PASS", #fn); \
	} while (0)
