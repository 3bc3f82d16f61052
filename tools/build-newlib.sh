#!/usr/bin/env bash
# Builds newlib's libc.a and libm.a for bare-metal AArch64 from Debian's
# newlib-source tarball, once, into $1 (the Makefile passes build/newlib).
#
#  - retargetable locking: newlib calls our __retarget_lock_* (rt/libc/lock.c)
#  - __DYNAMIC_REENT__: _REENT is __getreent(), so each task owns errno &co
#  - global stdio streams: one stdin/stdout/stderr for all tasks, locked per
#    call, instead of three FILEs and buffers allocated for every task
#  - -mno-outline-atomics: no __aarch64_* helpers (A53/A72 have no LSE)
#  - no supplied syscalls: _write, _sbrk, _exit... live in rt/libc/syscalls.c
#  - stack-clash probes as the kernel has: no frame can step over a task's
#    4 KiB guard page into the record of the task below it
set -eu
out=$(realpath -m "$1")
tarball=$(ls /usr/src/newlib/newlib-*.tar.* | head -n1)
jobs=$(nproc 2>/dev/null || echo 2)

rm -rf "$out/src" "$out/obj" "$out/install" "$out/lib" "$out/include"
mkdir -p "$out/src" "$out/obj"
tar -C "$out/src" --strip-components=1 -xf "$tarball"

cd "$out/obj"
t=aarch64-linux-gnu
"$out/src/configure" --target=aarch64-none-elf --prefix="$out/install" \
	--disable-multilib --disable-nls \
	--disable-newlib-supplied-syscalls \
	--enable-newlib-retargetable-locking \
	--enable-newlib-reent-small \
	--enable-newlib-io-c99-formats --enable-newlib-io-long-long \
	--enable-newlib-global-stdio-streams \
	CC_FOR_TARGET=$t-gcc AR_FOR_TARGET=$t-ar AS_FOR_TARGET=$t-as \
	LD_FOR_TARGET=$t-ld NM_FOR_TARGET=$t-nm RANLIB_FOR_TARGET=$t-ranlib \
	OBJDUMP_FOR_TARGET=$t-objdump STRIP_FOR_TARGET=$t-strip \
	CFLAGS_FOR_TARGET="-O2 -g -ffunction-sections -fdata-sections -mno-outline-atomics -D__DYNAMIC_REENT__ -fstack-clash-protection --param stack-clash-protection-guard-size=12" \
	>"$out/configure.log" 2>&1
make -j"$jobs" all-target-newlib >"$out/build.log" 2>&1 ||
	{ tail -n 30 "$out/build.log"; exit 1; }
make install-target-newlib >>"$out/build.log" 2>&1
# One stable place for the Makefile: include/ and lib/ whatever the prefix layout.
ln -sfn "$out/install/aarch64-none-elf/include" "$out/include"
ln -sfn "$out/install/aarch64-none-elf/lib" "$out/lib"
test -f "$out/lib/libc.a" && test -f "$out/lib/libm.a"
