/* The part of include/gometal.h that the platform provides. */
#include <gometal.h>
#include <kernel/percpu.h>

int go_cpu(void) { return cpu_id(); }
int go_ncpu(void) { return ncpu_online; }
