#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian system test (docs/testing.md): run as root, at boot, in the
# Debian 12 image of scripts/debian-image, by scripts/debian-vm-run,
# which copies this file as the payload's run.sh, the pen .debs beside it
# (debs/), consumer.c and the test lines' helper (scripts/lib/tap.sh). The guest has no network. Installs the
# packages the way an administrator does, uses the pens the way users do,
# purges, and checks that nothing is left. TAP output, one
# "N passed, N failed" line at the end; exits nonzero on any failure.
#
# Many checks are "bash -c '...'" whose $ expand in that shell, not here.
# shellcheck disable=SC2016
set -u
export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8
here=$(cd "$(dirname "$0")" && pwd)
work=/tmp/pen-proof
rm -rf $work && mkdir -p $work && chmod 0755 $work
# shellcheck source=../../scripts/lib/tap.sh
. "$here/tap.sh"
kver=$(uname -r)
pkgs=(pen-dkms libpen1 libpen-dev penctl pentrace pen-selftests)

echo "TAP version 13"
start=$(date +%s)
# part NAME: a comment with the guest time since the start (under -icount
# guest seconds are instructions, not the host's seconds).
part() { echo "# --- $1 (at $(( $(date +%s) - start )) s)"; }
# as USER CMD...: CMD as USER with USER's groups, as a login would give.
as() { local u=$1; shift; runuser -u "$u" -- "$@"; }
settle() { udevadm settle -t 180 || echo "# udevadm settle: events still queued after 180 s"; }
unload() { modprobe -r pen_sim pen_vcm pen 2>/dev/null; ! [ -d /sys/module/pen ]; }
# The event node of the pen's buttons: /dev/input/eventN.
buttons_node() {
	local e
	for e in /sys/class/input/event*; do
		[ "$(cat "$e/device/name" 2>/dev/null)" = "Microneedling pen buttons" ] &&
			{ echo "/dev/input/${e##*/}"; return 0; }
	done
	return 1
}
# The value of KEY= on the uncommented "options pen" line of pen.conf.
conf_value() { sed -n "s/^options pen .*$1=\([0-9]*\).*/\1/p" /etc/modprobe.d/pen.conf; }

echo "# kernel $kver, $(dkms --version 2>&1), debs: $(cd "$here/debs" && echo *.deb)"

