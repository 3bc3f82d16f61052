#!/usr/bin/env python3
"""The runner behind `make check` (and, for booting and reading a test
image, behind tests/run.py, which imports it).

For each board, SMP count and seed asked for, boots the program's test
image (built by the Makefile with the harness, lib/test/) under QEMU:
first once with list=1 to learn its tests, then for the tests that RUN
selects; a test that hangs or crashes ends its boot, is reported with the
last console lines, and the next boot goes on after it (from=). Each CRASH
case runs in a boot of its own and must end the system as it states. One
line per test and configuration; every failure prints the command that
replays it; the last line is "N passed, N failed"; a JUnit XML report goes
to build/check/junit.xml. Exit status 1 on any failure.
"""
import argparse
import os
import random
import re
import shlex
import signal
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TAIL = 25
# -icount: the guest's clock counts its instructions (1 ns each), and the
# vCPUs take turns on one host thread: timing, and so a seed's schedule,
# is a function of the instructions executed, whatever the host does.
ICOUNT = ["-icount", "shift=0,align=off,sleep=off"]
CMDLINE_MAX = 512  # kernel/cmdline.c, with its terminating NUL
DEFAULT_TEST_MS = 600000  # lib/test/harness.c's default: Go's 10 minutes
IMAGES = {"virt": "Image", "rpi3": "kernel8.img", "rpi4": "kernel8.img", "rpi5": "kernel_2712.img"}
# A marker starts a line, except a result's: a test may leave its last
# line without a newline ("...[       OK ] suite.name (3 ms)").
CASE = re.compile(r"(?:^|(?<=[^\n])(?=\[ +(?:OK|FAILED) ))\[ +(RUN|OK|FAILED|SKIPPED|TIMEOUT) +\] "
                  r"(\S+)(?: \((?:(\d+) ms|[^)\n]*)\))?$", re.M)


def run(cmd, cwd=ROOT, until=None, linger=0, timeout=300, quiet=None, env=None):
    """Runs cmd, collecting its output. Returns (exit status, text, seconds);
    the status is None on a timeout (or when nothing was printed for `quiet`
    seconds), or "stopped" once `until` (a regex) has appeared in the output
    (and `linger` seconds more have passed), for systems that halt without
    exiting."""
    start = time.monotonic()
    # Its own process group: a timeout kills everything it started (a make
    # and its QEMU), not only the first process, and nobody keeps the pipe.
    p = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, start_new_session=True, env=env)
    chunks = []
    reader = threading.Thread(target=lambda: chunks.extend(iter(lambda: p.stdout.read1(4096), b"")))
    reader.start()
    status = None
    seen_len, last_change = 0, start
    try:
        while time.monotonic() - start < timeout:
            if p.poll() is not None:
                status = p.returncode
                break
            now = time.monotonic()
            if len(chunks) != seen_len:
                seen_len, last_change = len(chunks), now
            elif quiet and now - last_change > quiet:
                break
            if until:
                seen = b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")
                if re.search(until, seen, re.M):
                    status = "stopped"
                    time.sleep(linger)
                    break
            time.sleep(0.05)
    finally:  # also on Ctrl-C: its group is not the terminal's, so nobody else ends it
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
        p.wait()
        try:
            os.killpg(p.pid, signal.SIGKILL)  # what it left behind, if anything
        except ProcessLookupError:
            pass
    reader.join()
    text = b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")
    return status, text, time.monotonic() - start


