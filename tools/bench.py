#!/usr/bin/env python3
"""The driver behind `make bench` (and the regression pass of `make test`).

Boots the benchmark image (bench/) under QEMU in each of its modes, runs the
Go peer (bench/go) under qemu-user in between, and writes:
  build/bench/results.json   every run of every figure, and the summaries
  build/bench/*.png          the plots (gnuplot)
  BENCHMARKS.md              from bench/BENCHMARKS.md.in, with this run's tables
and prints one table. Figures that are not deterministic are the median of
--runs runs, with min and max; instruction counts (-icount) are run once.

`--check BASELINE` is the quick pass `make test` runs: one -icount boot at a
fifth of the iterations, failing any operation more than 10% above the
committed count.
`--write-baseline BASELINE` records a new one.
"""
import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QEMU = "qemu-system-aarch64"
VIRT = [QEMU, "-cpu", "cortex-a72", "-nic", "none", "-nographic",
        "-semihosting-config", "enable=on,target=native"]  # and -M virt_machine(gic3)
ICOUNT = ["-icount", "shift=0,align=off,sleep=off"]
TIMEOUT = 600
QUICK_SCALE = 20  # percent of the full iteration counts
TOLERANCE = 0.10  # a count this much above the baseline fails

# Per-operation rows: key, label, target (instructions, or None), and whether
# bench/go runs the identical loop (the ratio column).
OPS = [
    ("yield", "yield switch (go_yield between two tasks)", 60, True),
    ("spawn", "spawn + run + exit of an empty task", 300, True),
    ("pingpong", "unbuffered channel round trip", 250, True),
    ("buffered", "buffered send + recv, one task", None, True),
    ("select4", "select over 4 ready channels + refill", None, True),
    ("select4_none", "select over 4 channels, none ready", None, False),
    ("mutex", "uncontended mutex lock + unlock", 25, True),
    ("waitgroup", "WaitGroup add(1) + done + wait", None, True),
    ("sleep0", "go_sleep(0) (ours yields; Go returns)", None, False),
    ("timer_irq", "timer interrupt, nothing to switch to", None, False),
    ("preempt", "timer interrupt + preemption switch", None, False),
    ("steal", "half-steal of a full 256-entry queue", None, False),
    ("sleep_wake", "go_sleep wake path (beyond the sleep)", None, False),
    ("now", "go_now()", None, False),
]
WORKLOADS = [
    ("fib", "fork-join fib(35), a task per call above 12"),
    ("sieve", "prime sieve, 1000 primes (a task per prime)"),
    ("daisy", "daisy chain of 10,000 tasks, 8 times"),
    ("daisy_relay", "the same, its relays alone (the value's trip)"),
    ("matmul", "96x96 matmult, fork-join over rows, 30 times"),
]
CHECKS = {"fib": "9227465", "sieve": "7919", "daisy": "10001"}
# Latency distributions (bench/latency.c, bench/go/latency.go): figure key,
# label; each boot prints <key>_p50, _p99 and _max in ns.
LATENCY = [("timer_late", "timer lateness"), ("spawn_run", "spawn to first run"),
           ("irq_wake", "device interrupt to its task"), ("irq_select", "the same, in chan_select")]
LAT_ICOUNT_SMP = (1, 2, 4)   # deterministic: once each
SCALE_SMP = (1, 4, 16, 64, 128)  # bench=scale, -icount, GICv3 (past 8 cores)
LAT_WALL_SMP = (1, 4)        # plain TCG and qemu-user: every round


def run(cmd, timeout=TIMEOUT, env=None):
    """Runs cmd; returns its stdout, failing loudly with the last lines."""
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        sys.exit("bench: timed out after %ds: %s\n%s" % (timeout, " ".join(cmd), "\n".join(out.splitlines()[-15:])))
    if p.returncode != 0 or "panic:" in p.stdout:
        tail = "\n".join((p.stdout + p.stderr).splitlines()[-15:])
        sys.exit("bench: failed (exit %d): %s\n%s" % (p.returncode, " ".join(cmd), tail))
    return p.stdout


def parse(out):
    """The `result key value unit` and `check key value` lines."""
    res, checks = {}, {}
    for line in out.splitlines():
        f = line.split()
        if len(f) == 4 and f[0] == "result":
            res.setdefault(f[1], []).append(float(f[2]))
        elif len(f) == 3 and f[0] == "check":
            checks[f[1]] = f[2]
    return res, checks


