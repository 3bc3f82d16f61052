#!/usr/bin/env python3
"""Where one benchmark operation's instructions go, function by function.

    python3 tools/insn-profile.py OP [--image build/virt/bench/Image] [--top 30]
                                     [--listing FUNCTION]...

Boots the bench image twice on one core under -icount with QEMU logging
every executed instruction (-accel tcg,one-insn-per-tb=on -d exec,nochain),
running bench=ops op=OP at two iteration scales. The difference between
the two runs is the operations' own work (the boot, the set-up and the
warm-up cancel out); divided by the difference in operations, it gives
instructions per operation for each function (nm's symbols of
kernel.elf). Each --listing prints its function's instructions with their
counts per operation, from objdump. BENCHMARKS.md's analysis of the
per-operation targets comes from this.
"""
import argparse
import bisect
import collections
import os
import re
import subprocess
import sys
import tempfile

from bench import ICOUNT, ROOT, VIRT, virt_machine  # make bench's machine, one core

QEMU = VIRT + virt_machine() + ["-m", "512M", "-smp", "1"] + ICOUNT + [
    "-accel", "tcg,one-insn-per-tb=on", "-d", "exec,nochain"]
# How many operations each op counts at scale=1 and scale=2 (bench/ops.c:
# bench_n(n) is n * scale / 100, and each result line gives the per-op
# figure, so the difference is read from the boots' own result lines).
TRACE = re.compile(r"^Trace \d+: \S+ \[[0-9a-f]+/([0-9a-f]+)/")


def symbols(elf):
    out = subprocess.run(["aarch64-linux-gnu-nm", "-n", elf], capture_output=True, text=True,
                         check=True).stdout
    addrs, names = [], []
    for line in out.splitlines():
        f = line.split()
        if len(f) == 3 and f[1] in "tTwW":
            addrs.append(int(f[0], 16))
            names.append(f[2])
    return addrs, names


def trace(image, op, scale):
    with tempfile.NamedTemporaryFile(suffix=".log", delete=False) as log:
        path = log.name
    try:
        r = subprocess.run(QEMU + ["-D", path, "-kernel", image, "-append",
                                   "maxcpus=1 bench=ops op=%s scale=%d" % (op, scale)],
                           capture_output=True, text=True, timeout=1200)
        res = re.findall(r"^result (\w+) ([\d.]+) insn$", r.stdout, re.M)
        if not res:
            sys.exit("insn-profile: no result from op=%s:\n%s" % (op, r.stdout[-2000:]))
        pcs = collections.Counter()
        with open(path, errors="replace") as f:
            for line in f:
                m = TRACE.match(line)
                if m:
                    pcs[int(m.group(1), 16)] += 1
        return pcs, res
    finally:
        os.unlink(path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("op")
    ap.add_argument("--image", default=os.path.join(ROOT, "build", "virt", "bench", "Image"))
    ap.add_argument("--scale", type=int, default=1, help="the smaller run's scale=")
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("--listing", action="append", default=[],
                    help="a function to list instruction by instruction (repeatable)")
    a = ap.parse_args()
    elf = os.path.join(os.path.dirname(a.image), "kernel.elf")
    addrs, names = symbols(elf)
    small, res1 = trace(a.image, a.op, a.scale)
    big, res2 = trace(a.image, a.op, 2 * a.scale)
    per_op = float(res1[0][1])
    diff = {pc: big[pc] - small.get(pc, 0) for pc in big}
    total = sum(diff.values())
    ops = total / per_op if per_op else 1
    print("insn-profile: op=%s: %s %.1f instructions/op (-icount); traced difference %d "
          "instructions = %.0f ops" % (a.op, res1[0][0], per_op, total, ops))
    by_fn = collections.Counter()
    for pc, n in diff.items():
        i = bisect.bisect_right(addrs, pc) - 1
        by_fn[names[i] if i >= 0 else "?"] += n
    for fn, n in by_fn.most_common(a.top):
        if abs(n / ops) >= 0.05:
            print("  %8.1f  %s" % (n / ops, fn))
    for fn in a.listing:
        dis = subprocess.run(["aarch64-linux-gnu-objdump", "-d", "--no-show-raw-insn",
                              "--disassemble=" + fn, elf],
                             capture_output=True, text=True).stdout
        print("\n%s:" % fn)
        for line in dis.splitlines():
            m = re.match(r"^\s*([0-9a-f]+):\s+(.*)$", line)
            if m:
                n = diff.get(int(m.group(1), 16), 0) / ops
                print("  %6.2f  %s" % (n, line.strip()))


if __name__ == "__main__":
    main()
