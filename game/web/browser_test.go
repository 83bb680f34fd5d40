//go:build linux

package web

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/game/lobby"
	"github.com/trelljaz/trelljaz/game/table"
	"github.com/trelljaz/trelljaz/static"
)

// TestBrowserPlaysADealAgainstTwoBots serves the real page and has Debian's
// Chromium, driven by playwright-core, sign in, set a table through the
// conventions dialog, add two bots and click through the first deal. It skips when node, chromium or
// playwright-core (npm ci --prefix static) are missing.
func TestBrowserPlaysADealAgainstTwoBots(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test in -short mode")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is not installed")
	}
	pw, _ := filepath.Abs("../../static/node_modules/playwright-core/index.mjs")
	if _, err := os.Stat(pw); err != nil {
		t.Skip("playwright-core is not installed: npm ci --prefix static")
	}
	log := slog.New(slog.DiscardHandler)
	lb := lobby.New(lobby.Config{Logger: log, Table: table.Config{BotDelay: time.Millisecond, DealPause: 200 * time.Millisecond}})
	site := New(Config{Lobby: lb, Logger: log, Assets: static.Web()})
	srv := httptest.NewServer(site)
	defer func() {
		srv.Close()
		_ = site.Shutdown(context.Background())
		lb.Stop()
	}()

	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "testdata/play.mjs", srv.URL+"/", chromium, "file://"+pw)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.Stderr = os.Stderr
	outb, err := cmd.Output()
	if err != nil {
		t.Fatalf("driver: %v\n%s", err, outb)
	}
	var out struct {
		SignedIn, Seated bool
		Moves            int
		LastDeal, Sheet  string
		Errors           []string
	}
	if err := json.Unmarshal(outb, &out); err != nil {
		t.Fatalf("driver output %q: %v", outb, err)
	}
	t.Logf("%d moves clicked; %s", out.Moves, out.LastDeal)
	if !out.SignedIn || !out.Seated || out.Moves == 0 || !strings.HasPrefix(out.LastDeal, "deal 1:") || !strings.Contains(out.Sheet, "Anna") {
		t.Fatalf("the page did not play a deal: %+v", out)
	}
	for _, e := range out.Errors {
		t.Errorf("page error: %s", e)
	}
}
