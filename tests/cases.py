"""What tests/run.py runs: each on-target suite (board, cores, build
variables, boot arguments), each crash case with the console line it must
print, and each bad build variable with the Makefile's message."""

# (label, board, smp, make variables, boot arguments, cpus expected online)
SUITES = [
    ("virt smp=1", "virt", 1, [], "", 1),
    ("virt smp=2", "virt", 2, [], "", 2),
    ("virt smp=4", "virt", 4, [], "", 4),
    ("virt gicv3 smp=8", "virt", 8, ["GIC=3"], "", 8),
    # Many cores (GICv3: Aff1 > 0 past 16, SGIs by cluster): the whole
    # suite at 32, and at 128 (two regions of redistributors) what must
    # hold on every core: bring-up, IPIs each way, stealing, timers.
    ("virt gicv3 smp=32", "virt", 32, ["GIC=3"], "", 32),
    ("virt gicv3 smp=128 smp", "virt", 128, ["GIC=3"], "test=smp", 128),
    ("virt gicv3 smp=128 irq", "virt", 128, ["GIC=3"], "test=irq", 128),
    ("virt gicv3 smp=128 stealing", "virt", 128, ["GIC=3"], "test=sched.stealing", 128),
    # Entered at EL2 (as on a Pi), PSCI over smc; and GICv3's EL2 set-up.
    ("virt EL2 smp=4", "virt", 4, ["EL2=1"], "", 4),
    ("virt EL2 gicv3 smp=4", "virt", 4, ["EL2=1", "GIC=3"], "", 4),
    ("rpi3 smp=4", "rpi3", 4, [], "", 4),
    ("rpi3 smp=1", "rpi3", 1, [], "", 1),
    ("rpi4 smp=4", "rpi4", 4, [], "", 4),
    ("rpi4 smp=1", "rpi4", 1, [], "", 1),
    # With Linux's own device tree for the board (DTB=linux: build/dtbs/,
    # tools/fetch-dtbs.sh), as the firmware passes one, instead of ATAGs.
    ("rpi3 smp=4 Linux DTB", "rpi3", 4, ["DTB=linux"], "", 4),
    ("rpi4 smp=4 Linux DTB", "rpi4", 4, ["DTB=linux"], "", 4),
    # A core that never checks in is reported; the system runs on the rest.
    ("virt smp=4, cpu 2 stuck", "virt", 4, [], "smp_stuck=2 test=smp", 3),
    # A core that finds its slot, then takes longer than the boot core
    # waits (smp_late: an eighth of a second, against smp_wait_ms=50), must park
    # for good: the boot core gives its slot to the next core. Under
    # -icount, so only the late core is late. On each interrupt controller
    # and start method (PSCI; the Pi's spin table).
    ("virt smp=4 icount, cpu 2 late", "virt", 4, [], "icount=1 smp_late=2 smp_wait_ms=50 test=smp", 3),
    ("rpi3 smp=4 icount, cpu 2 late", "rpi3", 4, [], "icount=1 smp_late=2 smp_wait_ms=50 test=smp", 3),
    ("rpi4 smp=4 icount, cpu 2 late", "rpi4", 4, [], "icount=1 smp_late=2 smp_wait_ms=50 test=smp", 3),
    # schedtrace lines while the scheduler is busy (checked in run_suite)
    ("virt smp=4 schedtrace", "virt", 4, [], "schedtrace=10 test=sched.stealing", 4),
    # Preemption at a 50 us quantum: everything still passes.
    ("virt smp=1 QUANTUM_US=50", "virt", 1, ["QUANTUM_US=50"], "", 1),
    ("virt smp=4 QUANTUM_US=50", "virt", 4, ["QUANTUM_US=50"], "", 4),
    # FP/SIMD saved only when an interrupt preempts (the default saves it on entry).
    ("virt smp=4 FPSAVE=lazy", "virt", 4, ["FPSAVE=lazy"], "test=preempt", 4),
    # Spinlocks record their owner and the lock rules are checked
    # (kernel/spinlock.h): the whole suite, on GICv2 and on the Pi 3's
    # interrupt controller.
    ("virt smp=4 LOCKDEBUG=1", "virt", 4, ["LOCKDEBUG=1"], "", 4),
    ("rpi3 smp=4 LOCKDEBUG=1", "rpi3", 4, ["LOCKDEBUG=1"], "", 4),
    # Under -icount (tools/check.py's ICOUNT): the guest's clock counts its own instructions,
    # so no host stall reaches it, and the checks that judge time are held
    # to tight bounds (ktest.h: "exact"); everywhere else they check only
    # what a stall cannot break. The whole suite on virt; on the Pi 3
    # (bcm2836 interrupt controller) the timing cases, at 4 cores and at 1
    # (the runnext case runs only on one core).
    ("virt smp=4 icount", "virt", 4, [], "icount=1", 4),
    # The timer bounds (test_timers.c) at one and two cores as well.
    ("virt smp=1 icount timers", "virt", 1, [], "icount=1 test=timers", 1),
    ("virt smp=2 icount timers", "virt", 2, [], "icount=1 test=timers", 2),
    ("rpi3 smp=4 icount", "rpi3", 4, [], "icount=1 test=preempt", 4),
    ("rpi3 smp=1 icount", "rpi3", 1, [], "icount=1 test=preempt", 1),
    # The timer watcher's pokes through the Pi 3's mailbox IPIs.
    ("rpi3 smp=4 icount timers", "rpi3", 4, [], "icount=1 test=timers", 4),
]

