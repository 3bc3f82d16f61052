#!/usr/bin/env bash
# Builds the Raspberry Pi 3, 4 and 5 device trees from Linux's own sources
# into $1 (bcm2837-rpi-3-b.dtb, bcm2711-rpi-4-b.dtb, bcm2712-rpi-5-b.dtb),
# for tests/host/test_dtb_real.c. The sources are Debian's
# linux-source-6.12 package, downloaded (never installed) with apt running
# on a private source list and private state under $1/apt, as
# tools/fetch-firmware.sh does: the suite is the machine's own
# <codename>-security (the mirror its apt sources name for it), or, where
# those are not configured (a debootstrap root), <codename>-backports on
# its main mirror, which carries the same package. linux-source.version
# beside the DTBs says which package version and suite they came from;
# src/ keeps the unpacked .dts/.dtsi files the tests cite.
# Does nothing once the DTBs are there. Needs dtc (device-tree-compiler,
# tools/deps.sh), cpp, xz and dpkg-deb; no root.
set -eu

out=$(mkdir -p "$1" && cd "$1" && pwd)
boards="bcm2837-rpi-3-b bcm2711-rpi-4-b bcm2712-rpi-5-b"
done=1
for b in $boards; do [ -f "$out/$b.dtb" ] || done=0; done
[ -f "$out/linux-source.version" ] || done=0
[ $done = 1 ] && exit 0

for tool in dtc cpp xz dpkg-deb apt-get; do
	command -v $tool >/dev/null 2>&1 && continue
	echo "gometal: fetch-dtbs needs $tool (run make deps, or sudo bash tools/deps.sh)" >&2
	exit 1
done

. "$(dirname "$0")/debian-mirror.sh"   # mirror_uri, for the suite in $codename
release=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
if [ -z "$release" ]; then
	echo "gometal: cannot tell this machine's Debian release (/etc/os-release)" >&2
	exit 1
fi
codename=$release-security
uri=$(mirror_uri | head -n1)
suite=$codename
if [ -z "$uri" ]; then
	codename=$release
	uri=$(mirror_uri | head -n1)
	suite=$release-backports
fi
if [ -z "$uri" ]; then
	echo "gometal: cannot find a Debian mirror for $release in /etc/apt" >&2
	exit 1
fi

pkg=linux-source-6.12
apt=$out/apt
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
opt=""
[ -f "$keyring" ] && opt="[signed-by=$keyring] "
echo "deb ${opt}$uri $suite main" >"$apt/sources.list"
aptopts=(-o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
	 -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache"
	 -o Debug::NoLocking=1 -o APT::Sandbox::User="$(id -un)")

echo "  FETCH   $pkg (Debian, $suite; about 150 MB)"
apt-get "${aptopts[@]}" -qq update
rm -f "$apt/${pkg}"_*.deb
(cd "$apt" && apt-get "${aptopts[@]}" -qq download $pkg)
deb=$(ls "$apt/${pkg}"_*.deb)
version=$(dpkg-deb -f "$deb" Version)

# Only the device trees, the headers they include, and the include-prefixes
# links (arm/, arm64/, dt-bindings/) through which the arm64 .dts files
# include the arm ones, as Linux's own build resolves them.
echo "  UNPACK  $pkg $version: arch/{arm,arm64}/boot/dts/broadcom, include/dt-bindings"
src=$out/src
rm -rf "$src"
mkdir -p "$src"
dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/src/$pkg.tar.xz" | xz -dc |
	tar -x -C "$src" --strip-components=1 --wildcards \
		"$pkg/arch/arm/boot/dts/broadcom/*" "$pkg/arch/arm64/boot/dts/broadcom/*" \
		"$pkg/include/dt-bindings/*" "$pkg/scripts/dtc/include-prefixes/*"

# The preprocessor and compiler flags of Linux's scripts/Makefile.dtbs
# (dtc_cpp_flags, cmd_dtc, DTC_FLAGS), plus -Wno-interrupt_provider: Debian
# 12's dtc 1.6.1 warns on interrupt-controller nodes without
# #address-cells, a check newer dtc (Linux's own) no longer makes noisy.
inc=$src/scripts/dtc/include-prefixes
dts=$src/arch/arm64/boot/dts/broadcom
for b in $boards; do
	echo "  DTC     $b.dtb"
	cpp -nostdinc -I "$inc" -undef -D__DTS__ -x assembler-with-cpp \
		-o "$out/$b.dts.tmp" "$dts/$b.dts"
	dtc -I dts -O dtb -b 0 -i "$dts" -i "$inc" \
		-Wno-unique_unit_address -Wno-unit_address_vs_reg \
		-Wno-avoid_unnecessary_addr_size -Wno-alias_paths \
		-Wno-graph_child_address -Wno-simple_bus_reg -Wno-interrupt_provider \
		-o "$out/$b.dtb.tmp" "$out/$b.dts.tmp"
	mv "$out/$b.dtb.tmp" "$out/$b.dtb"
	rm -f "$out/$b.dts.tmp"
done
rm -f "$deb"
echo "$pkg $version ($suite)" >"$out/linux-source.version"
