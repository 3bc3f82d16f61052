#!/usr/bin/env python3
"""Writes an SD-card image: an MBR with one FAT32 partition (type 0x0c,
from 1 MiB, 64 MiB long) holding the given files at its root, as the
Raspberry Pi boot ROM and firmware read it. No root and no loop mounts:
mkfs.fat --offset formats the partition inside the file, mtools copies.

    mksdimage.py OUT.img FILE...     (a FILE as src=name is stored as name)
"""
import os
import struct
import subprocess
import sys

SECTOR = 512
START = 2048                      # 1 MiB: the usual alignment
SECTORS = 64 * 1024 * 1024 // SECTOR


def mkfs(path):
    for d in ("/usr/sbin", "/sbin"):
        if os.path.exists(os.path.join(d, "mkfs.fat")):
            return os.path.join(d, "mkfs.fat")
    return "mkfs.fat"


def main():
    out, files = sys.argv[1], sys.argv[2:]
    tmp = out + ".tmp"
    with open(tmp, "wb") as f:
        f.truncate((START + SECTORS) * SECTOR)
    subprocess.run([mkfs(tmp), "-F", "32", "-n", "GOMETAL", f"--offset={START}", tmp,
                    str(SECTORS * SECTOR // 1024)], check=True, stdout=subprocess.DEVNULL)
    # The MBR, after mkfs.fat (which leaves sector 0 alone with --offset):
    # one bootable-flag-less entry, CHS fields saturated (LBA only).
    entry = struct.pack("<B3sB3sII", 0x00, b"\xfe\xff\xff", 0x0c, b"\xfe\xff\xff", START, SECTORS)
    with open(tmp, "r+b") as f:
        f.seek(440)
        f.write(struct.pack("<I", 0x474f4d54))   # disk signature "GOMT"
        f.seek(446)
        f.write(entry + bytes(48) + b"\x55\xaa")
    env = dict(os.environ, MTOOLS_SKIP_CHECK="1")
    for spec in files:
        src, _, name = spec.partition("=")
        subprocess.run(["mcopy", "-o", "-i", f"{tmp}@@{START * SECTOR}", src, "::" + (name or os.path.basename(src))],
                       check=True, env=env)
    os.replace(tmp, out)


if __name__ == "__main__":
    main()
