#!/usr/bin/env bash
# servers.sh BUILD_DIR: real Debian 12 servers, unmodified, from the rootfs of
# tests/rootfs/debian.sh, run under unikit and reached from the host through -p as a user would
# (issue 8): nginx serving static files from a read-only volume (GET, 404, HEAD, 1 MiB, fetches
# at once), redis-server driven by the host's redis-cli (strings, counters, lists, a 100 KB
# value, redis-benchmark, SHUTDOWN ending the VM with status 0) and python3 -m http.server (a
# directory listing, a file). Answers are checked against the files and values the test made;
# and the same server run natively (tests/rootfs/native.sh: chroot into the same rootfs, on
# another port) is the oracle: its answers must be the same, apart from the Date header.
#
# Run:   bash tests/integration/servers.sh BUILD_DIR      (ends with "N passed, M failed")
# In ctest as `servers`. Needs root (the native servers: chroot in a mount namespace) and the
# Debian rootfs (built once per machine); installs curl and redis-tools if they are missing.
# Environment: UNIKIT_TEST_TIMEOUT=SECONDS bounds each wait for an answer (default 60);
# SERVERS_FILTER=REGEX runs only the cases whose name matches.
set -uo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$script_dir/lib.sh"
integration_build "$@"
case_filter=${SERVERS_FILTER:-}
repo_dir=$(cd "$script_dir/../.." && pwd)

if [[ $EUID -ne 0 ]]; then
    echo "servers.sh: needs root (the native servers run in chroot, in a mount namespace)" >&2
    exit 1
fi
rootfs=$(bash "$repo_dir/tests/rootfs/debian.sh") || {
    echo "servers.sh: could not build the Debian rootfs (tests/rootfs/debian.sh)" >&2
    exit 1
}
bash "$repo_dir/scripts/install_host_tools.sh" curl:curl redis-cli:redis-tools redis-benchmark:redis-tools || exit 1

work=$(mktemp -d "${TMPDIR:-/tmp}/unikit-servers.XXXXXX")
declare -A server_pids=()
cleanup() {
    local name
    for name in "${!server_pids[@]}"; do
        stop_server "$name"
    done
    rm -rf "$work"
}
trap cleanup EXIT

# The served tree, the volume /srv of every server (read-only on both sides).
srv="$work/srv"
mkdir -p "$srv/www" "$srv/files/docs"
printf '<html><body><p>unikit %s</p></body></html>\n' "$RANDOM$RANDOM" >"$srv/www/index.html"
head -c 1048576 /dev/urandom >"$srv/www/big.bin"
echo "a text file for http.server" >"$srv/files/notes.txt"
head -c 300000 /dev/urandom >"$srv/files/blob.bin"
seq 1000 >"$srv/files/docs/numbers.txt"
chmod -R u=rwX,go=rX "$srv"

# nginx_conf LISTEN on|off: nginx.conf.in with the listen address and master_process filled in.
nginx_conf() {
    sed -e "s/@LISTEN@/$1/" -e "s/@MASTER_PROCESS@/$2/" "$script_dir/nginx.conf.in"
}

finish() {
    report_case "$work" 8
}

# start_server NAME COMMAND...: starts COMMAND in the background (stdout and stderr in
# $work/NAME.out and NAME.err), known by NAME to wait_until_answering and stop_server.
start_server() {
    local name=$1
    shift
    "$@" </dev/null >"$work/$name.out" 2>"$work/$name.err" &
    server_pids[$name]=$!
}

# start_unikit_server NAME HOST_PORT GUEST_PORT PROGRAM [ARGS...]: PROGRAM under unikit, with
# $srv at /srv (read-only) and GUEST_PORT published on the host's 127.0.0.1:HOST_PORT.
start_unikit_server() {
    local name=$1 host_port=$2 guest_port=$3
    shift 3
    start_server "$name" "$unikit" run --timeout 600s -v "$srv:/srv:ro" -p "127.0.0.1:$host_port:$guest_port" "$rootfs" -- "$@"
}

