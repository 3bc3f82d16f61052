#pragma once
/* 1 + 2 + ... + n, added by n tasks (n <= 64); racy.c's planted race. */
long sum_in_parallel(int n);
