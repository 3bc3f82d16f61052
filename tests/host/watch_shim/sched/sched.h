/*
 * What sched/timerwatch.c needs of sched/sched.h, for test_timerwatch.c:
 * the same names and types, host threads as cores. The include path puts
 * this directory before the tree's, so timerwatch.c builds unchanged; a
 * name it starts to use that is missing here fails the build, not the test.
 */
#pragma once
#include <kernel/spinlock.h>
#include <stdbool.h>
#include <stdint.h>

struct p {
	int id;
	int idle;		/* atomic: on the idle list (sched/idle.c) */
	struct p *idle_link;	/* sched.lock */
	struct { uint64_t when0; } timers;	/* atomic: earliest timer */
};

struct sched {
	spinlock_t lock;	/* the idle list */
	struct p *pidle;
	int npidle;		/* atomic */
	int nprocs;
	int watcher;		/* atomic: the watching idle P, or -1 */
	uint64_t watch_when;	/* atomic */
};

extern struct sched sched;
extern struct p allp[];
struct p *this_p(void);

static inline uint64_t timers_when(struct p *pp)
{
	return __atomic_load_n(&pp->timers.when0, __ATOMIC_ACQUIRE);
}

uint64_t watch_arm(struct p *pp, bool *watched);
void watch_leave(struct p *pp, bool fired);
void watch_handover(struct p *pp);
void timer_cover(struct p *pp);
