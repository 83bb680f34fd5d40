package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/store"
	"github.com/trelljaz/trelljaz/game/store/pgtest"
	"github.com/trelljaz/trelljaz/game/store/storetest"
	"github.com/trelljaz/trelljaz/sockjs/redisbroker/redistest"
)

// The tests here run the club as real processes of the trelljaz binary
// (built once), over a real redis-server and a real PostgreSQL, started by
// the tests; they skip when either is not installed.

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
	// pg is the PostgreSQL server the tests share.
	pg = &pgtest.Shared{Prefix: "club"}
)

// binary builds cmd/trelljaz once per test run.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "trelljaz-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "trelljaz")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %w: %s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// database returns a new PostgreSQL database's URL, or skips.
func database(t *testing.T) string {
	t.Helper()
	return pg.NewDB(t)
}

func TestMain(m *testing.M) {
	code := m.Run()
	pg.Stop()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// clubProcess is one trelljaz process.
type clubProcess struct {
	name string
	cmd  *exec.Cmd
	addr string
	logs *syncBuffer
	exit chan error
}

var listening = regexp.MustCompile(`msg="trelljaz club listening" addr=http://([0-9.:]+)/`)

// startClub starts a trelljaz process of the club on a free port.
func startClub(t *testing.T, name, redisURL, dbURL string) *clubProcess {
	t.Helper()
	p := &clubProcess{name: name, logs: &syncBuffer{}, exit: make(chan error, 1)}
	p.cmd = exec.Command(binary(t), "-addr", "127.0.0.1:0", "-redis", redisURL, "-db", dbURL, "-node", name,
		"-data", t.TempDir(), "-deal-pause", "10ms", "-bot-delay", "1ms", "-drain-delay", "0s", "-lobby-flush", "10ms", "-message-rate", "1000")
	p.cmd.Env = append(os.Environ(), "TRELLJAZ_SESSION_KEY=cluster-test-secret-0123456789abcdef")
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<16), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			_, _ = p.logs.Write([]byte(line + "\n"))
			if m := listening.FindStringSubmatch(line); m != nil {
				addr <- m[1]
			}
		}
		p.exit <- p.cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.exit
		p.exit <- nil
		if t.Failed() {
			t.Logf("logs of %s:\n%s", name, p.logs.String())
		}
	})
	select {
	case p.addr = <-addr:
	case err := <-p.exit:
		t.Fatalf("%s exited at start: %v\n%s", name, err, p.logs.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("%s did not start in 60 s:\n%s", name, p.logs.String())
	}
	return p
}

// client is a player's browser and SockJS websocket to one process: it
// signs in with the dev sign-in, folds what it is told, and plays the
// first legal move it is offered.
type client struct {
	name string
	http *http.Client

	mu      sync.Mutex
	ws      *websocket.Conn
	table   string
	tables  map[string]bool // listed in its lobby waiting for players
	result  *protocol.Settlement
	errs    []string
	version uint64
	movedAt uint64 // the version last answered with a move
}

func newClient(name string) *client {
	jar, _ := cookiejar.New(nil)
	return &client{name: name, http: &http.Client{Jar: jar, Timeout: 15 * time.Second}, tables: map[string]bool{}}
}

