/*
 * A byte ring with one producer (an interrupt handler, on one core) and one
 * consumer at a time (callers serialise reads: rt/console.c's lock). Lock
 * free: the producer owns `head`, the consumer `tail`. The producer fills a
 * slot and then publishes it with a release store of head; the consumer's
 * acquire load of head makes the slot's byte visible before it reads it,
 * and its release store of tail hands the slot back only after the read
 * (C11 release/acquire; on AArch64 STLR/LDAR, ARM ARM B2.3.11). A full ring
 * drops the new byte and counts it: never a silent loss.
 */
#pragma once
#include <stddef.h>
#include <stdint.h>

#define RXRING_SIZE 4096	/* a power of two */

struct rxring {
	uint32_t head;		/* producer: bytes put, mod 2^32 */
	uint32_t tail;		/* consumer: bytes taken */
	uint64_t dropped;	/* atomic: bytes the ring had no room for */
	uint8_t buf[RXRING_SIZE];
};

/* Producer. False (and counted) if the ring is full. */
static inline int rxring_put(struct rxring *r, uint8_t b)
{
	uint32_t h = __atomic_load_n(&r->head, __ATOMIC_RELAXED);
	if (h - __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE) == RXRING_SIZE) {
		__atomic_add_fetch(&r->dropped, 1, __ATOMIC_RELAXED);
		return 0;
	}
	r->buf[h % RXRING_SIZE] = b;
	__atomic_store_n(&r->head, h + 1, __ATOMIC_RELEASE);
	return 1;
}

/* Consumer: up to n bytes into dst, with `line` no further than the
 * first '\n' or '\r'; how many. */
static inline size_t rxring_get(struct rxring *r, uint8_t *dst, size_t n, int line)
{
	uint32_t t = __atomic_load_n(&r->tail, __ATOMIC_RELAXED);
	uint32_t avail = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE) - t;
	size_t k = n < avail ? n : avail;
	for (size_t i = 0; i < k; i++) {
		dst[i] = r->buf[(t + i) % RXRING_SIZE];
		if (line && (dst[i] == '\n' || dst[i] == '\r'))
			k = i + 1;
	}
	__atomic_store_n(&r->tail, t + (uint32_t)k, __ATOMIC_RELEASE);
	return k;
}

/* Bytes waiting (either side; a snapshot). */
static inline uint32_t rxring_len(struct rxring *r)
{
	return __atomic_load_n(&r->head, __ATOMIC_ACQUIRE) - __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);
}