# start_native_server NAME PROGRAM [ARGS...]: PROGRAM natively, chroot into the same rootfs.
start_native_server() {
    local name=$1
    shift
    start_server "$name" bash "$repo_dir/tests/rootfs/native.sh" "$rootfs" "$srv" "$@"
}

# server_stderr_end NAME: the last line NAME wrote on stderr, for a failure's one line.
server_stderr_end() {
    tail -n 1 "$work/$1.err" | cut -c 1-200
}

# wait_until_answering NAME COMMAND...: retries COMMAND (every 0.2 s, for up to
# timeout_seconds) until it succeeds; a problem, and status 1, if server NAME exits first or
# never answers.
wait_until_answering() {
    local name=$1 pid=${server_pids[$1]} deadline=$((SECONDS + timeout_seconds))
    shift
    while ((SECONDS < deadline)); do
        "$@" >/dev/null 2>&1 && return 0
        if ! kill -0 "$pid" 2>/dev/null; then
            wait "$pid"
            problem "$name exited with status $? before answering; its stderr ends: $(server_stderr_end "$name")"
            unset "server_pids[$name]"
            return 1
        fi
        sleep 0.2
    done
    problem "$name did not answer within ${timeout_seconds}s; its stderr ends: $(server_stderr_end "$name")"
    return 1
}

# wait_for_exit NAME: waits (up to timeout_seconds) for server NAME to end by itself; its exit
# status in $status (124 if it did not end; then it is stopped).
wait_for_exit() {
    local pid=${server_pids[$1]} deadline=$((SECONDS + timeout_seconds))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        stop_server "$1"
        status=124
        return
    fi
    wait "$pid"
    status=$?
    unset "server_pids[$1]"
}

# stop_server NAME: SIGTERM, then SIGKILL after 10 s; reaped either way.
stop_server() {
    local pid=${server_pids[$1]:-}
    [[ -n $pid ]] || return 0
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    unset "server_pids[$1]"
}

sha256() {
    sha256sum <"$1" | cut -d' ' -f1
}

# fetch TAG URL [CURL_OPTIONS...]: curl's answer to URL: the status in $work/TAG.status, the
# headers without Date (and without \r) in TAG.head, the body in TAG.body.
fetch() {
    local tag=$1 url=$2
    shift 2
    curl -s --noproxy '*' --max-time 60 -D "$work/$tag.raw" -o "$work/$tag.body" -w '%{http_code}' "$@" "$url" \
        >"$work/$tag.status" 2>/dev/null
    touch "$work/$tag.raw" "$work/$tag.body"
    tr -d '\r' <"$work/$tag.raw" | grep -iv '^date:' >"$work/$tag.head"
}

# http_ok URL: whether an HTTP server answers at URL (any status).
http_ok() {
    [[ $(curl -s --noproxy '*' --max-time 2 -o /dev/null -w '%{http_code}' "$1") != 000 ]]
}

# expect_http TAG STATUS [FILE]: the answer fetched as TAG has STATUS and, given FILE, FILE's
# bytes as its body and its size as Content-Length.
expect_http() {
    $active || return 0
    local tag=$1 want=$2 file=${3:-} got have expected length
    got=$(cat "$work/$tag.status")
    [[ $got == "$want" ]] || problem "$tag: HTTP status '$got', expected $want"
    [[ -n $file ]] || return 0
    have=$(sha256 "$work/$tag.body")
    expected=$(sha256 "$file")
    [[ $have == "$expected" ]] ||
        problem "$tag: the body ($(stat -c %s "$work/$tag.body") bytes, sha256 $have) is not $file ($(stat -c %s "$file") bytes, sha256 $expected)"
    length=$(sed -n 's/^[Cc]ontent-[Ll]ength: //p' "$work/$tag.head")
    [[ $length == "$(stat -c %s "$file")" ]] || problem "$tag: Content-Length '$length', expected $(stat -c %s "$file")"
}

