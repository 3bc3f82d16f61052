/* rt/console.c's and rt/gpio.c's boot steps and interrupt entries. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

void console_input_init(void);
bool gpio_line(unsigned irq);	/* irq is a GPIO bank's */
void gpio_irq(void);		/* from its interrupt: take the pins' events */
/* read(0)'s: console_read, stopping after a line's end. */
size_t console_read_line(void *buf, size_t n);