def virt_machine(gic3=False):
    return ["-M", "virt,gic-version=3" if gic3 else "virt"]


def ours(image, mode, smp=1, mem="512M", icount=False, extra="", gic3=False):
    cmd = VIRT + virt_machine(gic3) + ["-m", mem, "-smp", str(smp), "-kernel", image,
                  "-append", "maxcpus=%d bench=%s %s" % (smp, mode, extra)]
    if icount:
        cmd[1:1] = ICOUNT
    return parse(run(cmd))


def go_peer(gobin, kind, procs=1, extra=(), nogc=False):
    """nogc: with Go's garbage collector off (GOGC=off), whose concurrent
    work otherwise moves to an idle P at GOMAXPROCS=2."""
    env = dict(os.environ, GOGC="off") if nogc else None
    return parse(run(["qemu-aarch64", gobin, "-kind", kind, "-procs", str(procs)] + list(extra),
                     env=env))


def verify(checks, who):
    for k, want in CHECKS.items():
        if k in checks and checks[k] != want:
            sys.exit("bench: %s %s gave %s, not %s" % (who, k, checks[k], want))
    if "matmul" in checks:
        return checks["matmul"]
    return None


def summary(values):
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "runs": values}


def icount_pass(image, scale=100):
    res, _ = ours(image, "ops", icount=True, extra="scale=%d" % scale)
    return {k: v[0] for k, v in res.items()}


# --- the regression guard ---

def check_baseline(image, path):
    base = json.load(open(path))["insn"]
    got = icount_pass(image, QUICK_SCALE)
    bad = 0
    for key, _, _, _ in OPS:
        if key not in base:
            continue
        if key not in got:
            print("FAIL bench.%s: not measured" % key)
            bad += 1
            continue
        limit = base[key] * (1 + TOLERANCE)
        ok = got[key] <= limit
        bad += not ok
        print("%s bench.%s: %.1f instructions/op (baseline %.1f, limit %.1f)"
              % ("ok  " if ok else "FAIL", key, got[key], base[key], limit))
    return bad


def write_baseline(image, path, reason):
    got = icount_pass(image, QUICK_SCALE)
    keep = {k: round(got[k], 1) for k, _, _, _ in OPS if k in got}
    json.dump({"about": "instructions per operation, one core, QEMU -icount shift=0, "
               "bench image at scale=%d%% (tools/bench.py --check); %s" % (QUICK_SCALE, reason),
               "qemu": qemu_version(), "insn": keep}, open(path, "w"), indent=1)
    print("bench: wrote %s" % path)


# --- the full run ---

def machine():
    model = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return "%s, %d host cores (%s), %s" % (model or platform.machine(), os.cpu_count(),
                                          platform.machine(), platform.platform(terse=True))


def qemu_version():
    out = run([QEMU, "--version"]).splitlines()[0]
    return out.replace("QEMU emulator version ", "")


def tool_versions():
    v = {"qemu": qemu_version()}
    try:
        v["go"] = run(["go", "version"]).split()[2]
    except (OSError, SystemExit):
        v["go"] = "absent"
    v["gcc"] = run(["aarch64-linux-gnu-gcc", "-dumpfullversion"]).strip()
    return v