# expect_same_answer TAG: the answers fetched as native.TAG and unikit.TAG have the same
# status, headers (Date apart) and body.
expect_same_answer() {
    $active || return 0
    local tag=$1 difference
    cmp -s "$work/native.$tag.status" "$work/unikit.$tag.status" ||
        problem "$tag: HTTP status $(cat "$work/unikit.$tag.status") under unikit, $(cat "$work/native.$tag.status") natively"
    difference=$(diff "$work/native.$tag.head" "$work/unikit.$tag.head" | grep '^[<>]' | head -n 2 | tr '\n' ' ')
    [[ -z $difference ]] || problem "$tag: the headers differ (< native, > unikit): $difference"
    cmp -s "$work/native.$tag.body" "$work/unikit.$tag.body" ||
        problem "$tag: the body differs: $(stat -c %s "$work/unikit.$tag.body") bytes (sha256 $(sha256 "$work/unikit.$tag.body")) under unikit, $(stat -c %s "$work/native.$tag.body") bytes (sha256 $(sha256 "$work/native.$tag.body")) natively"
}

# keepalive_requests URL COUNT FILE: COUNT GETs of URL in a row on one HTTP/1.1 connection, each
# to be answered within 5 s with status 200 and FILE's bytes; prints "ok", or the first that was not.
keepalive_requests() {
    python3 -c 'import http.client, sys, urllib.parse
url, count, expected = urllib.parse.urlsplit(sys.argv[1]), int(sys.argv[2]), open(sys.argv[3], "rb").read()
connection = http.client.HTTPConnection(url.hostname, url.port, timeout=5)
for i in range(1, count + 1):
    try:
        connection.request("GET", url.path)
        response = connection.getresponse()
        body = response.read()
    except Exception as error:
        sys.exit(f"request {i} of {count} on one connection: {type(error).__name__}: {error}")
    if response.status != 200 or body != expected:
        sys.exit(f"request {i} of {count} on one connection: status {response.status}, {len(body)} bytes, not the file")
print("ok")' "$@"
}

# expect_no_log_level NAME LEVEL...: server NAME's stderr has no line of these nginx levels.
expect_no_log_level() {
    $active || return 0
    local name=$1 level line
    shift
    for level in "$@"; do
        line=$(grep -m1 -F "[$level]" "$work/$name.err")
        [[ -z $line ]] || problem "$name logged: $(cut -c 1-200 <<<"$line")"
    done
}

# ---- nginx: static files, as Debian runs it (a master process and a worker) ----
read -r unikit_port native_port single_port <<<"$(free_port 3)"
nginx_conf 8080 on >"$srv/nginx.conf"
nginx_conf "127.0.0.1:$native_port" on >"$srv/nginx-native.conf"
start_unikit_server nginx "$unikit_port" 8080 nginx -c /srv/nginx.conf -g 'daemon off;'
start_native_server native-nginx nginx -c /srv/nginx-native.conf -g 'daemon off;'
unikit_url="http://127.0.0.1:$unikit_port"
native_url="http://127.0.0.1:$native_port"

begin "nginx starts and answers through -p"
nginx_up=false
wait_until_answering native-nginx http_ok "$native_url/"
wait_until_answering nginx http_ok "$unikit_url/" && nginx_up=true
finish

