#!/usr/bin/env bash
# Installs, from Debian's own packages, whatever the build and the tests need
# and this machine lacks. Idempotent and silent when everything is present.
# As a non-root user it changes nothing and prints the command to run instead.
#
# QEMU must be 9 or later (raspi4b); Debian 12 ships 7.2, so on bookworm the
# qemu packages come from bookworm-backports. The backports entry reuses the
# mirror URI the machine's own apt sources already use.
#
# `deps.sh bench` also installs what `make bench` needs: Go and qemu-user
# for the Go peer (both from backports on bookworm, so that qemu-user is the
# same QEMU as qemu-system) and gnuplot for the plots.
#
# `deps.sh fresh` installs only what `make test-fresh` needs on this
# machine (tools/test-fresh.sh): debootstrap and Debian's archive keyring.
# That test builds nothing here; it runs this script, in its plain form,
# inside a minimal Debian root.
#
# The plain form assumes no more than a minimal Debian 12 (debootstrap
# --variant=minbase) with make and git: it also installs the host C
# compiler and headers (tests/host, tools/chainboot.c), xz (newlib's
# tarball is .tar.xz, and so is Linux's in linux-source-6.12), dtc (the
# Raspberry Pi device trees tools/fetch-dtbs.sh builds for tests/host) and
# python3, all without Recommends.
set -eu
mode=${1:-}

QEMU_MIN_MAJOR=9
need=()        # packages to install from the default suite
need_bpo=()    # packages to install from backports

have() { command -v "$1" >/dev/null 2>&1; }

qemu_major() {
	qemu-system-aarch64 --version 2>/dev/null |
		sed -n 's/.*version \([0-9]*\)\..*/\1/p' | head -n1
}

if [ "$mode" = fresh ]; then
	[ -x /usr/sbin/debootstrap ] || need+=(debootstrap)
	[ -f /usr/share/keyrings/debian-archive-keyring.gpg ] || need+=(debian-archive-keyring)
else
	have aarch64-linux-gnu-gcc || need+=(gcc-aarch64-linux-gnu)
	have aarch64-linux-gnu-objcopy || need+=(binutils-aarch64-linux-gnu)
	have gdb-multiarch || need+=(gdb-multiarch)
	have openocd || need+=(openocd)
	ls /usr/src/newlib/newlib-*.tar.* >/dev/null 2>&1 || need+=(newlib-source)
	have python3 || need+=(python3)
	have xz || need+=(xz-utils)                      # newlib's .tar.xz
	have gcc || need+=(gcc)                          # tests/host, tools/chainboot.c
	[ -f /usr/include/stdio.h ] || need+=(libc6-dev) # (gcc only recommends it)
	have mcopy || need+=(mtools)                     # make sdimage
	[ -x /usr/sbin/mkfs.fat ] || [ -x /sbin/mkfs.fat ] || need+=(dosfstools)
	have dtc || need+=(device-tree-compiler)         # tools/fetch-dtbs.sh (tests/host)
	major=$(qemu_major)
	if [ -z "$major" ] || [ "$major" -lt "$QEMU_MIN_MAJOR" ]; then
		need_bpo+=(qemu-system-arm qemu-system-data)
	fi
	if [ "$mode" = bench ]; then
		have go || need_bpo+=(golang-go)
		have qemu-aarch64 || need_bpo+=(qemu-user)
		have gnuplot || need+=(gnuplot-nox)
	fi
fi

[ ${#need[@]} -eq 0 ] && [ ${#need_bpo[@]} -eq 0 ] && exit 0

codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
bpo_file=/etc/apt/sources.list.d/gometal-backports.sources

. "$(dirname "$0")/debian-mirror.sh"   # mirror_uri

bpo_cmd=""
if [ ${#need_bpo[@]} -gt 0 ]; then
	if [ "$codename" = bookworm ]; then
		bpo_cmd="apt-get install -y -t bookworm-backports ${need_bpo[*]}"
	else
		# Newer Debian releases ship QEMU >= 9 in their main suite.
		need+=("${need_bpo[@]}")
		need_bpo=()
	fi
fi

install_cmd="apt-get update && apt-get install -y ${need[*]:-}"
[ ${#need[@]} -eq 0 ] && install_cmd="apt-get update"
[ -n "$bpo_cmd" ] && install_cmd="$install_cmd && $bpo_cmd"

if [ "$(id -u)" -ne 0 ]; then
	echo "gometal: missing build dependencies: ${need[*]:-} ${need_bpo[*]:-}" >&2
	echo "gometal: install them as root with:" >&2
	echo "  sudo bash $(cd "$(dirname "$0")" && pwd)/deps.sh $mode" >&2
	if [ -n "$bpo_cmd" ] && [ ! -f "$bpo_file" ]; then
		echo "gometal: (which adds $bpo_file, the bookworm-backports suite of your own mirror, then runs: $install_cmd)" >&2
	else
		echo "gometal: (which runs: $install_cmd)" >&2
	fi
	exit 1
fi

if [ -n "$bpo_cmd" ] && [ ! -f "$bpo_file" ]; then
	uri=$(mirror_uri)
	if [ -z "$uri" ]; then
		echo "gometal: cannot find the Debian mirror in /etc/apt sources" >&2
		exit 1
	fi
	printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\n' \
		"$uri" >"$bpo_file"
	echo "gometal: added $bpo_file"
fi

echo "gometal: installing ${need[*]:-} ${need_bpo[*]:-}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
[ ${#need[@]} -gt 0 ] && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
if [ ${#need_bpo[@]} -gt 0 ]; then
	apt-get install -y -qq --no-install-recommends -t bookworm-backports "${need_bpo[@]}" >/dev/null
fi
[ "$mode" = fresh ] && exit 0
major=$(qemu_major)
if [ -z "$major" ] || [ "$major" -lt "$QEMU_MIN_MAJOR" ]; then
	echo "gometal: qemu-system-aarch64 is ${major:-absent}; need $QEMU_MIN_MAJOR or later" >&2
	exit 1
fi
