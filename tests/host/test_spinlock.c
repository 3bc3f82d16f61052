/*
 * kernel/spinlock.h, the same code the kernel runs, stressed by host
 * threads under ThreadSanitizer: TSan reports any access to the counter
 * that the lock's acquire/release ordering fails to order, and the final
 * count shows mutual exclusion.
 */
#include "check.h"
#include <kernel/spinlock.h>
#include <pthread.h>

#define THREADS 4
#define ROUNDS 200000

static spinlock_t lock = SPINLOCK_INIT;
static long counter;	/* protected by lock; deliberately not atomic */

static void *worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		spin_lock(&lock);
		counter++;
		spin_unlock(&lock);
	}
	return NULL;
}

static void *try_worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS / 4;) {
		if (spin_trylock(&lock)) {
			counter++;
			spin_unlock(&lock);
			i++;
		}
	}
	return NULL;
}

static void spinlock_mutual_exclusion(void)
{
	pthread_t t[THREADS];
	counter = 0;
	for (int i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, worker, NULL);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	CHECK(counter == (long)THREADS * ROUNDS);
	CHECK(!spin_is_locked(&lock));
}

static void spinlock_trylock_mixed(void)
{
	pthread_t t[THREADS];
	counter = 0;
	for (int i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, i % 2 ? try_worker : worker, NULL);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	CHECK(counter == (long)(THREADS / 2) * ROUNDS + (long)(THREADS / 2) * (ROUNDS / 4));
}

int main(void)
{
	RUN(spinlock_mutual_exclusion);
	RUN(spinlock_trylock_mixed);
	return 0;
}