def full(args):
    image, lazy, gobin = args.image, args.lazy_image, args.go
    R = {"insn": {}, "insn_fplazy": {}, "wall": {}, "go_ops": {},
         "throughput": {1: {}, 2: {}}, "go_throughput": {1: {}, 2: {}},
         "go_throughput_nogc": {1: {}, 2: {}},
         "speedups": {"ours": {}, "go": {}, "go_nogc": {}},
         "memory": {}, "go_memory": {}, "latency": {}}

    def add(dst, res):
        for k, v in res.items():
            dst.setdefault(k, []).extend(v)

    log = lambda s: print("bench: " + s, flush=True)
    log("instruction counts (-icount, one core)")
    R["insn"] = icount_pass(image)
    if lazy:
        R["insn_fplazy"] = icount_pass(lazy)
    if args.trace_image:
        R["insn_trace"] = icount_pass(args.trace_image)
    log("spawn and steal against the core count (-icount, %s cores)"
        % ", ".join(map(str, SCALE_SMP)))
    R["scale"] = {n: {k: v[0] for k, v in ours(image, "scale", smp=n, icount=True,
                                                  gic3=True)[0].items()}
                  for n in SCALE_SMP}
    for r in range(args.runs):
        log("round %d of %d: wall-clock ops, then throughput at SMP=1 and SMP=2, ours and Go in turn"
            % (r + 1, args.runs))
        add(R["wall"], ours(image, "wall")[0])
        add(R["go_ops"], go_peer(gobin, "ops")[0])
        rounds = {"ours": {}, "go": {}, "go_nogc": {}}
        for smp in (1, 2):
            res, chk = ours(image, "throughput", smp=smp, extra="reps=%d" % args.reps)
            mm = verify(chk, "ours")
            add(R["throughput"][smp], res)
            gres, gchk = go_peer(gobin, "throughput", smp, ["-reps", str(args.reps)])
            gmm = verify(gchk, "Go")
            if mm and gmm and mm != gmm:
                sys.exit("bench: matmul checksums differ: ours %s, Go %s" % (mm, gmm))
            add(R["go_throughput"][smp], gres)
            nres, nchk = go_peer(gobin, "throughput", smp, ["-reps", str(args.reps)], nogc=True)
            verify(nchk, "Go (GOGC=off)")
            add(R["go_throughput_nogc"][smp], nres)
            rounds["ours"][smp], rounds["go"][smp], rounds["go_nogc"][smp] = res, gres, nres
        round_speedups(rounds, R["speedups"])
    latency(image, gobin, args.runs, R["latency"], add, log)
    log("memory: %d blocked tasks, ours and Go, %d runs each" % (args.tasks, args.mem_runs))
    for r in range(args.mem_runs):
        add(R["memory"], ours(image, "memory", mem="1G", extra="n=%d" % args.tasks)[0])
        add(R["go_memory"], go_peer(gobin, "memory", extra=["-n", str(args.tasks)])[0])
    log("the most blocked tasks in -m 1G")
    add(R["memory"], ours(image, "maxtasks", mem="1G")[0])
    return R


def round_speedups(rounds, dst):
    """Each round's SMP=1 / SMP=2 speedup of each workload (the medians of
    that round's timed runs), so that the spread over rounds shows; and
    each round's ours / Go at one core ("ratio_1"): the two boots run back
    to back, so the host's speed, which moves between rounds, mostly
    cancels."""
    for who, by_smp in rounds.items():
        for key in by_smp.get(1, {}):
            one, two = by_smp[1].get(key), by_smp.get(2, {}).get(key)
            if one and two:
                dst[who].setdefault(key, []).append(
                    statistics.median(one) / statistics.median(two))
    ours, go = rounds["ours"].get(1, {}), rounds["go"].get(1, {})
    for key in ours:
        if ours[key] and go.get(key):
            dst.setdefault("ratio_1", {}).setdefault(key, []).append(
                statistics.median(ours[key]) / statistics.median(go[key]))


def latency(image, gobin, runs, dst, add, log):
    """dst["who/smp"] collects each boot's result lines: "icount" once per
    core count, "tcg" (ours, plain TCG) and "go" (qemu-user) every round."""
    log("latency under -icount at SMP=%s" % ",".join(map(str, LAT_ICOUNT_SMP)))
    for smp in LAT_ICOUNT_SMP:
        add(dst.setdefault("icount/%d" % smp, {}), ours(image, "latency", smp=smp, icount=True)[0])
    for r in range(runs):
        log("latency round %d of %d: plain TCG and Go at %s cores, in turn"
            % (r + 1, runs, ",".join(map(str, LAT_WALL_SMP))))
        for smp in LAT_WALL_SMP:
            add(dst.setdefault("tcg/%d" % smp, {}), ours(image, "latency", smp=smp)[0])
            add(dst.setdefault("go/%d" % smp, {}), go_peer(gobin, "latency", smp)[0])


LAT_WHO = {"icount": "gometal, -icount (deterministic)", "tcg": "gometal, plain TCG",
           "go": "Go, qemu-user (GOMAXPROCS)"}


