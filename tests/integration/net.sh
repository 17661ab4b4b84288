#!/usr/bin/env bash
# net.sh BUILD_DIR: the guest's network (issue 8): --net and -p errors (one `unikit:` line,
# status 125: bad syntax, a host port already in use, -p without slirp, a missing tap device),
# and traffic through the packet device under slirp: a guest client fetching from a host server
# through 10.0.2.2 (the host's loopback), a guest server reached from the host through -p
# (curl), both compared with the file served, and --stats counting the batched hypercalls;
# /etc/hosts and /etc/resolv.conf provided for a ROOTFS that has none, /etc itself unchanged;
# a thread answering while another computes without traps; --net tap both ways (as root).
#
# Run:   bash tests/integration/net.sh BUILD_DIR      (ends with "N passed, M failed")
# In ctest as `net`.
# Environment: UNIKIT_TEST_TIMEOUT=SECONDS bounds each unikit run (default 60);
# NET_FILTER=REGEX runs only the cases whose name matches.
set -uo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$script_dir/lib.sh"
integration_start "$@"
rootfs=$test_rootfs
case_filter=${NET_FILTER:-}

work=$(mktemp -d "${TMPDIR:-/tmp}/unikit-net.XXXXXX")
holder_pid=""
tap_device=""
cleanup() {
    [[ -n $holder_pid ]] && kill "$holder_pid" 2>/dev/null
    [[ -n $tap_device ]] && ip link del "$tap_device" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
out="$work/stdout"
err="$work/stderr"

finish() {
    report_case "$work" 8
}

# expect_error_line TEXT: status 125 and stderr exactly "unikit: TEXT".
expect_error_line() {
    $active || return 0
    expect_status 125
    expect_unikit_error_line
    [[ $(cat "$err") == "unikit: $1" ]] || problem "stderr is '$(head -c 200 "$err")', expected 'unikit: $1'"
}

# stop_holder: ends the background server of the cases before (holder_pid).
stop_holder() {
    kill "$holder_pid" 2>/dev/null
    wait "$holder_pid" 2>/dev/null
    holder_pid=""
}

# start_host_server ADDRESS: python3's http.server for $work/www on ADDRESS and a free port
# (server_port), as holder_pid, once it answers.
start_host_server() {
    server_port=$(free_port)
    (cd "$work/www" && exec python3 -m http.server "$server_port" --bind "$1") >/dev/null 2>&1 &
    holder_pid=$!
    for _ in $(seq 100); do
        curl -s --noproxy '*' -o /dev/null "http://$1:$server_port/hello.txt" && break
        sleep 0.1
    done
}

for spec in 80 8080:0 70000:80 x:80 80:80/sctp 1.2.3:80:80 :80; do
    begin "bad -p $spec"
    unikit run -p "$spec" "$rootfs" -- /bin/busybox true
    expect_status 125
    expect_unikit_error_line
    grep -qF -- "unikit: -p $spec: " "$err" || problem "the line does not name '-p $spec'"
    finish
done

for spec in bogus tap: tap:tap0 tap:tap0,ip=10.0.0.2 tap:tap0,ip=10.0.0.2/24,mtu=1; do
    begin "bad --net $spec"
    unikit run --net "$spec" "$rootfs" -- /bin/busybox true
    expect_status 125
    expect_unikit_error_line
    grep -qF -- "unikit: --net $spec: " "$err" || problem "the line does not name '--net $spec'"
    finish
done

begin "-p needs slirp"
unikit run --net none -p 8080:80 "$rootfs" -- /bin/busybox true
expect_error_line "-p 8080:80: publishing ports needs --net slirp"
finish

begin "-p twice"
unikit run -p 8080:80 -p 8080:81 "$rootfs" -- /bin/busybox true
expect_error_line "-p 8080:81: host port 8080 is already published"
finish

begin "missing tap device"
unikit run --net tap:unikitnosuch0,ip=10.0.0.2/24 "$rootfs" -- /bin/busybox true
expect_error_line "--net tap:unikitnosuch0: no such network interface (make it with 'ip tuntap add unikitnosuch0 mode tap')"
finish

# A host port in use: a listener holds it while unikit tries to publish it.
port=$(free_port)
python3 -c 'import socket, sys, time
s = socket.socket(); s.bind(("0.0.0.0", int(sys.argv[1]))); s.listen(); print("ready", flush=True); time.sleep(120)' \
    "$port" >"$work/holder" &
holder_pid=$!
for _ in $(seq 100); do
    [[ -s $work/holder ]] && break
    sleep 0.05
done
begin "port in use"
unikit run -p "$port:80" "$rootfs" -- /bin/busybox true
expect_error_line "-p $port:80: address already in use"
finish
begin "port in use, udp is another port"
unikit run -p "$port:80/udp" "$rootfs" -- /bin/busybox echo ok
expect_status 0
expect_line ok
finish
stop_holder

begin "published port runs"
unikit run -p "$(free_port):80" "$rootfs" -- /bin/busybox echo published
expect_status 0
expect_line published
expect_stderr_empty
finish

# A host HTTP server on loopback, fetched from the guest through the gateway 10.0.2.2.
mkdir -p "$work/www"
head -c 300000 /dev/urandom >"$work/www/blob.bin"
echo "hello from the host" >"$work/www/hello.txt"
start_host_server 127.0.0.1
begin "guest fetches from a host server through slirp"
unikit run --stats "$rootfs" -- /bin/busybox wget -q -O - "http://10.0.2.2:$server_port/hello.txt"
expect_status 0
expect_line "hello from the host"
grep -qE "^net frames: sent [1-9][0-9]*, received [1-9][0-9]*," "$err" || problem "--stats shows no frames sent and received"
finish
begin "guest fetches 300 KB from a host server, batched"
unikit run --stats "$rootfs" -- /bin/busybox sh -c "wget -q -O - http://10.0.2.2:$server_port/blob.bin | sha256sum"
expect_status 0
expect_line "$(sha256sum <"$work/www/blob.bin" | cut -d' ' -f1)  -"
# Frames move through the rings without exits: NetNotify and NetSync together are fewer than
# one for every two frames.
frames=$(sed -nE 's/^net frames: sent ([0-9]+), received ([0-9]+),.*/\1 + \2/p' "$err")
exits=$(sed -nE 's/^  Net(Notify|Sync) +([0-9]+) .*/\2 +/p' "$err" | tr -d '\n')
if [[ -z $frames ]] || (($frames < 200 || 2 * (${exits} 0) > $frames)); then
    problem "expected over 200 frames with under one NetNotify/NetSync per two frames (frames $frames, exits ${exits:-none})"
fi
finish
stop_holder

# A guest HTTP server (busybox httpd) published with -p, fetched from the host with curl.
guest_port=$(free_port)
timeout 60 "$unikit" run -p "$guest_port:8080" "$rootfs" -- /bin/busybox httpd -f -p 8080 -h /data \
    >"$work/httpd.out" 2>&1 &
holder_pid=$!
for file in hello.txt words.txt blob.bin; do
    begin "host fetches /data/$file from a guest server through -p"
    fetched=""
    for _ in $(seq 100); do
        fetched=$(curl -s --noproxy '*' --max-time 10 "http://127.0.0.1:$guest_port/$file" | sha256sum | cut -d' ' -f1) && \
            [[ $fetched == "$(sha256sum <"$rootfs/data/$file" | cut -d' ' -f1)" ]] && break
        sleep 0.1
    done
    [[ $fetched == "$(sha256sum <"$rootfs/data/$file" | cut -d' ' -f1)" ]] || problem "curl got content with sha256 $fetched"
    finish
done
stop_holder

# A program whose only runnable thread computes without system calls: the kernel still takes
# arriving frames (the timer interrupts it every 10 ms while a network is up; lwIP's own
# 250 ms timers did before), so another thread's echo answers before the computation ends.
begin "a blocked thread answers while another computes without a system call"
guest_port=$(free_port)
timeout 60 "$unikit" run -p "$guest_port:7" "$rootfs" -- /bin/busy_echo-glibc-static 7 4 >"$out" 2>"$err" &
holder_pid=$!
for _ in $(seq 200); do
    grep -q listening "$out" 2>/dev/null && break
    sleep 0.05
done
reply=$(python3 -c 'import socket, sys
c = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2)
c.sendall(b"ping")
try:
    print(c.recv(16).decode())
except socket.timeout:
    print("no answer within 2 s")' "$guest_port" 2>&1)
[[ $reply == ping ]] || problem "the echo said '$reply' while the other thread computed"
wait "$holder_pid"
status=$?
holder_pid=""
expect_status 0
[[ $(tr '\n' ' ' <"$out") == "listening echoed 4 computed " ]] || problem "stdout is '$(tr '\n' ' ' <"$out")'"
finish

# /etc/hosts and /etc/resolv.conf for a ROOTFS without them (the test rootfs has neither), as
# docker provides them: files that stand below the overlay, so /etc stays ROOTFS's (not listed
# there, same size, link count and mtime) and a program's own file takes precedence.
begin "/etc/hosts provided when ROOTFS has none"
unikit run "$rootfs" -- /bin/busybox cat /etc/hosts
expect_status 0
expect_line $'127.0.0.1\tlocalhost'
expect_line $'::1\tlocalhost ip6-localhost ip6-loopback'
finish
begin "/etc/resolv.conf names slirp's DNS when ROOTFS has none"
unikit run "$rootfs" -- /bin/busybox cat /etc/resolv.conf
expect_status 0
expect_line "nameserver 10.0.2.3"
finish
begin "no /etc/resolv.conf with --net none, /etc/hosts still"
unikit run --net none "$rootfs" -- /bin/sh -c 'cat /etc/hosts; cat /etc/resolv.conf'
expect_status 1
expect_line $'127.0.0.1\tlocalhost'
finish
begin "/etc stays ROOTFS's"
unikit run "$rootfs" -- /bin/sh -c 'stat -c "%s %h %Y %a %u" /etc; ls -1a /etc'
expect_status 0
[[ $(cat "$out") == "$(stat -c '%s %h %Y %a %u' "$rootfs/etc"; ls -1a "$rootfs/etc" | LC_ALL=C sort)" ]] ||
    problem "stat and listing of /etc differ from ROOTFS's: $(tr '\n' ' ' <"$out")"
finish
begin "the program's own /etc/hosts and /etc/resolv.conf win"
unikit run "$rootfs" -- /bin/sh -c 'echo "10.1.2.3 own" >/etc/hosts; cat /etc/hosts; ls /etc | grep -c hosts
    rm /etc/hosts; cat /etc/hosts 2>/dev/null || echo hosts gone
    mv /etc/resolv.conf /etc/resolv.old; cat /etc/resolv.old; cat /etc/resolv.conf 2>/dev/null || echo resolv.conf gone'
expect_status 0
[[ $(cat "$out") == $'10.1.2.3 own\n1\nhosts gone\nnameserver 10.0.2.3\nresolv.conf gone' ]] ||
    problem "unexpected output: $(tr '\n' '|' <"$out")"
finish
# glibc's resolver through the provided /etc/hosts, in the Debian rootfs of compat-debian (it has
# no /etc/hosts); skipped when that rootfs cannot be had (tests/rootfs/debian.sh needs root).
begin "getent hosts localhost in the Debian rootfs"
if $active && debian_rootfs=$(bash "$script_dir/../rootfs/debian.sh" 2>"$work/debian.log"); then
    if [[ -e $debian_rootfs/etc/hosts ]]; then
        problem "$debian_rootfs has an /etc/hosts: the case tests nothing"
    fi
    unikit run "$debian_rootfs" -- getent hosts localhost
    expect_status 0
    grep -qE '^(127\.0\.0\.1|::1) +localhost( |$)' "$out" || problem "getent did not find localhost"
else
    active=false
fi
finish

# --net tap: a host tap device made here (root and /dev/net/tun needed, else skipped), with the
# host at 10.213.0.1 and the guest at 10.213.0.2: each reaches the other's server directly.
if [[ $EUID -eq 0 && -c /dev/net/tun ]] && command -v ip >/dev/null &&
    ip tuntap add dev "uktap$$" mode tap 2>/dev/null; then
    tap_device="uktap$$"
    ip addr add 10.213.0.1/24 dev "$tap_device" && ip link set "$tap_device" up || tap_device=""
fi
tap_spec="tap:$tap_device,ip=10.213.0.2/24,gw=10.213.0.1"
begin "host fetches from a guest server through --net tap"
if $active && [[ -n $tap_device ]]; then
    timeout 60 "$unikit" run --net "$tap_spec" "$rootfs" -- /bin/busybox httpd -f -p 8080 -h /data \
        >"$work/tap.out" 2>&1 &
    holder_pid=$!
    expected=$(sha256sum <"$rootfs/data/blob.bin" | cut -d' ' -f1)
    for _ in $(seq 100); do
        fetched=$(curl -s --noproxy '*' --max-time 10 "http://10.213.0.2:8080/blob.bin" | sha256sum | cut -d' ' -f1)
        [[ $fetched == "$expected" ]] && break
        sleep 0.1
    done
    [[ $fetched == "$expected" ]] || problem "curl got content with sha256 $fetched"
    stop_holder
else
    active=false
fi
finish
begin "guest fetches from a host server through --net tap"
if $active && [[ -n $tap_device ]]; then
    start_host_server 10.213.0.1
    unikit run --net "$tap_spec" "$rootfs" -- /bin/busybox sh -c "wget -q -O - http://10.213.0.1:$server_port/blob.bin | sha256sum"
    expect_status 0
    expect_line "$(sha256sum <"$work/www/blob.bin" | cut -d' ' -f1)  -"
    stop_holder
else
    active=false
fi
finish

begin "--net none runs"
unikit run --net none "$rootfs" -- /bin/busybox echo offline
expect_status 0
expect_line offline
expect_stderr_empty
finish

summary
((failed == 0))
