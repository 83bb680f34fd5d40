package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/sockjs"
)

const (
	chromiumPath = "/usr/bin/chromium"
	// modulesDir is static/node_modules, relative to this package.
	modulesDir = "../../static/node_modules"
	// driverStep bounds each wait of the driver; driverBudget its run.
	driverStep   = 20 * time.Second
	driverBudget = 120 * time.Second
)

// browserPrerequisites returns why the Chromium test cannot run here, or "".
func browserPrerequisites() string {
	if _, err := exec.LookPath("node"); err != nil {
		return "node is not installed"
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		return chromiumPath + " is missing (apt-get install chromium)"
	}
	if _, err := os.Stat(filepath.Join(modulesDir, "playwright-core", "package.json")); err != nil {
		return "static/node_modules/playwright-core is missing (npm ci --prefix static)"
	}
	return ""
}

// droppable is a chat process whose connections the test can drop: drop
// closes every session and refuses new SockJS requests until reopen; lose
// drops what the broker delivers until unlose.
type droppable struct {
	closed atomic.Bool
	losing atomic.Bool
	mu     sync.Mutex
	open   []*sockjs.Session
}

type trackedHandler struct {
	sockjs.Handler
	d *droppable
}

func (h trackedHandler) OnOpen(s *sockjs.Session) error {
	h.d.mu.Lock()
	h.d.open = append(h.d.open, s)
	h.d.mu.Unlock()
	return h.Handler.OnOpen(s)
}

// lossyBroker is a MemoryBroker whose deliveries to this process are lost
// while losing is set, as with a Redis subscription that is down.
type lossyBroker struct {
	*sockjs.MemoryBroker
	losing *atomic.Bool
}

func (b lossyBroker) Subscribe(ctx context.Context, ch string, fn func([]byte)) (func(), error) {
	return b.MemoryBroker.Subscribe(ctx, ch, func(p []byte) {
		if !b.losing.Load() {
			fn(p)
		}
	})
}

func (d *droppable) serve(t *testing.T, broker *sockjs.MemoryBroker) *httptest.Server {
	log := slog.New(slog.NewTextHandler(testWriter{t}, nil))
	chat := NewChat(lossyBroker{broker, &d.losing}, nil, log)
	srv := sockjs.NewServer("/chat", func() sockjs.Handler { return trackedHandler{chat.NewHandler(), d} },
		&sockjs.Options{MaxMessageSize: 4 << 10, Logger: log})
	site := routes(srv, chat)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /test/drop", func(w http.ResponseWriter, _ *http.Request) {
		d.closed.Store(true)
		d.mu.Lock()
		open := d.open
		d.open = nil
		d.mu.Unlock()
		for _, s := range open {
			_ = s.Close(4000, "test: connection dropped")
		}
	})
	mux.HandleFunc("POST /test/reopen", func(w http.ResponseWriter, _ *http.Request) { d.closed.Store(false) })
	mux.HandleFunc("POST /test/flood", func(w http.ResponseWriter, r *http.Request) {
		for i := range roomHistory.Size + 1 {
			b, _ := json.Marshal(outbound{Type: "msg", Room: "lobby", Nick: "flood", Text: strconv.Itoa(i)})
			if err := chat.hub.Publish(r.Context(), channelOf("lobby"), string(b)); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
		}
	})
	mux.HandleFunc("POST /test/lose", func(w http.ResponseWriter, _ *http.Request) { d.losing.Store(true) })
	mux.HandleFunc("POST /test/unlose", func(w http.ResponseWriter, _ *http.Request) { d.losing.Store(false) })
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if d.closed.Load() && strings.HasPrefix(r.URL.Path, "/chat/") && !strings.HasSuffix(r.URL.Path, ".js") {
			http.Error(w, "test: the network is down", http.StatusServiceUnavailable)
			return
		}
		site.ServeHTTP(w, r)
	})
	ts := httptest.NewServer(mux)
	t.Cleanup(func() {
		_ = srv.Shutdown(context.Background())
		ts.Close()
		_ = chat.Close()
	})
	return ts
}