def latency_rows(R):
    """One row per (who, smp): for each figure, p50/p99/max summaries in us."""
    rows = []
    order = lambda k: (list(LAT_WHO).index(k.split("/")[0]), int(k.split("/")[1]))
    for name in sorted(R["latency"], key=order):
        who, smp, res = name.split("/")[0], int(name.split("/")[1]), R["latency"][name]
        row = {"who": who, "smp": smp, "label": "%s, %d" % (LAT_WHO[who], smp)}
        for key, _ in LATENCY:
            for q in ("p50", "p99", "max"):
                v = res.get("%s_%s" % (key, q), [])
                row["%s_%s" % (key, q)] = summary([x / 1000 for x in v])
        rows.append(row)
    return rows


def fmt(s, digits=0):
    if s is None:
        return "-"
    f = "%%.%df" % digits
    if s["min"] == s["max"]:
        return f % s["median"]
    return (f + " (" + f + "-" + f + ")") % (s["median"], s["min"], s["max"])


def build_tables(R):
    S = {"ops": [], "throughput": [], "memory": [], "targets": []}
    for key, label, target, peer in OPS:
        ins = R["insn"].get(key)
        lazy = R["insn_fplazy"].get(key) if key in ("timer_irq", "preempt") else None
        wall = summary(R["wall"].get(key, []))
        go = summary(R["go_ops"].get(key, [])) if peer else None
        # each round's ratio: ours and Go ran back to back
        ratio = summary([o / g for o, g in zip(wall["runs"], go["runs"])]) if wall and go else None
        S["ops"].append({"key": key, "label": label, "insn": ins, "insn_fplazy": lazy,
                         "target": target, "ours_ns": wall, "go_ns": go, "ratio_s": ratio,
                         "ratio": ratio["median"] if ratio else None})
    for key, label in WORKLOADS:
        row = {"key": key, "label": label}
        for smp in (1, 2):
            row["ours_%d" % smp] = summary(R["throughput"][smp].get(key, []))
            row["go_%d" % smp] = summary(R["go_throughput"][smp].get(key, []))
        for who in ("ours", "go", "go_nogc"):
            row["%s_speedup" % who] = summary(R.get("speedups", {}).get(who, {}).get(key, []))
        row["ratio_1"] = summary(R.get("speedups", {}).get("ratio_1", {}).get(key, []))
        S["throughput"].append(row)
    S["memory"] = {"ours_bytes": summary(R["memory"].get("blocked_bytes", [])),
                   "go_inuse": summary(R["go_memory"].get("blocked_inuse", [])),
                   "go_sys": summary(R["go_memory"].get("blocked_sys", [])),
                   "maxtasks": summary(R["memory"].get("maxtasks", []))}
    S["latency"] = latency_rows(R)
    S["scale_table"] = scale_table(R)
    return S


def targets(S):
    """(what, target, measured, met) rows."""
    t = []
    ops = {o["key"]: o for o in S["ops"]}
    for key, _, target, _ in OPS:
        if target and ops[key]["insn"] is not None:
            v = ops[key]["insn"]
            t.append(("%s, instructions" % key, "< %d" % target, "%.0f" % v, v < target))
    for key in ("spawn", "yield", "pingpong"):
        r = ops[key]["ratio"]
        if r:
            t.append(("%s throughput vs Go" % key, ">= 3x Go (ours/Go <= 0.33)",
                      "%.2fx Go (ours/Go %.2f)" % (1 / r, r), 1 / r >= 3))
    for w in S["throughput"]:
        o, g = w["ours_speedup"], w["go_speedup"]
        if o and g:
            t.append(("%s SMP=2/SMP=1 speedup" % w["key"], ">= Go's (%.2f)" % g["median"],
                      "%.2f" % o["median"], o["median"] >= g["median"]))
    for w in S["throughput"]:
        r = w["ratio_1"]
        if w["key"] == "matmul" and r:  # issue 20: "not slower than Go" at one core
            t.append(("matmul at one core, ours/Go", "<= 1.00", "%.2f" % r["median"],
                      r["median"] <= 1))
    m = S["memory"]
    if m["ours_bytes"] and m["go_inuse"]:
        o, g = m["ours_bytes"]["median"], m["go_inuse"]["median"]
        t.append(("RAM per blocked task", "<= Go's", "%.0f vs Go %.0f bytes" % (o, g), o <= g))
    S["targets"] = [{"what": a, "target": b, "measured": c, "met": d} for a, b, c, d in t]
    return t


