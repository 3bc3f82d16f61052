/* Shared by the benchmark files. */
#pragma once
#include <stdint.h>

/* The counter in ns: under -icount shift=0, instructions. */
uint64_t bench_now(void);
/* One line: instructions per op, and the target (0: none). */
void bench_report(const char *name, uint64_t insns, long ops, long target);

void bench_chan(void);
void bench_chan_smp(void);
