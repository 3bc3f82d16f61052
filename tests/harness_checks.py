"""make check and the public test harness, held to what they must print
(tests/run.py runs these): every outcome of tests/apps/harness (pass,
fail, REQUIRE, SETUP/TEARDOWN, timeout, skip, crash cases, the JUnit
report), shuffling and test_rand() by seed, a seed's schedule replayed
byte for byte under -icount, the planted race of tests/apps/racy found by
CHAOS=1 and replayed from its seed, benchmarks, and apps/pipeline's tests
on every board."""
import os
import re
import sys
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
from check import user_env  # noqa: E402

JUNIT = os.path.join(ROOT, "build", "check", "junit.xml")

# tests/apps/harness at SMP=2, on each board ({board}): lines make check must print.
OUTCOMES = [
    r"^FAIL  {board} smp=2: checks\.fails_require_in_a_helper: failed\n"
    r"      \|   \S+test_outcomes\.c:\d+: check failed: go_ncpu\(\) > 1000\n"
    r"      replay: make check APP=tests/apps/harness BOARDS={board} SMP=2 SEED=0  "
    r"\(add ICOUNT=1 to replay the interleaving too, not only the seed\)$",
    r"^SKIP  {board} smp=2: cores\.is_skipped_with_fewer_than_64: needs more than 2 cores$",
    r"^PASS  {board} smp=2: fixture\.setup_runs_before_each_test( \(\d+ ms\))?$",
    r"^FAIL  {board} smp=2: fixture\.fails_require_ends_the_test: failed\n"
    r"      \|   \S+: check failed: 1 \+ 1 == 3 \(left 2, right 3\)\n"
    r"      \| teardown after fixture\.fails_require_ends_the_test\n      replay: ",
    r"^PASS  {board} smp=2: fixture\.teardown_ran_after_the_require( \(\d+ ms\))?$",
    r"^PASS  {board} smp=2: order\.f( \(\d+ ms\))?$",
    r"^FAIL  {board} smp=2: timeouts\.fails_a_hang_is_stopped: timed out\n(      \| .*\n)*"
    r"      \| \[  TIMEOUT \] timeouts\.fails_a_hang_is_stopped \(300 ms\)\n(      \| .*\n)*"
    r"      \|     1 main: waiting, chan receive, cpu \d\n(      \| .*\n)*"
    r"      \| panic: task \d+ \(test-watchdog\) on cpu \d: test timeouts\.fails_a_hang_is_stopped "
    r"timed out after 300 ms\n",
    r"^PASS  {board} smp=2: timeouts\.the_next_test_still_runs( \(\d+ ms\))?$",
    r"^PASS  {board} smp=2: crash\.panics_as_stated",
    r"^PASS  {board} smp=2: crash\.exits_as_stated",
    r"^FAIL  {board} smp=2: crash\.fails_does_not_end_as_stated: console does not match "
    r"/\^panic: never printed\$/; exit status 0, expected 2$",
]
FAILS = ["checks.fails_eq_shows_both_values: failed", "checks.fails_str_eq_shows_both_strings: failed"]


def make_check(run, args, timeout=900):
    """make check as a user runs it (check.user_env: no outer make's flags)."""
    return run(["make", "-s", "--no-print-directory", "check"] + args, timeout=timeout,
               env=user_env())


def check_outcomes(t, run, name):
    status, out, secs = make_check(run, ["APP=tests/apps/harness", "BOARDS=virt rpi3 rpi4", "SMP=2"])
    missing = []
    for board in ("virt", "rpi3", "rpi4"):
        missing += [p.replace("{board}", board) for p in OUTCOMES
                    if not re.search(p.replace("{board}", board), out, re.M)]
        missing += [f for f in FAILS if f"FAIL  {board} smp=2: {f}" not in out]
    if not re.search(r"^36 passed, 18 failed$", out, re.M):
        missing.append("36 passed, 18 failed")
    if 'check failed: "abc" == "abd" ("abc" != "abd")' not in out:
        missing.append("CHECK_STR_EQ's two strings")
    if status == 0:
        missing.append("a zero exit status with failures")
    try:
        root = ET.parse(JUNIT).getroot()
        got = {k: root.get(k) for k in ("tests", "failures", "errors")}
        skipped = len(root.findall(".//skipped"))
        if got != {"tests": "57", "failures": "15", "errors": "3"} or skipped != 3:
            missing.append(f"junit.xml: {got}, {skipped} skipped; expected 57 tests, 15 failures, "
                           "3 errors (the hangs), 3 skipped")
        if len(root.findall(".//testcase[@name='fails_a_hang_is_stopped']/error")) != 3:
            missing.append("junit.xml: the hangs as <error>s")
    except (OSError, ET.ParseError) as e:
        missing.append(f"junit.xml: {e}")
    if missing:
        t.fail(name, "missing: " + "; ".join(missing), out)
    else:
        t.ok(name, f"  ({secs:.1f} s)")


def orders(out):
    return re.findall(r"^      order (order\.\w) (\d+)$", out, re.M)