def scale_table(R):
    """bench=scale: instructions per operation against the core count."""
    sc = R.get("scale", {})
    if not sc:
        return "(not measured in this run)"
    ns = sorted(sc, key=int)
    rows = ["| instructions per operation, all cores | %s |" % " | ".join("%s core%s" % (n, "" if int(n) == 1 else "s") for n in ns),
            "| --- |" + " ---: |" * len(ns)]
    for key, label in (("scale_spawn", "spawn + run + exit, batches of 128 (other cores steal)"),
                       ("scale_steal", "a thief's search for the one P with work")):
        rows.append("| %s | %s |" % (label, " | ".join(
            "%.0f" % sc[n][key] if key in sc[n] else "-" for n in ns)))
    return "\n".join(rows)


def trace_table(R):
    """make trace's cost: one recorded event, and the operations that record
    some, with tracing built in and without (instructions, -icount)."""
    tr = R.get("insn_trace") or {}
    if not tr:
        return "(not measured: make bench passes --trace-image)"
    rows = ["| | instructions (-icount), EVTRACE=1 | without | difference |",
            "| --- | ---: | ---: | ---: |",
            "| one recorded event (`evtrace()` in a loop) | %.0f | - | |" % tr.get("evtrace", 0)]
    for key, label in (("yield", "yield switch"), ("spawn", "spawn + run + exit"),
                       ("pingpong", "unbuffered round trip")):
        if key in tr and key in R["insn"]:
            rows.append("| %s | %.0f | %.0f | +%.0f |" % (label, tr[key], R["insn"][key],
                                                       tr[key] - R["insn"][key]))
    return "\n".join(rows)


def md_tables(S):
    ops = ["| operation | instructions (-icount) | target | ours, ns (TCG) | Go, ns (qemu-user) | ours/Go | hardware, cycles |",
           "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for o in S["ops"]:
        ins = "-" if o["insn"] is None else "%.0f" % o["insn"]
        if o["insn_fplazy"] is not None:
            ins += " (FPSAVE=lazy: %.0f)" % o["insn_fplazy"]
        tgt = "< %d" % o["target"] if o["target"] else ""
        ratio = fmt(o["ratio_s"], 2) if o["ratio_s"] else ""
        ops.append("| %s | %s | %s | %s | %s | %s | |" % (o["label"], ins, tgt, fmt(o["ours_ns"]),
                                                         fmt(o["go_ns"]), ratio))
    th = ["| workload | ours SMP=1, ms | ours SMP=2, ms | speedup (ideal 2) | Go 1 proc, ms | Go 2 procs, ms | Go speedup | Go speedup, GOGC=off | ours/Go at 1 |",
          "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for w in S["throughput"]:
        th.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            w["label"], fmt(w["ours_1"], 1), fmt(w["ours_2"], 1), fmt(w["ours_speedup"], 2),
            fmt(w["go_1"], 1), fmt(w["go_2"], 1), fmt(w["go_speedup"], 2),
            fmt(w["go_nogc_speedup"], 2), fmt(w["ratio_1"], 2)))
    m = S["memory"]
    mem = ["| | ours | Go |", "| --- | ---: | ---: |",
           "| bytes per blocked task (100,000 tasks) | %s | %s (heap + stacks in use); %s (Sys) |"
           % (fmt(m["ours_bytes"]), fmt(m["go_inuse"]), fmt(m["go_sys"])),
           "| most blocked tasks in QEMU virt -m 1G | %s | |" % fmt(m["maxtasks"])]
    la = ["| run, cores (us) | %s |" % " | ".join("%s %s" % (l, q) for _, l in LATENCY for q in ("median", "p99", "max")),
          "| --- |" + " ---: |" * (3 * len(LATENCY))]
    for row in S["latency"]:
        la.append("| %s | %s |" % (row["label"], " | ".join(
            fmt(row["%s_%s" % (k, q)], 1) for k, _ in LATENCY for q in ("p50", "p99", "max"))))
    tg = ["| target | wanted | measured | |", "| --- | --- | --- | --- |"]
    for t in S["targets"]:
        tg.append("| %s | %s | %s | %s |" % (t["what"], t["target"], t["measured"],
                                            "met" if t["met"] else "**missed**"))
    speedups = {}
    for w in S["throughput"]:
        for who, name in (("ours", "%s_speedup"), ("go", "%s_go_speedup"),
                          ("go_nogc", "%s_go_nogc_speedup")):
            v = w["%s_speedup" % who]
            speedups[name % w["key"]] = "%.2f" % v["median"] if v else "-"
        speedups["%s_ratio" % w["key"]] = fmt(w["ratio_1"], 2)
    for o in S["ops"]:  # {{insn_<op>}}, {{ratio_<op>}}: the prose quotes the run's figures
        speedups["insn_%s" % o["key"]] = "-" if o["insn"] is None else "%.0f" % o["insn"]
        speedups["ratio_%s" % o["key"]] = fmt(o["ratio_s"], 2)
    return dict(speedups, **{"ops_table": "\n".join(ops), "throughput_table": "\n".join(th),
            "memory_table": "\n".join(mem), "targets_table": "\n".join(tg),
            "latency_table": "\n".join(la)})


