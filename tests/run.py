#!/usr/bin/env python3
"""The test runner behind `make test`.

Boots the on-target test image under QEMU for each board and SMP setting,
boots each crash case alone, runs `make run` end to end, and folds in the
host tests. Every boot has a timeout; a hang, a panic or a wrong exit status
is a failure shown with the last console lines. The last line printed is
"N passed, N failed", totalled over everything.
"""
import argparse
import os
import re
import socket
import struct
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TIMEOUT = int(os.environ.get("GOMETAL_TEST_TIMEOUT", "300"))  # a hang, not a slow run (8 vCPUs on 2 host cores)
TAIL = 25

# What runs: the suites, the crash cases, the bad build variables.
from cases import BAD_INPUT, CRASHES, ENTRY_REFUSALS, SUITES  # noqa: E402
import console_input  # noqa: E402
import harness_checks  # noqa: E402
import trace_checks  # noqa: E402
from file_checks import check_board_sources, check_image_header  # noqa: E402
# Booting and reading a test image: the runner behind make check.
sys.path.insert(0, os.path.join(ROOT, "tools"))
import check as checker  # noqa: E402
from check import ICOUNT, parse, qemu_base, qemu_cmd, symbolize  # noqa: E402


def run(cmd, cwd=ROOT, until=None, linger=0, timeout=TIMEOUT, env=None):
    return checker.run(cmd, cwd, until, linger, timeout, env=env)


class Tally:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.elf = None     # image of the boot being judged, for symbols

    def ok(self, name, detail=""):
        self.passed += 1
        print(f"PASS  {name}{detail}", flush=True)

    def fail(self, name, why, output=""):
        self.failed += 1
        print(f"FAIL  {name}: {why}", flush=True)
        if output:
            lines = output.rstrip("\n").split("\n")[-TAIL:]
            lines = symbolize("\n".join(lines), self.elf).split("\n")
            print("      last console lines:")
            for line in lines:
                print("      | " + line)


# The image file each board's firmware or QEMU loads (IMAGE_NAME in board.mk).
IMAGES = {"virt": "Image", "rpi3": "kernel8.img", "rpi4": "kernel8.img", "rpi5": "kernel_2712.img"}


def variant(make_vars):
    """The build directory suffix of kernel build options (as the Makefile's VARIANT)."""
    v = dict(x.split("=", 1) for x in make_vars)
    return (f"-q{v['QUANTUM_US']}" if v.get("QUANTUM_US") else "") + \
        ("-fplazy" if v.get("FPSAVE") == "lazy" else "") + \
        ("-lockdebug" if v.get("LOCKDEBUG") == "1" else "")


def boot(build, board, smp, make_vars, args, semihosting=True, until=None, timeout=TIMEOUT):
    """Boots the test image; returns what run() does."""
    return run(boot_cmd(build, board, smp, make_vars, args, semihosting), until=until, timeout=timeout)


def boot_cmd(build, board, smp, make_vars, args, semihosting=True):
    """The QEMU command line that boots the test image."""
    image = IMAGES[board]
    d = os.path.join(build, board + variant(make_vars), "target")
    T.elf = os.path.join(d, "kernel.elf")
    return qemu_cmd(board, smp, os.path.join(d, image), f"maxcpus={smp} {args}".strip(), make_vars,
                    semihosting, icount="icount=1" in args.split())


