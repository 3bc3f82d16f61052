# gometal: one entry point.
#
#   make run   [BOARD=virt|rpi3|rpi4] (rpi5: make image only) [SMP=N] [APP=dir] [GIC=3] [EL2=1] [TRACE=ms] [ARGS="k=v ..."]
#              [QUANTUM_US=us] [FPSAVE=eager|lazy] [LOCKDEBUG=1] [DTB=file|linux]
#   make test  every on-target suite on every board and SMP setting, host tests
#   make test-fresh   make run and make test in a minimal Debian 12 root, as a new user would (root only)
#   make check APP=dir [BOARDS= SMP= RUN= SEED= ICOUNT=1 CHAOS=1 ...]   the program's own tests (dir/tests/*.c)
#   make trace APP=dir [ICOUNT=1]   run with every core's events recorded: trace.json, trace.png, summary
#   make bench [RUNS=n]       benchmarks beside Go: table, build/bench/results.json, plots, BENCHMARKS.md
#   make bench BOARD=rpi3|rpi4|rpi5   the same benchmark for a Pi, reading the cycle counter
#   make bench-baseline BASELINE_REASON="..."   new bench/baseline.json (make test holds counts to it)
#   make debug / make gdb     QEMU halted with its GDB stub / attach gdb-multiarch
#   make openocd BOARD=rpi3|rpi4 [ADAPTER=cfg]   JTAG on hardware; then make gdb JTAG=1
#   make image                build build/<board>/<app>/ only
#   make sdimage BOARD=rpi3|rpi4|rpi5 [JTAG=1] [CHAINLOADER=1]   build/<board>/sdcard.img;
#                             make install SDCARD=dir copies the same files
#   make chainboot BOARD=rpi3|rpi4 PORT=/dev/ttyUSB0   send the kernel to the card's chainloader
#   make deps                 install missing Debian packages (run by the others)
#
# Out-of-tree builds: build/<board>/kernel/ (kernel objects),
# build/<board>/<app>/ (the image with its .elf, .lst, .sym and .map),
# build/newlib/ (newlib, built once for all boards). V=1 shows commands.

