#!/usr/bin/env bash
# Unpacks Debian's raspi-firmware package (bootcode.bin, start*.elf,
# fixup*.dat for the Pi 3 and 4) into $1, without installing it and without
# root: apt runs with a private source list (the machine's own Debian
# mirror, component non-free-firmware) and private state under $1/apt.
# Does nothing once the files are there.
set -eu

out=$(mkdir -p "$1" && cd "$1" && pwd)
fw=$out/usr/lib/raspi-firmware
[ -f "$fw/start4.elf" ] && [ -f "$fw/bootcode.bin" ] && exit 0

codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
. "$(dirname "$0")/debian-mirror.sh"
uri=$(mirror_uri | head -n1)
if [ -z "$codename" ] || [ -z "$uri" ]; then
	echo "gometal: cannot find this machine's Debian suite and mirror in /etc/apt" >&2
	exit 1
fi

apt=$out/apt
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
opt=""
[ -f "$keyring" ] && opt="[signed-by=$keyring] "
echo "deb ${opt}$uri $codename non-free-firmware" >"$apt/sources.list"
aptopts=(-o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
	 -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache"
	 -o Debug::NoLocking=1 -o APT::Sandbox::User="$(id -un)")

echo "  FETCH   raspi-firmware (Debian, non-free-firmware)"
apt-get "${aptopts[@]}" -qq update
(cd "$apt" && apt-get "${aptopts[@]}" -qq download raspi-firmware)
dpkg-deb -x "$apt"/raspi-firmware_*.deb "$out"
[ -f "$fw/start4.elf" ] || { echo "gometal: raspi-firmware has no start4.elf" >&2; exit 1; }
