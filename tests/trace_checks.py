"""make trace, held to what it must record (tests/run.py runs these): the
traces of tests/apps/tracing's small programs, booted under -icount on an
EVTRACE kernel, contain exactly the events their programs imply; the JSON
passes a check of the trace-event format and the PNG is a PNG; a program
that deadlocks still leaves its trace; the console form of the dump (a
board without semihosting) decodes to the very same events."""
import json
import os
import shutil
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import evtrace as tracer  # noqa: E402
from check import IMAGES, qemu_cmd, user_env  # noqa: E402

BOARDS = ("virt", "rpi3", "rpi4")


def boot(run, build, board, args, semihosting=True, dump=None):
    """Boots tests/apps/tracing under -icount; returns (status, console, events)."""
    img = os.path.join(build, f"{board}-trace", "tracing", IMAGES[board])
    append = f"maxcpus=4 {args} evtrace={dump or ''}"
    cmd = qemu_cmd(board, 4, img, append, semihosting=semihosting, icount=True)
    status, out, _ = run(cmd, timeout=300)
    try:
        data = open(dump, "rb").read() if dump and os.path.exists(dump) else tracer.from_console(out)
        return status, out, (tracer.Trace(*tracer.parse(data)) if data else None)
    except ValueError as e:
        return status, out + f"\n(trace: {e})", None


def events(tr, kind):
    """(time, core, a, b) of every event of a kind, in time order."""
    k = [n for n, v in tracer.EV.items() if v == kind][0]
    return sorted((t, c, a, b) for c, evs in tr.cores for t, kk, a, b in evs if kk == k)


def task(tr, name):
    ids = [i for i, n in tr.names.items() if n == name]
    return ids


def runs_of(tr, tid):
    return [(t, c) for t, c, a, b in events(tr, "run") if a == tid]


def check_pingpong(tr):
    problems = []
    (ping,), (pong,) = task(tr, "ping"), task(tr, "pong")
    for tid, core in ((ping, 0), (pong, 1)):
        cores = {c for _, c in runs_of(tr, tid)}
        if cores != {core}:
            problems.append(f"task {tid} ran on cores {sorted(cores)}, pinned to {core}")
        readies = [e for e in events(tr, "ready") if e[3] == tid]
        preempts = [e for e in events(tr, "preempt") if e[2] == tid]
        # Every run follows exactly one ready (the first: its spawn's) or preemption.
        if len(runs_of(tr, tid)) != len(readies) + len(preempts):
            problems.append(f"task {tid}: {len(runs_of(tr, tid))} runs, {len(readies)} readies, "
                            f"{len(preempts)} preemptions")
        if len(readies) < 49:
            problems.append(f"task {tid} readied {len(readies)} times in 50 rounds")
    return problems


def check_burst(tr):
    problems = []
    ids = task(tr, "spawnee")
    spawns = {b: t for t, c, a, b in events(tr, "spawn")}
    if len(ids) != 40:
        problems.append(f"{len(ids)} spawnees named, expected 40")
    for tid in ids:
        first = min((t for t, _ in runs_of(tr, tid)), default=None)
        if first is None or first < spawns.get(tid, first + 1):
            problems.append(f"task {tid} ran before its spawn, or never")
    steals = events(tr, "steal")
    if not steals:
        problems.append("no steal")
    for t, thief, victim, n in steals:
        if thief == victim or not 0 <= victim < 4:
            problems.append(f"steal by core {thief} from core {victim} of {n}")
    return problems


def check_hog(tr):
    """Two CPU-bound tasks share core 1 at a 1 ms quantum for 20 ms: about
    twenty slices, each ending in a preemption, none early."""
    hogs = task(tr, "hog")
    p = sorted(e[0] for e in events(tr, "preempt") if e[2] in hogs)
    gaps = [(b - a) * 1e6 / tr.freq for a, b in zip(p, p[1:])]
    if len(hogs) != 2 or not 15 <= len(p) <= 25 or min(gaps, default=0) < 900:
        return [f"{len(p)} preemptions of two 20 ms hogs at 1 ms, shortest slice "
                f"{min(gaps, default=0):.0f} us"]
    return []


def check_sleeper(tr):
    (sl,) = task(tr, "sleeper")
    timers = [t for t, c, a, b in events(tr, "timer")]
    readies = [t for t, c, a, b in events(tr, "ready") if b == sl]
    runs = [t for t, _ in runs_of(tr, sl)]
    if len(runs) != 2 or not readies or not timers:
        return [f"sleeper: {len(runs)} runs, {len(readies)} readies, {len(timers)} timers"]
    fire = [t for t in timers if runs[0] < t <= readies[-1]]
    if not fire or not runs[0] < fire[-1] <= readies[-1] <= runs[1]:
        return ["sleeper: not run, timer, ready, run in that order"]
    return []


