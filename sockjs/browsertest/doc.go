// Package browsertest holds end-to-end tests of the sockjs server against
// real clients: the browser's sockjs-client 1.6.1 in headless Chromium, driven
// through playwright-core by driver.mjs, and a plain WebSocket client on the
// raw endpoint. The package has no API; it is only its tests.
//
// The browser tests need node, /usr/bin/chromium and
// static/node_modules (npm ci --prefix static); without them they skip.
package browsertest
