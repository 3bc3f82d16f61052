# Raspberry Pi 5 (BCM2712, Cortex-A76). No emulator exists: the image is
# built, never run here. The Pi 5 firmware loads kernel_2712.img by default.
BOARD_CPU    := cortex-a76
LOAD_ADDR    := 0x80000
IMAGE_NAME   := kernel_2712.img
SMP_MAX      := 4
SMP_MAX_WHY  := the board has 4 Cortex-A76 cores
QEMU_MACHINE :=
QEMU_ARGS    :=
# Linux's device tree for the board (DTB=linux; tools/fetch-dtbs.sh builds it).
LINUX_DTB    := bcm2712-rpi-5-b.dtb
