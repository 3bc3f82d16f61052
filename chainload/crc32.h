/* CRC-32 (IEEE 802.3, reflected), bit by bit: no table to carry. Shared by
 * the chainloader and tools/chainboot.c, which must agree on it. */
#pragma once
#include <stddef.h>
#include <stdint.h>

static inline uint32_t crc32(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;
	while (n--) {
		c ^= *p++;
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & -(c & 1));
	}
	return ~c;
}