def check_chrome(tr, out_dir):
    """The trace-event format: phases, fields, monotonic slices per
    track, flows that begin and end, and a PNG that is one."""
    problems = []
    doc = json.loads(json.dumps(tr.chrome()))
    last = {}
    flows = {}
    for e in doc["traceEvents"]:
        ph = e.get("ph")
        if ph not in ("M", "X", "i", "s", "f", "C"):
            problems.append(f"phase {ph}")
        if ph != "M" and not all(k in e for k in ("pid", "tid", "ts", "name")):
            problems.append(f"fields missing in {e}")
        if ph == "X":
            if e["dur"] < 0 or e["ts"] < last.get(e["tid"], 0) - 0.002:  # rounding to ns
                problems.append(f"slice out of order on track {e['tid']}")
            last[e["tid"]] = e["ts"] + e["dur"]
        if ph in ("s", "f"):
            flows.setdefault(e["id"], []).append((ph, e["ts"]))
    for fid, v in flows.items():
        s = [e for ph, e in v if ph == "s"]
        f = [e for ph, e in v if ph == "f"]
        if len(s) != 1 or len(f) > 1 or (f and f[0] < s[0]):
            problems.append(f"flow {fid}: {len(s)} starts, {len(f)} ends, or it ends before it begins")
    png = os.path.join(out_dir, "trace.png")
    tr.png(png)
    problems += png_problems(png)
    return problems


def png_problems(path):
    """Decodes the PNG's header and pixels: 8-bit RGB, every row there."""
    import struct
    import zlib
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return ["trace.png is not a PNG"]
    w, h, depth, colour = struct.unpack(">IIBB", data[16:26])
    idat, off = b"", 8
    while off < len(data):
        n, tag = struct.unpack(">I4s", data[off:off + 8])
        if tag == b"IDAT":
            idat += data[off + 8:off + 8 + n]
        off += 12 + n
    try:
        raw = zlib.decompress(idat)
    except zlib.error:
        return ["trace.png's pixels do not decompress"]
    if (depth, colour) != (8, 2) or len(raw) != h * (1 + 3 * w) or w < 100 or h < 20:
        return [f"trace.png: {w}x{h}, depth {depth}, colour {colour}, {len(raw)} bytes of rows"]
    return []


SCENARIOS = [("pingpong", "scenario=pingpong", check_pingpong),
             ("burst", "scenario=burst", check_burst),
             ("hog", "scenario=hog quantum=1000", check_hog),
             ("sleeper", "scenario=sleeper", check_sleeper)]


def run_all(t, sel, run, build):
    tmp = tempfile.mkdtemp(prefix="gometal-trace-")
    try:
        run_checks(t, sel, run, build, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run_checks(t, sel, run, build, tmp):
    for board in BOARDS:
        for label, args, check in SCENARIOS:
            name = f"{board} trace: {label} has exactly its events"
            if not sel.search(name):
                continue
            dump = os.path.join(tmp, f"{board}-{label}.bin")
            status, out, tr = boot(run, build, board, args, dump=dump)
            problems = [f"exit status {status}"] if status != 0 else []
            try:
                problems += ["no trace"] if tr is None else check(tr) + check_chrome(tr, tmp)
            except ValueError as e:  # a task's name missing from the trace, say
                problems.append(f"the trace is not as expected: {e}")
            if problems:
                t.fail(name, "; ".join(problems), out)
            else:
                t.ok(name, f"  ({sum(len(e) for _, e in tr.cores)} events)")
        for label, want in (("deadlock", "all goroutines are asleep"), ("panic", "tracing: a planted panic")):
            name = f"{board} trace: a program's trace is written when it ends in a {label}"
            if not sel.search(name):
                continue
            status, out, tr = boot(run, build, board, f"scenario={label}",
                                   dump=os.path.join(tmp, f"{board}-{label}.bin"))
            waits = [tr.reasons.get(b) for _, _, a, b in events(tr, "wait")] if tr else []
            if status != 2 or tr is None or not events(tr, "run") or want not in out or \
                    "sync.WaitGroup.Wait" not in waits and label == "deadlock":
                t.fail(name, f"exit status {status}, trace {'missing' if tr is None else 'incomplete'}", out)
            else:
                t.ok(name)
        name = f"{board} trace: the console dump decodes to the same events as the file"
        if sel.search(name):
            dump = os.path.join(tmp, f"{board}-f.bin")
            _, out, a = boot(run, build, board, "scenario=pingpong evtrace_echo=1", dump=dump)
            b = tracer.from_console(out)
            if a is None or b is None or tracer.Trace(*tracer.parse(b)).cores != a.cores:
                t.fail(name, "the two dumps differ (or one is missing)", out)
            else:
                t.ok(name)
    name = "make trace APP=tests/apps/tracing ARGS=scenario=sleeper ICOUNT=1 leaves its files"
    if sel.search(name):
        d = os.path.join(build, "virt", "tracing")
        for f in ("trace.json", "trace.png", "summary.txt", "trace.bin"):
            if os.path.exists(os.path.join(d, f)):
                os.remove(os.path.join(d, f))
        status, out, _ = run(["make", "-s", "--no-print-directory", "trace", "APP=tests/apps/tracing",
                              "ARGS=scenario=sleeper", "ICOUNT=1"], timeout=600, env=user_env())
        files = [f for f in ("trace.json", "trace.png", "summary.txt") if os.path.exists(os.path.join(d, f))]
        if status != 0 or len(files) != 3 or "task sleeper (2): ran" not in out:
            t.fail(name, f"exit status {status}, files {files}", out)
        else:
            t.ok(name)
    name = "virt trace: without semihosting the dump comes over the console"
    if sel.search(name):
        status, out, tr = boot(run, build, "virt", "scenario=sleeper", semihosting=False)
        if tr is None or check_sleeper(tr):
            t.fail(name, "no console dump, or the wrong events", out)
        else:
            t.ok(name)