BOARD ?= virt
SMP   ?= 4
APP   ?= apps/hello
ARGS  ?=
V     ?= 0
# Kernel build options; a non-default one builds into its own directory
# (build/virt-q50/, build/virt-fplazy/) so variants do not rebuild each other.
QUANTUM_US ?=
FPSAVE ?= eager
ifeq ($(filter eager lazy,$(FPSAVE)),)
$(error FPSAVE=$(FPSAVE): eager or lazy)
endif
# LOCKDEBUG=1: spinlocks record their owner, and the lock rules are checked
# (kernel/spinlock.h: assert_held, unlock by a non-holder, taking twice).
LOCKDEBUG ?= 0
ifeq ($(filter 0 1,$(LOCKDEBUG)),)
$(error LOCKDEBUG=$(LOCKDEBUG): 1 checks the lock rules, 0 does not)
endif
ifneq ($(QUANTUM_US),)
ifeq ($(shell [ "$(QUANTUM_US)" -ge 0 ] 2>/dev/null && echo ok),)
$(error QUANTUM_US=$(QUANTUM_US): a number of microseconds, 0 for no preemption)
endif
endif
# make check takes lists (SMP="1 4", BOARDS="virt rpi4"); every other goal one.
ifneq ($(filter-out 0 1,$(words $(SMP))),)
ifeq ($(filter check,$(MAKECMDGOALS)),)
$(error SMP=$(SMP): one number of cores (only make check takes a list))
endif
endif
$(foreach s,$(or $(strip $(SMP)),none),$(if $(shell [ "$(s)" -ge 1 ] 2>/dev/null && echo ok),,$(error SMP=$(SMP): a number of cores, 1 or more)))
# CHAOS=1: seeded disturbances that shake out races (kernel/chaos.h).
CHAOS ?= 0
ifeq ($(filter 0 1,$(CHAOS)),)
$(error CHAOS=$(CHAOS): 1 adds seeded disturbances, 0 does not)
endif
# EVTRACE=1: the event rings of kernel/evtrace.h (make trace sets it).
EVTRACE ?= 0
ifeq ($(filter 0 1,$(EVTRACE)),)
$(error EVTRACE=$(EVTRACE): 1 records every core's events (make trace), 0 does not)
endif
VARIANT := $(if $(QUANTUM_US),-q$(QUANTUM_US))$(if $(filter lazy,$(FPSAVE)),-fplazy)$(if $(filter 1,$(LOCKDEBUG)),-lockdebug)$(if $(filter 1,$(CHAOS)),-chaos)$(if $(filter 1,$(EVTRACE)),-trace)
KDEFS   := $(if $(QUANTUM_US),-DQUANTUM_US=$(QUANTUM_US)) $(if $(filter lazy,$(FPSAVE)),-DFPSAVE_LAZY) \
	   $(if $(filter 1,$(LOCKDEBUG)),-DLOCK_DEBUG) $(if $(filter 1,$(CHAOS)),-DCHAOS) \
	   $(if $(filter 1,$(EVTRACE)),-DEVTRACE)

comma := ,
.DELETE_ON_ERROR:
ROOT  := $(abspath .)
ifeq ($(wildcard boards/$(BOARD)/board.mk),)
$(error BOARD=$(BOARD): no such board (virt, rpi3, rpi4, rpi5))
endif
# The kernel's limit on cores (kernel/config.h); a board.mk may use it.
NCPU_MAX := $(shell sed -n 's/^\#define NCPU_MAX[[:space:]]*\([0-9]*\).*/\1/p' kernel/config.h)
include boards/$(BOARD)/board.mk
$(foreach s,$(SMP),$(if $(shell [ "$(s)" -le "$(SMP_MAX)" ] && echo ok),,$(error SMP=$(s): BOARD=$(BOARD)$(if $(GIC), GIC=$(GIC)) runs at most $(SMP_MAX) cores ($(SMP_MAX_WHY)))))

Q := $(if $(filter 1,$(V)),,@)
CROSS   := aarch64-linux-gnu-
CC      := $(CROSS)gcc
OBJCOPY := $(CROSS)objcopy
OBJDUMP := $(CROSS)objdump
NM      := $(CROSS)nm
QEMU    := qemu-system-aarch64

BUILD   := build
B       := $(BUILD)/$(BOARD)$(VARIANT)

# DTB=file: QEMU passes that device tree, as a Pi's firmware passes one;
# DTB=linux: the board's own tree from Linux (LINUX_DTB in board.mk),
# which tools/fetch-dtbs.sh builds into build/dtbs/ first.
DTB ?=
ifeq ($(DTB),linux)
ifeq ($(LINUX_DTB),)
$(error DTB=linux: BOARD=$(BOARD) has no Linux device tree (QEMU virt makes its own))
endif
DTB_FILE := $(BUILD)/dtbs/$(LINUX_DTB)
else ifneq ($(DTB),)
ifeq ($(wildcard $(DTB)),)
$(error DTB=$(DTB): no such file)
endif
DTB_FILE := $(DTB)
endif
QEMU_ARGS += $(if $(DTB_FILE),-dtb $(DTB_FILE))
NEWLIB  := $(BUILD)/newlib
LIBC    := $(NEWLIB)/lib/libc.a

APP_DIR  := $(abspath $(APP))
APP_NAME := $(notdir $(APP_DIR))
APP_SRCS := $(wildcard $(APP_DIR)/*.c)
ifeq ($(wildcard $(APP_DIR)/.),)
$(error APP=$(APP): no such directory ($(APP_DIR)))
endif
ifeq ($(APP_SRCS),)
$(error APP=$(APP): no .c files in $(APP_DIR))
endif
OUT      := $(B)/$(APP_NAME)
TEST_APP := $(filter $(ROOT)/tests/% $(ROOT)/bench,$(APP_DIR))
# The test harness (lib/test/, include/gometal/test.h): the main() of
# tests/target, and of a program's tests/*.c under make check (CHECK=1,
# set by the check goal for each board's build: build/<board>/<app>-check/,
# with the program's own main made weak, so the harness's wins).
CHECK ?= 0
APP_TESTS := $(if $(filter 1,$(CHECK)),$(wildcard $(APP_DIR)/tests/*.c))
ifeq ($(CHECK),1)
ifeq ($(APP_TESTS),)
$(error APP=$(APP): no tests: make check builds $(APP)/tests/*.c (TEST()s, include/gometal/test.h))
endif
OUT      := $(B)/$(APP_NAME)-check
endif
HARNESS  := $(if $(or $(filter 1,$(CHECK)),$(filter $(ROOT)/tests/target,$(APP_DIR))),$(wildcard lib/test/*.c))
ELF      := $(OUT)/kernel.elf
IMG      := $(OUT)/$(IMAGE_NAME)

KSRCS := $(wildcard boot/*.S kernel/*.c drivers/*/*.c sched/*.S sched/*.c rt/*.c rt/libc/*.c) \
	 boards/$(BOARD)/board.c
KOBJS := $(patsubst %,$(B)/kernel/%.o,$(KSRCS))
AOBJS := $(patsubst $(APP_DIR)/%.c,$(OUT)/obj/%.o,$(APP_SRCS) $(APP_TESTS)) \
	 $(patsubst lib/test/%.c,$(OUT)/harness/%.o,$(HARNESS))

# Shared by kernel and programs: the core, no outline atomics (A53/A72 have
# no LSE), frame pointers for panic backtraces, stack-clash probes (a frame
# bigger than a page touches each page, so it cannot jump a 4 KiB guard
# page; GCC assumes a 64 KiB guard on AArch64 unless told),
# newlib's headers with per-task reentrancy.
COMMON := -mcpu=$(BOARD_CPU) -mno-outline-atomics -O2 -g -fno-omit-frame-pointer -fno-pie \
	  -fstack-clash-protection --param stack-clash-protection-guard-size=12 \
	  -ffunction-sections -fdata-sections -D__DYNAMIC_REENT__ \
	  -isystem $(NEWLIB)/include -Iinclude -MMD -MP
# The kernel's own code: no FP/SIMD (interrupts save only general
# registers), no unaligned accesses (it runs with the MMU off at first),
# no memset/memcpy conjured from loops.
KCFLAGS := $(COMMON) -std=gnu11 -I. -ffreestanding -mgeneral-regs-only -mstrict-align \
	   -fno-tree-loop-distribute-patterns -Wall -Wextra -Werror $(KDEFS)
# Programs may use FP and SIMD. In-tree ones are held to -Werror.
ACFLAGS := $(COMMON) -std=gnu11 -Wall -Wextra \
	   $(if $(filter $(ROOT)/%,$(APP_DIR)),-Werror) \
	   $(if $(TEST_APP),-I$(ROOT) -fno-toplevel-reorder $(KDEFS)) \
	   $(if $(filter 1,$(CHECK)),-fno-toplevel-reorder) \
	   $(if $(and $(filter $(ROOT)/bench,$(APP_DIR)),$(filter-out virt,$(BOARD))),-DBENCH_CYCLES)
# (Test programs under tests/ see kernel headers, built as the kernel is
# (KDEFS: a LOCKDEBUG=1 kernel's locks are theirs too); TEST()s keep file order.)
LDFLAGS := -nostdlib -nostartfiles -static -no-pie -Wl,--gc-sections -Wl,-z,max-page-size=4096 \
	   -Wl,--build-id=none
# -lgcc, not $(shell $(CC) -print-libgcc-file-name): the driver finds libgcc.a
# even with -nostdlib, and nothing here may ask $(CC) at parse time, when
# the deps step may not have installed it yet (a fresh machine's first run).
LIBS    := -Wl,--start-group $(LIBC) $(NEWLIB)/lib/libm.a -lgcc -Wl,--end-group

.PHONY: all image run debug gdb check trace openocd no-emulator sd-files sdimage install chainloader chainboot test bench deps clean distclean host-test print-qemu print-openocd-cfg
all: image

deps:
	$(Q)bash tools/deps.sh

$(LIBC): tools/build-newlib.sh | deps
	@echo "  NEWLIB  $(NEWLIB) (once, about a minute)"
	$(Q)bash tools/build-newlib.sh $(NEWLIB)

# Rebuild when the flags change, not only the sources.
$(B)/kcflags: FORCE
	@mkdir -p $(dir $@); echo '$(KCFLAGS)' | cmp -s - $@ || echo '$(KCFLAGS)' > $@
$(OUT)/acflags: FORCE
	@mkdir -p $(dir $@); echo '$(ACFLAGS)' | cmp -s - $@ || echo '$(ACFLAGS)' > $@
FORCE:

$(B)/kernel/%.S.o: %.S $(B)/kcflags | deps
	@mkdir -p $(dir $@)
	@$(if $(filter 1,$(V)),,echo "  AS      $<")
	$(Q)$(CC) $(KCFLAGS) -D__ASSEMBLER__ -c $< -o $@

$(B)/kernel/%.c.o: %.c $(B)/kcflags $(LIBC)
	@mkdir -p $(dir $@)
	@$(if $(filter 1,$(V)),,echo "  CC      $<")
	$(Q)$(CC) $(KCFLAGS) -c $< -o $@

$(OUT)/obj/%.o: $(APP_DIR)/%.c $(OUT)/acflags $(LIBC)
	@mkdir -p $(dir $@)
	@$(if $(filter 1,$(V)),,echo "  CC      $<")
	$(Q)$(CC) $(ACFLAGS) -c $< -o $@
	$(Q)$(if $(filter 1,$(CHECK)),$(OBJCOPY) --weaken-symbol=main $@)

# The harness sees the kernel's headers, built as the kernel is (KDEFS).
$(OUT)/harness/%.o: lib/test/%.c $(OUT)/acflags $(LIBC)
	@mkdir -p $(dir $@)
	@$(if $(filter 1,$(V)),,echo "  CC      $<")
	$(Q)$(CC) $(ACFLAGS) -Werror -I$(ROOT) $(KDEFS) -c $< -o $@

$(B)/kernel.ld: linker/kernel.ld.S boards/$(BOARD)/board.mk | deps
	@mkdir -p $(dir $@)
	$(Q)$(CC) -E -P -x c -DLOAD_ADDR=$(LOAD_ADDR) $< -o $@

$(ELF): $(KOBJS) $(AOBJS) $(B)/kernel.ld $(LIBC)
	@$(if $(filter 1,$(V)),,echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -T $(B)/kernel.ld -Wl,-Map=$(OUT)/kernel.map \
		$(KOBJS) $(AOBJS) $(LIBS) -o $@
	$(Q)$(OBJDUMP) -d -S $@ > $(OUT)/kernel.lst
	$(Q)$(NM) -n $@ > $(OUT)/kernel.sym
	$(Q)python3 tools/check-elf.py $@

$(IMG): $(ELF)
	$(Q)$(OBJCOPY) -O binary $< $@

image: $(IMG)

# The QEMU command line for this board; tests/run.py reads the same.
QEMU_CMD = $(QEMU) $(QEMU_ARGS) -kernel $(IMG) \
	   -append "maxcpus=$(SMP)$(if $(TRACE), schedtrace=$(TRACE)) $(ARGS)" \
	   -semihosting-config enable=on,target=native -nic none -nographic -serial mon:stdio

no-emulator:
	$(if $(QEMU_MACHINE),,$(error BOARD=$(BOARD): no emulator models it; build with make image or make sdimage))

.PHONY: linux-dtbs
linux-dtbs:
	$(Q)bash tools/fetch-dtbs.sh $(BUILD)/dtbs

run: image no-emulator $(if $(filter linux,$(DTB)),linux-dtbs)
	$(Q)$(QEMU_CMD); st=$$?; \
	if [ $$st -ne 0 ]; then echo "gometal: $(APP_NAME) exited with status $$st"; fi; exit $$st

debug: image no-emulator $(if $(filter linux,$(DTB)),linux-dtbs)
	@echo "QEMU halted; GDB stub on :1234. In another shell: make gdb BOARD=$(BOARD) APP=$(APP)"
	$(Q)$(QEMU_CMD) -s -S

# A Raspberry Pi's SD card: build/<board>/sdcard.img (MBR + FAT32, for dd
# or Raspberry Pi Imager's "Use custom"), or the same files copied onto a
# mounted card with `make install SDCARD=/media/.../boot`. The Pi 3 and 4
# boot firmware comes from Debian's raspi-firmware package (fetched into
# build/firmware, not installed); the Pi 5 keeps its firmware in EEPROM.
# ARGS go to cmdline.txt; JTAG=1 adds enable_jtag_gpio=1 and gpio=22-27=np
# (no pulls on the probe's lines; config.txt's gpio directive) to config.txt.
FIRMWARE := $(BUILD)/firmware/usr/lib/raspi-firmware
SD_FIRMWARE_rpi3 := bootcode.bin start.elf fixup.dat
SD_FIRMWARE_rpi4 := start4.elf fixup4.dat
SD_FIRMWARE_rpi5 :=
SD_KERNEL = $(if $(CHAINLOADER),$(CL)/$(IMAGE_NAME),$(IMG))
SD_FW = $(addprefix $(FIRMWARE)/,$(SD_FIRMWARE_$(BOARD)))
SD_DTB = $(if $(LINUX_DTB),$(BUILD)/dtbs/$(LINUX_DTB))
SD_FILES = $(SD_FW) $(SD_DTB) $(OUT)/config.txt $(OUT)/cmdline.txt \
	   $(SD_KERNEL)

# The board's tree from Linux's sources (config.txt's device_tree= names it).
$(BUILD)/dtbs/%.dtb: tools/fetch-dtbs.sh | deps
	$(Q)bash tools/fetch-dtbs.sh $(BUILD)/dtbs

$(FIRMWARE)/%: tools/fetch-firmware.sh | deps
	$(Q)bash tools/fetch-firmware.sh $(BUILD)/firmware

sd-files: image $(if $(CHAINLOADER),chainloader)
	$(if $(wildcard boards/$(BOARD)/config.txt),,$(error BOARD=$(BOARD) is not a Raspberry Pi: no SD card))
	$(Q)cp boards/$(BOARD)/config.txt $(OUT)/config.txt
	$(Q)$(if $(JTAG),printf '%s\n' '# JTAG on GPIO 22-27 (make openocd): ALT4 and no pulls on the probe lines' \
		'enable_jtag_gpio=1' 'gpio=22-27=np' >> $(OUT)/config.txt)
	$(Q)echo "$(strip $(ARGS))" > $(OUT)/cmdline.txt

sdimage: sd-files $(SD_FW) $(SD_DTB)
	$(Q)python3 tools/mksdimage.py $(B)/sdcard.img $(SD_FILES)
	@echo "  SDCARD  $(B)/sdcard.img: $(notdir $(SD_FILES))"

install: sd-files $(SD_FW) $(SD_DTB)
	$(if $(SDCARD),,$(error SDCARD=/path/to/the/mounted/boot/partition is required))
	$(if $(wildcard $(SDCARD)/.),,$(error SDCARD=$(SDCARD) is not a directory))
	$(Q)cp $(SD_FILES) $(SDCARD)/ && sync
	@echo "  INSTALL $(SDCARD): $(notdir $(SD_FILES))"

# Chainboot: a small resident loader (chainload/) on the card, made with
# `make sdimage CHAINLOADER=1`, takes each new kernel over the serial line
# from tools/chainboot.c: `make chainboot BOARD=... PORT=/dev/ttyUSB0`.
# The loader runs from CHAINLOAD_ADDR (it moves there from 0x80000, where
# the kernel goes) and knows the board's UART (the same addresses as
# boards/<board>/board.c; 48 MHz from config.txt's init_uart_clock).
CHAINLOAD_ADDR := 0x2000000
CL_UART_rpi3 := 0x3f201000
CL_UART_rpi4 := 0xfe201000
CL_GPIO_rpi3 := 0x3f200000
CL_GPIO_rpi4 := 0xfe200000
CL := $(BUILD)/$(BOARD)/chainloader
CL_CFLAGS := -O2 -g -std=gnu11 -Wall -Wextra -Werror -ffreestanding -nostdlib -mgeneral-regs-only \
	     -mstrict-align -mcpu=$(BOARD_CPU) -I. -DUART_BASE=$(CL_UART_$(BOARD))ul \
	     -DGPIO_BASE=$(CL_GPIO_$(BOARD))ul \
	     -DUART_CLOCK=48000000 -DLOADER_ADDR=$(CHAINLOAD_ADDR)ul
CHAINBOOT := $(BUILD)/host/chainboot

$(CL)/$(IMAGE_NAME): chainload/start.S chainload/loader.c chainload/loader.ld chainload/crc32.h \
		      drivers/uart/pl011.c drivers/gpio/bcm2835_gpio.c | deps
	$(if $(CL_UART_$(BOARD)),,$(error BOARD=$(BOARD): no chainloader (rpi3, rpi4)))
	@mkdir -p $(CL)
	$(Q)$(CC) -E -P -x c -DLOADER_ADDR=$(CHAINLOAD_ADDR) chainload/loader.ld -o $(CL)/loader.ld
	$(Q)$(CC) $(CL_CFLAGS) -T $(CL)/loader.ld -Wl,--build-id=none -Wl,--no-warn-rwx-segments \
		-o $(CL)/loader.elf chainload/start.S \
		chainload/loader.c drivers/uart/pl011.c drivers/gpio/bcm2835_gpio.c
	$(Q)$(OBJCOPY) -O binary $(CL)/loader.elf $@
	@echo "  LOADER  $@"

chainloader: $(CL)/$(IMAGE_NAME)

$(CHAINBOOT): tools/chainboot.c chainload/crc32.h
	@mkdir -p $(dir $@)
	$(Q)gcc -O2 -Wall -Wextra -Werror -I. -o $@ $<

chainboot: image $(CHAINBOOT)
	$(if $(PORT),,$(error PORT=/dev/ttyUSB0 (the serial line to the board) is required))
	$(Q)$(CHAINBOOT) $(PORT) $(IMG)

# JTAG=1: attach to OpenOCD (make openocd) on the hardware instead of QEMU.
GDB_PORT := $(if $(JTAG),3333,1234)
gdb: | deps
	gdb-multiarch -q $(ELF) -ex 'set architecture aarch64' -ex 'target remote :$(GDB_PORT)'

# JTAG on a Pi (GPIO 22-27): OpenOCD with the board's configuration, as
# OpenOCD ships it, and a probe (ADAPTER=, an OpenOCD interface config;
# default: FTDI's C232HM FT232H cable). Then `make gdb BOARD=... JTAG=1`.
ADAPTER ?= interface/ftdi/c232hm.cfg
OPENOCD_CFG_rpi3 := board/rpi3.cfg
OPENOCD_CFG_rpi4 := board/rpi4b.cfg
openocd: | deps
	$(if $(OPENOCD_CFG_$(BOARD)),,$(error BOARD=$(BOARD): no OpenOCD configuration (rpi3, rpi4)))
	openocd -f $(ADAPTER) -f $(OPENOCD_CFG_$(BOARD))

print-openocd-cfg:
	@echo '$(OPENOCD_CFG_$(BOARD))'

print-qemu:
	@echo '$(QEMU) $(QEMU_ARGS)'

# Tests: the on-target image for each board, host tests, then the runner.
test: | deps
	$(Q)$(MAKE) --no-print-directory BOARD=virt APP=tests/target image
	$(Q)$(MAKE) --no-print-directory BOARD=rpi3 APP=tests/target image
	$(Q)$(MAKE) --no-print-directory BOARD=rpi4 APP=tests/target image
	$(Q)$(MAKE) --no-print-directory BOARD=rpi5 APP=tests/target image
	$(Q)$(MAKE) --no-print-directory BOARD=rpi3 APP=tests/apps/exit3 image chainloader
	$(Q)$(MAKE) --no-print-directory BOARD=rpi4 APP=tests/apps/exit3 image chainloader
	$(Q)$(MAKE) --no-print-directory $(CHAINBOOT)
	$(Q)$(MAKE) --no-print-directory BOARD=virt APP=tests/target QUANTUM_US=50 image
	$(Q)$(MAKE) --no-print-directory BOARD=virt APP=tests/target FPSAVE=lazy image
	$(Q)$(MAKE) --no-print-directory BOARD=virt APP=tests/target LOCKDEBUG=1 image
	$(Q)$(MAKE) --no-print-directory BOARD=rpi3 APP=tests/target LOCKDEBUG=1 image
	$(Q)$(MAKE) --no-print-directory BOARD=virt APP=bench image
	$(Q)$(MAKE) --no-print-directory BOARD=rpi4 APP=bench image
	$(Q)$(foreach b,virt rpi3 rpi4,$(MAKE) --no-print-directory BOARD=$(b) APP=tests/apps/tracing EVTRACE=1 image &&) true
	$(Q)$(MAKE) --no-print-directory host-test
	$(Q)python3 tests/run.py --build $(BUILD) --host $(BUILD)/host/results.txt

# make trace APP=dir [ICOUNT=1]: the program on a kernel that records every core's
# events (EVTRACE=1, build/<board>-trace/), then tools/evtrace.py turns the
# dump into build/<board>/<app>/trace.json (Perfetto), trace.png and
# summary.txt. README, "Tracing".
TRACE_OUT := $(BUILD)/$(BOARD)/$(APP_NAME)
TRACE_IMG := $(BUILD)/$(BOARD)$(VARIANT)$(if $(filter 1,$(EVTRACE)),,-trace)/$(APP_NAME)/$(IMAGE_NAME)
.PHONY: trace
trace: no-emulator | deps
	$(Q)$(MAKE) --no-print-directory BOARD=$(BOARD) APP=$(APP) EVTRACE=1 image
	@mkdir -p $(TRACE_OUT); rm -f $(TRACE_OUT)/trace.bin
	-$(Q)$(QEMU) $(QEMU_ARGS) -kernel $(TRACE_IMG) $(if $(filter 1,$(ICOUNT)),-icount shift=0$(comma)align=off$(comma)sleep=off) \
		-append "maxcpus=$(SMP) evtrace=$(TRACE_OUT)/trace.bin$(if $(filter 1,$(ICOUNT)), icount=1) $(ARGS)" \
		-semihosting-config enable=on,target=native -nic none -nographic -serial mon:stdio \
		| tee $(TRACE_OUT)/console.txt
	$(Q)python3 tools/evtrace.py $(TRACE_OUT)/trace.bin --console $(TRACE_OUT)/console.txt --out $(TRACE_OUT)

# A program's own tests (tools/check.py): make check APP=dir [BOARDS="virt rpi3 rpi4"]
# [SMP="1 4"] [RUN=regex] [COUNT=n] [SHUFFLE=1] [SEED=n|a-b] [ICOUNT=1] [CHAOS=1]
# [QUANTUM_US=us] [TIMEOUT_MS=ms] [V=1] [BENCH=regex]. README, "Testing your program".
BOARDS ?= $(BOARD)
COUNT ?= 1
SHUFFLE ?= 0
ICOUNT ?= 0
SEED ?=
BENCH ?=
TIMEOUT_MS ?= 600000
ifneq ($(filter check,$(MAKECMDGOALS)),)
$(if $(strip $(BOARDS)),,$(error BOARDS=: one board or more (virt, rpi3, rpi4)))
$(if $(shell [ "$(TIMEOUT_MS)" -ge 1 ] 2>/dev/null && echo ok),,$(error TIMEOUT_MS=$(TIMEOUT_MS): a test's time in milliseconds, unless it states its own))
$(if $(wildcard $(APP_DIR)/tests/*.c),,$(error APP=$(APP): no tests: make check builds $(APP)/tests/*.c (TEST()s, include/gometal/test.h)))
$(foreach b,$(BOARDS),$(if $(wildcard boards/$(b)/board.mk),,$(error BOARDS=$(BOARDS): no board $(b) (virt, rpi3, rpi4))))
$(if $(filter rpi5,$(BOARDS)),$(error BOARDS=$(BOARDS): no emulator models rpi5; make check runs under QEMU))
$(if $(shell [ "$(COUNT)" -ge 1 ] 2>/dev/null && echo ok),,$(error COUNT=$(COUNT): how many times to run each test, 1 or more))
$(if $(filter 0 1,$(SHUFFLE)),,$(error SHUFFLE=$(SHUFFLE): 1 runs the tests in an order drawn from SEED, 0 in file order))
$(if $(filter 0 1,$(ICOUNT)),,$(error ICOUNT=$(ICOUNT): 1 runs QEMU with -icount (time counts instructions), 0 does not))
$(if $(SEED),$(if $(shell echo '$(SEED)' | grep -Eqx '[0-9]+(-[0-9]+)?' && echo ok),,$(error SEED=$(SEED): a number, or a range a-b of seeds to sweep)))
endif
.PHONY: check
# (RUN and BENCH are regular expressions: $(value) keeps a `$` in them.)
check: export GM_RUN := $(value RUN)
check: export GM_BENCH := $(value BENCH)
check: | deps
	$(Q)$(foreach b,$(BOARDS),$(MAKE) --no-print-directory BOARD=$(b) APP=$(APP) CHECK=1 SMP=1 image &&) true
	$(Q)python3 tools/check.py --build $(BUILD) --app $(APP) --name $(APP_NAME)-check \
		--variant="$(VARIANT)" $(if $(GIC),--make-var GIC=$(GIC)) --boards "$(BOARDS)" --smp "$(SMP)" \
		--run="$$GM_RUN" --bench="$$GM_BENCH" --count $(COUNT) --shuffle $(SHUFFLE) --seed "$(SEED)" \
		--icount $(ICOUNT) --chaos $(CHAOS) --quantum="$(QUANTUM_US)" --verbose $(V) \
		--test-timeout $(TIMEOUT_MS) \
		--args="$(ARGS)" --junit $(BUILD)/check/junit.xml

# The README's promise, checked (tools/test-fresh.sh): a minimal Debian 12
# root (debootstrap, cached in build/fresh/base) plus make and git, a clone
# of HEAD in it, then make run and make test there, first try. Root only.
.PHONY: test-fresh
test-fresh:
	$(Q)bash tools/deps.sh fresh
	$(Q)bash tools/test-fresh.sh

# Benchmarks (tools/bench.py): -icount instruction counts, then rounds of
# plain-TCG wall time alternating with the Go peer under qemu-user.
RUNS ?= 5
GO_BENCH := $(BUILD)/bench/go/gobench
GO_ENV := GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-mod=mod GOCACHE=$(ROOT)/$(BUILD)/bench/go/cache \
	  CGO_ENABLED=0 GOOS=linux GOARCH=arm64
BENCH_IMAGES = $(BUILD)/virt/bench/Image $(BUILD)/virt-fplazy/bench/Image $(BUILD)/virt-trace/bench/Image
.PHONY: bench-deps bench-images bench-baseline
bench-deps:
	$(Q)bash tools/deps.sh bench
bench-images: | deps
	$(Q)$(MAKE) --no-print-directory BOARD=virt APP=bench image
	$(Q)$(MAKE) --no-print-directory BOARD=virt APP=bench FPSAVE=lazy image
	$(Q)$(MAKE) --no-print-directory BOARD=virt APP=bench EVTRACE=1 image
$(GO_BENCH): $(wildcard bench/go/*.go) bench/go/go.mod | bench-deps
	@echo "  GO      $@"
	$(Q)cd bench/go && $(GO_ENV) go build -trimpath -o $(ROOT)/$@ .
ifeq ($(BOARD),virt)
bench: bench-images $(GO_BENCH) | bench-deps
	$(Q)python3 tools/bench.py --image $(BUILD)/virt/bench/Image \
		--lazy-image $(BUILD)/virt-fplazy/bench/Image --trace-image $(BUILD)/virt-trace/bench/Image \
		--go $(GO_BENCH) --runs $(RUNS) \
		--command "make bench RUNS=$(RUNS)"
else
# A Pi: the same image reading PMCCNTR_EL0; run it from an SD card or chainboot.
bench: | deps
	$(Q)$(MAKE) --no-print-directory BOARD=$(BOARD) APP=bench image
	@echo "bench: built $(BUILD)/$(BOARD)/bench/$(IMAGE_NAME) (counts in cycles, PMCCNTR_EL0)."
	@echo "bench: on the Pi: make sdimage BOARD=$(BOARD) APP=bench ARGS=\"bench=ops maxcpus=1\""
	@echo "bench: (then bench=wall maxcpus=1, bench=throughput maxcpus=1 and maxcpus=2, bench=memory);"
	@echo "bench: the serial console prints 'result' lines. BENCHMARKS.md, \"On hardware\", says where they go."
endif
bench-baseline: bench-images
	$(Q)python3 tools/bench.py --image $(BUILD)/virt/bench/Image --write-baseline bench/baseline.json \
		--reason "$(BASELINE_REASON)"

host-test: | deps
	$(Q)$(MAKE) --no-print-directory -C tests/host BUILD=$(ROOT)/$(BUILD)/host

clean:
	rm -rf $(filter-out $(NEWLIB),$(wildcard $(BUILD)/*))

distclean:
	rm -rf $(BUILD)

-include $(KOBJS:.o=.d) $(AOBJS:.o=.d)
