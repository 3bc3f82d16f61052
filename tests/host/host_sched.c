/* Threads as tasks, for the kernel's sync and channel code (host_sched.h). */
#include "host_sched.h"
#include <gometal.h>
#include <stdio.h>
#include <time.h>

static __thread struct g self;
static __thread struct p self_p;
static __thread int self_ready;
static long next_id;

struct g *getg(void)
{
	if (!self_ready) {
		sem_init(&self.wake, 0, 0);
		self.id = __atomic_add_fetch(&next_id, 1, __ATOMIC_RELAXED);
		self_p.rand = (unsigned int)self.id * 2654435761u;
		self_ready = 1;
	}
	return &self;
}

struct p *this_p(void)
{
	getg();
	return &self_p;
}

uint32_t p_fastrand(struct p *pp)
{
	return (uint32_t)rand_r(&pp->rand);
}

static void wait_woken(struct g *g)
{
	while (sem_wait(&g->wake))
		;
}

void go_park(bool (*unlockf)(struct g *, void *), void *arg, const char *reason)
{
	(void)reason;
	struct g *g = getg();
	if (unlockf && !unlockf(g, arg))
		return;
	wait_woken(g);
}

void go_park_unlock(spinlock_t *lock, const char *reason)
{
	(void)reason;
	struct g *g = getg();
	spin_unlock(lock);
	wait_woken(g);
}

void go_ready(struct g *g)
{
	sem_post(&g->wake);
}

struct g *must_be_task(const char *what)
{
	(void)what;
	return getg();
}

uint64_t go_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int go_ncpu(void)
{
	return 4;
}
