# Raspberry Pi 3 (BCM2837, Cortex-A53) and QEMU's raspi3b. QEMU's raspi3b
# always has 4 cores: SMP=N is passed as the boot argument maxcpus=N.
BOARD_CPU    := cortex-a53
LOAD_ADDR    := 0x80000
IMAGE_NAME   := kernel8.img
SMP_MAX      := 4
SMP_MAX_WHY  := the board has 4 Cortex-A53 cores
QEMU_MACHINE := raspi3b
QEMU_ARGS    := -M raspi3b
# Linux's device tree for the board (DTB=linux; tools/fetch-dtbs.sh builds it).
LINUX_DTB    := bcm2837-rpi-3-b.dtb
