/*
 * An interactive console over the UART: `make run APP=apps/shell` (on a
 * Pi, over the serial cable at 115200 8N1).
 *
 *	ps          every task: id, name, state, wait reason, core, run time
 *	spawn N     N more tasks, sleepers and workers by turns
 *	sched       the scheduler's SCHED line
 *	sleep MS    the shell sleeps (the heartbeat goes on)
 *	exit [N]    ends the system with status N
 *
 * A heartbeat task prints every second. It takes the console lock, clears
 * the line being typed, prints, and draws the prompt and the typed text
 * again: the two never mix. The shell reads one byte at a time with
 * console_read, which parks it (never the core) until a key comes.
 */
#include <gometal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROMPT "gometal> "
#define MS 1000000ull

static mutex_t out;		/* the console, and `line` as shown */
static char line[80];
static size_t len;

static void say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

static void heartbeat(void *arg)
{
	(void)arg;
	for (long n = 1;; n++) {
		go_sleep(1000 * MS);
		mutex_lock(&out);
		say("\r\033[K[heartbeat %ld]\n" PROMPT "%.*s", n, (int)len, line);
		mutex_unlock(&out);
	}
}

static void sleeper(void *arg)
{
	(void)arg;
	for (;;)
		go_sleep(500 * MS);
}

static void worker(void *arg)
{
	(void)arg;
	for (;;) {
		uint64_t end = go_now() + 20 * MS;
		while (go_now() < end) /* busy */
			;
		go_sleep(80 * MS);
	}
}

static void ps(void)
{
	static struct go_task t[64];
	int n = go_tasks(t, 64);
	say("%5s %-12s %-9s %-16s %4s %10s\n", "ID", "NAME", "STATE", "WAITING FOR", "CPU", "RUN ms");
	for (int i = 0; i < n && i < 64; i++)
		say("%5ld %-12s %-9s %-16s %4d %10lu\n", t[i].id, t[i].name[0] ? t[i].name : "-",
		    t[i].state, t[i].waitreason, t[i].cpu, (unsigned long)(t[i].run_ns / MS));
	if (n > 64)
		say("... and %d more\n", n - 64);
}

static long spawned;

static void spawn(long n)
{
	for (long i = 0; i < n; i++, spawned++) {
		char name[24];
		bool busy = spawned % 2;
		snprintf(name, sizeof(name), "%s-%ld", busy ? "worker" : "sleeper", spawned);
		go_attr_t a = {.name = name, .cpu = -1};
		if (go_with(&a, busy ? worker : sleeper, 0) < 0) {
			say("spawn: out of memory after %ld\n", i);
			return;
		}
	}
	say("spawned %ld\n", n);
}

/* Runs one command line; the console lock is held, except while sleeping. */
static void run(char *cmd)
{
	char *verb = strtok(cmd, " \t"), *arg = strtok(0, " \t");
	if (!verb)
		return;
	if (!strcmp(verb, "ps"))
		ps();
	else if (!strcmp(verb, "spawn"))
		spawn(arg ? strtol(arg, 0, 10) : 1);
	else if (!strcmp(verb, "sched"))
		go_schedtrace();
	else if (!strcmp(verb, "sleep")) {
		mutex_unlock(&out);
		go_sleep((arg ? strtoul(arg, 0, 10) : 1000) * MS);
		mutex_lock(&out);
	} else if (!strcmp(verb, "exit")) {
		say("bye\n");
		exit(arg ? atoi(arg) : 0);
	} else
		say("%s: unknown (ps, spawn N, sched, sleep MS, exit [N])\n", verb);
}

int main(void)
{
	go_count_run_time();
	go_attr_t hb = {.name = "heartbeat", .cpu = -1};
	go_with(&hb, heartbeat, 0);
	say("gometal shell: ps, spawn N, sched, sleep MS, exit [N]\n" PROMPT);
	for (;;) {
		char c;
		console_read(&c, 1);
		mutex_lock(&out);
		if (c == '\n') {
			say("\n");
			line[len] = 0;
			run(line);
			len = 0;
			say(PROMPT);
		} else if ((c == 0x7f || c == '\b') && len) {
			len--;
			say("\b \b");
		} else if (c >= ' ' && c < 0x7f && len < sizeof(line) - 1) {
			line[len++] = c;
			say("%c", c);
		}
		mutex_unlock(&out);
	}
}
