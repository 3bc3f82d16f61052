#!/usr/bin/env python3
"""make trace's second half: an EVTRACE kernel's event dump (kernel/evtrace.c)
turned into trace.json (Chrome's trace-event format: Perfetto and
chrome://tracing open it), trace.png (a timeline picture: cores by time,
tasks coloured) and a text summary.

    tools/evtrace.py DUMP [--console LOG] --out DIR

DUMP is the file the kernel wrote through semihosting, or a console log
holding the dump (base64 lines between "evtrace: begin" and "evtrace:
end", as a board without semihosting prints it); if DUMP is missing, the
console log LOG is read instead.
"""
import argparse
import base64
import json
import os
import re
import statistics
import struct
import sys
import zlib

EV = {1: "run", 2: "spawn", 3: "name", 4: "ready", 5: "steal", 6: "preempt", 7: "timer",
      8: "idle", 9: "ipi_send", 10: "ipi_recv", 11: "mark", 12: "wait", 13: "irq"}
IPIS = {0: "resched", 1: "call", 2: "stop", 3: "ping"}
STATES = {0: "idle", 1: "runnable", 2: "running", 3: "waiting", 4: "dead"}


def from_console(text):
    """The dump's bytes from a console log, or None."""
    m = re.search(r"^evtrace: begin (\d+)\n((?:evtrace: [A-Za-z0-9+/=]+\n)*)evtrace: end", text, re.M)
    if not m:
        return None
    try:
        data = base64.b64decode("".join(line[9:] for line in m.group(2).split("\n") if line))
    except ValueError as e:
        raise ValueError(f"the console's dump is not base64: {e}")
    if len(data) != int(m.group(1)):
        raise ValueError(f"the console's dump has {len(data)} bytes, it announced {m.group(1)}")
    return data


def parse(data):
    """(counter frequency, [(core, [events])], lost, {address: wait reason});
    an event is (time, kind, a, b)."""
    if data[:8] != b"GMTRACE1":
        raise ValueError("not a gometal trace (no GMTRACE1 header)")
    try:
        return parse_body(data)
    except struct.error:
        raise ValueError("the trace is cut short")


def parse_body(data):
    ncpu, size, freq = struct.unpack_from("<IIQ", data, 8)
    off, cores, lost = 24, [], 0
    for c in range(ncpu):
        head, kept = struct.unpack_from("<QQ", data, off)
        off += 16
        evs = [struct.unpack_from("<QIIQ", data, off + i * size) for i in range(kept)]
        off += kept * size
        lost += head - kept
        cores.append((c, evs))
    reasons = {}
    if off + 4 <= len(data):
        (n,) = struct.unpack_from("<I", data, off)
        off += 4
        for _ in range(n):
            addr, ln = struct.unpack_from("<QI", data, off)
            reasons[addr] = data[off + 12:off + 12 + ln].decode("utf-8", "replace")
            off += 12 + ln
    return freq, cores, lost, reasons


