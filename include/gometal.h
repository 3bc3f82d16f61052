/*
 * gometal: the API programs are written against. A program provides
 * `int main(void)`; it runs once every core is up. When main returns, or
 * anything calls exit(n), every core stops and the system ends with that
 * status (under QEMU, QEMU exits with it).
 */
#pragma once
#include <stdint.h>

/* The core running the caller (0 is the boot core) and how many are up. */
int go_cpu(void);
int go_ncpu(void);

/* Ends the system with "panic: cpu N: <message>" and a non-zero status. */
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