if $nginx_up; then
    begin "nginx: GET a small file"
    fetch unikit.index "$unikit_url/index.html"
    expect_http unikit.index 200 "$srv/www/index.html"
    grep -qx 'Content-Type: text/html' "$work/unikit.index.head" || problem "unikit.index: no 'Content-Type: text/html' header"
    finish

    begin "nginx: GET a missing file is 404"
    fetch unikit.missing "$unikit_url/no-such-file.html"
    expect_http unikit.missing 404
    finish

    begin "nginx: GET 1 MiB (flow control)"
    fetch unikit.big "$unikit_url/big.bin"
    expect_http unikit.big 200 "$srv/www/big.bin"
    finish

    # HEAD through a raw HTTP/1.0 connection, so a body sent after the headers would show.
    begin "nginx: HEAD sends the headers only"
    timeout 30 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" && printf "HEAD /big.bin HTTP/1.0\r\n\r\n" >&3 && cat <&3' \
        head "$unikit_port" >"$work/head.raw"
    head -n 1 "$work/head.raw" | grep -q '^HTTP/1.1 200 OK' || problem "HEAD: status line '$(head -n 1 "$work/head.raw" | tr -d '\r')', expected 'HTTP/1.1 200 OK'"
    grep -qx $'Content-Length: 1048576\r' "$work/head.raw" || problem "HEAD: no 'Content-Length: 1048576' header"
    extra=$(python3 -c 'import sys; d = open(sys.argv[1], "rb").read(); i = d.find(b"\r\n\r\n"); print(len(d) - i - 4 if i >= 0 else "no end of headers in")' "$work/head.raw")
    [[ $extra == 0 ]] || problem "HEAD: $extra bytes after the headers, expected none"
    finish

    begin "nginx: 8 fetches at once"
    files=(index.html big.bin index.html big.bin index.html big.bin index.html big.bin)
    fetch_pids=()
    for i in "${!files[@]}"; do
        fetch "unikit.at-once-$i" "$unikit_url/${files[i]}" &
        fetch_pids+=($!)
    done
    wait "${fetch_pids[@]}"
    for i in "${!files[@]}"; do
        expect_http "unikit.at-once-$i" 200 "$srv/www/${files[i]}"
    done
    finish

    # nginx waits for the next request with edge-triggered epoll; one that arrives before it
    # asks again must still wake it (one lost wakeup stalls the connection for good).
    begin "nginx: 500 requests in a row on one keep-alive connection"
    if $active; then
        answer=$(keepalive_requests "$native_url/index.html" 500 "$srv/www/index.html" 2>&1)
        [[ $answer == ok ]] || problem "native: $answer"
        answer=$(keepalive_requests "$unikit_url/index.html" 500 "$srv/www/index.html" 2>&1)
        [[ $answer == ok ]] || problem "unikit: $answer; nginx's stderr ends: $(server_stderr_end nginx)"
    fi
    finish

    begin "nginx: the same answers as natively"
    # TAG:PATH[:CURL_OPTION]; -I's body is the headers again, Date included: dropped.
    for request in index:/index.html root:/ missing:/no-such-file.html big:/big.bin range:/big.bin:-r1000-1999 \
        head:/big.bin:-I; do
        IFS=: read -r tag path option <<<"$request"
        fetch "native.$tag" "$native_url$path" ${option:+"$option"}
        fetch "unikit.$tag" "$unikit_url$path" ${option:+"$option"}
        [[ $option == -I ]] && : | tee "$work/native.$tag.body" >"$work/unikit.$tag.body"
        expect_same_answer "$tag"
    done
    finish

    begin "nginx: no errors in its log"
    expect_no_log_level nginx emerg alert crit
    finish
fi
stop_server nginx
stop_server native-nginx

# nginx in one process: the same loop without the master, the channel and the user switch.
begin "nginx in one process (master_process off)"
nginx_conf 8080 off >"$srv/nginx-single.conf"
start_unikit_server nginx-single "$single_port" 8080 nginx -c /srv/nginx-single.conf -g 'daemon off;'
if wait_until_answering nginx-single http_ok "http://127.0.0.1:$single_port/"; then
    fetch unikit.single-big "http://127.0.0.1:$single_port/big.bin"
    expect_http unikit.single-big 200 "$srv/www/big.bin"
    answer=$(keepalive_requests "http://127.0.0.1:$single_port/index.html" 200 "$srv/www/index.html" 2>&1)
    [[ $answer == ok ]] || problem "$answer"