def parse(out, names=None):
    """A harness boot's console: {"cases": [(name, result, ms, block)],
    "summary": (passed, failed) or None, "started": RUN lines seen,
    "unfinished": the test that was running when the boot ended, or None}.
    result: "OK", "FAILED", "SKIPPED"; block: what the test printed.
    names: the image's tests, if known: a marker naming anything else is
    a test's own output."""
    cases, started, current, begin = [], 0, None, 0
    for m in CASE.finditer(out):
        kind, name = m.group(1).strip(), m.group(2)
        if names is not None and name not in names:
            continue
        if kind == "RUN":
            started += 1
            current, begin = name, m.end()
        elif kind == "SKIPPED":
            started += 1
            cases.append((name, "SKIPPED", 0, ""))
        elif kind in ("OK", "FAILED") and name == current:
            cases.append((name, kind, int(m.group(3) or 0), out[begin:m.start()].strip("\n")))
            current = None
    s = re.search(r"^test: (\d+) passed, (\d+) failed", out, re.M)
    return {"cases": cases, "summary": (int(s.group(1)), int(s.group(2))) if s else None,
            "started": started, "unfinished": current,
            "timed_out": bool(re.search(r"^\[  TIMEOUT \]", out, re.M))}


def symbolize(text, elf):
    """Names the functions behind a panic's pc/lr/backtrace addresses."""
    out = []
    for line in text.split("\n"):
        out.append(line)
        m = re.match(r"\s+(backtrace:|pc )", line)
        if not m or not elf or not os.path.exists(elf):
            continue
        addrs = re.findall(r"\b([0-9a-f]{6,16})\b", line.split(":", 1)[-1] if m.group(1) == "backtrace:" else line)
        if not addrs:
            continue
        r = subprocess.run(["aarch64-linux-gnu-addr2line", "-f", "-s", "-e", elf] + addrs,
                           capture_output=True, text=True)
        names = r.stdout.split("\n")
        for i, a in enumerate(addrs):
            if 2 * i + 1 < len(names):
                out.append(f"        {a}: {names[2 * i]} ({names[2 * i + 1]})")
    return "\n".join(out)


def entries_of(out):
    """What a list=1 boot printed: one dict per test, crash case, benchmark."""
    rows = re.findall(r"^test: list (\d+) (\w+) (\S+) (\d+) (\d+) (\d+) (.*)$", out, re.M)
    return [dict(i=int(i), kind=k, name=n, timeout=int(t), min_cpus=int(c), status=int(s),
                 expect=e) for i, k, n, t, c, s, e in rows]


def judge_crash(out, status, expect, want):
    """What is wrong with a crash case's boot: its console must match
    `expect`, its exit status be `want`, and a panic (status 2) come once."""
    problems = []
    if status is None:
        return ["hung"]
    if not re.search(expect, out, re.M):
        problems.append(f"console does not match /{expect}/")
    if status != want:
        problems.append(f"exit status {status}, expected {want}")
    elif want == 2 and len(re.findall(r"^(panic:|fatal error:)", out, re.M)) != 1:
        problems.append("expected exactly one panic line")
    return problems


def tail(text, n=TAIL):
    return text.rstrip("\n").split("\n")[-n:]


def qemu_base(board, smp, make_vars=()):
    r = subprocess.run(["make", "-s", "--no-print-directory", "print-qemu", f"BOARD={board}",
                        f"SMP={smp}"] + list(make_vars), cwd=ROOT, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(r.stderr.strip() or f"print-qemu BOARD={board} SMP={smp} failed")
    return r.stdout.strip().split()


def xml_safe(text):
    """Console text without the control characters XML 1.0 forbids."""
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "?", text)


def qemu_cmd(board, smp, image, append, make_vars=(), semihosting=True, icount=False):
    """The QEMU command line that boots a test image: the board's machine
    (make print-qemu), the console on stdio, no network, display or monitor."""
    return qemu_base(board, smp, make_vars) + [
        "-kernel", image, "-append", append,
        "-nic", "none", "-display", "none", "-monitor", "none", "-serial", "stdio",
    ] + (["-semihosting-config", "enable=on,target=native"] if semihosting else []) \
      + (ICOUNT if icount else [])


def user_env():
    """The environment a user's own `make ...` would see: nothing of an
    outer make (make test V=1, BOARD=...) leaking in through it."""
    return {k: v for k, v in os.environ.items()
            if k not in ("MAKEFLAGS", "MAKEOVERRIDES", "MAKELEVEL", "MFLAGS")}


