"""What tests/run.py runs: each on-target suite (board, cores, build
variables, boot arguments), each crash case with the console line it must
print, and each bad build variable with the Makefile's message."""

# (label, board, smp, make variables, boot arguments, cpus expected online)
SUITES = [
    ("virt smp=1", "virt", 1, [], "", 1),
    ("virt smp=2", "virt", 2, [], "", 2),
    ("virt smp=4", "virt", 4, [], "", 4),
    ("virt gicv3 smp=8", "virt", 8, ["GIC=3"], "", 8),
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
    # Under -icount (ICOUNT): the guest's clock counts its own instructions,
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
ICOUNT = ["-icount", "shift=0,align=off,sleep=off"]

PANIC = r"^panic: (task \d+ \(.*\) on )?cpu \d+: "
# (case, boards, regex the console must match, exit status)
CRASHES = [
    ("null_deref", ["virt", "rpi3", "rpi4"],
     PANIC + r"data abort at 0x8 \(translation fault, level \d, read\)", 2),
    ("undefined_instruction", ["virt", "rpi3", "rpi4"], PANIC + r"undefined instruction at pc 0x", 2),
    ("write_to_text", ["virt"], PANIC + r"data abort at 0x\w+ \(permission fault, level 3, write\)", 2),
    ("execute_data", ["virt"], PANIC + r"instruction abort at 0x\w+ \(permission fault", 2),
    ("stack_overflow", ["virt", "rpi3", "rpi4"],
     r"^panic: stack overflow in task 1 \(main\) on cpu \d+ \(data abort at 0x", 2),
    ("huge_frame", ["virt"], r"^panic: stack overflow in task 1 \(main\) on cpu \d+ \(data abort at 0x", 2),
    ("small_stack_overflow", ["virt", "rpi3", "rpi4"],
     r"^panic: stack overflow in task \d+ \(small\) on cpu \d+ \(data abort at 0x", 2),
    ("explicit_panic", ["virt"], PANIC + r"test panic 42$(?s:.*)^  other cores stopped: 3 of 3$", 2),
    # A core that never answers the stop IPI is named, after CORE_ANSWER_MS.
    ("panic_with_a_core_masked", ["virt"],
     PANIC + r"test panic, cpu (?P<cpu>\d) masked$(?s:.*)^  other cores stopped: 2 of 3\n"
     r"  cpu (?P=cpu) did not answer within 10 s \(interrupts masked, or hung\): it may still be running$", 2),
    ("failed_assert", ["virt"], PANIC + r"assertion failed: zero == 1", 2),
    ("secondary_null_deref", ["virt", "rpi3", "rpi4"],
     r"^panic: task \d+ \(faulty\) on cpu \d+: data abort at 0x0 (?s:.*)^  other cores stopped: 3 of 3$", 2),
    ("exit3", ["virt", "rpi3", "rpi4"], r"test: crash case exit3$", 3),
    ("deadlock", ["virt", "rpi3", "rpi4"],
     r"^fatal error: all goroutines are asleep - deadlock!\n\n"
     r"(?s:.*)^goroutine 1 \[sync.WaitGroup.Wait\]: \"main\"$"
     r"(?s:.*)^goroutine \d+ \[sync.WaitGroup.Wait\]: \"blocked\"$", 2),
    ("go_nil_function", ["virt"], r"^panic: task 1 \(main\) on cpu \d+: go: nil function$", 2),
    ("huge_stack_size", ["virt"],
     r"^panic: task 1 \(main\) on cpu \d+: go: stack_size 18446744073709551615 is over the 1024 MiB a task may have$", 2),
    ("negative_waitgroup", ["virt"],
     r"^panic: task 1 \(main\) on cpu \d+: sync: negative WaitGroup counter", 2),
    ("unpin_without_pin", ["virt"],
     r"^panic: task 1 \(main\) on cpu \d+: go_unpin: task 1 \(main\) is not pinned$", 2),
    ("send_on_closed_channel", ["virt", "rpi3", "rpi4"],
     r"^panic: task 1 \(main\) on cpu \d+: send on closed channel$", 2),
    ("blocked_sender_sees_close", ["virt"],
     r"^panic: task \d+ \(sender\) on cpu \d+: send on closed channel$", 2),
    ("close_of_closed_channel", ["virt", "rpi3", "rpi4"],
     r"^panic: task 1 \(main\) on cpu \d+: close of closed channel$", 2),
    ("close_of_nil_channel", ["virt"], r"^panic: task 1 \(main\) on cpu \d+: close of nil channel$", 2),
    ("unlock_of_unlocked_mutex", ["virt", "rpi3", "rpi4"],
     r"^panic: task 1 \(main\) on cpu \d+: sync: unlock of unlocked mutex", 2),
    ("spinlock_released_unheld", ["virt+LOCKDEBUG=1", "rpi3+LOCKDEBUG=1"],
     r"^panic: task 1 \(main\) on cpu \d+: lock rule broken: spinlock 0x\w+ released by a core "
     r"that does not hold it \(it is free\)$", 2),
    ("spinlock_taken_twice", ["virt+LOCKDEBUG=1"],
     r"^panic: task 1 \(main\) on cpu \d+: lock rule broken: spinlock 0x\w+ taken again by "
     r"the core holding it$", 2),
    ("lock_not_held_where_required", ["virt+LOCKDEBUG=1"],
     r"^panic: task 1 \(main\) on cpu \d+: lock rule broken: &sched.lock is not held by this "
     r"core \(\S*sched/sched.h:\d+\)$", 2),
    ("runlock_of_unlocked_rwmutex", ["virt"],
     r"^panic: task 1 \(main\) on cpu \d+: sync: RUnlock of unlocked RWMutex", 2),
    ("select_bad_op", ["virt"],
     r"^panic: task 1 \(main\) on cpu \d+: chan_select: case 0 has op 3", 2),
    ("deadlock_reasons", ["virt", "rpi3", "rpi4"],
     r"^fatal error: all goroutines are asleep - deadlock!\n\n"
     r"^goroutine 1 \[sync.WaitGroup.Wait\]: \"main\"\n"
     r"^goroutine \d+ \[chan send\]: \"send\"\n"
     r"^goroutine \d+ \[chan receive \(nil chan\)\]: \"nil\"\n"
     r"^goroutine \d+ \[select\]: \"select\"\n"
     r"^goroutine \d+ \[select \(no cases\)\]: \"nocases\"\n"
     r"^goroutine \d+ \[sync.Mutex.Lock\]: \"lock\"\n"
     r"^goroutine \d+ \[chan receive\]: \"recv\"$", 2),
    ("go_enomem", ["virt", "rpi3", "rpi4"], r"^go returned -12 after \d+ tasks with 32 MiB stacks$", 0),
    ("irq_not_a_device_line", ["virt", "rpi3"],
     r"^panic: task 1 \(main\) on cpu \d+: irq_notify: interrupt 5 is not a device line of the "
     r"(gicv2|bcm2836-local) controller \(32-\d+\)$", 2),
    ("irq_claimed_twice", ["virt"],
     r"^panic: task 1 \(main\) on cpu \d+: irq_notify: interrupt 40 is already claimed "
     r"\(irq_release it first\)$", 2),
    ("irq_unbuffered_channel", ["virt"],
     r"^panic: task 1 \(main\) on cpu \d+: irq_notify: interrupt 40: the channel must be buffered", 2),
    ("irq_rearm_unclaimed", ["virt"],
     r"^panic: task 1 \(main\) on cpu \d+: irq_rearm: interrupt 40 is not claimed by irq_notify$", 2),
    ("gpio_pin_out_of_range", ["virt"],
     r"^panic: task 1 \(main\) on cpu \d+: gpio_watch: pin 9: the pl061 has pins 0-7$", 2),
    ("chan_free_while_notified", ["virt"],
     r"^panic: task 1 \(main\) on cpu \d+: chan_free: interrupts still notify channel 0x\w+ "
     r"\(irq_release them first\)$", 2),
]


# Bad build variables: a Makefile message naming the variable, before any
# tool runs (make -n: nothing is built or booted).
BAD_INPUT = [
    (["APP=tests/no-such-app"], r"APP=tests/no-such-app: no such directory"),
    (["APP=include"], r"APP=include: no \.c files in "),
    (["SMP=0"], r"SMP=0: a number of cores, 1 or more"),
    (["SMP=abc"], r"SMP=abc: a number of cores, 1 or more"),
    (["SMP=64", "GIC=3"], r"SMP=64: BOARD=virt GIC=3 runs at most 16 cores \(the kernel's NCPU_MAX"),
    (["SMP=9"], r"SMP=9: BOARD=virt runs at most 8 cores \(GICv2 serves at most 8 cores; GIC=3"),
    (["BOARD=rpi3", "SMP=5"], r"SMP=5: BOARD=rpi3 runs at most 4 cores"),
    (["BOARD=pi9"], r"BOARD=pi9: no such board"),
    (["QUANTUM_US=-5"], r"QUANTUM_US=-5: a number of microseconds"),
    (["LOCKDEBUG=yes"], r"LOCKDEBUG=yes: 1 checks the lock rules, 0 does not"),
    (["BOARD=rpi4", "DTB=no/such.dtb"], r"DTB=no/such.dtb: no such file"),
    (["DTB=linux"], r"DTB=linux: BOARD=virt has no Linux device tree"),
    (["CHAOS=2"], r"CHAOS=2: 1 adds seeded disturbances, 0 does not"),
    (["SMP=1 4"], r"SMP=1 4: one number of cores \(only make check takes a list\)"),
    # make check's own (a first word "check": that goal instead of run)
    (["check", "APP=apps/hello"], r"APP=apps/hello: no tests: make check builds apps/hello/tests/\*\.c"),
    (["check", "APP=apps/pipeline", "BOARDS=rpi5"], r"BOARDS=rpi5: no emulator models rpi5"),
    (["check", "APP=apps/pipeline", "BOARDS=pi9"], r"BOARDS=pi9: no board pi9"),
    (["check", "APP=apps/pipeline", "SEED=abc"], r"SEED=abc: a number, or a range a-b"),
    (["check", "APP=apps/pipeline", "COUNT=0"], r"COUNT=0: how many times to run each test"),
    (["check", "APP=apps/pipeline", "SHUFFLE=yes"], r"SHUFFLE=yes: 1 runs the tests in an order"),
    (["check", "APP=apps/pipeline", "ICOUNT=2"], r"ICOUNT=2: 1 runs QEMU with -icount"),
    (["check", "APP=apps/pipeline", "SMP=1 9"], r"SMP=9: BOARD=virt runs at most 8 cores"),
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