fi
expect_no_log_level nginx-single emerg alert crit
stop_server nginx-single
finish

# ---- redis-server, driven by the host's redis-cli ----
read -r unikit_port native_port <<<"$(free_port 2)"
redis_options=(--save '' --appendonly no --protected-mode no)
start_unikit_server redis "$unikit_port" 6379 redis-server "${redis_options[@]}" --port 6379
start_native_server native-redis redis-server "${redis_options[@]}" --port "$native_port" --bind 127.0.0.1

# redis PORT ARGS...: redis-cli against the server on PORT (bounded).
redis() {
    timeout 30 redis-cli -p "$@"
}

# expect_reply EXPECTED COMMAND...: redis-cli's answer to COMMAND from the unikit server is
# EXPECTED (its lines).
expect_reply() {
    $active || return 0
    local expected=$1 got
    shift
    got=$(redis "$unikit_port" "$@" 2>&1)
    [[ $got == "$expected" ]] || problem "redis-cli $(cut -c 1-60 <<<"$*"): answered '$(head -c 100 <<<"$got" | tr '\n' ' ')', expected '$(head -c 100 <<<"$expected" | tr '\n' ' ')'"
}

begin "redis-server starts and answers through -p"
redis_up=false
wait_until_answering native-redis redis "$native_port" PING
wait_until_answering redis redis "$unikit_port" PING && redis_up=true
finish

if $redis_up; then
    begin "redis: strings, counters and lists"
    value="unikit value $RANDOM $RANDOM with spaces"
    expect_reply OK SET greeting "$value"
    expect_reply "$value" GET greeting
    expect_reply "${#value}" STRLEN greeting
    for i in 1 2 3 4 5; do
        expect_reply "$i" INCR hits
    done
    expect_reply "$((5 + 1234))" INCRBY hits 1234
    items=(alpha "$RANDOM" gamma "delta $RANDOM")
    expected_list=""
    for i in "${!items[@]}"; do
        expect_reply "$((i + 1))" LPUSH words "${items[i]}"
        expected_list="${items[i]}${expected_list:+$'\n'}$expected_list"
    done
    expect_reply "$expected_list" LRANGE words 0 -1
    expect_reply "${items[0]}" RPOP words
    finish

    begin "redis: a 100 KB value"
    head -c 75000 /dev/urandom | base64 -w 0 >"$work/value"
    expect_reply OK -x SET big <"$work/value"
    expect_reply 100000 STRLEN big
    expect_reply "$(head -c 50010 "$work/value" | tail -c 10)" GETRANGE big 50000 50009
    if $active; then
        redis "$unikit_port" GET big | head -c 100000 >"$work/value.got"
        cmp -s "$work/value" "$work/value.got" ||
            problem "GET big: $(stat -c %s "$work/value.got") bytes (sha256 $(sha256 "$work/value.got")), expected the 100000 set (sha256 $(sha256 "$work/value"))"
    fi
    finish

    # The same commands, one a line on redis-cli's stdin, to both servers: the same answers.
    begin "redis: the same answers as natively"
    {
        echo "FLUSHALL"
        echo "SET counter 10"
        echo "INCRBY counter 32"
        echo "GET counter"
        echo "RPUSH queue one two three four"
        echo "LRANGE queue 1 2"
        echo "HSET user name ada lang c year 1843"
        echo "HGET user lang"
        echo "HLEN user"
        echo "SADD tags x y z x"
        echo "SCARD tags"
        echo "ZADD scores 3 c 1 a 2 b"
        echo "ZRANGE scores 0 -1 WITHSCORES"
        echo "SET big $(head -c 20000 "$work/value")"
        echo "GETRANGE big 19990 20010"
        echo "APPEND big tail"
        echo "STRLEN big"
        echo "EXPIRE counter 100000"
        echo "TYPE queue"
        echo "LPOP counter"
        echo "NOSUCHCOMMAND 1 2"
        echo "DBSIZE"
        echo "DEL counter queue user tags scores big"
        echo "DBSIZE"
    } >"$work/commands"
    redis "$native_port" <"$work/commands" >"$work/redis.native" 2>&1
    redis "$unikit_port" <"$work/commands" >"$work/redis.unikit" 2>&1
    difference=$(diff "$work/redis.native" "$work/redis.unikit" | grep '^[<>]' | head -n 2 | tr '\n' ' ')
    [[ -z $difference ]] || problem "the answers differ (< native, > unikit): $difference"
    [[ $(wc -l <"$work/redis.native") -ge 25 ]] || problem "the native redis-cli answered only $(wc -l <"$work/redis.native") lines"
    finish

    begin "redis: redis-benchmark -n 2000 -t set,get"
    timeout 120 redis-benchmark -p "$unikit_port" -q -n 2000 -t set,get 2>&1 | tr '\r' '\n' >"$work/benchmark"
    for test in SET GET; do
        rps=$(sed -nE "s/^$test: ([0-9.]+) requests per second.*/\\1/p" "$work/benchmark" | tail -n 1)
        python3 -c 'import sys; sys.exit(0 if float(sys.argv[1] or 0) > 0 else 1)' "$rps" ||
            problem "redis-benchmark printed no $test rate above 0; its output ends: $(grep -v '^ *$' "$work/benchmark" | tail -n 1 | cut -c 1-160)"
    done
    finish

    begin "redis: SHUTDOWN NOSAVE ends the VM with status 0"
    redis "$unikit_port" SHUTDOWN NOSAVE >/dev/null 2>&1
    wait_for_exit redis
    expect_status 0
    grep -q '^unikit: ' "$work/redis.err" && problem "unikit said: $(grep -m1 '^unikit: ' "$work/redis.err")"
    finish