def print_table(S):
    print("\nbench: per operation, one core (instructions: -icount; ns: emulated wall time, not hardware)")
    print("  %-42s %10s %8s %16s %16s %7s" % ("operation", "insn", "target", "ours ns", "Go ns", "ours/Go"))
    for o in S["ops"]:
        print("  %-42s %10s %8s %16s %16s %7s" % (
            o["label"], "-" if o["insn"] is None else "%.0f" % o["insn"],
            "<%d" % o["target"] if o["target"] else "", fmt(o["ours_ns"]), fmt(o["go_ns"]),
            "%.2f" % o["ratio"] if o["ratio"] else ""))
    print("\nbench: throughput, ms (plain TCG / qemu-user, %d host cores)" % os.cpu_count())
    print("  %-44s %18s %18s %16s %18s %18s %16s %16s" % ("workload", "ours 1", "ours 2", "x", "Go 1",
                                                         "Go 2", "x", "x GOGC=off"))
    for w in S["throughput"]:
        print("  %-44s %18s %18s %16s %18s %18s %16s %16s" % (
            w["label"], fmt(w["ours_1"], 1), fmt(w["ours_2"], 1), fmt(w["ours_speedup"], 2),
            fmt(w["go_1"], 1), fmt(w["go_2"], 1), fmt(w["go_speedup"], 2),
            fmt(w["go_nogc_speedup"], 2)))
    print("\nbench: latency, us (median of rounds for TCG and Go; -icount is exact)")
    print("  %-40s %s" % ("run, cores", " ".join("%18s" % ("%s %s" % (k, q)) for k, _ in LATENCY
                                                   for q in ("p50", "p99", "max"))))
    for row in S["latency"]:
        print("  %-40s %s" % (row["label"], " ".join("%18s" % fmt(row["%s_%s" % (k, q)], 1)
                                                    for k, _ in LATENCY for q in ("p50", "p99", "max"))))
    m = S["memory"]
    print("\nbench: memory: %s bytes per blocked task (Go: %s in use, %s Sys); at most %s blocked tasks in 1 GiB"
          % (fmt(m["ours_bytes"]), fmt(m["go_inuse"]), fmt(m["go_sys"]), fmt(m["maxtasks"])))
    print("\nbench: against the core count (-icount, instructions per operation)")
    print(S.get("scale_table", ""))
    print("\nbench: targets")
    for t in S["targets"]:
        print("  %-32s %-28s %-28s %s" % (t["what"], t["target"], t["measured"], "met" if t["met"] else "MISSED"))


