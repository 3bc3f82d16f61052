# Raspberry Pi 4 Model B (BCM2711, Cortex-A72) and QEMU's raspi4b (QEMU 9
# or later). QEMU's raspi4b always has 4 cores: SMP=N is passed as the
# boot argument maxcpus=N.
BOARD_CPU    := cortex-a72
LOAD_ADDR    := 0x80000
IMAGE_NAME   := kernel8.img
SMP_MAX      := 4
SMP_MAX_WHY  := the board has 4 Cortex-A72 cores
QEMU_MACHINE := raspi4b
QEMU_ARGS    := -M raspi4b
# Linux's device tree for the board (DTB=linux; tools/fetch-dtbs.sh builds it).
LINUX_DTB    := bcm2711-rpi-4-b.dtb