class Report:
    """Console lines, the tally, and the JUnit XML (one <testsuite> per
    configuration: board, cores, seed)."""

    def __init__(self):
        self.passed = self.failed = 0
        self.root = ET.Element("testsuites")
        self.suites = {}

    def suite(self, config):
        if config not in self.suites:
            self.suites[config] = ET.SubElement(self.root, "testsuite", name=config)
        return self.suites[config]

    def case(self, config, name, result, secs=0.0, why="", output="", replay=""):
        cls, _, short = name.rpartition(".")
        tc = ET.SubElement(self.suite(config), "testcase", classname=f"{config}.{cls or 'crash'}",
                           name=short, time=f"{secs:.3f}")
        if result == "PASS":
            self.passed += 1
            print(f"PASS  {config}: {name}" + (f" ({secs * 1000:.0f} ms)" if secs else ""), flush=True)
        elif result == "SKIP":
            ET.SubElement(tc, "skipped", message=why)
            print(f"SKIP  {config}: {name}: {why}", flush=True)
        else:
            self.failed += 1
            tag = "failure" if result == "FAIL" else "error"
            el = ET.SubElement(tc, tag, message=xml_safe(why))
            el.text = xml_safe(output + (f"\nreplay: {replay}" if replay else ""))
            print(f"FAIL  {config}: {name}: {why}", flush=True)
            for line in output.split("\n") if output else []:
                print("      | " + line)
            if replay:
                print(f"      replay: {replay}", flush=True)

    def write(self, path):
        for s in self.root:
            s.set("tests", str(len(s)))
            s.set("failures", str(len(s.findall("testcase/failure"))))
            s.set("errors", str(len(s.findall("testcase/error"))))
            s.set("skipped", str(len(s.findall("testcase/skipped"))))
            s.set("time", f"{sum(float(c.get('time')) for c in s):.3f}")
        self.root.set("tests", str(sum(int(s.get("tests")) for s in self.root)))
        self.root.set("failures", str(sum(int(s.get("failures")) for s in self.root)))
        self.root.set("errors", str(sum(int(s.get("errors")) for s in self.root)))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        ET.ElementTree(self.root).write(path, encoding="utf-8", xml_declaration=True)


def seeds_of(spec, shuffle, chaos):
    """SEED=n, SEED=a-b (a sweep), or none: 0 (the default schedule), or a
    random one when a shuffle or chaos asks for randomness."""
    if spec:
        m = re.fullmatch(r"(\d+)(?:-(\d+))?", spec)
        if not m:
            sys.exit(f"check: SEED={spec}: a number, or a range a-b")
        a, b = int(m.group(1)), int(m.group(2) or m.group(1))
        return list(range(a, b + 1))
    return [random.randrange(1, 1 << 31)] if shuffle or chaos else [0]