def run_gdb(t, build, board):
    """A scripted gdb-multiarch session against QEMU's stub, as `make debug`
    + `make gdb`: a breakpoint in the scheduler is hit, and every core is a
    thread."""
    name = f"{board} gdb: breakpoint in schedule(), one thread per core"
    image = IMAGES[board]
    d = os.path.join(build, board, "target")
    with socket.socket() as sk:   # a free port for the stub
        sk.bind(("127.0.0.1", 0))
        port = sk.getsockname()[1]
    qemu = subprocess.Popen(qemu_base(board, 4, []) + [
        "-kernel", os.path.join(d, image), "-append", "maxcpus=4 test=sched.spawn",
        "-nic", "none", "-display", "none", "-monitor", "none", "-serial", "null",
        "-semihosting-config", "enable=on,target=native", "-gdb", f"tcp:127.0.0.1:{port}", "-S"],
        cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        status, out, secs = run(["gdb-multiarch", "-q", "-batch", "-nx",
                                 os.path.join(d, "kernel.elf"),
                                 "-ex", "set architecture aarch64",
                                 "-ex", f"target remote 127.0.0.1:{port}",
                                 "-ex", "break schedule", "-ex", "continue",
                                 "-ex", "info threads", "-ex", "bt 3", "-ex", "kill"])
    finally:
        qemu.kill()
        qemu.wait()
    threads = re.findall(r"^[* ] +\d+ +Thread 1\.\d+", out, re.M)
    if status is None:
        t.fail(name, f"timed out after {TIMEOUT} s", out)
    elif not re.search(r"^Thread \d+ hit Breakpoint 1, schedule \(\) at ", out, re.M) and \
            not re.search(r"^Breakpoint 1, schedule \(\) at ", out, re.M):
        t.fail(name, "the breakpoint in schedule() was not hit", out)
    elif len(threads) != 4:
        t.fail(name, f"{len(threads)} threads listed, not 4", out)
    else:
        t.ok(name, f"  ({secs:.1f} s)")


def run_openocd(t, board):
    """The board's OpenOCD configuration (as `make openocd` uses it) loads
    cleanly, with OpenOCD's dummy adapter standing in for a probe."""
    name = f"{board} openocd: configuration loads"
    cfg = subprocess.run(["make", "-s", "--no-print-directory", "print-openocd-cfg",
                          f"BOARD={board}"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    if not cfg:
        t.fail(name, "no OpenOCD configuration for the board")
        return
    status, out, secs = run(["openocd", "-c", "adapter driver dummy", "-f", cfg, "-c", "shutdown"])
    if status != 0 or re.search(r"^Error", out, re.M):
        t.fail(name, f"openocd exited {status}", out)
    else:
        t.ok(name, f"  ({cfg})")


SD_EXPECT = {
    "rpi3": ["bootcode.bin", "start.elf", "fixup.dat", "bcm2837-rpi-3-b.dtb", "config.txt", "cmdline.txt",
             "kernel8.img"],
    "rpi4": ["start4.elf", "fixup4.dat", "bcm2711-rpi-4-b.dtb", "config.txt", "cmdline.txt", "kernel8.img"],
    "rpi5": ["bcm2712-rpi-5-b.dtb", "config.txt", "cmdline.txt", "kernel_2712.img"],
}


def run_sdimage(t, build, board):
    """make sdimage: an MBR with one FAT32 partition holding exactly the
    board's boot files, the kernel byte for byte as built."""
    name = f"{board} sdimage: MBR + FAT32 with the boot files"
    status, out, secs = run(["make", "-s", "--no-print-directory", "sdimage", f"BOARD={board}",
                             "ARGS=quantum=1000"])
    img = os.path.join(build, board, "sdcard.img")
    if status != 0 or not os.path.exists(img):
        t.fail(name, f"make sdimage exited {status}", out)
        return
    with open(img, "rb") as f:
        mbr = f.read(512)
    ptype, start = mbr[446 + 4], struct.unpack_from("<I", mbr, 446 + 8)[0]
    if mbr[510:512] != b"\x55\xaa" or ptype != 0x0c:
        t.fail(name, f"MBR signature {mbr[510:512].hex()}, partition type {ptype:#x}")
        return
    env = dict(os.environ, MTOOLS_SKIP_CHECK="1")
    part = f"{img}@@{start * 512}"
    listing = subprocess.run(["mdir", "-b", "-i", part, "::"], capture_output=True, text=True,
                             env=env).stdout.split()
    got = [x.split("/")[-1] for x in listing]
    if sorted(got) != sorted(SD_EXPECT[board]):
        t.fail(name, f"files {got}, expected {SD_EXPECT[board]}")
        return
    kname = SD_EXPECT[board][-1]
    kernel = subprocess.run(["mtype", "-i", part, "::" + kname], capture_output=True, env=env).stdout
    cmdline = subprocess.run(["mtype", "-i", part, "::cmdline.txt"], capture_output=True,
                             env=env).stdout.decode().strip()
    with open(os.path.join(build, board, "hello", kname), "rb") as f:
        built = f.read()
    dtb = next(x for x in SD_EXPECT[board] if x.endswith(".dtb"))
    card_dtb = subprocess.run(["mtype", "-i", part, "::" + dtb], capture_output=True, env=env).stdout
    config = subprocess.run(["mtype", "-i", part, "::config.txt"], capture_output=True,
                            env=env).stdout.decode()
    with open(os.path.join(build, "dtbs", dtb), "rb") as f:
        built_dtb = f.read()
    if kernel != built:
        t.fail(name, f"{kname} on the card ({len(kernel)} bytes) is not the one built ({len(built)})")
    elif card_dtb != built_dtb or not re.search(r"^device_tree=" + re.escape(dtb) + "$", config, re.M):
        t.fail(name, f"{dtb} on the card is not build/dtbs' or config.txt does not name it")
    elif cmdline != "quantum=1000":
        t.fail(name, f"cmdline.txt holds {cmdline!r}, not the ARGS given")
    else:
        t.ok(name, "  (" + " ".join(got) + ")")
    if board == "rpi5":
        return
    name = f"{board} sdimage CHAINLOADER=1: the card boots the chainloader"
    status, out, secs = run(["make", "-s", "--no-print-directory", "sdimage", f"BOARD={board}",
                             "CHAINLOADER=1"])
    kernel = subprocess.run(["mtype", "-i", part, "::" + kname], capture_output=True, env=env).stdout
    with open(os.path.join(build, board, "chainloader", kname), "rb") as f:
        loader = f.read()
    if status != 0 or kernel != loader:
        t.fail(name, f"make exited {status}; {kname} on the card is not the chainloader", out)
    else:
        t.ok(name, f"  ({len(loader)} bytes)")


def chainboot_session(build, board, image, extra=()):
    """QEMU boots the board's chainloader with its serial line on a Unix
    socket; tools/chainboot pushes `image`. Returns (qemu status, chainboot
    status, chainboot output)."""
    sock = os.path.join(build, board, "chainloader", "serial.sock")
    if os.path.exists(sock):
        os.unlink(sock)
    qemu = subprocess.Popen(qemu_base(board, 4, []) + [
        "-kernel", os.path.join(build, board, "chainloader", "kernel8.img"),
        "-append", "maxcpus=4", "-nic", "none", "-display", "none", "-monitor", "none",
        "-serial", f"unix:{sock},server=on,wait=off",
        "-semihosting-config", "enable=on,target=native"],
        cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):   # the socket appears once QEMU listens
        if os.path.exists(sock):
            break
        time.sleep(0.05)
    # QEMU on a loaded host can take seconds to boot the loader: wait for
    # its first answer as long as for a hang (a board answers at once).
    status, out, secs = run([os.path.join(build, "host", "chainboot"), sock, image,
                             f"--wait={TIMEOUT // 2}"] + list(extra))
    try:
        # A kernel that ran exits QEMU (the line closed as it did); a
        # refused one leaves the loader waiting for another.
        qemu.wait(timeout=0 if "--corrupt-for-test" in extra else 60)
    except subprocess.TimeoutExpired:
        qemu.kill()
        qemu.wait()
    return qemu.returncode, status, out


def run_chainboot(t, build, board):
    name = f"{board} chainboot: the loader takes a kernel over serial and runs it"
    kernel = os.path.join(build, board, "exit3", "kernel8.img")
    q, st, out = chainboot_session(build, board, kernel)
    if st != 0 or q != 3 or not re.search(r"^exiting with status 3$", out, re.M) or \
            not re.search(rf"^gometal on {board}: entered at EL2", out, re.M):
        t.fail(name, f"chainboot exited {st}, QEMU {q}", out)
    else:
        t.ok(name, f"  (QEMU exited {q}, as the pushed kernel asked)")
    name = f"{board} chainboot: nudges still in flight when the loader answers are skipped"
    q, st, out = chainboot_session(build, board, kernel, ["--slow-line-for-test"])
    if st != 0 or q != 3 or not re.search(r"^exiting with status 3$", out, re.M):
        t.fail(name, f"chainboot exited {st}, QEMU {q}", out)
    else:
        t.ok(name)
    name = f"{board} chainboot: a corrupted transfer is refused"
    q, st, out = chainboot_session(build, board, kernel, ["--corrupt-for-test"])
    if st != 1 or "arrived corrupted (CRC mismatch)" not in out:
        t.fail(name, f"chainboot exited {st}", out)
    else:
        t.ok(name)


def run_chainboot_errors(t, build):
    """The host program's own errors: a missing port, a silent one."""
    tool = os.path.join(build, "host", "chainboot")
    image = os.path.join(build, "rpi3", "exit3", "kernel8.img")
    name = "chainboot: a missing port is named"
    st, out, _ = run([tool, "/dev/ttyUSB-nonexistent", image])
    if st != 1 or "/dev/ttyUSB-nonexistent: no such port" not in out:
        t.fail(name, f"exited {st}", out)
    else:
        t.ok(name)
    name = "chainboot: a port where no loader answers"
    sock = os.path.join(build, "host", "silent.sock")
    if os.path.exists(sock):
        os.unlink(sock)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(sock)
    srv.listen(1)
    st, out, secs = run([tool, sock, image, "--wait=2"])
    if st != 1 or "no answer from a chainloader within 2 s" not in out:
        t.fail(name, f"exited {st}", out)
    else:
        t.ok(name, f"  ({secs:.1f} s)")
    # By default it waits for a person to power the board on: 300 s,
    # saying so at once (stopped as soon as it has).
    name = "chainboot: by default it waits 300 s for the board, and says so"
    st, out, secs = run([tool, sock, image], until=r"waiting up to 300 s for the board's chainloader")
    srv.close()
    if st != "stopped":
        t.fail(name, f"exited {st} without saying it waits 300 s", out)
    else:
        t.ok(name)


def run_suite(t, build, label, board, smp, make_vars, args, expect):
    # A hang, not a slow run: more vCPUs than 4 share the host's cores, and
    # the 8-core suite took up to 283 s in a loaded run (two make tests).
    limit = TIMEOUT * min(4, max(1, smp // 4))
    status, out, secs = boot(build, board, smp, make_vars, f"expect_cpus={expect} {args}",
                             timeout=limit)
    judge_suite(t, label, status, out, secs, args, expect, limit)


def judge_suite(t, label, status, out, secs, args, expect, limit):
    """A ktest boot's cases, summary, cores and exit status."""
    name = f"{label}"
    if status is None:
        t.fail(name, f"timed out after {limit} s", out)
        return
    p = parse(out)
    for case, r, ms, block in p["cases"]:
        if r == "OK":
            t.passed += 1
        elif r == "FAILED":
            t.fail(f"{label}: {case}", "failed", block)
    if p["unfinished"]:
        t.fail(f"{label}: {p['unfinished']}", "did not finish (the boot ended in it)", out)
    results = p["cases"]
    summary = p["summary"]
    online = re.search(r"^cpus online: (\d+)$", out, re.M)
    problems = []
    if not summary:
        problems.append("no test summary (crash or hang)")
    if re.search(r"^panic:", out, re.M):
        problems.append("panicked")
    if not online or int(online.group(1)) != expect:
        problems.append(f"expected 'cpus online: {expect}'")
    if "smp_stuck" in args and "did not come online" not in out:
        problems.append("stuck core was not reported")
    if "smp_late" in args and not re.search(r"^smp: core \w+ did not come online within 50 ms$", out, re.M):
        problems.append("late core was not reported")
    sched_line = (r"^SCHED \d+ms: gomaxprocs=4 idleprocs=[0-4] threads=4 "
                  r"spinningthreads=\d+ runqueue=\d+ \[\d+ \d+ \d+ \d+\]$")
    if "schedtrace" in args and not re.search(sched_line, out, re.M):
        problems.append("no schedtrace line in Go's format")
    want = 0 if summary and summary[1] == 0 else 1
    if status != want:
        problems.append(f"exit status {status}, expected {want}")
    if problems:
        t.fail(f"{label}: boot", "; ".join(problems), out)
    else:
        t.ok(f"{label}", f"  ({len(results)} cases, {secs:.1f} s)")


LISTS = {}  # (board, build variables): the image's tests (a list=1 boot)


def run_crash(t, build, case, spec):
    """spec: a board, or board+VAR=value+... for a kernel built so. The
    case states what it must print and its status (test_crash.c), judged
    as make check judges a user's (tools/check.py)."""
    board, *make_vars = spec.split("+")
    name = f"{' '.join([board] + make_vars)} crash: {case}"
    key = (board, tuple(make_vars))
    if key not in LISTS:
        LISTS[key] = {e["name"]: e for e in checker.entries_of(boot(build, board, 1, make_vars, "list=1")[1])}
    e = LISTS[key].get(case)
    if not e or e["kind"] != "crash":
        t.fail(name, "the image has no such crash case")
        return
    status, out, secs = boot(build, board, 4, make_vars, f"crash={case}")
    problems = checker.judge_crash(out, status, e["expect"], e["status"])
    if problems:
        t.fail(name, "; ".join(problems), out)
    else:
        t.ok(name, f"  (status {status}, {secs:.1f} s)")


def run_no_semihosting(t, build, board, want_status, pattern):
    """As on hardware: no semihosting host. exit(3) must still stop the
    system: PSCI SYSTEM_OFF where there is PSCI (QEMU then exits 0), else a
    'system halted' line and every core parked."""
    name = f"{board} without semihosting: exit(3) stops the system"
    until = None if want_status is not None else pattern
    status, out, secs = boot(build, board, 4, [], "crash=exit3", semihosting=False, until=until)
    if status is None:
        t.fail(name, f"timed out after {TIMEOUT} s", out)
    elif want_status is not None and status != want_status:
        t.fail(name, f"exit status {status}, expected {want_status}", out)
    elif not re.search(pattern, out, re.M) or re.search(r"^panic:", out, re.M):
        t.fail(name, f"console does not match /{pattern}/ (or panicked)", out)
    else:
        t.ok(name, f"  ({secs:.1f} s)")


def run_make(t, name, make_args, want_zero, patterns):
    status, out, secs = run(["make", "-s", "--no-print-directory", "run"] + make_args)
    if status is None:
        t.fail(name, f"timed out after {TIMEOUT} s", out)
        return
    missing = [p for p in patterns if not re.search(p, out, re.M)]
    if (status == 0) != want_zero:
        t.fail(name, f"make exited {status}", out)
    elif missing:
        t.fail(name, f"output lacks /{missing[0]}/", out)
    else:
        t.ok(name, f"  (make exited {status}, {secs:.1f} s)")


def run_bad_input(t):
    for make_vars, pattern in BAD_INPUT:
        goal = make_vars[0] if make_vars[0] == "check" else "run"
        make_vars = make_vars[1:] if goal == "check" else make_vars
        name = f"make {goal}: bad {' '.join(make_vars)} is named"
        status, out, secs = run(["make", "-n", "--no-print-directory", goal] + make_vars)
        if status == 0 or not re.search(r"^Makefile:\d+: \*\*\* " + pattern, out, re.M):
            t.fail(name, f"make exited {status} without /{pattern}/", out)
        else:
            t.ok(name)


def run_core_limit(t, build):
    """QEMU run by hand with more cores than the kernel runs (make refuses
    SMP over NCPU_MAX): the kernel says why only NCPU_MAX come online."""
    name = "virt cores past NCPU_MAX: the kernel says so"
    d = os.path.join(build, "virt", "target")
    cmd = [a if a != "128" else "130" for a in qemu_base("virt", 128, ["GIC=3"])] + [
        "-kernel", os.path.join(d, "Image"), "-append", "maxcpus=130 expect_cpus=128 test=smp",
        "-nic", "none", "-display", "none", "-monitor", "none", "-serial", "stdio",
        "-semihosting-config", "enable=on,target=native"]
    status, out, secs = run(cmd)
    want = [r"^smp: 130 cores asked for and present, but this kernel runs at most 128 \(NCPU_MAX",
            r"^cpus online: 128$", r"^test: [1-9]\d* passed, 0 failed$"]
    missing = [p for p in want if not re.search(p, out, re.M)]
    if status != 0 or missing:
        t.fail(name, f"exit {status}; missing {missing}", out)
    else:
        t.ok(name, f"  ({secs:.1f} s)")


def run_layers(t):
    """The folders' layers (README, "Where things live"): no include points
    up, and the check does see one that would."""
    tool = [sys.executable, os.path.join(ROOT, "tools", "check-layers.py")]
    status, out, secs = run(tool)
    if status != 0 or not re.search(r"^PASS layers$", out, re.M):
        t.fail("layers: every include points down", f"check-layers exited {status}", out)
    else:
        t.ok("layers: every include points down")
    for f, line, want in [
            ("kernel/printk.c", "#include <sched/sched.h>", r"kernel/ includes sched/"),
            ("drivers/irq/gicv2.c", "#include <rt/smp.h>", r"drivers/ includes rt/"),
            ("sched/chan.h", '#include "host_sched.h"', r"sched/ includes tests/"),
            ("apps/hello/x.c", "#include <kernel/percpu.h>", r"apps/ includes kernel/")]:
        name = f"layers: the check refuses {f} including {line.split()[1]}"
        status, out, secs = run(tool + ["--plant", f, line])
        if status != 1 or not re.search(r"^FAIL layers: " + re.escape(f) + r":\d+: " + want, out, re.M):
            t.fail(name, f"check-layers exited {status} without /{want}/", out)
        else:
            t.ok(name)


def host_results(t, path):
    if not os.path.exists(path):
        t.fail("host tests", f"{path} missing")
        return
    with open(path) as f:
        for line in f:
            word, _, name = line.strip().partition(" ")
            if word == "PASS":
                t.ok("host: " + name)
            elif word == "FAIL":
                t.fail("host: " + name, "failed (see the host test output above)")


T = Tally()


def run_bench_guard(t, build):
    """The quick -icount pass: every per-operation instruction count must
    stay within 10% of bench/baseline.json (tools/bench.py --check)."""
    image = os.path.join(build, "virt", "bench", "Image")
    status, out, secs = run([sys.executable, os.path.join(ROOT, "tools", "bench.py"), "--image", image,
                             "--check", os.path.join(ROOT, "bench", "baseline.json")])
    lines = re.findall(r"^(ok  |FAIL) (bench\.\w+): (.*)$", out, re.M)
    if status is None or not lines:
        t.fail("bench: instruction-count guard", "no counts" if status is not None else "timed out", out)
        return
    for verdict, name, detail in lines:
        if verdict == "FAIL":
            t.fail(name, detail + " (more than 10% above bench/baseline.json)")
        else:
            t.ok(name, f" ({detail})")
    if status != 0 and all(v != "FAIL" for v, _, _ in lines):
        t.fail("bench: instruction-count guard", f"exit status {status}", out)


def run_bench_modes(t, build):
    """The other modes run and give sane figures: memory on a few blocked
    tasks, throughput at SMP=2 with its checks, and the Pi 4 build's cycle
    counter under QEMU raspi4b (emulated cycles: a smoke test, not figures)."""
    virt = os.path.join(build, "virt", "bench", "Image")
    base = ["qemu-system-aarch64", "-M", "virt", "-cpu", "cortex-a72", "-nic", "none", "-nographic",
            "-semihosting-config", "enable=on,target=native", "-kernel", virt]
    cases = [
        ("bench: memory per blocked task", base + ["-m", "512M", "-smp", "1", "-append",
                                                  "maxcpus=1 bench=memory n=2000"],
         [r"^result blocked_bytes (\d+)\.\d+ bytes$"]),
        ("bench: throughput at SMP=2", base + ["-m", "512M", "-smp", "2", "-append",
                                             "maxcpus=2 bench=throughput"],
         [r"^check fib 9227465$", r"^check sieve 7919$", r"^check daisy 10001$",
          r"^result daisy_relay [\d.]+ ms$", r"^result matmul [\d.]+ ms$"]),
    ]
    for name, cmd, patterns in cases:
        status, out, secs = run(cmd)
        missing = [p for p in patterns if not re.search(p, out, re.M)]
        if status != 0 or missing:
            t.fail(name, f"exit {status}; missing {missing}" if missing else f"exit {status}", out)
        else:
            t.ok(name, f" ({secs:.1f}s)")
    # Cycles from PMCCNTR_EL0: QEMU's counter ticks, so a count is > 0.
    # Under -icount: without it QEMU's cycles are host nanoseconds, which a
    # loaded host's stalls move from one timed window to the next (the
    # timer-interrupt figures compare two windows, bench/ops.c).
    # The rpi4 build halts rather than exits, so a panic ends the wait too.
    image = os.path.join(build, "rpi4", "bench", IMAGES["rpi4"])
    cmd = qemu_base("rpi4", 4, []) + ["-kernel", image, "-append", "maxcpus=1 bench=ops scale=2",
                                      "-nic", "none", "-display", "none", "-monitor", "none",
                                      "-serial", "stdio"] + ICOUNT
    status, out, secs = run(cmd, until=r"^(bench: done|gometal: system halted.*)$")
    if not re.search(r"^bench: done$", out, re.M):
        status = "halted" if status == "stopped" else status
    got = re.findall(r"^result (\w+) ([\d.]+) cycles$", out, re.M)
    if status != "stopped" or len(got) < 8 or any(float(v) <= 0 for _, v in got):
        t.fail("bench: rpi4 build counts cycles", f"status {status}, {len(got)} cycle figures", out)
    else:
        t.ok("bench: rpi4 build counts cycles", f" ({len(got)} figures, yield {dict(got)['yield']} cycles emulated)")


def run_entry_refusal(t, build, name, board, image, load, pattern):
    """A start the kernel cannot run from: one line, then it stays stopped."""
    path = os.path.join(build, board, "target", image)
    cmd = qemu_base(board, 1, []) + [a.format(image=path) for a in load] + [
        "-nic", "none", "-display", "none", "-monitor", "none", "-serial", "stdio"]
    # Then 2 s more: anything after the line would be a core running on.
    # The line comes before any other output, in well under a second
    # unloaded; 60 s is for a loaded host.
    status, out, secs = run(cmd, until=r"Stopped\.$", linger=2, timeout=60)
    if status != "stopped" or not re.search(pattern, out, re.M | re.S):
        t.fail(name, f"status {status}; console does not match /{pattern}/", out)
    else:
        t.ok(name)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--host", help="host test results file")
    ap.add_argument("--only", default="", help="run only what matches this regex")
    opts = ap.parse_args()
    build = os.path.join(ROOT, opts.build)
    sel = re.compile(opts.only)
    t = T

    for label, board, smp, make_vars, args, expect in SUITES:
        if sel.search(label):
            run_suite(t, build, label, board, smp, make_vars, args, expect)
    for case, boards in CRASHES:
        for spec in boards:
            if sel.search(f"{spec.replace('+', ' ')} crash: {case}"):
                run_crash(t, build, case, spec)
    for name, board, image, load, pattern in ENTRY_REFUSALS:
        if sel.search(name):
            run_entry_refusal(t, build, name, board, image, load, pattern)
    if sel.search("without semihosting"):
        run_no_semihosting(t, build, "virt", 0, r"test: crash case exit3$")
        run_no_semihosting(t, build, "rpi3", None, r"^gometal: system halted, status 3$")
        run_no_semihosting(t, build, "rpi4", None, r"^gometal: system halted, status 3$")
    for board in ("virt", "rpi4"):
        if sel.search(f"{board} gdb"):
            run_gdb(t, build, board)
    if sel.search("rpi5 image"):
        check_image_header(t, build, "rpi5", IMAGES["rpi5"])
    for board in ("rpi3", "rpi4"):
        if sel.search(f"{board} chainboot"):
            run_chainboot(t, build, board)
    if sel.search("chainboot: a"):
        run_chainboot_errors(t, build)
    for board in ("rpi3", "rpi4", "rpi5"):
        if sel.search(f"{board} sdimage"):
            run_sdimage(t, build, board)
    for board in ("rpi4", "rpi5"):
        if sel.search(f"{board} board file"):
            check_board_sources(t, board)
    for board in ("rpi3", "rpi4"):
        if sel.search(f"{board} openocd"):
            run_openocd(t, board)
    if sel.search("make run"):
        run_make(t, "make run (demo)", [], True,
                 [r"^cpus online: 4$", r"^hello from main \(task 1\) on cpu \d of 4$",
                  r"^all 16 workers done; per cpu: \d+ \d+ \d+ \d+$"])
        # 960 MiB: QEMU's ATAG_MEM (1 GiB less its 64 MiB for the GPU),
        # which wins over board.c's 948 MiB default.
        run_make(t, "make run BOARD=rpi3 (demo)", ["BOARD=rpi3"], True,
                 [r"^gometal on rpi3: entered at EL2, 960 MiB RAM at 0, ", r"^cpus online: 4$",
                  r"^hello from main"])
        run_make(t, "make run BOARD=rpi4 (demo)", ["BOARD=rpi4"], True,
                 [r"^gometal on rpi4: entered at EL2", r"^cpus online: 4$", r"^hello from main"])
        run_make(t, "make run APP=apps/pipeline", ["APP=apps/pipeline"], True,
                 [r"^sum of squares 1..100 = 338350 \(want 338350\)$"])
        run_make(t, "make run APP=tests/apps/exit3", ["APP=tests/apps/exit3"], False,
                 [r"^exiting with status 3$", r"exited with status 3"])
    if sel.search("make run: bad") or sel.search("make check: bad"):
        run_bad_input(t)
    if sel.search("layers:"):
        run_layers(t)
    if sel.search("virt cores past NCPU_MAX"):
        run_core_limit(t, build)
    if sel.search("bench: instruction-count guard"):
        run_bench_guard(t, build)
    if sel.search("bench: modes"):
        run_bench_modes(t, build)
    for label, board, smp, make_vars in console_input.SUITES:
        if sel.search(label):
            console_input.run_suite(t, label, boot_cmd(build, board, smp, make_vars, console_input.ARGS),
                                    lambda *a: judge_suite(t, label, *a, console_input.ARGS, smp, TIMEOUT))
    for board in ("virt", "rpi3", "rpi4"):
        if sel.search(f"make run BOARD={board} APP=apps/shell"):
            console_input.run_shell(t, ROOT, board)
    harness_checks.run_all(t, sel, run)
    trace_checks.run_all(t, sel, run, build)
    if opts.host and sel.search("host"):
        host_results(t, opts.host)

    print(f"{t.passed} passed, {t.failed} failed")
    return 0 if t.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
