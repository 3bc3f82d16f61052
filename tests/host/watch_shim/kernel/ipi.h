/* kernel/ipi.h for test_timerwatch.c: the doorbell the test's cores wait on. */
#pragma once

enum ipi { IPI_RESCHED = 0 };
void ipi_send(int cpu, enum ipi ipi);
