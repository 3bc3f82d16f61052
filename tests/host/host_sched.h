/*
 * The sync code's contract with the scheduler (sched/park.h), kept by
 * host threads (host_sched.c): each thread is a task with a
 * POSIX semaphore to park on. Parking runs the unlock callback and then
 * waits; the kernel instead runs it once the task is off its core, but a
 * post that comes before the wait is remembered, so the wake-up cannot be
 * lost either way.
 */
#pragma once
#include <kernel/spinlock.h>
#include <semaphore.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

struct sudog;

struct g {
	uint32_t preempt;	/* select.c gives back its region's count */
	sem_t wake;
	long id;
	struct g *schedlink;
	struct sudog *param;
	struct sudog *waiting;
	uint32_t selectdone;
};

struct p {
	unsigned int rand;
};

struct g *getg(void);
struct g *must_be_task(const char *what);
struct p *this_p(void);
uint32_t p_fastrand(struct p *pp);
/* go_park, go_park_unlock, go_ready: as declared there. */
#include <sched/park.h>
