/* The planted race's test: passes in the default schedule; make check
 * CHAOS=1 ICOUNT=1 SEED=1-20 finds seeds where it fails. */
#include "../racy.h"
#include <gometal/test.h>

TEST(racy, sums_in_parallel)
{
	for (int round = 0; round < 20; round++)
		CHECK_EQ(sum_in_parallel(16), 136);
}
