/*
 * What sched/netpoll.c needs of sched/sched.h, for test_netpoll.c: only
 * must_be_task. The include path puts this directory first, so netpoll.c
 * builds unchanged; a name it starts to use that is missing here fails the
 * build, not the test.
 */
#pragma once

struct g;
struct g *must_be_task(const char *what);
