#!/usr/bin/env bash
# make test-fresh: the README's promise that `make run` and `make test` do
# all their own set-up on a fresh Debian 12 machine, checked on one.
#
#  1. A minimal Debian 12 root (debootstrap --variant=minbase bookworm, from
#     the mirror this machine's apt sources use) plus make and git (without
#     Recommends), built once and kept in build/fresh/base.
#  2. Every run copies that base to build/fresh/root and clones the
#     committed tree (HEAD, not the work tree) into /root/gometal there.
#  3. In a chroot, with /proc, /dev, /dev/pts and /sys bind-mounted, it runs
#     the README's two commands once each, as root: `make run` must exit 0
#     having printed "cpus online: 4", then `make test` must exit 0 with
#     "N passed, 0 failed" as its last line.
#
# Needs root (debootstrap, mount, chroot) and the network to the Debian
# mirror; `bash tools/deps.sh fresh` installs debootstrap. Logs stay in
# build/fresh/*.log; a failed run's root stays for inspection (unmounted)
# until the next run.
#
# Mounts and processes: the script re-runs itself as the first process of
# new mount and PID namespaces (unshare), so the host never sees the bind
# mounts, and if the script is killed outright (even SIGKILL) the kernel
# ends everything it started and the mounts go with the namespace. It
# still stops what it started in the chroot and unmounts everything itself
# on exit, Ctrl-C or TERM, and deletes a root only once nothing is mounted
# below it, with rm --one-file-system.
set -eu

die() { echo "test-fresh: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, mount, chroot): sudo make test-fresh"
if [ -z "${GOMETAL_FRESH_NS:-}" ]; then
	export GOMETAL_FRESH_NS=1
	exec unshare --mount --propagation private --pid --fork --kill-child --mount-proc \
		bash "$0" "$@"
fi

top=$(cd "$(dirname "$0")/.." && pwd)
work=$top/build/fresh
base=$work/base
root=$work/root
src=/root/gometal
timeout_s=${FRESH_TIMEOUT:-2400}    # per command
case $work in
*[!A-Za-z0-9/._+-]*) die "$work: only plain path names (mount points are matched as text)" ;;
esac
mkdir -p "$work"
exec 9>"$work/lock"
flock -n 9 || die "another test-fresh is running in $work"

# Mount points at or below $1, in the order they were mounted.
mounts_under() {
	awk -v p="$1" '$5 == p || index($5, p "/") == 1 { print $5 }' /proc/self/mountinfo
}

