/* For SHUFFLE=1 and SEED=n: each prints its name and a number drawn from
 * test_rand(); the same seed must give the same order and numbers. */
#include <gometal/test.h>
#include <stdio.h>

static void say(void)
{
	printf("order %s %u\n", test_name(), test_rand());
}

TEST(order, a) { say(); }
TEST(order, b) { say(); }
TEST(order, c) { say(); }
TEST(order, d) { say(); }
TEST(order, e) { say(); }
TEST(order, f) { say(); }
