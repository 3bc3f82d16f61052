/*
 * The kernel's own console output: independent of newlib, safe from
 * interrupt handlers and panics. Formats %d %i %u %x %X %p %s %c %% with
 * the l/ll/z length modifiers, a width and 0 padding.
 */
#pragma once
#include <stdarg.h>
#include <stddef.h>

int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvsnprintf(char *buf, size_t len, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

void console_init(void);
/* Writes n bytes, "\n" as "\r\n", whole under the console lock. */
void console_write(const char *s, size_t n);
/* After a panic has stopped the other cores: write without the lock. */
void console_force(void);
