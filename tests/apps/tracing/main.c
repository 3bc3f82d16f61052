/*
 * Small programs whose traces tests/trace_checks.py knows in advance
 * (make trace APP=tests/apps/tracing ARGS="scenario=..."):
 *   pingpong  two tasks pinned to cores 0 and 1 bounce a value 50 times
 *   burst     main, pinned to core 0, spawns 40 tasks; other cores steal
 *   hog       two CPU-bound tasks on core 1, 20 ms each (run with quantum=1000)
 *   sleeper   a task sleeps 5 ms
 *   deadlock  main waits for good: the trace must still be written
 *   panic     a sleeper starts, then main panics: the same
 */
#include <gometal.h>
#include <kernel/cmdline.h>
#include <stdio.h>
#include <string.h>

#define ROUNDS 50

static chan_t *to_pong, *to_ping;
static waitgroup_t wg;

static void ping(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		chan_send(to_pong, &i);
		chan_recv(to_ping, &i);
	}
	wg_done(&wg);
}

static void pong(void *arg)
{
	(void)arg;
	int v;
	for (int i = 0; i < ROUNDS; i++) {
		chan_recv(to_pong, &v);
		chan_send(to_ping, &v);
	}
	wg_done(&wg);
}

static void spawnee(void *arg)
{
	(void)arg;
	for (volatile int i = 0; i < 20000; i++)
		;
	wg_done(&wg);
}

static void hog(void *arg)
{
	(void)arg;
	uint64_t end = go_now() + 20000000ull;
	while (go_now() < end)
		;
	wg_done(&wg);
}

static void sleeper(void *arg)
{
	(void)arg;
	go_sleep(5000000ull);
	wg_done(&wg);
}

static void start(const char *name, int cpu, void (*fn)(void *))
{
	go_attr_t a = {.name = name, .cpu = cpu};
	wg_add(&wg, 1);
	if (go_with(&a, fn, NULL) < 0)
		panic("tracing: no memory for a task");
}

int main(void)
{
	const char *s = cmdline_get("scenario");
	char sc[16] = "";
	if (s)
		snprintf(sc, sizeof(sc), "%s", s);
	if (strcmp(sc, "pingpong") == 0) {
		to_pong = chan_make(sizeof(int), 0);
		to_ping = chan_make(sizeof(int), 0);
		start("ping", 0, ping);
		start("pong", 1, pong);
	} else if (strcmp(sc, "burst") == 0) {
		go_pin();
		for (int i = 0; i < 40; i++)
			start("spawnee", -1, spawnee);
	} else if (strcmp(sc, "hog") == 0) {
		start("hog", 1, hog);
		start("hog", 1, hog);
	} else if (strcmp(sc, "sleeper") == 0) {
		start("sleeper", -1, sleeper);
	} else if (strcmp(sc, "deadlock") == 0) {
		wg_add(&wg, 1);
	} else if (strcmp(sc, "panic") == 0) {
		start("sleeper", -1, sleeper);
		go_yield();
		panic("tracing: a planted panic");
	} else {
		printf("tracing: scenario=pingpong|burst|hog|sleeper|deadlock\n");
		return 1;
	}
	wg_wait(&wg);
	printf("tracing: %s done\n", sc);
	return 0;
}