# Each crash case (tests/target/test_crash.c, which states what it must
# print and its exit status: .expect, .status) and where it runs: a board,
# or board+VAR=value for a kernel built so.
CRASHES = [
    ("null_deref", ["virt", "rpi3", "rpi4"]),
    ("undefined_instruction", ["virt", "rpi3", "rpi4"]),
    ("write_to_text", ["virt"]),
    ("execute_data", ["virt"]),
    ("stack_overflow", ["virt", "rpi3", "rpi4"]),
    ("huge_frame", ["virt"]),
    ("small_stack_overflow", ["virt", "rpi3", "rpi4"]),
    ("explicit_panic", ["virt"]),
    ("panic_with_a_core_masked", ["virt"]),
    ("failed_assert", ["virt"]),
    ("secondary_null_deref", ["virt", "rpi3", "rpi4"]),
    ("exit3", ["virt", "rpi3", "rpi4"]),
    ("deadlock", ["virt", "rpi3", "rpi4"]),
    ("go_nil_function", ["virt"]),
    ("huge_stack_size", ["virt"]),
    ("negative_waitgroup", ["virt"]),
    ("unpin_without_pin", ["virt"]),
    ("send_on_closed_channel", ["virt", "rpi3", "rpi4"]),
    ("blocked_sender_sees_close", ["virt"]),
    ("close_of_closed_channel", ["virt", "rpi3", "rpi4"]),
    ("close_of_nil_channel", ["virt"]),
    ("unlock_of_unlocked_mutex", ["virt", "rpi3", "rpi4"]),
    ("spinlock_released_unheld", ["virt+LOCKDEBUG=1", "rpi3+LOCKDEBUG=1"]),
    ("spinlock_taken_twice", ["virt+LOCKDEBUG=1"]),
    ("lock_not_held_where_required", ["virt+LOCKDEBUG=1"]),
    ("runlock_of_unlocked_rwmutex", ["virt"]),
    ("select_bad_op", ["virt"]),
    ("deadlock_reasons", ["virt", "rpi3", "rpi4"]),
    ("go_enomem", ["virt", "rpi3", "rpi4"]),
    ("irq_not_a_device_line", ["virt", "rpi3"]),
    ("irq_claimed_twice", ["virt"]),
    ("irq_unbuffered_channel", ["virt"]),
    ("irq_rearm_unclaimed", ["virt"]),
    ("gpio_pin_out_of_range", ["virt"]),
    ("chan_free_while_notified", ["virt"]),
]


