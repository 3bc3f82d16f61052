/*
 * The BCM2835/6/7 GPIO block (BCM2835 ARM Peripherals, chapter 6), and the
 * BCM2711's, which keeps its layout: pin functions to route the console
 * UART, and edge events (kernel/gpio.h).
 */
#pragma once
#include <kernel/gpio.h>
#include <stdint.h>

extern const struct gpio_chip bcm2835_gpio;

enum gpio_func { GPIO_IN = 0, GPIO_OUT = 1, GPIO_ALT0 = 4, GPIO_ALT5 = 2 };

void bcm2835_gpio_func(uint64_t base, unsigned pin, enum gpio_func f);
/* BCM2835-2837 pull-up/down sequence (GPPUD + GPPUDCLK): none on `pin`. */
void bcm2835_gpio_pull_none(uint64_t base, unsigned pin);