class Trace:
    def __init__(self, freq, cores, lost, reasons=None):
        self.freq, self.cores, self.lost = freq, cores, lost
        self.reasons = reasons or {}
        times = [e[0] for _, evs in cores for e in evs]
        self.t0 = min(times) if times else 0
        self.t1 = max(times) if times else 0
        self.names = {}
        parts = {}
        for _, evs in cores:
            for t, k, a, b in evs:
                if EV.get(k) == "name":
                    parts.setdefault(a, []).append(b.to_bytes(8, "little"))
        for tid, p in parts.items():
            self.names[tid] = b"".join(p[:2]).split(b"\0")[0].decode("utf-8", "replace")
        self.names.setdefault(1, "main")

    def us(self, t):
        return (t - self.t0) * 1e6 / self.freq

    def label(self, tid):
        name = self.names.get(tid)
        return f"{name} ({tid})" if name else f"task {tid}"

    def slices(self):
        """Per core: (start, end, what) with what a task id, 'idle' or
        'scheduler' (no task, not in WFI)."""
        out = {}
        for c, evs in self.cores:
            cur, since, wfi, sl = 0, None, False, []
            for t, k, a, b in evs:
                kind = EV.get(k)
                if kind == "run":
                    if since is not None:
                        sl.append((since, t, cur if cur else "scheduler"))
                    cur, since = a, t
                elif kind == "idle" and cur == 0:
                    if since is not None:
                        sl.append((since, t, "idle" if wfi else "scheduler"))
                    wfi, since = a == 1, t
            if since is not None and evs:
                sl.append((since, evs[-1][0], cur if cur else ("idle" if wfi else "scheduler")))
            out[c] = [s for s in sl if s[1] >= s[0]]
        return out

    def chrome(self):
        """The trace-event JSON (Chrome's format, as Perfetto reads it)."""
        ev = [{"ph": "M", "pid": 0, "name": "process_name", "args": {"name": "gometal"}}]
        for c, _ in self.cores:
            ev.append({"ph": "M", "pid": 0, "tid": c, "name": "thread_name", "args": {"name": f"core {c}"}})
        for c, sl in self.slices().items():
            for s, e, what in sl:
                name = self.label(what) if isinstance(what, int) else what
                ev.append({"ph": "X", "pid": 0, "tid": c, "ts": round(self.us(s), 3),
                           "dur": round(self.us(e) - self.us(s), 3), "name": name,
                           "cat": "task" if isinstance(what, int) else what})
        flow = 0
        spawned, readied = {}, {}
        # In time order over all cores, so that a flow begun on one core
        # ends at the task's next run on any other.
        merged = sorted((t, c, k, a, b) for c, evs in self.cores for t, k, a, b in evs)
        for t, c, k, a, b in merged:
            kind, ts = EV.get(k), round(self.us(t), 3)
            base = {"pid": 0, "tid": c, "ts": ts}
            if kind in ("spawn", "ready"):
                # An arrow to the task's next run; a spawn's own ready draws none.
                pend = spawned if kind == "spawn" else readied
                if kind == "spawn" or b not in spawned:
                    flow += 1
                    pend[b] = flow
                    ev.append(dict(base, ph="s", id=flow, cat=kind, name=kind))
                who = {"parent": a, "child": b} if kind == "spawn" else {"waker": a, "wakee": b}
                ev.append(dict(base, ph="i", s="t", name=f"{kind} {self.label(b)}", cat=kind, args=who))
            elif kind == "steal":
                ev.append(dict(base, ph="i", s="t", name=f"steal {b} from core {a}", cat="steal",
                               args={"thief": c, "victim": a, "tasks": b}))
            elif kind == "preempt":
                ev.append(dict(base, ph="i", s="t", name=f"preempt {self.label(a)}", cat="preempt"))
            elif kind == "timer":
                ev.append(dict(base, ph="i", s="t", name=f"timer of P{a}", cat="timer"))
            elif kind == "ipi_send":
                ev.append(dict(base, ph="i", s="t", name=f"IPI {IPIS.get(b, b)} to core {a}", cat="ipi"))
            elif kind == "ipi_recv":
                ev.append(dict(base, ph="i", s="t", name=f"IPI {IPIS.get(a, a)} received", cat="ipi"))
            elif kind == "wait":
                ev.append(dict(base, ph="i", s="t", name=f"{self.label(a)} waits: "
                               f"{self.reasons.get(b, hex(b))}", cat="wait"))
            elif kind == "irq":
                ev.append(dict(base, ph="i", s="t", name=f"interrupt {a}", cat="irq"))
            elif kind == "run":
                for pend, cat in ((spawned, "spawn"), (readied, "ready")):
                    if a in pend:
                        ev.append(dict(base, ph="f", bp="e", id=pend.pop(a), cat=cat, name=cat))
                ev.append(dict(base, ph="C", name=f"run queue P{c}", args={"tasks": b >> 40 & 0xfff}))
                ev.append(dict(base, ph="C", name="global queue", tid=0, args={"tasks": b >> 52}))
        return {"traceEvents": ev, "displayTimeUnit": "ns",
                "otherData": {"events_lost": self.lost, "counter_hz": self.freq}}

    def summary(self):
        lines = []
        span = self.us(self.t1)
        lines.append(f"trace: {sum(len(e) for _, e in self.cores)} events over {span / 1000:.3f} ms "
                     f"on {len(self.cores)} cores, {self.lost} lost to full rings")
        run, switches = {}, {}
        for c, sl in self.slices().items():
            busy = sum(self.us(e) - self.us(s) for s, e, w in sl if isinstance(w, int))
            idle = sum(self.us(e) - self.us(s) for s, e, w in sl if w == "idle")
            sched = sum(self.us(e) - self.us(s) for s, e, w in sl if w == "scheduler")
            evs = dict(self.cores)[c]
            n = lambda kind: sum(1 for e in evs if EV.get(e[1]) == kind)  # noqa: E731
            lines.append(f"core {c}: busy {busy / 1000:.3f} ms, idle (WFI) {idle / 1000:.3f} ms, "
                         f"in the scheduler {sched / 1000:.3f} ms; {n('run')} switches, "
                         f"{n('steal')} steals, {n('preempt')} preemptions")
            for s, e, w in sl:
                if isinstance(w, int):
                    run[w] = run.get(w, 0) + self.us(e) - self.us(s)
                    switches[w] = switches.get(w, 0) + 1
        # Scheduling latency: from a task's ready (or spawn) to its next run.
        pending, lat = {}, {}
        for t, c, k, a, b in sorted((t, c, k, a, b) for c, evs in self.cores for t, k, a, b in evs):
            kind = EV.get(k)
            if kind in ("ready", "spawn"):
                pending[b] = t
            elif kind == "run" and a in pending:
                lat.setdefault(a, []).append(self.us(t) - self.us(pending.pop(a)))
        for tid in sorted(run, key=lambda x: -run[x])[:20]:
            ls = sorted(lat.get(tid, []))
            p99 = ls[min(len(ls) - 1, -(-99 * len(ls) // 100) - 1)] if ls else 0  # nearest rank
            q = (f"latency median {statistics.median(ls):.1f} us, p99 {p99:.1f}"
                 f" us, max {ls[-1]:.1f} us" if ls else "no wake-ups")
            lines.append(f"task {self.label(tid)}: ran {run[tid] / 1000:.3f} ms in {switches[tid]} "
                         f"slices; {q}")
        # How long each wait reason held tasks: from a park to the task's next ready.
        parked, held = {}, {}
        for t, c, k, a, b in sorted((t, c, k, a, b) for c, evs in self.cores for t, k, a, b in evs):
            kind = EV.get(k)
            if kind == "wait":
                parked[a] = (t, self.reasons.get(b, hex(b)))
            elif kind == "ready" and b in parked:
                t0, why = parked.pop(b)
                n, total = held.get(why, (0, 0.0))
                held[why] = (n + 1, total + self.us(t) - self.us(t0))
        for why, (n, total) in sorted(held.items(), key=lambda x: -x[1][1]):
            lines.append(f"wait reason {why}: {n} waits, {total / 1000:.3f} ms in all")
        waits = sorted(((max(v), k) for k, v in lat.items()), reverse=True)[:5]
        if waits:
            lines.append("longest waits to run: " + ", ".join(f"{self.label(k)} {w:.1f} us" for w, k in waits))
        return "\n".join(lines)

    def png(self, path, width=1200, row=28):
        """Cores by time; each task a colour, idle light grey, the
        scheduler dark grey; core names on the left, a time axis in ms
        below. Written with zlib alone (a 3x5 pixel font for the labels)."""
        left, axis = 56, 24
        height = row * len(self.cores) + 8 + axis
        img = [bytearray(b"\xff\xff\xff" * width) for _ in range(height)]
        span = max(self.t1 - self.t0, 1)
        plot = width - left - 8

        def colour(w):
            if w == "idle":
                return (225, 225, 225)
            if w == "scheduler":
                return (110, 110, 110)
            h = (w * 2654435761) & 0xffffff
            return (60 + (h & 0x7f), 60 + (h >> 8 & 0x7f), 60 + (h >> 16 & 0x7f))

        def rect(x0, x1, y0, y1, rgb):
            for y in range(max(0, y0), min(height, y1)):
                img[y][3 * x0:3 * x1] = bytes(rgb) * (x1 - x0)

        def text(x, y, s, scale=2):
            for ch in s:
                rows = FONT.get(ch, FONT[" "])
                for r, bits in enumerate(rows):
                    for c in range(3):
                        if bits >> (2 - c) & 1:
                            rect(x + c * scale, x + (c + 1) * scale, y + r * scale,
                                 y + (r + 1) * scale, (0, 0, 0))
                x += 4 * scale
        for c, sl in self.slices().items():
            y0 = 4 + c * row
            text(4, y0 + row // 2 - 5, f"core {c}")
            for s, e, w in sl:
                x0 = left + int((s - self.t0) * (plot - 1) / span)
                x1 = max(x0 + 1, left + int((e - self.t0) * (plot - 1) / span))
                rect(x0, x1, y0 + 2, y0 + row - 2, colour(w))
        ms = span * 1000 / self.freq
        step = next((v for v in (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500,
                                  1000, 2000, 5000) if ms / v <= 10), 10000)
        ya = 6 + row * len(self.cores)
        rect(left, left + plot, ya, ya + 1, (0, 0, 0))
        k = 0
        while k * step <= ms:
            x = left + int(k * step / ms * (plot - 1)) if ms else left
            rect(x, x + 1, ya, ya + 5, (0, 0, 0))
            label = f"{k * step:g}"
            text(min(x, width - 4 * 2 * (len(label) + 3)), ya + 8, label + (" ms" if k == 0 else ""))
            k += 1
        raw = b"".join(b"\0" + bytes(r) for r in img)

        def chunk(tag, body):
            return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body))
        with open(path, "wb") as f:
            f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                    + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


# 3x5 glyphs, a row per number (bit 2 the left column).
FONT = {" ": [0, 0, 0, 0, 0], ".": [0, 0, 0, 0, 2], "0": [7, 5, 5, 5, 7], "1": [2, 6, 2, 2, 7],
        "2": [7, 1, 7, 4, 7], "3": [7, 1, 7, 1, 7], "4": [5, 5, 7, 1, 1], "5": [7, 4, 7, 1, 7],
        "6": [7, 4, 7, 5, 7], "7": [7, 1, 1, 1, 1], "8": [7, 5, 7, 5, 7], "9": [7, 5, 7, 1, 7],
        "c": [0, 7, 4, 4, 7], "o": [0, 7, 5, 5, 7], "r": [0, 6, 5, 4, 4], "e": [7, 5, 7, 4, 7],
        "m": [0, 7, 7, 5, 5], "s": [0, 7, 6, 3, 7], "e+": [0, 0, 0, 0, 0]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dump")
    ap.add_argument("--console", help="console log to take the dump from if DUMP is missing")
    ap.add_argument("--out", required=True)
    o = ap.parse_args()
    data = open(o.dump, "rb").read() if os.path.exists(o.dump) else None
    try:
        if data is not None and not data.startswith(b"GMTRACE1"):  # a console log itself
            data = from_console(data.decode("utf-8", "replace").replace("\r\n", "\n"))
        if data is None and o.console and os.path.exists(o.console):
            data = from_console(open(o.console, errors="replace").read().replace("\r\n", "\n"))
    except ValueError as e:
        sys.exit(f"trace: {e}")
    if not data:
        sys.exit(f"trace: no dump in {o.dump}" + (f" nor in {o.console}" if o.console else ""))
    try:
        tr = Trace(*parse(data))
    except ValueError as e:
        sys.exit(f"trace: {e}")
    os.makedirs(o.out, exist_ok=True)
    with open(os.path.join(o.out, "trace.json"), "w") as f:
        json.dump(tr.chrome(), f)
    tr.png(os.path.join(o.out, "trace.png"))
    text = tr.summary()
    with open(os.path.join(o.out, "summary.txt"), "w") as f:
        f.write(text + "\n")
    print(text)
    print(f"trace: {os.path.join(o.out, 'trace.json')} (open in https://ui.perfetto.dev), "
          f"{os.path.join(o.out, 'trace.png')}")


if __name__ == "__main__":
    main()
