package browsertest

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"
)

// TestServedClientScriptIsNPMRelease checks that the sockjs-client the
// server serves at {prefix}/sockjs.min.js, which the browser tests and the
// iframe page run, is byte for byte the npm release in static/node_modules.
func TestServedClientScriptIsNPMRelease(t *testing.T) {
	npmPath := filepath.Join(modulesDir, "sockjs-client", "dist", "sockjs.min.js")
	want, err := os.ReadFile(npmPath)
	if err != nil {
		t.Skipf("npm's sockjs-client is not installed (npm ci --prefix static): %v", err)
	}
	f := newFixture(t)
	for _, prefix := range []string{"/echo", "/cors-echo"} {
		t.Run(prefix, func(t *testing.T) {
			resp, err := http.Get(f.base + prefix + "/sockjs.min.js")
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			got, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d", resp.StatusCode)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("served script (%d bytes) differs from %s (%d bytes)", len(got), npmPath, len(want))
			}
		})
	}
}
