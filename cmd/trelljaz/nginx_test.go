package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/sockjs/redisbroker/redistest"
	"github.com/trelljaz/trelljaz/sockjs/sockjstest"
)

// TestNginxConfigServesTheClubOfThreeProcesses runs Debian's nginx with
// nginx.conf (only its addresses replaced) in front of three club
// processes: a player over xhr-polling (every poll and send a new HTTP
// request, which only sticky sessions keep on one process) sets a table,
// a player over websocket sees it in the lobby and sits, and both are told
// the table's seats, whichever processes nginx chose.
func TestNginxConfigServesTheClubOfThreeProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts three club processes and nginx")
	}
	nginx := nginxBinary(t)
	rd := redistest.Start(t)
	db := database(t)
	var backends []string
	for _, name := range []string{"a", "b", "c"} {
		backends = append(backends, startClub(t, name, rd.URL(), db).addr)
	}
	front := startNginx(t, nginx, backends)

	anna := signInThrough(t, front, "Anna", sockjstest.XHRPolling)
	boris := signInThrough(t, front, "Boris", sockjstest.Websocket)
	anna.SendJSON(map[string]any{"type": "set"})
	created := awaitMsg(t, anna, func(m map[string]any) bool { return m["type"] == "created" })
	id, _ := created["table"].(string)
	anna.SendJSON(map[string]any{"type": "conventions", "table": id, "preset": "sochi"})
	awaitMsg(t, boris, func(m map[string]any) bool {
		if m["type"] != "lobby" && m["type"] != "lobby_delta" {
			return false
		}
		tables, _ := m["tables"].([]any)
		for _, s := range tables {
			if sm, _ := s.(map[string]any); sm["id"] == id && sm["state"] == "waiting" {
				return true
			}
		}
		return false
	})
	boris.SendJSON(map[string]any{"type": "watch", "table": id})
	boris.SendJSON(map[string]any{"type": "sit", "table": id, "seat": 1})
	sitting := func(m map[string]any) bool {
		seats, _ := m["seats"].([]any)
		if (m["type"] != "table" && m["type"] != "table_event") || m["table"] != id || len(seats) < 2 {
			return false
		}
		s0, _ := seats[0].(map[string]any)
		s1, _ := seats[1].(map[string]any)
		p0, _ := s0["player"].(map[string]any)
		p1, _ := s1["player"].(map[string]any)
		return p0["name"] == "Anna" && p1["name"] == "Boris"
	}
	awaitMsg(t, boris, sitting)
	awaitMsg(t, anna, sitting)
}

// signInThrough signs name in at base with the dev sign-in and opens a
// SockJS session of transport through it, signed in with a socket token.
func signInThrough(t *testing.T, base, name, transport string) *sockjstest.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &client{name: name, http: &http.Client{Jar: jar, Timeout: 15 * time.Second}}
	req, _ := http.NewRequest(http.MethodPost, base+"/auth/dev", strings.NewReader(url.Values{"name": {name}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	c.do(t, req, nil)
	req, _ = http.NewRequest(http.MethodGet, base+"/api/token", nil)
	var tok struct {
		Token string `json:"token"`
	}
	c.do(t, req, &tok)
	s := sockjstest.Dial(t, base+"/sockjs", &sockjstest.Options{Transport: transport, Header: http.Header{"Origin": {base}}, Timeout: 30 * time.Second})
	s.SendJSON(map[string]any{"type": "signin", "token": tok.Token})
	awaitMsg(t, s, func(m map[string]any) bool { return m["type"] == "welcome" })
	return s
}

// awaitMsg reads s's messages until one satisfies ok (bounded by count and
// by the client's read timeout).
func awaitMsg(t *testing.T, s *sockjstest.Client, ok func(map[string]any) bool) map[string]any {
	t.Helper()
	for range 1000 {
		raw, err := s.Read()
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(raw), &m); err != nil {
			t.Fatalf("message %q: %v", raw, err)
		}
		if m["type"] == "error" {
			t.Logf("error: %v", m)
		}
		if ok(m) {
			return m
		}
	}
	t.Fatal("1000 messages without the one awaited")
	return nil
}

// nginxBinary finds Debian's nginx or skips the test.
func nginxBinary(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("nginx"); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/sbin/nginx"); err == nil {
		return "/usr/sbin/nginx"
	}
	t.Skip("nginx not installed (Debian package nginx-light); skipping the test of nginx.conf")
	return ""
}

// startNginx runs nginx in the foreground with nginx.conf pointed at the
// backends and returns its base URL; it stops when the test ends.
func startNginx(t *testing.T, nginx string, backends []string) string {
	t.Helper()
	conf, err := os.ReadFile("nginx.conf")
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	listen := l.Addr().String()
	l.Close()
	site := strings.NewReplacer(
		"server 127.0.0.1:8081 ", "server "+backends[0]+" ",
		"server 127.0.0.1:8082 ", "server "+backends[1]+" ",
		"server 127.0.0.1:8083 ", "server "+backends[2]+" ",
		"listen 80;", "listen "+listen+";",
	).Replace(string(conf))
	for _, b := range append(backends, listen) {
		if !strings.Contains(site, b) {
			t.Fatal("nginx.conf no longer has the addresses this test replaces")
		}
	}
	dir := t.TempDir()
	user := ""
	if os.Geteuid() == 0 {
		user = "user root;" // workers may then use the temp directory
	}
	main := fmt.Sprintf(`%s
daemon off;
master_process on;
worker_processes 1;
pid %[2]s/nginx.pid;
error_log %[2]s/error.log warn;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path %[2]s/body;
    proxy_temp_path %[2]s/proxy;
    fastcgi_temp_path %[2]s/fastcgi;
    uwsgi_temp_path %[2]s/uwsgi;
    scgi_temp_path %[2]s/scgi;
    include %[2]s/trelljaz.conf;
}
`, user, dir)
	for name, text := range map[string]string{"trelljaz.conf": site, "nginx.conf": main} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(nginx, "-p", dir, "-e", filepath.Join(dir, "error.log"), "-c", filepath.Join(dir, "nginx.conf"))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start nginx: %v", err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
		if t.Failed() {
			log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Logf("nginx output:\n%s\nerror.log:\n%s", out.Bytes(), log)
		}
	})
	base := "http://" + listen
	await(t, 30*time.Second, "nginx serves /healthz", func() bool {
		select {
		case <-exited:
			t.Fatalf("nginx exited: %s", out.Bytes())
		default:
		}
		resp, err := http.Get(base + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	return base
}
