/* The PL011 UART (kernel/uart.h): QEMU virt's and every Pi's console. */
#pragma once
#include <kernel/uart.h>

extern const struct uart_driver pl011_uart;
