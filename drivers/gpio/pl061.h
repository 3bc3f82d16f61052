/* The PL061 GPIO controller (kernel/gpio.h): QEMU virt's. */
#pragma once
#include <kernel/gpio.h>

extern const struct gpio_chip pl061_gpio;
