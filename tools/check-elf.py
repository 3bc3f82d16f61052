#!/usr/bin/env python3
"""Fails if a loadable segment of the kernel ELF is both writable and
executable, or if code and writable data share a 4 KiB page."""
import subprocess
import sys

elf = sys.argv[1]
out = subprocess.run(["aarch64-linux-gnu-readelf", "-lW", elf], check=True,
                     capture_output=True, text=True).stdout
segs = []
for line in out.splitlines():
    f = line.split()
    if f and f[0] == "LOAD":
        vaddr, memsz = int(f[2], 16), int(f[5], 16)
        flags = "".join(f[6:-1])
        segs.append((vaddr, vaddr + memsz, flags))
bad = False
pages = lambda s, e: set(range(s // 4096, (e - 1) // 4096 + 1)) if e > s else set()
for s, e, fl in segs:
    if "W" in fl and "E" in fl:
        print(f"check-elf: {elf}: segment at {s:#x} is writable and executable")
        bad = True
code = set().union(*[pages(s, e) for s, e, fl in segs if "E" in fl])
data = set().union(*[pages(s, e) for s, e, fl in segs if "W" in fl])
if code & data:
    print(f"check-elf: {elf}: code and writable data share page(s) "
          + ", ".join(hex(p * 4096) for p in sorted(code & data)))
    bad = True
sys.exit(1 if bad else 0)
