// Package clientjs embeds the browser's sockjs-client (npm sockjs-client
// 1.6.1, MIT license, its header kept), so a Server can serve the script its
// iframe page loads without a third-party CDN. The file is the package's
// dist/sockjs.min.js as npm installs it from static/package-lock.json;
// `make clientjs` refreshes it and CI checks that the two are identical.
package clientjs

import _ "embed"

// Script is dist/sockjs.min.js of sockjs-client 1.6.1.
//
//go:embed sockjs.min.js
var Script []byte

// Version is the sockjs-client version of Script.
const Version = "1.6.1"
