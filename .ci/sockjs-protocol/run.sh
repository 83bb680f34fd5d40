#!/usr/bin/env bash
# Runs the official SockJS protocol suite against a test server of this
# checkout: cmd/sockjs-testserver, or the Go package given with -p.
#
# Usage: run.sh [-p PACKAGE] PATH_TO_sockjs-protocol.py [PORT] [TEST_NAME ...]
#
# The suite (Python 2) is copied to a temporary folder and converted to
# Python 3 there; this folder's utils.py and runner.py go beside it. The test
# server (PACKAGE, default ./cmd/sockjs-testserver; any main package serving
# the suite's endpoints that takes -addr HOST:PORT, such as
# ./sockjs/igmcompat/internal/igmtestserver for the igm bridge) is built from
# this checkout and started on 127.0.0.1:PORT (a free port when PORT is not
# given), the suite runs against it, and the server is stopped. TEST_NAME
# narrows the run, e.g. Websocket or XhrPolling.test_options.
#
# Exit status: 0 when only the expected failures (see runner.py) failed.
# Environment: PYTHON (default /usr/bin/python3), SOCKJS_TIMEOUT (seconds per
# socket wait, default 3), SOCKJS_KEEP=1 keeps the temporary folder,
# SOCKJS_SERVER_PKG is PACKAGE when -p is not given (for `make protocol-suite`).
set -euo pipefail

pkg=${SOCKJS_SERVER_PKG:-./cmd/sockjs-testserver}
if [[ ${1:-} == -p ]]; then
	if [[ $# -lt 2 ]]; then
		echo "usage: $0 [-p PACKAGE] PATH_TO_sockjs-protocol.py [PORT] [TEST_NAME ...]" >&2
		exit 2
	fi
	pkg=$2
	shift 2
fi
if [[ $# -lt 1 || ! -f $1 ]]; then
	echo "usage: $0 [-p PACKAGE] PATH_TO_sockjs-protocol.py [PORT] [TEST_NAME ...]" >&2
	exit 2
fi
suite=$1
shift
port=
if [[ ${1:-} =~ ^[0-9]+$ ]]; then
	port=$1
	shift
fi

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
python=${PYTHON:-/usr/bin/python3}

if ! "$python" -W ignore -c 'import lib2to3, websocket' 2>/dev/null; then
	echo "$python lacks lib2to3 or websocket: apt-get install -y python3-websocket python3-lib2to3" >&2
	exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/sockjs-protocol.XXXXXX")
server_pid=
cleanup() {
	if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
		kill -TERM "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
	fi
	if [[ ${SOCKJS_KEEP:-} == 1 ]]; then
		echo "kept $work" >&2
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT

# Convert the suite to Python 3 in the temporary copy only.
cp "$suite" "$work/sockjs_protocol.py"
if ! "$python" -W ignore -m lib2to3 -w -n "$work/sockjs_protocol.py" >"$work/2to3.log" 2>&1; then
	cat "$work/2to3.log" >&2
	exit 2
fi
sed -i 's/^import unittest2 as unittest$/import unittest/' "$work/sockjs_protocol.py"
if grep -q unittest2 "$work/sockjs_protocol.py"; then
	echo "the suite still mentions unittest2 after conversion; update run.sh" >&2
	exit 2
fi
cp "$here/utils.py" "$here/runner.py" "$work/"

echo "building $pkg" >&2
(cd "$root" && go build -o "$work/sockjs-testserver" "$pkg")

if [[ -z $port ]]; then
	port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
fi

# The suite must not run more often than once in five seconds: named
# sessions of one run need time to expire before the next run.
stamp=${TMPDIR:-/tmp}/trelljaz-sockjs-protocol.last
if [[ -f $stamp ]]; then
	wait_s=$((5 - ($(date +%s) - $(stat -c %Y "$stamp"))))
	if ((wait_s > 0)); then
		echo "waiting ${wait_s}s since the previous run" >&2
		sleep "$wait_s"
	fi
fi

"$work/sockjs-testserver" -addr "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
	if ! kill -0 "$server_pid" 2>/dev/null; then
		echo "test server exited:" >&2
		cat "$work/server.log" >&2
		exit 2
	fi
	if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
		break
	fi
	sleep 0.1
done

echo "running the suite against $pkg on http://127.0.0.1:$port" >&2
status=0
SOCKJS_URL="http://127.0.0.1:$port" "$python" -W ignore::DeprecationWarning \
	"$work/runner.py" "$work/sockjs_protocol.py" "$@" || status=$?

kill -TERM "$server_pid" 2>/dev/null || true
wait "$server_pid" 2>/dev/null || true
server_pid=
touch "$stamp"

if ((status != 0)); then
	echo "--- test server log (last 40 lines) ---"
	tail -n 40 "$work/server.log"
fi
exit "$status"