def check_shuffle(t, run, name):
    runs = {}
    for seed in ("5", "5", "6"):
        status, out, _ = make_check(run, ["APP=tests/apps/harness", "SMP=1", "RUN=^order",
                                          "SHUFFLE=1", f"SEED={seed}", "V=1"])
        runs.setdefault(seed, []).append((status, orders(out), out))
    (s1, o1, out), (s2, o2, _) = runs["5"]
    _, o3, _ = runs["6"][0]
    _, plain, _ = make_check(run, ["APP=tests/apps/harness", "SMP=1", "RUN=^order", "V=1"])
    plain = orders(plain)
    problems = []
    if s1 != 0 or len(o1) != 6:
        problems.append(f"exit status {s1}, {len(o1)} order lines")
    if o1 != o2:
        problems.append("SEED=5 twice gave two orders")
    if [n for n, _ in o1] == [n for n, _ in o3]:
        problems.append("SEED=5 and SEED=6 gave the same order")
    if [n for n, _ in plain] != [f"order.{c}" for c in "abcdef"]:
        problems.append("without SHUFFLE the order is not the file's")
    if sorted(n for n, _ in o1) != sorted(n for n, _ in plain):
        problems.append("a shuffle lost or repeated a test")
    if problems:
        t.fail(name, "; ".join(problems), out)
    else:
        t.ok(name, "  (" + " ".join(n[-1] for n, _ in o1) + ")")


def check_replay(t, run, name):
    """A seed under -icount replays a 4-core run byte for byte, on each
    board: console and the scheduler's per-P counts (schedules,
    preemptions, steals)."""
    args = ["APP=apps/pipeline", "BOARDS=virt rpi3 rpi4", "SMP=4", "ICOUNT=1", "SEED=7", "V=1"]
    (s1, a, _), (s2, b, _) = make_check(run, args), make_check(run, args)
    counts = re.findall(r"^      test: sched p\d: .*$", a, re.M)
    if s1 != 0 or s2 != 0 or a != b or len(counts) != 12:
        t.fail(name, f"status {s1}/{s2}, identical: {a == b}, {len(counts)} count lines", a + b)
    else:
        t.ok(name, f"  ({counts[0].strip()} ...)")


def check_chaos(t, run, name):
    """The planted race: the default schedule passes it; CHAOS=1 finds a
    seed that fails; that seed's replay fails the same way, every time."""
    base = ["APP=tests/apps/racy", "SMP=4", "ICOUNT=1"]
    s0, out0, _ = make_check(run, base)
    s1, out1, _ = make_check(run, base + ["CHAOS=1", "SEED=1-5"])
    replay = re.search(r"^      replay: make check (.*)$", out1, re.M)
    problems = []
    if s0 != 0 or "1 passed, 0 failed" not in out0:
        problems.append("the default schedule failed")
    if s1 == 0 or not replay:
        problems.append("CHAOS=1 SEED=1-5 found nothing")
    else:
        again = [make_check(run, replay.group(1).split() + ["V=1"]) for _ in range(2)]
        if again[0][1] != again[1][1] or "negative WaitGroup counter" not in again[0][1] or \
                again[0][0] == 0:
            problems.append(f"the replay ({replay.group(1)}) did not fail the same way twice")
    if problems:
        t.fail(name, "; ".join(problems), out0 + out1)
    else:
        t.ok(name, f"  (replay: make check {replay.group(1)})")


def check_bench(t, run, name):
    status, out, _ = make_check(run, ["APP=tests/apps/harness", "SMP=1", "BENCH=yield", "ICOUNT=1"])
    if status != 0 or not re.search(r"^virt smp=1: bench\.yield \d+ \d+\.\d insns/op$", out, re.M):
        t.fail(name, f"exit status {status}, no bench.yield line", out)
    else:
        t.ok(name)


def check_boards(t, run, name):
    status, out, secs = make_check(run, ["APP=apps/pipeline", "BOARDS=virt rpi3 rpi4", "SMP=1 4"])
    if status != 0 or not re.search(r"^33 passed, 0 failed$", out, re.M) or \
            len(re.findall(r"^SKIP  ", out, re.M)) != 3:
        t.fail(name, f"exit status {status}; expected 33 passed, 0 failed, 3 skipped", out)
    else:
        t.ok(name, f"  ({secs:.1f} s)")


CHECKS = [
    ("make check: every outcome of tests/apps/harness on virt, rpi3, rpi4, and its JUnit report", check_outcomes),
    ("make check: SHUFFLE=1 orders by SEED, and test_rand() follows the seed", check_shuffle),
    ("make check: SEED=7 ICOUNT=1 at SMP=4 replays byte for byte on virt, rpi3, rpi4", check_replay),
    ("make check: CHAOS=1 finds tests/apps/racy's race, and its seed replays it", check_chaos),
    ("make check: BENCH= reports instructions per operation under ICOUNT=1", check_bench),
    ('make check APP=apps/pipeline BOARDS="virt rpi3 rpi4" SMP="1 4"', check_boards),
]


def run_all(t, sel, run):
    for name, fn in CHECKS:
        if sel.search(name):
            fn(t, run, name)