class Checker:
    def __init__(self, o):
        self.o = o
        self.r = Report()
        self.sel = re.compile(o.run or "")

    def elf(self, board):
        return os.path.join(self.o.build, board + self.o.variant, self.o.name, "kernel.elf")

    def boot(self, board, smp, args, timeout=None, quiet=None):
        img = os.path.join(self.o.build, board + self.o.variant, self.o.name, IMAGES[board])
        line = f"maxcpus={smp} {args}".strip()
        if len(line) >= CMDLINE_MAX:
            sys.exit(f"check: the boot arguments would be {len(line)} bytes, over the kernel's "
                     f"{CMDLINE_MAX - 1} (kernel/cmdline.c): select fewer tests with RUN=, or "
                     f"shorten ARGS")
        cmd = qemu_cmd(board, smp, img, line, self.o.make_var, icount=self.o.icount)
        return run(cmd, timeout=timeout or self.o.timeout, quiet=quiet or self.o.quiet)

    def entries(self, board):
        status, out, _ = self.boot(board, 1, "list=1", timeout=120)
        if "test: list end" not in out:
            sys.exit(f"check: {board}: the image did not list its tests:\n" + "\n".join(tail(out)))
        return entries_of(out)

    def replay(self, board, smp, seed, extra=""):
        o = self.o
        words = [f"make check APP={o.app}", f"BOARDS={board}", f"SMP={smp}", f"SEED={seed}"]
        for k, v in (("ICOUNT", o.icount), ("CHAOS", o.chaos), ("QUANTUM_US", o.quantum),
                     ("TIMEOUT_MS", o.test_timeout if o.test_timeout != DEFAULT_TEST_MS else 0),
                     ("COUNT", o.count if o.count != 1 else 0), ("SHUFFLE", o.shuffle)):
            if v:
                words.append(f"{k}={v}")
        words += o.make_var
        if o.run:
            words.append(f"RUN={shlex.quote(o.run)}")
        if o.args:
            words.append(f"ARGS={shlex.quote(o.args)}")
        if not o.icount:  # the host's timing decides the interleaving
            extra += "  (add ICOUNT=1 to replay the interleaving too, not only the seed)"
        return " ".join(words) + extra

    def bits(self, chosen):
        return format(sum(1 << e["i"] for e in chosen), "x")

    def config(self, board, smp, seed):
        """A configuration's name in the report: "virt smp=4 seed=3 chaos"."""
        return f"{board} smp={smp}" + (f" seed={seed}" if seed else "") + (" chaos" if self.o.chaos else "")

    def run_tests(self, board, smp, seed, tests):
        o = self.o
        config = self.config(board, smp, seed)
        if not tests:
            return
        base = f"count={o.count} seed={seed}" + \
            (" shuffle=1" if o.shuffle else "") + (" icount=1" if o.icount else "") + \
            (f" timeout_ms={o.test_timeout}" if o.test_timeout != DEFAULT_TEST_MS else "") + \
            (f" {o.args}" if o.args else "")
        # A hang: silent for twice the longest test's time, or o.quiet.
        # (Under -icount the guest's clock may run several times slower than the host's.)
        quiet = max(o.quiet, 2 * max(e["timeout"] or o.test_timeout for e in tests) // 1000 + 60)
        quiet *= 4 if o.icount else 1
        start, total = 0, None
        while True:
            status, out, secs = self.boot(board, smp, f"from={start} only={self.bits(tests)} {base}",
                                          quiet=quiet)
            if o.verbose:
                print("\n".join("      " + line for line in out.rstrip("\n").split("\n")), flush=True)
            n = re.search(r"^test: (\d+) to run", out, re.M)
            total = int(n.group(1)) if n else total
            p = parse(out, {e["name"] for e in tests})
            for name, result, ms, block in p["cases"]:
                if result == "OK":
                    self.r.case(config, name, "PASS", ms / 1000)
                elif result == "SKIPPED":
                    self.r.case(config, name, "SKIP", why=f"needs more than {smp} cores")
                else:
                    self.r.case(config, name, "FAIL", ms / 1000, "failed", block,
                                self.replay(board, smp, seed))
            if p["summary"] and status in (0, 1):
                got = (sum(r == "OK" for _, r, _, _ in p["cases"]),
                       sum(r == "FAILED" for _, r, _, _ in p["cases"]))
                if got != p["summary"] or (status == 1) != (p["summary"][1] > 0):
                    self.r.case(config, "(summary)", "ERROR", secs,
                                f"the harness counted {p['summary']} (passed, failed), the console "
                                f"shows {got}, exit status {status}", "\n".join(tail(out)),
                                self.replay(board, smp, seed))
                return
            # The boot ended inside a test (or before any): report it, go on after it.
            why = ("timed out" if p["timed_out"] else
                   f"hung (no console output for {quiet} s)" if status is None else
                   f"crashed (exit status {status})")
            name = p["unfinished"] or "(boot)"
            self.r.case(config, name, "ERROR", secs, why,
                        symbolize("\n".join(tail(out)), self.elf(board)), self.replay(board, smp, seed))
            start += p["started"]
            if not p["unfinished"] or total is None or start >= total:
                return

    def run_crash(self, board, smp, seed, e):
        config = self.config(board, smp, seed)
        status, out, secs = self.boot(board, smp, f"crash={e['name']} seed={seed}" +
                                      (" icount=1" if self.o.icount else "") +
                                      (f" {self.o.args}" if self.o.args else ""))
        problems = judge_crash(out, status, e["expect"], e["status"])
        name = f"crash.{e['name']}"
        if problems:
            self.r.case(config, name, "FAIL", secs, "; ".join(problems), "\n".join(tail(out)),
                        self.replay(board, smp, seed))
        else:
            self.r.case(config, name, "PASS", secs)

    def run_bench(self, board, smp, entries):
        chosen = [e for e in entries if e["kind"] == "bench" and re.search(self.o.bench, e["name"])]
        if not chosen:
            return
        status, out, _ = self.boot(board, smp, f"bench=1 only={self.bits(chosen)}" +
                                   (" icount=1" if self.o.icount else "") +
                                   (f" benchtime_ms={self.o.benchtime}" if self.o.benchtime else "") +
                                   (f" {self.o.args}" if self.o.args else ""))
        for line in re.findall(r"^BENCH .*$", out, re.M):
            print(f"{board} smp={smp}: {line[6:]}", flush=True)
        if status != 0 or "test: benchmarks done" not in out:
            self.r.case(f"{board} smp={smp}", "bench", "ERROR", 0, f"exit status {status}",
                        "\n".join(tail(out)))

    def main(self):
        o = self.o
        for board in o.boards:
            entries = self.entries(board)
            tests = [e for e in entries if e["kind"] == "test" and self.sel.search(e["name"])]
            crashes = [e for e in entries if e["kind"] == "crash" and self.sel.search("crash." + e["name"])]
            for smp in o.smp:
                if o.bench:
                    self.run_bench(board, smp, entries)
                    continue
                for seed in seeds_of(o.seed, o.shuffle, o.chaos):
                    self.run_tests(board, smp, seed, tests)
                    for e in crashes:
                        self.run_crash(board, smp, seed, e)
        self.r.write(o.junit)
        print(f"junit: {os.path.relpath(o.junit, ROOT)}")
        print(f"{self.r.passed} passed, {self.r.failed} failed")
        return 0 if self.r.failed == 0 else 1


def options(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--app", required=True, help="APP as given to make (for replay commands)")
    ap.add_argument("--name", required=True, help="the image's directory name under build/<board>/")
    ap.add_argument("--variant", default="", help="the Makefile's VARIANT (build directory suffix)")
    ap.add_argument("--make-var", action="append", default=[], help="VAR=value for print-qemu (GIC=3)")
    ap.add_argument("--boards", default="virt")
    ap.add_argument("--smp", default="4")
    ap.add_argument("--run", default="")
    ap.add_argument("--count", type=int, default=1)
    ap.add_argument("--shuffle", type=int, default=0)
    ap.add_argument("--seed", default="")
    ap.add_argument("--icount", type=int, default=0)
    ap.add_argument("--chaos", type=int, default=0)
    ap.add_argument("--quantum", default="")
    ap.add_argument("--bench", default="")
    ap.add_argument("--benchtime", default="")
    ap.add_argument("--args", default="", help="more boot arguments")
    ap.add_argument("--verbose", type=int, default=0)
    ap.add_argument("--test-timeout", type=int, default=DEFAULT_TEST_MS,
                    help="ms a test may take unless it states its own (boot argument timeout_ms=)")
    ap.add_argument("--timeout", type=int, default=4 * 3600, help="seconds a boot may take")
    ap.add_argument("--quiet", type=int, default=240, help="seconds without console output: a hang")
    ap.add_argument("--junit", default=os.path.join(ROOT, "build", "check", "junit.xml"))
    o = ap.parse_args(argv)
    o.boards, o.smp = o.boards.split(), [int(s) for s in o.smp.split()]
    o.build = os.path.abspath(o.build)
    return o


if __name__ == "__main__":
    sys.exit(Checker(options(sys.argv[1:])).main())
