/*
 * kernel/rxring.h, the console's receive ring, under host threads and
 * ThreadSanitizer: one producer (the UART's interrupt handler, on one
 * core) against consumers that take turns under a lock (rt/console.c's).
 */
#include "check.h"
#include <kernel/rxring.h>
#include <pthread.h>
#include <sched.h>

#define BYTES 2000000
#define CONSUMERS 3

static struct rxring ring;
static pthread_mutex_t readers = PTHREAD_MUTEX_INITIALIZER;
static long next_expected;	/* readers: the stream position of the next byte */
static long wrong;		/* readers */
static int done;		/* atomic */
static long refused;		/* producer: puts the full ring refused */

static void *producer(void *arg)
{
	(void)arg;
	for (long i = 0; i < BYTES; i++)
		while (!rxring_put(&ring, (uint8_t)(i * 7))) {
			refused++; /* counted as dropped; this producer tries again */
			sched_yield();
		}
	__atomic_store_n(&done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void *consumer(void *arg)
{
	uint8_t buf[97];
	int line = (int)(long)arg;
	for (;;) {
		pthread_mutex_lock(&readers);
		size_t n = rxring_get(&ring, buf, sizeof(buf), line);
		for (size_t k = 0; k < n; k++)
			wrong += buf[k] != (uint8_t)((next_expected + (long)k) * 7);
		next_expected += (long)n;
		long got = next_expected;
		pthread_mutex_unlock(&readers);
		if (got == BYTES)
			return NULL;
		if (!n)
			sched_yield();
	}
}

/* Every byte arrives once, in order, whoever reads it (and line reads,
 * which stop after '\n' or '\r', lose nothing either). */
static void every_byte_once_in_order(void)
{
	pthread_t p, c[CONSUMERS];
	pthread_create(&p, NULL, producer, NULL);
	for (long i = 0; i < CONSUMERS; i++)
		pthread_create(&c[i], NULL, consumer, (void *)(i % 2));
	pthread_join(p, NULL);
	for (int i = 0; i < CONSUMERS; i++)
		pthread_join(c[i], NULL);
	printf("  %ld bytes through a %d-byte ring, %ld out of order\n", next_expected, RXRING_SIZE, wrong);
	CHECK(__atomic_load_n(&done, __ATOMIC_ACQUIRE));
	CHECK(next_expected == BYTES);
	CHECK(wrong == 0);
	CHECK(ring.dropped == (uint64_t)refused);
}

/* With nobody reading, the ring keeps the first RXRING_SIZE bytes and
 * counts each later one as dropped. */
static void a_full_ring_counts_each_dropped_byte(void)
{
	static struct rxring r;
	int kept = 0;
	for (int i = 0; i < 3 * RXRING_SIZE + 5; i++)
		kept += rxring_put(&r, (uint8_t)i);
	CHECK(kept == RXRING_SIZE);
	CHECK(r.dropped == 2 * RXRING_SIZE + 5);
	CHECK(rxring_len(&r) == RXRING_SIZE);
	uint8_t b[RXRING_SIZE];
	CHECK(rxring_get(&r, b, sizeof(b), 0) == RXRING_SIZE);
	CHECK(b[0] == 0 && b[RXRING_SIZE - 1] == (uint8_t)(RXRING_SIZE - 1));
}

int main(void)
{
	RUN(every_byte_once_in_order);
	RUN(a_full_ring_counts_each_dropped_byte);
	return 0;
}