# Bad build variables: a Makefile message naming the variable, before any
# tool runs (make -n: nothing is built or booted).
BAD_INPUT = [
    (["APP=tests/no-such-app"], r"APP=tests/no-such-app: no such directory"),
    (["APP=include"], r"APP=include: no \.c files in "),
    (["SMP=0"], r"SMP=0: a number of cores, 1 or more"),
    (["SMP=abc"], r"SMP=abc: a number of cores, 1 or more"),
    (["SMP=200", "GIC=3"], r"SMP=200: BOARD=virt GIC=3 runs at most 128 cores \(the kernel's NCPU_MAX"),
    (["SMP=9"], r"SMP=9: BOARD=virt runs at most 8 cores \(GICv2 serves at most 8 cores; GIC=3"),
    (["BOARD=rpi3", "SMP=5"], r"SMP=5: BOARD=rpi3 runs at most 4 cores"),
    (["BOARD=pi9"], r"BOARD=pi9: no such board"),
    (["QUANTUM_US=-5"], r"QUANTUM_US=-5: a number of microseconds"),
    (["LOCKDEBUG=yes"], r"LOCKDEBUG=yes: 1 checks the lock rules, 0 does not"),
    (["BOARD=rpi4", "DTB=no/such.dtb"], r"DTB=no/such.dtb: no such file"),
    (["DTB=linux"], r"DTB=linux: BOARD=virt has no Linux device tree"),
    (["CHAOS=2"], r"CHAOS=2: 1 adds seeded disturbances, 0 does not"),
    (["SMP=1 4"], r"SMP=1 4: one number of cores \(only make check takes a list\)"),
    (["SMP="], r"SMP=: a number of cores, 1 or more"),
    # make check's own (a first word "check": that goal instead of run)
    (["check", "APP=apps/hello"], r"APP=apps/hello: no tests: make check builds apps/hello/tests/\*\.c"),
    (["check", "APP=apps/pipeline", "BOARDS=rpi5"], r"BOARDS=rpi5: no emulator models rpi5"),
    (["check", "APP=apps/pipeline", "BOARDS=pi9"], r"BOARDS=pi9: no board pi9"),
    (["check", "APP=apps/pipeline", "SEED=abc"], r"SEED=abc: a number, or a range a-b"),
    (["check", "APP=apps/pipeline", "COUNT=0"], r"COUNT=0: how many times to run each test"),
    (["check", "APP=apps/pipeline", "SHUFFLE=yes"], r"SHUFFLE=yes: 1 runs the tests in an order"),
    (["check", "APP=apps/pipeline", "ICOUNT=2"], r"ICOUNT=2: 1 runs QEMU with -icount"),
    (["check", "APP=apps/pipeline", "SMP=1 9"], r"SMP=9: BOARD=virt runs at most 8 cores"),
    (["check", "APP=apps/pipeline", "BOARDS="], r"BOARDS=: one board or more"),
]


# Starts that QEMU's -kernel never makes and a real board can: the kernel
# must refuse each with one line on the UART and stop (rt/entry_check.c).
# (name, board, what to load it with, that line). Without the check the
# moved image crashed silently on its first link-time pointer, and the EL3
# entry ran on, half set up.
LOAD_MOVED = "gometal: loaded at {} but linked at {}, and it runs only where it is linked"
ENTRY_REFUSALS = [
    ("virt: an image loaded 1.5 MiB off where it is linked says so",
     "virt", "Image", ["-device", "loader,file={image},addr=0x40200000,cpu-num=0,force-raw=on"],
     LOAD_MOVED.format("0x40200000", "0x40080000")),
    # The Pi 5 firmware's default kernel_address (Raspberry Pi documentation).
    ("rpi4: an image loaded at 0x200000 says so",
     "rpi4", "kernel8.img", ["-device", "loader,file={image},addr=0x200000,cpu-num=0,force-raw=on"],
     LOAD_MOVED.format("0x200000", "0x80000") + r".*put kernel_address=0x80000 in config\.txt"),
    # An ELF is started at its entry at the reset EL, as kernel_old=1 does.
    ("virt: entry at EL3 is refused",
     "virt", "kernel.elf", ["-machine", "secure=on", "-kernel", "{image}"],
     r"^gometal: entered at EL3, .* boot it at EL2"),
    ("rpi3: entry at EL3 on all four cores is refused once",
     "rpi3", "kernel.elf", ["-kernel", "{image}"],
     r"^gometal: entered at EL3, .* Stopped\.\n(?!.*gometal)"),
]