fi
stop_server redis
stop_server native-redis

# ---- python3 -m http.server: a directory ----
read -r unikit_port native_port <<<"$(free_port 2)"
start_unikit_server http.server "$unikit_port" 8000 python3 -m http.server 8000 --directory /srv/files
start_native_server native-http.server python3 -m http.server "$native_port" --bind 127.0.0.1 --directory /srv/files
unikit_url="http://127.0.0.1:$unikit_port"
native_url="http://127.0.0.1:$native_port"

begin "python3 http.server starts and answers through -p"
python_up=false
wait_until_answering native-http.server http_ok "$native_url/"
wait_until_answering http.server http_ok "$unikit_url/" && python_up=true
finish

if $python_up; then
    begin "python3 http.server: a directory listing"
    fetch unikit.listing "$unikit_url/"
    expect_http unikit.listing 200
    for name in notes.txt blob.bin docs/; do
        grep -qF "<a href=\"$name\">$name</a>" "$work/unikit.listing.body" || problem "the listing has no link to $name"
    done
    fetch native.listing "$native_url/"
    expect_same_answer listing
    finish

    begin "python3 http.server: files"
    for file in notes.txt blob.bin docs/numbers.txt; do
        fetch "unikit.$(basename "$file")" "$unikit_url/$file"
        expect_http "unikit.$(basename "$file")" 200 "$srv/files/$file"
    done
    finish

    begin "python3 http.server: the same answers as natively"
    for request in docs:/docs/ sub-redirect:/docs missing:/nothing-here file:/blob.bin; do
        tag=${request%%:*}
        fetch "native.$tag" "$native_url${request#*:}"
        fetch "unikit.$tag" "$unikit_url${request#*:}"
        expect_same_answer "$tag"
    done
    finish
fi
stop_server http.server
stop_server native-http.server

summary
((failed == 0))
