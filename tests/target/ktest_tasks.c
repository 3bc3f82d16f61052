/*
 * Task helpers for the on-target tests (declared in ktest.h): spawning
 * that cannot quietly fail, and looking a task up by id.
 */
#include "ktest.h"
#include <gometal.h>
#include <sched/sched.h>

long ktest_go(const char *name, int cpu, void (*fn)(void *), void *arg)
{
	go_attr_t a = {.name = name, .cpu = cpu};
	long id = go_with(&a, fn, arg);
	if (id < 0)
		panic("test: no memory for a task");
	return id;
}

int ktest_task_state(long id, const char **waitreason)
{
	int st = G_DEAD; /* gone: its record may serve another task by now */
	const char *why = 0;
	spin_lock(&allg_lock);
	for (struct g *g = allg; g; g = g->alllink)
		if (g->id == id) {
			st = __atomic_load_n(&g->state, __ATOMIC_RELAXED);
			why = st == G_WAITING ? g->waitreason : 0;
		}
	spin_unlock(&allg_lock);
	if (waitreason)
		*waitreason = why ? why : "";
	return st;
}

void ktest_wait_blocked(long id)
{
	int s;
	while ((s = ktest_task_state(id, 0)) != G_WAITING && s != G_DEAD)
		go_yield(); /* dead: it never blocked, or it blocked and is done */
}

bool ktest_wait_count(volatile int *count, int n)
{
	uint64_t end = ktest_deadline(KTEST_HANG_MS);
	while (*count < n)
		if (ktest_deadline_passed(end))
			return false;
		else
			go_sleep(1000000 /* 1 ms */);
	return true;
}