# --- Installation, offline --------------------------------------------
part "installation, offline"
# What is named *pen* before (the purge must leave nothing more).
pen_files() {
	find /usr /etc /var/lib /var/cache /dev /run/udev \
		-path /var/lib/dpkg/info -prune -o -iname '*pen*' -print 2>/dev/null |
		grep -v -i -e open -e /proc/ | sort
}
pen_files > $work/before.txt
mkdir -p $work/debs && cp "$here"/debs/*.deb $work/debs/ && chmod -R a+rX $work/debs
check "no apt lists: the install below is offline" \
	bash -c '! ls /var/lib/apt/lists/*_Packages 2>/dev/null | grep -q .'
check "apt-get install ./*.deb, offline" \
	bash -c "cd $work/debs && apt-get install -y ./*.deb"
check "dkms status: pen installed for $kver" \
	bash -c "dkms status | tee /dev/stderr | grep -E '^pen/[^,]*, $kver, [^:]*: installed'"
for m in pen pen_sim pen_vcm; do
	check "modinfo $m: built by DKMS for $kver" \
		bash -c "modinfo -k $kver -n $m | tee /dev/stderr | grep -q '^/lib/modules/$kver/updates/dkms/$m\.ko'"
done
check "the pen group exists (a system group)" \
	bash -c 'gid=$(getent group pen | cut -d: -f3) && [ "$gid" -lt 1000 ]'
# Every file the packages installed, for the purge's check.
for p in "${pkgs[@]}"; do dpkg -L "$p"; done | sort -u > $work/owned.txt

# --- udev: the node, its group, the by-serial link, the buttons -------
part "udev"
check "modprobe pen_sim" modprobe pen_sim
settle
check "/dev/pen0 is root:pen 0660" \
	bash -c '[ "$(stat -c "%U:%G %a" /dev/pen0)" = "root:pen 660" ] || { ls -l /dev/pen0; false; }'
serial=$(cat /sys/class/pen/pen0/serial 2>/dev/null)
check "/dev/pen/by-serial/$serial -> ../../pen0" \
	bash -c "[ -n '$serial' ] && [ \"\$(readlink /dev/pen/by-serial/$serial)\" = ../../pen0 ] || { ls -lR /dev/pen; false; }"
ev=$(buttons_node)
check "the buttons' event node ($ev) is root:pen 0640" \
	bash -c "[ -n '$ev' ] && [ \"\$(stat -c '%U:%G %a' '$ev')\" = 'root:pen 640' ] || { ls -l /dev/input; false; }"
check "udev marks the buttons LIBINPUT_IGNORE_DEVICE=1" \
	bash -c "udevadm info '$ev' | tee /dev/stderr | grep -q '^E: LIBINPUT_IGNORE_DEVICE=1$'"
if ! udevadm info "$ev" 2>/dev/null | grep -q '^E: LIBINPUT_IGNORE_DEVICE=1$'; then
	# What udev did with the node, for the report.
	{
		udevadm info "$(dirname "$(udevadm info -q path -n "$ev")")"
		journalctl -b --no-pager -u systemd-udevd | tail -n 30
		udevadm test "$(udevadm info -q path -n "$ev")" 2>&1 | tail -n 40
	} 2>&1 | sed 's/^/# udev: /'
fi

# --- Users: alice and carol in group pen, bob outside -----------------
part "users"
useradd -m -G pen alice && useradd -m bob && useradd -m -G pen carol
check "alice: penctl info" as alice penctl info
check "alice: penctl set --depth 500um --rate 100Hz" \
	as alice penctl set --depth 500um --rate 100Hz
check "alice: penctl status shows the setpoints" \
	bash -c "runuser -u alice -- penctl --json status | tee /dev/stderr | grep -q '\"depth_um\": *500'"
as alice penctl monitor --duration 6s > $work/monitor.out 2>&1 &
mon=$!
sleep 1
check "alice: penctl run --duration 2s" \
	as alice penctl run --depth 500um --rate 100Hz --duration 2s
wait $mon
mrc=$?
check "alice: penctl monitor saw the run (exit $mrc)" \
	bash -c "cat $work/monitor.out; [ $mrc = 0 ] && [ -s $work/monitor.out ]"
# The Python binding as the clinic's software would use it (python3-pen).
check "alice: python3-pen sets the setpoints and reads them back" \
	as alice python3 -c 'import pen
with pen.Pen(0, control=True) as p:
    p.set_params(depth="0.3mm", rate="90Hz")
    s = p.status()
    print(s)
    assert (s.depth_um, s.rate_mhz) == (300, 90000), s'
check "bob (not in group pen): python3-pen raises PermissionError" \
	as bob python3 -c 'import pen
try:
    pen.Pen(0)
except PermissionError as e:
    print(repr(e))
else:
    raise SystemExit("opened")'
as bob penctl info > $work/bob.out 2>&1
brc=$?
check "bob (not in group pen): penctl info fails (exit $brc) naming group pen" \
	bash -c "cat $work/bob.out; [ $brc != 0 ] && grep -qE \"group '?pen'?\" $work/bob.out"
# carol stops the pen alice runs.
as alice penctl run --depth 500um --rate 100Hz --duration 60s > $work/alice.out 2>&1 &
arun=$!
for _ in $(seq 50); do
	penctl --json status 2>/dev/null | grep -q '"state": *"running"' && break
	sleep 0.2
done
check "alice's 60 s run is running" \
	bash -c "penctl --json status | grep -q '\"state\": *\"running\"'"
check "carol (group pen): penctl stop" as carol penctl stop
for _ in $(seq 50); do kill -0 $arun 2>/dev/null || break; sleep 0.2; done
if kill -0 $arun 2>/dev/null; then
	not_ok "alice's run ends when carol stops the pen"
	kill $arun; wait $arun
else
	wait $arun
	ok "alice's run ends when carol stops the pen (exit $?)"
fi
sed 's/^/# alice: /' $work/alice.out

# --- The modprobe.d example: the cap in force at the first open -------
part "modprobe.d"
check "modprobe -r pen_sim pen" unload
cp /etc/modprobe.d/pen.conf $work/pen.conf.orig
sed -i 's/^#options pen/options pen/' /etc/modprobe.d/pen.conf
cap=$(conf_value depth_cap_um)
check "pen.conf's example uncommented: depth_cap_um=$cap" test -n "$cap"
modprobe pen_sim
settle
check "/sys/module/pen/parameters/depth_cap_um is $cap" \
	bash -c "[ \"\$(cat /sys/module/pen/parameters/depth_cap_um)\" = '$cap' ]"
check "pen0's depth_cap_um is $cap before any open" \
	bash -c "[ \"\$(cat /sys/class/pen/pen0/depth_cap_um)\" = '$cap' ]"
check "alice: penctl info at the first open says depth cap $cap um" \
	bash -c "runuser -u alice -- penctl --json info | tee /dev/stderr | grep -qE '\"depth_cap_um\": *$cap\\b'"
check "alice: a set to the cap is accepted" as alice penctl set --depth "${cap}um"
as alice penctl set --depth "$((cap + 10))um" > $work/deep.out 2>&1
drc=$?
check "alice: a set $((cap + 10))um (deeper than the cap) is refused (exit $drc)" \
	bash -c "cat $work/deep.out; [ $drc != 0 ] && grep -q 'depth cap' $work/deep.out"
unload
cp $work/pen.conf.orig /etc/modprobe.d/pen.conf

# --- A pkg-config consumer, shared and static ------------------------
part "pkg-config consumer"
cp "$here/consumer.c" $work/
modprobe pen_sim
settle
check "cc consumer.c \$(pkg-config --cflags --libs libpen)" \
	bash -c "cd $work && cc -o consumer-shared consumer.c \$(pkg-config --cflags --libs libpen)"
check "the shared consumer uses libpen.so.1" \
	bash -c "ldd $work/consumer-shared | tee /dev/stderr | grep -qE 'libpen\.so\.1 => /(usr/)?lib/'"
check "the shared consumer runs on /dev/pen0 (as alice)" as alice $work/consumer-shared /dev/pen0
check "cc -static consumer.c \$(pkg-config --static ...) (libpen.a)" \
	bash -c "cd $work && cc -static -o consumer-static consumer.c \$(pkg-config --cflags --static --libs libpen)"
check "the static consumer needs no libpen.so" \
	bash -c "! ldd $work/consumer-static 2>&1 | grep -q libpen"
check "the static consumer runs on /dev/pen0 (as alice)" as alice $work/consumer-static /dev/pen0

# --- The installed selftests under the kernel's run_kselftest.sh ------
part "kselftests"
unload
# event_test's soak at 300 Hz is 600 s of guest time by default; here a
# minute (PEN_EVENT_SOAK_S, docs/testing.md); unplug_test creates and
# removes 300 pens, not 10000, whose uevents udev would take long over.
(cd /usr/libexec/pen/kselftest && PEN_EVENT_SOAK_S=60 PEN_UNPLUG_LOOPS=300 ./run_kselftest.sh -c pen) 2>&1 |
	tee $work/ksft.out | sed -u 's/^/# ksft: /'
krc=${PIPESTATUS[0]}
check "run_kselftest.sh -c pen exits 0 (exit $krc)" test "$krc" = 0
check "run_kselftest.sh -c pen: no 'not ok' line" \
	bash -c "! grep -q '^not ok' $work/ksft.out && grep -q '^ok' $work/ksft.out"

# --- Purge: nothing left behind ---------------------------------------
part "purge"
# The modules are loaded and nothing holds a pen open: pen-dkms's prerm
# unloads them (the test does not).
modprobe pen_sim 2>/dev/null
settle
check "apt-get purge ${pkgs[*]}" apt-get purge -y "${pkgs[@]}"
settle
check "prerm unloaded the modules" bash -c '! [ -d /sys/module/pen ] && ! [ -d /sys/module/pen_sim ]'
check "no /dev/pen0, no /dev/pen/" bash -c '! [ -e /dev/pen0 ] && ! [ -e /dev/pen ]'
check "no pen.ko, pen_*.ko under /lib/modules" \
	bash -c '! find /lib/modules/ \( -name "pen.ko*" -o -name "pen_*.ko*" \) | tee /dev/stderr | grep -q .'
check "no /var/lib/dkms/pen, no /usr/src/pen-*" \
	bash -c '! [ -e /var/lib/dkms/pen ] && ! ls -d /usr/src/pen-* 2>/dev/null | grep -q .'
check "no 60-pen.rules" \
	bash -c '! find /etc/udev /lib/udev /usr/lib/udev -name 60-pen.rules | grep -q .'
check "no group pen" bash -c '! getent group pen'
check "no /etc/modprobe.d/pen.conf" test ! -e /etc/modprobe.d/pen.conf
check "no /usr/libexec/pen" test ! -e /usr/libexec/pen
check "every file the packages owned ($(grep -c . $work/owned.txt)) is gone" \
	bash -c "left=0; while read -r f; do [ -d \"\$f\" ] && continue; [ -e \"\$f\" ] || [ -L \"\$f\" ] || continue; echo \"left: \$f\"; left=1; done < $work/owned.txt; [ \$left = 0 ]"
pen_files > $work/after.txt
check "nothing named *pen* under /usr /etc /var/lib /var/cache /dev that was not there before" \
	bash -c "! comm -13 $work/before.txt $work/after.txt | tee /dev/stderr | grep -q ."
check "dpkg knows none of the packages any more" \
	bash -c "! dpkg-query -W -f='\${Package} \${db:Status-Status}\\n' ${pkgs[*]} 2>/dev/null | tee /dev/stderr | grep -v ' not-installed\$' | grep -q ."

part "end"
finish
