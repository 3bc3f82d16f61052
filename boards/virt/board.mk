# QEMU `virt`: Cortex-A72 cores, GICv2 by default (GIC=3 for GICv3 and up
# to 16 cores), PL011 console, PSCI over hvc; EL2=1 enters the kernel at EL2
# (virtualization=on), PSCI then over smc. The DTB tells the kernel all of it.
BOARD_CPU    := cortex-a72
LOAD_ADDR    := 0x40080000
IMAGE_NAME   := Image
SMP_MAX      := $(if $(filter 3,$(GIC)),16,8)
QEMU_MACHINE := virt$(if $(filter 3,$(GIC)),$(comma)gic-version=3)$(if $(filter 1,$(EL2)),$(comma)virtualization=on)
QEMU_ARGS    := -M $(QEMU_MACHINE) -cpu cortex-a72 -m 512M -smp $(SMP)
