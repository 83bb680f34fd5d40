#!/usr/bin/env bash
# Runs sockjs-client's own node test suite (mocha tests/lib/*.js) against
# cmd/sockjs-testserver instead of the sockjs-node server the suite starts.
#
#   .ci/sockjs-client-tests/run.sh PATH_TO_sockjs-client_CHECKOUT
#
# The checkout is copied to a temporary folder; nothing of it is kept here.
set -euo pipefail
src=${1:?usage: $0 PATH_TO_sockjs-client_CHECKOUT}
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'kill "${server_pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

cp -r "$src"/. "$work"/
cd "$work"
# Only what the node tests load: the client's runtime dependencies and mocha.
npm install --no-save --no-audit --no-fund --no-package-lock \
  mocha@11 expect.js proxyquire debug@3 eventsource@2 faye-websocket inherits url-parse >/dev/null
# The suite's tests/node.js starts sockjs-node on :8081; this entry point
# loads the same test files and leaves :8081 to our server.
cat > tests/against-server.js <<'JS'
'use strict';
require('./lib/utils-event');
require('./lib/main');
require('./lib/main-node');
require('./lib/utils');
require('./lib/receivers');
require('./lib/senders');
require('./lib/end-to-end');
require('./lib/transports');
JS

go build -C "$repo" -o "$work/sockjs-testserver" ./cmd/sockjs-testserver
"$work/sockjs-testserver" -addr 127.0.0.1:8081 >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 50); do curl -fs http://127.0.0.1:8081/echo/info >/dev/null && break; sleep 0.1; done

# The suite's URLs say "localhost": make node try IPv4 first.
NODE_OPTIONS=--dns-result-order=ipv4first npx mocha --exit tests/against-server.js
