"""Typing into the console: the runner's side of tests/target/test_input.c.

QEMU's -serial stdio reads what we write to its stdin, as the UART's
receive side. The guest prints "input? <tag>" when it wants input; we
answer each such line, in order, with that tag's bytes. Nothing is timed:
an answer is written when its question appears, however late.
"""
import os
import queue
import re
import socket
import subprocess
import tempfile
import threading
import time

# Boots of the input cases (test=input), on each interrupt controller.
ARGS = "input=1 test=input"
SUITES = [
    ("virt smp=4 input", "virt", 4, []),
    ("virt gicv3 smp=4 input", "virt", 4, ["GIC=3"]),
    ("rpi3 smp=4 input", "rpi3", 4, []),
    ("rpi4 smp=4 input", "rpi4", 4, []),
]


def pattern(n):
    """The burst's bytes, as test_input.c's pattern(): letters, no CR."""
    return bytes(ord("a") + (i * 7 + i // 26) % 26 for i in range(n))


ANSWERS = {
    "abc": b"abc",
    "lines": b"first line\ntyped\r19 23\n",
    "early": b"early bytes\n",
    "x": b"x",
    "burst": pattern(64 * 1024),
    "flood": pattern(8 * 1024),
}


def answer(tag):
    if tag.startswith("core"):
        return tag[4:].encode() + b"\n"
    if tag == "powerdown":
        return "system_powerdown"  # a monitor command, not console input
    return ANSWERS[tag]


def monitor(path, command):
    """One command to QEMU's human monitor on its unix socket."""
    with socket.socket(socket.AF_UNIX) as s:
        s.connect(path)
        s.sendall(command.encode() + b"\n")
        time.sleep(0.2)


def run_typed(cmd, timeout):
    """Runs cmd, answering its questions; (exit status or None, text, seconds).
    The monitor listens on a unix socket, for the power button."""
    tmp = tempfile.mkdtemp(prefix="gometal-mon-")
    mon = os.path.join(tmp, "monitor.sock")
    cmd = list(cmd)
    cmd[cmd.index("-monitor") + 1] = f"unix:{mon},server=on,wait=off"
    try:
        return typed(cmd, mon, timeout)
    finally:
        if os.path.exists(mon):
            os.unlink(mon)
        os.rmdir(tmp)


def typed(cmd, mon, timeout):
    start = time.monotonic()
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    chunks, out_q = [], queue.Queue()
    reader = threading.Thread(target=lambda: chunks.extend(iter(lambda: p.stdout.read1(4096), b"")))

    def write():  # a blocking pipe write must not stop the loop below
        for data in iter(out_q.get, None):
            try:
                if isinstance(data, str):
                    monitor(mon, data)
                    continue
                p.stdin.write(data)
                p.stdin.flush()
            except (BrokenPipeError, ValueError, OSError):
                return
    writer = threading.Thread(target=write)
    reader.start()
    writer.start()
    answered, status = 0, None
    while time.monotonic() - start < timeout:
        if p.poll() is not None:
            status = p.returncode
            break
        seen = b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")
        tags = re.findall(r"^input\? (\S+)$", seen, re.M)
        for tag in tags[answered:]:
            out_q.put(answer(tag))
        answered = len(tags)
        time.sleep(0.02)
    if p.poll() is None:
        p.kill()
    p.wait()
    out_q.put(None)
    writer.join()
    reader.join()
    text = b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")
    return status, text, time.monotonic() - start


def run_suite(t, label, cmd, judge, timeout=300):
    """Boots cmd, types its answers, and has judge(status, out, secs) weigh it."""
    status, out, secs = run_typed(cmd, timeout)
    judge(status, out, secs)
