/*
 * sched/chan.c and sched/select.c, the kernel's own files, under host
 * threads and ThreadSanitizer (host_sched.h stands in for park/ready).
 * What is checked: every value sent is received exactly once, through
 * rendezvous, the buffer, and selects that wait on several channels at
 * once (the selectdone claim decides which waker completes a select);
 * TSan checks that every copy into a waiter's memory is ordered before the
 * waiter reads it.
 */
#include "check.h"
#include "host_sched.h"
#include <gometal.h>
#include <pthread.h>
#include <sched/chan.h>
#include <stdio.h>
#include <string.h>

/* go_after's timer (sched/time.c): not exercised here. */
void after_stop(struct after *a) { (void)a; abort(); }

#define SENDERS 3
#define RECEIVERS 3
#define PER_SENDER 30000
#define NVALUES (SENDERS * PER_SENDER)

static chan_t *ch[2];
static unsigned char seen[NVALUES];	/* atomic: times each value arrived */
static long dup, got;			/* atomic */

static void arrived(int v)
{
	if (__atomic_add_fetch(&seen[v], 1, __ATOMIC_RELAXED) != 1)
		__atomic_fetch_add(&dup, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&got, 1, __ATOMIC_RELAXED);
}

/* Sends each of its values on one channel or the other, chosen by select. */
static void *sender(void *arg)
{
	long me = (long)arg;
	for (int i = 0; i < PER_SENDER; i++) {
		int v = (int)me * PER_SENDER + i;
		if (i % 3 == 0) {
			chan_send(ch[i & 1], &v);
			continue;
		}
		chan_case_t cases[2] = {{.ch = ch[me & 1], .op = CHAN_SEND, .elem = &v},
					{.ch = ch[!(me & 1)], .op = CHAN_SEND, .elem = &v}};
		chan_select(cases, 2, true);
	}
	return 0;
}

/* Receives from both channels until both are closed. */
static void *receiver(void *arg)
{
	long me = (long)arg;
	bool open[2] = {true, true};
	while (open[0] || open[1]) {
		int v[2];
		chan_case_t cases[2] = {
			{.ch = open[me & 1] ? ch[me & 1] : 0, .op = CHAN_RECV, .elem = &v[me & 1]},
			{.ch = open[!(me & 1)] ? ch[!(me & 1)] : 0, .op = CHAN_RECV,
			 .elem = &v[!(me & 1)]},
		};
		int k = chan_select(cases, 2, true);
		int c = k == 0 ? (int)(me & 1) : !(me & 1);
		if (!cases[k].ok)
			open[c] = false;
		else
			arrived(v[c]);
	}
	return 0;
}

static void run(size_t cap0, size_t cap1)
{
	ch[0] = chan_make(sizeof(int), cap0);
	ch[1] = chan_make(sizeof(int), cap1);
	memset(seen, 0, sizeof(seen));
	dup = got = 0;
	pthread_t s[SENDERS], r[RECEIVERS];
	for (long i = 0; i < RECEIVERS; i++)
		pthread_create(&r[i], 0, receiver, (void *)i);
	for (long i = 0; i < SENDERS; i++)
		pthread_create(&s[i], 0, sender, (void *)i);
	for (int i = 0; i < SENDERS; i++)
		pthread_join(s[i], 0);
	chan_close(ch[0]);
	chan_close(ch[1]);
	for (int i = 0; i < RECEIVERS; i++)
		pthread_join(r[i], 0);
	CHECK(dup == 0);
	CHECK(got == NVALUES);
	chan_free(ch[0]);
	chan_free(ch[1]);
}

static void select_rendezvous_delivers_each_value_once(void)
{
	run(0, 0);
}

static void select_buffered_delivers_each_value_once(void)
{
	run(4, 1);
}

static void select_mixed_delivers_each_value_once(void)
{
	run(0, 16);
}

int main(void)
{
	RUN(select_rendezvous_delivers_each_value_once);
	RUN(select_buffered_delivers_each_value_once);
	RUN(select_mixed_delivers_each_value_once);
	return 0;
}