def plots(S, out):
    if not shutil.which("gnuplot"):
        sys.exit("bench: gnuplot is missing (make bench installs it: tools/deps.sh bench)")
    dat = os.path.join(out, "throughput.dat")
    with open(dat, "w") as f:
        for w in S["throughput"]:
            med = lambda x: x["median"] if x else 0
            f.write('"%s" %f %f 2\n' % (w["key"], med(w["ours_speedup"]), med(w["go_speedup"])))
    odat = os.path.join(out, "ops.dat")
    with open(odat, "w") as f:
        for o in S["ops"]:
            if o["ours_ns"] and o["go_ns"]:
                f.write('"%s" %f %f\n' % (o["key"], o["ours_ns"]["median"], o["go_ns"]["median"]))
    script = """
set terminal pngcairo size 900,500 noenhanced
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set grid ytics
set key top left
set output '{out}/scaling.png'
set title 'SMP=2 / SMP=1 speedup (plain TCG and qemu-user on {ncpu} host cores; emulated, not hardware)'
set ylabel 'speedup'
set yrange [0:2.5]
plot '{dat}' using 2:xtic(1) title 'gometal', '' using 3 title 'Go', '' using 4 title 'ideal'
set output '{out}/ops.png'
set title 'ns per operation, one core (emulated wall time: TCG for gometal, qemu-user for Go)'
set ylabel 'ns/op (log)'
set logscale y
set yrange [*:*]
plot '{odat}' using 2:xtic(1) title 'gometal', '' using 3 title 'Go'
""".format(out=out, dat=dat, odat=odat, ncpu=os.cpu_count())
    p = subprocess.run(["gnuplot"], input=script, text=True, capture_output=True)
    if p.returncode:
        sys.exit("bench: gnuplot failed:\n" + p.stderr)
    return ["scaling.png", "ops.png"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--image", required=True, help="bench image for QEMU virt")
    ap.add_argument("--lazy-image", help="the same built with FPSAVE=lazy")
    ap.add_argument("--trace-image", help="the same built with EVTRACE=1 (make trace's cost)")
    ap.add_argument("--go", help="the Go peer, built for arm64")
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "bench"))
    ap.add_argument("--md", default=os.path.join(ROOT, "BENCHMARKS.md"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--mem-runs", type=int, default=3)
    ap.add_argument("--reps", type=int, default=3, help="timed runs of each workload per boot")
    ap.add_argument("--tasks", type=int, default=100000, help="blocked tasks in the memory figure")
    ap.add_argument("--command", default="make bench")
    ap.add_argument("--check", metavar="BASELINE")
    ap.add_argument("--write-baseline", metavar="BASELINE")
    ap.add_argument("--reason", default="")
    ap.add_argument("--render", metavar="RESULTS_JSON",
                    help="rewrite BENCHMARKS.md from a run's results.json, measuring nothing")
    a = ap.parse_args()
    if a.check:
        bad = check_baseline(a.image, a.check)
        sys.exit(1 if bad else 0)
    if a.write_baseline:
        if not a.reason:
            sys.exit("bench: say why the baseline changes: --reason '...' (BASELINE_REASON=...)")
        write_baseline(a.image, a.write_baseline, a.reason)
        return
    os.makedirs(a.out, exist_ok=True)
    if a.render:
        # BENCHMARKS.md again from a run's results.json (after a template edit)
        saved = json.load(open(a.render))
        R, meta = saved["raw"], saved["meta"]
        for k in ("throughput", "go_throughput", "go_throughput_nogc"):
            if k in R:
                R[k] = {int(n): v for n, v in R[k].items()}
    else:
        started = datetime.datetime.now(datetime.timezone.utc)
        R = full(a)
        meta = {"date": started.strftime("%Y-%m-%d %H:%M UTC"), "command": a.command,
                "machine": machine(), "tools": tool_versions(), "runs": a.runs}
    S = build_tables(R)
    targets(S)
    pngs = plots(S, a.out)
    if not a.render:
        json.dump({"meta": meta, "summary": S, "raw": R},
                  open(os.path.join(a.out, "results.json"), "w"), indent=1, default=str)
    tmpl = open(os.path.join(ROOT, "bench", "BENCHMARKS.md.in")).read()
    fields = md_tables(S)
    fields["trace_table"] = trace_table(R)
    fields["scale_table"] = scale_table(R)
    fields.update(meta)
    fields["tools"] = ", ".join("%s %s" % kv for kv in meta["tools"].items())
    fields["ncpu"] = str(os.cpu_count())
    open(a.md, "w").write(re.sub(r"\{\{(\w+)\}\}", lambda m: str(fields[m.group(1)]), tmpl))
    print_table(S)
    print("\nbench: wrote %s, %s and %s" % (os.path.join(a.out, "results.json"),
                                          ", ".join(os.path.join(a.out, p) for p in pngs), a.md))


if __name__ == "__main__":
    main()
