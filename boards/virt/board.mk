# QEMU `virt`: Cortex-A72 cores, GICv2 by default (GIC=3 for GICv3 and up
# to 128 cores), PL011 console, PSCI over hvc; EL2=1 enters the kernel at EL2
# (virtualization=on), PSCI then over smc. The DTB tells the kernel all of it.
BOARD_CPU    := cortex-a72
LOAD_ADDR    := 0x40080000
IMAGE_NAME   := Image
# GICv2 targets at most 8 CPU interfaces (ARM IHI 0048B, 1.1 and the
# 8-bit GICD_ITARGETSR fields); with GICv3 the kernel's NCPU_MAX limits.
SMP_MAX      := $(if $(filter 3,$(GIC)),$(NCPU_MAX),8)
SMP_MAX_WHY  := $(if $(filter 3,$(GIC)),the kernel's NCPU_MAX in kernel/config.h,GICv2 serves at most 8 cores; GIC=3 for up to $(NCPU_MAX))
QEMU_MACHINE := virt$(if $(filter 3,$(GIC)),$(comma)gic-version=3)$(if $(filter 1,$(EL2)),$(comma)virtualization=on)
QEMU_ARGS    := -M $(QEMU_MACHINE) -cpu cortex-a72 -m 512M -smp $(SMP)
