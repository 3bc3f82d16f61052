/*
 * What sched/mutex.c and sched/sema.c need from the scheduler, for host
 * threads: each thread is a task with a POSIX semaphore to park on.
 * go_park_unlock releases the lock before waiting, which is safe here
 * because a post that comes first is remembered (the kernel must instead
 * release it only once the task is off its core).
 */
#pragma once
#include <kernel/spinlock.h>
#include <semaphore.h>

struct g {
	sem_t wake;
	long id;
};

struct g *host_getg(void);
void go_park_unlock(spinlock_t *lock, const char *reason);
void go_ready(struct g *g);
