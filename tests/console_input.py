"""Typing into the console: the runner's side of tests/target/test_input.c,
and a scripted session with apps/shell through `make run`.

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
    """Answers each "input? <tag>" line with answer(tag)."""
    def respond(seen, state):
        tags = re.findall(r"^input\? (\S+)$", seen, re.M)
        new = [answer(tag) for tag in tags[state.get("n", 0):]]
        state["n"] = len(tags)
        return new
    return session(cmd, mon, respond, timeout)


def session(cmd, mon, respond, timeout, cwd=None):
    """Runs cmd; respond(output so far, state) gives what to write next
    (bytes to the console, str to the monitor)."""
    start = time.monotonic()
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, cwd=cwd)
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
    state, status = {}, None
    while time.monotonic() - start < timeout:
        if p.poll() is not None:
            status = p.returncode
            break
        seen = b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")
        for data in respond(seen, state):
            out_q.put(data)
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


# apps/shell, as a user drives it: each step waits for its pattern (after
# the previous step's match) and then types its line.
SHELL_STEPS = [
    (r"^gometal> ", b"ps\r"),
    (r"^ +\d+ heartbeat +waiting +sleep ", b"spawn 8\r"),
    (r"^spawned 8$", b"ps\r"),
    (r"^ +\d+ worker-7 ", b"sched\r"),
    (r"^SCHED \d+ms: gomaxprocs=4 ", b"exit 0\r"),
]


def script(steps):
    def respond(seen, state):
        i, pos = state.get("i", 0), state.get("pos", 0)
        if i < len(steps):
            m = re.compile(steps[i][0], re.M).search(seen, pos)
            if m:
                state["i"], state["pos"] = i + 1, m.end()
                return [steps[i][1]]
        return []
    return respond


def run_shell(t, root, board, timeout=300):
    """`make run APP=apps/shell`: ps shows the heartbeat sleeping; after
    spawn 8 it shows eight more tasks; exit 0 ends the run."""
    name = f"make run BOARD={board} APP=apps/shell: a scripted session"
    cmd = ["make", "-s", "--no-print-directory", "run", f"BOARD={board}", "APP=apps/shell"]
    tmp = tempfile.mkdtemp(prefix="gometal-sh-")
    try:
        status, out, secs = session(cmd, os.path.join(tmp, "none"), script(SHELL_STEPS), timeout, cwd=root)
    finally:
        os.rmdir(tmp)
    last_ps = out[out.rfind("spawned 8"):]
    more = re.findall(r"^ +\d+ (sleeper|worker)-\d+ ", last_ps, re.M)
    if status is None:
        t.fail(name, f"timed out after {timeout} s", out)
    elif status != 0 or "bye" not in out:
        t.fail(name, f"make exited {status}", out)
    elif len(more) != 8:
        t.fail(name, f"the ps after spawn 8 lists {len(more)} new tasks", out)
    else:
        t.ok(name, f"  ({secs:.1f} s)")
