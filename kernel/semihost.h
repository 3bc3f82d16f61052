/*
 * ARM semihosting (ARM IHI 0098): under QEMU with -semihosting the host
 * answers `hlt #0xf000`. Without a host (real hardware, no debugger) the
 * instruction is undefined; the exception handler recognises it, makes the
 * call return -1 and marks semihosting absent, so callers fall back.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>

/* Reports the exit status to the host; returns only if there is no host. */
void semihost_exit(int status);
/* Called by the undefined-instruction handler: true if `pc` is our
 * semihosting trap, which it then skips with a -1 result. */
bool semihost_fault(uint64_t pc);
/* Writing a host file (make trace's dump): -1 without a semihosting host. */
int semihost_open_write(const char *path);
int semihost_write(int fd, const void *buf, uint64_t n);	/* 0: all written */
void semihost_close(int fd);
