# Sourced by tools/deps.sh and tools/fetch-firmware.sh. mirror_uri prints
# the first deb URI of the machine's main Debian suite ($codename), from its
# own apt sources (deb822 or one-line form): we use whatever mirror the
# machine already trusts, and name none ourselves.
mirror_uri() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk -v c="$codename" '
			/^URIs:/ { u = $2 }
			/^Suites:/ { for (i = 2; i <= NF; i++) if ($i == c) ok = 1 }
			/^$/ { if (ok && u != "") { print u; exit } ok = 0; u = "" }
			END { if (ok && u != "") print u }' "$f" | head -n1
	done | head -n1
	if [ -f /etc/apt/sources.list ]; then
		awk -v c="$codename" '$1 == "deb" && $3 == c { print $2; exit }' /etc/apt/sources.list
	fi
}