// connect signs in on process p (the browser's cookie is valid on every
// process of the club: they share the secret) and reads in the
// background.
func (c *client) connect(t *testing.T, p *clubProcess, first bool) {
	t.Helper()
	base := "http://" + p.addr
	if first {
		req, _ := http.NewRequest(http.MethodPost, base+"/auth/dev", strings.NewReader(url.Values{"name": {c.name}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		c.do(t, req, nil)
	}
	req, _ := http.NewRequest(http.MethodGet, base+"/api/token", nil)
	var tok struct {
		Token string `json:"token"`
	}
	c.do(t, req, &tok)
	ws, _, err := websocket.DefaultDialer.Dial("ws://"+p.addr+"/sockjs/000/"+c.name+fmt.Sprint(time.Now().UnixNano())+"/websocket",
		http.Header{"Origin": {base}})
	if err != nil {
		t.Fatalf("%s: dial %s: %v", c.name, p.name, err)
	}
	c.mu.Lock()
	c.ws = ws
	tables := map[string]uint64{}
	if c.table != "" {
		tables[c.table] = c.version
	}
	c.mu.Unlock()
	go c.read(ws)
	c.send(map[string]any{"type": "signin", "token": tok.Token, "tables": tables})
}

func (c *client) do(t *testing.T, req *http.Request, into any) {
	t.Helper()
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatalf("%s: %s %s: %v", c.name, req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: %s %s: %s %s", c.name, req.Method, req.URL, resp.Status, body)
	}
	if into != nil {
		if err := json.Unmarshal(body, into); err != nil {
			t.Fatalf("%s: %s: %v", c.name, req.URL, err)
		}
	}
}

// send sends one message; a closed connection drops it (the client
// reconnects and resyncs).
func (c *client) send(m map[string]any) {
	b, _ := json.Marshal(m)
	frame, _ := json.Marshal([]string{string(b)})
	c.mu.Lock()
	defer c.mu.Unlock()
	_ = c.ws.WriteMessage(websocket.TextMessage, frame)
}

func (c *client) read(ws *websocket.Conn) {
	for {
		_, data, err := ws.ReadMessage()
		if err != nil {
			return
		}
		if len(data) == 0 || data[0] != 'a' {
			continue
		}
		var msgs []string
		if err := json.Unmarshal(data[1:], &msgs); err != nil {
			continue
		}
		for _, m := range msgs {
			c.handle(m)
		}
	}
}

func (c *client) handle(raw string) {
	var m struct {
		Type   string               `json:"type"`
		Table  string               `json:"table"`
		V      uint64               `json:"v"`
		Code   string               `json:"code"`
		Text   string               `json:"text"`
		Legal  *[]rules.Move        `json:"legal"`
		Result *protocol.Settlement `json:"result"`
		Tables []protocol.Summary   `json:"tables"`
	}
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return
	}
	c.mu.Lock()
	switch m.Type {
	case "created":
		c.table = m.Table
	case "lobby", "lobby_delta":
		for _, s := range m.Tables {
			// A sit before the creator's conventions reach the table is
			// refused (wrong_state): sit once it waits for players.
			c.tables[s.ID] = s.State == protocol.StateWaiting
		}
	case "error":
		c.errs = append(c.errs, m.Code+": "+m.Text)
		c.movedAt = 0 // the move was refused: answer the next offer
	case "table", "table_event":
		if m.Table == c.table && m.V > c.version {
			c.version = m.V
		}
	}
	if m.Result != nil {
		c.result = m.Result
	}
	table := c.table
	// One move per offer: an event that repeats the offer (a seat or
	// clock change) is not answered twice.
	move := m.Legal != nil && len(*m.Legal) > 0 && m.Table == table && m.V > c.movedAt
	if move {
		c.movedAt = m.V
	}
	c.mu.Unlock()
	if move {
		c.send(map[string]any{"type": "move", "table": table, "move": (*m.Legal)[0]})
	}
}

func (c *client) state() (table string, listed map[string]bool, result *protocol.Settlement) {
	c.mu.Lock()
	defer c.mu.Unlock()
	l := map[string]bool{}
	for k, waiting := range c.tables {
		l[k] = waiting
	}
	return c.table, l, c.result
}

// await waits until cond holds (state, polled), failing after limit.
func await(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not after %v", what, limit)
		}
		time.Sleep(10 * time.Millisecond) // polling state, nothing timed
	}
}

