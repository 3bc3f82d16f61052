/*
 * sched/mutex.c and sched/sema.c, the kernel's own files, under host
 * threads and ThreadSanitizer (host_sched.h stands in for park/ready).
 * The counters below are plain ints written only under the lock: TSan
 * reports a race if the mutex ever lets two threads in, or if a handoff
 * does not order one owner's writes before the next owner's reads.
 */
#include "check.h"
#include "host_sched.h"
#include <gometal.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#define THREADS 6

/* --- mutex: exclusion and hand-over --- */

#define ROUNDS 200000

static mutex_t m;
static long counter;	/* only under m */

static void *hammer(void *arg)
{
	long me = (long)arg;
	for (int i = 0; i < ROUNDS; i++) {
		mutex_lock(&m);
		counter++;
		if ((i + me) % 5000 == 0)
			usleep(200); /* a long hold: waiters park, and starve */
		mutex_unlock(&m);
	}
	return 0;
}

static void mutex_excludes_and_hands_over(void)
{
	pthread_t t[THREADS];
	for (long i = 0; i < THREADS; i++)
		pthread_create(&t[i], 0, hammer, (void *)i);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], 0);
	CHECK(counter == (long)THREADS * ROUNDS);
	CHECK(m.state == 0);
	CHECK(m.head == 0 && m.tail == 0);
}

/* Go's TestMutexFairness, with threads. */
static volatile int stop;
static long greedy_turns;	/* only under m */

static void *greedy(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		mutex_lock(&m);
		greedy_turns++;
		usleep(100);
		mutex_unlock(&m);
	}
	return 0;
}

static void mutex_starvation_mode(void)
{
	pthread_t t;
	pthread_create(&t, 0, greedy, 0);
	long most = 0;
	for (int i = 0; i < 10; i++) {
		usleep(100);
		mutex_lock(&m);
		long before = greedy_turns;
		mutex_unlock(&m);
		mutex_lock(&m);
		if (greedy_turns - before > most)
			most = greedy_turns - before;
		mutex_unlock(&m);
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	pthread_join(t, 0);
	printf("  most greedy turns during one lock: %ld\n", most);
	CHECK(most < 1000);
	CHECK(m.state == 0);
}

/* --- semaphore: never more than its count inside --- */

static sema_t s;
static int inside, worst;	/* atomic */

static void *pool(void *arg)
{
	(void)arg;
	for (int i = 0; i < 20000; i++) {
		sema_acquire(&s);
		int n = __atomic_add_fetch(&inside, 1, __ATOMIC_RELAXED);
		if (n > __atomic_load_n(&worst, __ATOMIC_RELAXED))
			__atomic_store_n(&worst, n, __ATOMIC_RELAXED);
		__atomic_sub_fetch(&inside, 1, __ATOMIC_RELAXED);
		sema_release(&s);
	}
	return 0;
}

static void sema_bounds_concurrency(void)
{
	sema_init(&s, 2);
	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++)
		pthread_create(&t[i], 0, pool, 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], 0);
	CHECK(worst <= 2);
	CHECK(s.count == 2);
	CHECK(s.head == 0);
}

int main(void)
{
	RUN(mutex_excludes_and_hands_over);
	RUN(mutex_starvation_mode);
	RUN(sema_bounds_concurrency);
	return 0;
}
