#!/usr/bin/env python3
"""
The kernel's folders form layers that only point down (README, "Where
things live"). Reads every #include of the tree's C, header, assembly and
linker-script sources, and fails on an include from one folder into a
folder its layer may not see. Prints "PASS layers" or a "FAIL" line per
offending include; exit status 1 on any.
"""
import os, re, subprocess, sys

# Each folder and the folders it may include, besides itself. Lowest first.
MAY_INCLUDE = {
    'include':   [],                      # the public API: nothing of ours
    'kernel':    [],                      # services: locks, memory, console, traps' report
    'boot':      ['kernel'],              # the assembly that starts a core
    'drivers':   ['kernel'],              # devices, behind kernel/'s interfaces
    'sched':     ['kernel', 'include'],   # the scheduler
    'boards':    ['drivers', 'kernel'],   # each board's data and drivers
    'rt':        ['sched', 'drivers', 'kernel', 'include'],  # the glue on top
    'lib':       ['rt', 'sched', 'kernel', 'include'],  # the test harness, for test images only
    'linker':    ['kernel'],
    'chainload': ['drivers', 'kernel'],   # its own tiny program
    # Programs see the API; tests and benchmarks also look inside.
    'apps':      ['include'],
    'bench':     ['include', 'sched', 'kernel', 'drivers'],
    'tests':     ['include', 'rt', 'sched', 'kernel', 'drivers', 'boot', 'boards'],
}
SOURCE = re.compile(r'\.(c|h|S|ld\.S)$')
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]')
# Where a bare name ("x.h", <x.h>) of ours can come from: the include
# paths the builds use (the Makefiles' -I).
BARE_ROOTS = ['include', 'tests/host']


def folder_of(name, f, root):
    """The top folder an include resolves to, or None (a system header)."""
    if name.startswith('.'):	# relative to the including file ("../x.h")
        rel = os.path.normpath(os.path.join(os.path.dirname(f), name))
        return None if rel.startswith('..') else rel.split('/')[0]
    if '/' in name:
        top = name.split('/')[0]
        return top if os.path.isdir(os.path.join(root, top)) else None
    if os.path.exists(os.path.join(root, os.path.dirname(f), name)):
        return f.split('/')[0]
    for r in BARE_ROOTS:
        if os.path.exists(os.path.join(root, r, name)):
            return r.split('/')[0]
    return None


def lines_of(root, f, planted):
    if f in planted:
        return planted[f]
    return open(os.path.join(root, f), errors='replace').read().split('\n')


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    files = subprocess.check_output(['git', '-C', root, 'ls-files'], text=True).split()
    # --plant FILE LINE: check as if FILE (existing or not) held LINE too;
    # make test uses it to see the check fail on an upward include.
    planted = {}
    args = sys.argv[1:]
    while args[:1] == ['--plant'] and len(args) >= 3:
        planted.setdefault(args[1], []).append(args[2])
        args = args[3:]
    for f, extra in planted.items():
        if f in files:
            planted[f] = lines_of(root, f, {}) + extra
        else:
            files.append(f)
    bad = 0
    for f in files:
        top = f.split('/')[0]
        if '/' not in f or not SOURCE.search(f) or top == 'tools':
            continue
        if top not in MAY_INCLUDE:
            print(f'FAIL layers: {f}: folder {top}/ has no layer in tools/check-layers.py')
            bad += 1
            continue
        for n, line in enumerate(lines_of(root, f, planted), 1):
            m = INCLUDE.match(line)
            to = m and folder_of(m.group(1), f, root)
            if not to or to == top:
                continue
            if to not in MAY_INCLUDE[top]:
                print(f'FAIL layers: {f}:{n}: {top}/ includes {to}/ ({m.group(1)}; '
                      f'{top}/ may include {", ".join(MAY_INCLUDE[top]) or "nothing else"})')
                bad += 1
    if not bad:
        print('PASS layers')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