// Three processes of the club, one player on each; the process that runs
// their table stops mid-deal, killed with SIGKILL or stopped with SIGTERM
// (which hands its tables over at once); a survivor takes the table over
// from the store, the player of the stopped process reconnects to a
// survivor, and the pulka ends with the settlement its seeds and moves give
// (what one process gives for them), every move written once.
func TestStoppedOwnersTableFinishesOnASurvivor(t *testing.T) {
	if testing.Short() {
		t.Skip("starts three club processes")
	}
	for _, tt := range []struct {
		name string
		sig  syscall.Signal
	}{{"killed", syscall.SIGKILL}, {"terminated", syscall.SIGTERM}} {
		t.Run(tt.name, func(t *testing.T) { stoppedOwner(t, tt.sig) })
	}
}

func stoppedOwner(t *testing.T, sig syscall.Signal) {
	rd := redistest.Start(t)
	db := database(t)
	procs := []*clubProcess{startClub(t, "a", rd.URL(), db), startClub(t, "b", rd.URL(), db), startClub(t, "c", rd.URL(), db)}
	for _, p := range procs {
		resp, err := http.Get("http://" + p.addr + "/readyz")
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("/readyz of %s: %v %v", p.name, resp, err)
		}
		resp.Body.Close()
	}
	anna, boris, vera := newClient("Anna"), newClient("Boris"), newClient("Vera")
	anna.connect(t, procs[0], true)
	boris.connect(t, procs[1], true)
	vera.connect(t, procs[2], true)
	anna.send(map[string]any{"type": "set"})
	var id string
	await(t, 30*time.Second, "Anna's table is set", func() bool { id, _, _ = anna.state(); return id != "" })
	anna.send(map[string]any{"type": "conventions", "table": id, "preset": "sochi", "options": map[string]any{"pool_target": 3}})
	for i, c := range []*client{boris, vera} {
		await(t, 30*time.Second, c.name+" sees the table waiting for players in the lobby", func() bool { _, l, _ := c.state(); return l[id] })
		c.mu.Lock()
		c.table = id
		c.mu.Unlock()
		c.send(map[string]any{"type": "watch", "table": id})
		c.send(map[string]any{"type": "sit", "table": id, "seat": i + 1})
	}
	st, err := store.Open(context.Background(), store.Config{URL: db})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	moves := func() int {
		var n int
		if err := st.DB().QueryRow("SELECT COUNT(*) FROM moves JOIN pulkas ON pulkas.id = moves.pulka_id WHERE pulkas.table_id = $1", id).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	await(t, time.Minute, "a few moves written", func() bool { return moves() >= 4 })
	killed := time.Now()
	if err := procs[0].cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	atKill := moves()
	anna.connect(t, procs[1], false) // her connection moved, as through the load balancer
	await(t, 30*time.Second, "a survivor takes the table over", func() bool {
		return strings.Contains(procs[1].logs.String(), "table taken over") || strings.Contains(procs[2].logs.String(), "table taken over")
	})
	t.Logf("taken over %v after %v", time.Since(killed).Round(time.Millisecond), sig)
	defer func() {
		if t.Failed() {
			for _, c := range []*client{anna, boris, vera} {
				c.mu.Lock()
				t.Logf("%s: table %s v%d result %v errors %v", c.name, c.table, c.version, c.result, c.errs)
				c.mu.Unlock()
			}
		}
	}()
	await(t, 90*time.Second, "the settlement at every seat", func() bool {
		for _, c := range []*client{anna, boris, vera} {
			if _, _, r := c.state(); r == nil {
				return false
			}
		}
		return true
	})
	if n := moves(); n <= atKill {
		t.Errorf("%d moves at the kill, %d at the end: the pulka did not go on", atKill, n)
	}
	_, _, told := boris.state()
	for _, c := range []*client{anna, vera} {
		if _, _, r := c.state(); fmt.Sprint(r) != fmt.Sprint(told) {
			t.Errorf("%s was told %v, Boris %v", c.name, r, told)
		}
	}
	storetest.CheckArchived(t, st, id, told)
}