# Stops every process whose root directory is $1 or below (what we started
# in the chroot), TERM first, then KILL.
kill_in() {
	local sig p r left
	for sig in TERM KILL; do
		left=0
		for p in /proc/[0-9]*; do
			r=$(readlink "$p/root" 2>/dev/null) || continue
			case $r in
			"$1" | "$1"/*) kill -"$sig" "${p#/proc/}" 2>/dev/null && left=1 ;;
			esac
		done
		[ $left -eq 0 ] && return 0
		sleep 2
	done
}

# Unmounts everything at or below $1, deepest (latest) first, lazily if busy.
unmount_all() {
	local m try
	for try in 1 2 3; do
		[ -n "$(mounts_under "$1")" ] || return 0
		for m in $(mounts_under "$1" | tac); do
			umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
		done
	done
	[ -z "$(mounts_under "$1")" ]
}

# Deletes $1 (under $work) once nothing is mounted there.
safe_rm() {
	case $1 in "$work"/?*) ;; *) die "refusing to delete $1" ;; esac
	[ -e "$1" ] || return 0
	kill_in "$1"
	unmount_all "$1" || die "$1: still mounted ($(mounts_under "$1" | tr '\n' ' ')); not deleting"
	rm -rf --one-file-system -- "$1"
}

mount_in() {
	local d
	for d in proc dev dev/pts sys; do
		mkdir -p "$1/$d"
		mount --bind "/$d" "$1/$d"
		mount --make-private "$1/$d"
	done
	# (removed first: a symlink there would lead cp out of the root)
	rm -f "$1/etc/resolv.conf"
	cp -L /etc/resolv.conf "$1/etc/resolv.conf" 2>/dev/null || true
}

# Runs a shell command in chroot $1 with a clean environment (nothing
# from this machine or an outer make), output to log $2; its status in $st.
# In the background and waited for, so that Ctrl-C runs the trap at once.
child=""
in_chroot() {
	st=0
	timeout --kill-after=30 "$timeout_s" chroot "$1" /usr/bin/env -i HOME=/root USER=root \
		LOGNAME=root SHELL=/bin/bash TERM=dumb \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		/bin/bash -c "$3" </dev/null >"$2" 2>&1 &
	child=$!
	wait "$child" || st=$?
	child=""
}

cleanup() {
	local d
	trap - EXIT INT TERM
	[ -n "$child" ] && kill "$child" 2>/dev/null
	for d in "$root" "$base.new"; do
		kill_in "$d"
		unmount_all "$d" || echo "test-fresh: $d: could not unmount $(mounts_under "$d" | tr '\n' ' ')" >&2
	done
}
trap cleanup EXIT
trap 'echo "test-fresh: interrupted" >&2; exit 130' INT
trap 'exit 143' TERM

secs() { echo $(($(date +%s) - $1))s; }
t0=$(date +%s)

# 1. The base: minbase + make + git, once.
if [ ! -d "$base" ]; then
	codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
	. "$top/tools/debian-mirror.sh"
	uri=$(mirror_uri)
	[ -n "$uri" ] || die "cannot find the Debian mirror in /etc/apt sources"
	echo "test-fresh: building the base (debootstrap --variant=minbase bookworm + make git) in $base"
	safe_rm "$base.new"
	t=$(date +%s)
	debootstrap --variant=minbase bookworm "$base.new" "$uri" >"$work/base.log" 2>&1 ||
		{ tail -n 20 "$work/base.log"; die "debootstrap failed (log: $work/base.log)"; }
	mount_in "$base.new"
	in_chroot "$base.new" "$work/base-apt.log" \
		'export DEBIAN_FRONTEND=noninteractive; apt-get update -qq &&
		 apt-get install -y -qq --no-install-recommends make git &&
		 apt-get clean && rm -rf /var/lib/apt/lists/*'
	unmount_all "$base.new" || die "$base.new: cannot unmount"
	[ "$st" -eq 0 ] || { tail -n 20 "$work/base-apt.log"; die "installing make git failed"; }
	rm -f "$base.new/etc/resolv.conf"
	mv "$base.new" "$base"
	echo "test-fresh: base built in $(secs "$t") ($(du -sh "$base" | cut -f1))"
else
	echo "test-fresh: base: $base (cached; delete it to rebuild)"
fi

# 2. A fresh copy and the committed tree.
head=$(git -C "$top" rev-parse HEAD)
dirty=$(git -C "$top" status --porcelain --untracked-files=no | wc -l)
echo "test-fresh: testing commit $(git -C "$top" log -1 --format='%h %s' | cut -c1-72)"
[ "$dirty" -eq 0 ] || echo "test-fresh: ($dirty uncommitted change(s) in the work tree are not tested)"
t=$(date +%s)
safe_rm "$root"
cp -a "$base" "$root"
git clone -q --no-hardlinks --no-checkout "$top" "$root$src"
git -C "$root$src" checkout -q --detach "$head"
mount_in "$root"
echo "test-fresh: $root ready ($(secs "$t"))"

# 3. The README's two commands, once each.
passed=0
failed=0
check() { # name log status ok
	if [ "$4" = yes ]; then
		echo "PASS $1 ($5)"
		passed=$((passed + 1))
	else
		echo "FAIL $1 ($5, exit status $3; log: $2)"
		if grep -q '^FAIL' "$2"; then
			echo "  its FAIL lines:"
			grep '^FAIL' "$2" | head -n 20 | cut -c1-200 | sed 's/^/    /'
		fi
		echo "  its last lines:"
		tail -n 20 "$2" | sed 's/^/    /'
		failed=$((failed + 1))
	fi
}

t=$(date +%s)
echo "test-fresh: make run (installs the dependencies, builds newlib and the demo, boots it)"
in_chroot "$root" "$work/run.log" "cd $src && make run"
ok=no
[ "$st" -eq 0 ] && grep -q '^cpus online: 4' "$work/run.log" && ok=yes
check "make run: exits 0, prints cpus online: 4" "$work/run.log" "$st" $ok "$(secs "$t")"

t=$(date +%s)
echo "test-fresh: make test"
in_chroot "$root" "$work/test.log" "cd $src && make test"
ok=no
last=$(grep -v '^[[:space:]]*$' "$work/test.log" | tail -n 1)
[ "$st" -eq 0 ] && printf '%s\n' "$last" | grep -Eq '^[0-9]+ passed, 0 failed$' && ok=yes
check "make test: exits 0, ends N passed, 0 failed ($last)" "$work/test.log" "$st" $ok "$(secs "$t")"

kill_in "$root"
unmount_all "$root" || die "$root: cannot unmount $(mounts_under "$root" | tr '\n' ' ')"
if [ $failed -eq 0 ]; then
	safe_rm "$root"
else
	echo "test-fresh: the root stays in $root for inspection (unmounted; the next run deletes it)"
fi
echo "test-fresh: $passed passed, $failed failed ($(secs "$t0"))"
[ $failed -eq 0 ]
