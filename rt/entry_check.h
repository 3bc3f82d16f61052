/* The boot core's first act: stop, saying why, where this kernel cannot run. */
#pragma once
#include <stdint.h>

/* Parks for good, after a line on the board's UART, if the image runs
 * somewhere other than where it is linked or was entered at EL3. */
void entry_check(uint64_t entry_el);
