# Trelljaz developer tasks. `make test` is the test command CI runs.
GO ?= go
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: test lint fuzz bench run testserver clientjs check-clientjs protocol-suite

## test: vet, staticcheck and every test (real redis-server and Chromium when installed)
test: lint
	$(GO) test -race -count=1 -timeout 30m ./...

## lint: gofmt, go vet and staticcheck must be clean
lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1)
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

## fuzz: run every fuzz target for FUZZTIME each
FUZZTIME ?= 20s
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

## bench: the library's and the engine's benchmarks
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./sockjs/... ./game/...

## run: the Trelljaz club with embedded defaults (no Redis, no database, no OAuth keys)
run:
	$(GO) run ./cmd/trelljaz

## testserver: the SockJS protocol test endpoints on 127.0.0.1:8081
testserver:
	$(GO) run ./cmd/sockjs-testserver -addr 127.0.0.1:8081

## clientjs: refresh the embedded sockjs-client from static/package-lock.json
clientjs:
	npm ci --prefix static --no-audit --no-fund
	cp static/node_modules/sockjs-client/dist/sockjs.min.js sockjs/internal/clientjs/sockjs.min.js

## check-clientjs: the embedded sockjs-client is byte for byte the npm release
check-clientjs:
	cmp static/node_modules/sockjs-client/dist/sockjs.min.js sockjs/internal/clientjs/sockjs.min.js

## protocol-suite: the official sockjs-protocol suite (SUITE=path/to/sockjs-protocol.py)
protocol-suite:
	bash .ci/sockjs-protocol/run.sh $(SUITE)
