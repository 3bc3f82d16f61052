/* rt/console.c's boot step: the console's receive interrupt on. */
#pragma once
#include <stddef.h>

void console_input_init(void);
/* read(0)'s: console_read, stopping after a line's end. */
size_t console_read_line(void *buf, size_t n);
