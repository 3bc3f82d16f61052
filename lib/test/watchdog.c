/*
 * The per-test timeout: a task that waits, in one chan_select, for the
 * test to end or for its time to run out; then it lists the tasks and
 * panics, naming the test (Go's `go test -timeout` panics the same way).
 * make check sees the panic and boots again for the tests after it.
 *
 * Arming is a handshake over unbuffered channels: the test's body starts
 * only once the watchdog has taken its time and armed its timer, and it
 * normally parks again at once, so what a test sees of the scheduler (idle
 * cores, run queues) is as if the watchdog were not there, apart from its
 * timer in one P's heap, .timeout_ms (10 minutes unless stated) away. (A
 * CHAOS=1 kernel may yield after the ack: the watchdog then parks a little
 * later, while the test runs.) A test that ends just as its time runs out
 * may be reported either way: select picks among ready cases at random.
 */
#include "harness.h"
#include <stdio.h>

struct arm {
	const struct gm_test *test;	/* NULL: disarm */
	unsigned ms;
};

static chan_t *cmd;	/* struct arm, unbuffered: harness to watchdog */
static chan_t *ack;	/* int, unbuffered: watchdog to harness, once armed */

static void list_tasks(void)
{
	static struct go_task ts[64];
	int n = go_tasks(ts, 64);
	printf("  tasks (%d):\n", n);
	for (int i = 0; i < n && i < 64; i++)
		printf("    %ld %s: %s%s%s, cpu %d\n", ts[i].id, ts[i].name, ts[i].state,
		       ts[i].waitreason[0] ? ", " : "", ts[i].waitreason, ts[i].cpu);
}

static void watch(const struct arm *a)
{
	chan_t *timer = go_after((uint64_t)a->ms * 1000000ull);
	if (!timer)
		panic("test: no memory for the watchdog's timer");
	int one = 1;
	chan_send(ack, &one);
	struct arm next;
	chan_case_t cases[2] = {{cmd, CHAN_RECV, &next, false}, {timer, CHAN_RECV, NULL, false}};
	if (chan_select(cases, 2, true) == 1) {
		printf("[  TIMEOUT ] %s (%u ms)\n", a->test->name, a->ms);
		list_tasks();
		panic("test %s timed out after %u ms", a->test->name, a->ms);
	}
	chan_free(timer);
	if (next.test)
		panic("test: the watchdog was armed twice");
}

static void watchdog(void *unused)
{
	(void)unused;
	for (;;) {
		struct arm a;
		chan_recv(cmd, &a);
		if (a.test)
			watch(&a);
	}
}

void watchdog_start(void)
{
	cmd = chan_make(sizeof(struct arm), 0);
	ack = chan_make(sizeof(int), 0);
	go_attr_t attr = {.name = "test-watchdog", .cpu = -1};
	if (!cmd || !ack || go_with(&attr, watchdog, NULL) < 0)
		panic("test: no memory for the watchdog");
}

void watchdog_arm(const struct gm_test *t, unsigned timeout_ms)
{
	struct arm a = {t, timeout_ms};
	int one;
	chan_send(cmd, &a);
	chan_recv(ack, &one);
}

void watchdog_disarm(void)
{
	struct arm a = {NULL, 0};
	chan_send(cmd, &a);
}