// The page itself, in Chromium: bob's connection drops while ann (on the
// other process) says two lines and bob types one; when bob's page is back
// it shows the lines it missed, in order, says it recovered them, and sends
// the line typed while away. Then a line is lost on its way to bob's
// process: bob's page notices the jump in offsets at the next line and
// shows both, in order. Last, more lines than the room keeps are said while
// bob is away: his page says it could not recover them, then goes on.
func TestPageRecoversMissedLinesInChromium(t *testing.T) {
	if why := browserPrerequisites(); why != "" {
		t.Skip("skipping the Chromium test: " + why)
	}
	broker := sockjs.NewMemoryBroker()
	annSite := (&droppable{}).serve(t, broker)
	bobSite := (&droppable{}).serve(t, broker)

	modules, err := filepath.Abs(modulesDir)
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := json.Marshal(map[string]any{
		"modules": modules, "chromium": chromiumPath,
		"ann": annSite.URL + "/", "bob": bobSite.URL + "/",
		"stepMs": driverStep.Milliseconds(), "budgetMs": driverBudget.Milliseconds(),
	})
	cfgPath := filepath.Join(t.TempDir(), "config.json")
	if err := os.WriteFile(cfgPath, cfg, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), driverBudget+15*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", "testdata/reconnect.mjs", cfgPath)
	inOwnProcessGroup(cmd)
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var out struct {
		Error string   `json:"error"`
		Bob   []string `json:"bob"`
		Ann   []string `json:"ann"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("driver: %v; output %q\nstderr:\n%s", runErr, stdout.String(), stderr.String())
	}
	t.Logf("bob's page:\n  %s", strings.Join(out.Bob, "\n  "))
	t.Logf("ann's page:\n  %s", strings.Join(out.Ann, "\n  "))
	if runErr != nil || out.Error != "" {
		t.Fatalf("driver: %v: %s\nstderr:\n%s", runErr, out.Error, stderr.String())
	}
	// After reconnecting, bob's page shows exactly the missed lines, in
	// order, then the note.
	i := slices.IndexFunc(out.Bob, func(l string) bool { return strings.HasPrefix(l, "reconnected; catching up") })
	if i < 0 {
		t.Fatal("bob's page never said it reconnected")
	}
	want := []string{"bob left lobby", "ann: one", "ann: two", "↑ 3 missed line(s) recovered"}
	var got []string
	for _, l := range out.Bob[i+1:] {
		if !strings.HasPrefix(l, "(not sent yet)") {
			got = append(got, l)
		}
	}
	if len(got) < len(want) || !slices.Equal(got[:len(want)], want) {
		t.Fatalf("bob's page after reconnecting shows %q, want %q first", got, want)
	}
	if slices.ContainsFunc(out.Bob, func(l string) bool { return strings.HasPrefix(l, "(not sent yet)") }) {
		t.Error("the line typed while away is still marked unsent")
	}
	lost := slices.IndexFunc(out.Bob, func(l string) bool { return strings.Contains(l, "could not be recovered") })
	if lost < 0 || !slices.Contains(out.Bob[lost:], "ann: five") || slices.ContainsFunc(out.Bob, func(l string) bool { return strings.HasPrefix(l, "flood: ") }) {
		t.Errorf("after more lines than the room keeps, bob's page did not say it could not recover them before going on")
	}
	var chat []string
	for _, l := range out.Bob {
		if strings.HasPrefix(l, "ann: ") || strings.HasPrefix(l, "bob: ") {
			chat = append(chat, l)
		}
	}
	if want := []string{"ann: one", "ann: two", "bob: typed while away", "ann: three", "ann: four", "ann: five"}; !slices.Equal(chat, want) {
		t.Errorf("bob's page shows the lines %q, want %q (each once, in order)", chat, want)
	}
}
