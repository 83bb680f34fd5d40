package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
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

// TestNginxConfigKeepsFallbackSessionsOnOneProcess runs Debian's nginx with
// nginx.conf (only its addresses replaced) on a free loopback port in front
// of two tictactoe processes sharing a Redis, and plays a game through it
// over xhr-polling, the transport that needs sticky sessions most (then
// opens a websocket session through it too): each
// poll and each send is a new HTTP request. Without the sticky hash the
// requests of one session are spread over both processes and the game
// never starts; with "Host $host" the port is lost and every send is
// refused (403) as cross-origin.
func TestNginxConfigKeepsFallbackSessionsOnOneProcess(t *testing.T) {
	nginx := nginxBinary(t)
	rs := redistest.Start(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	backends := []string{freeAddr(t), freeAddr(t)}
	for _, addr := range backends {
		done := make(chan error, 1)
		go func() { done <- run(ctx, addr, rs.URL(), quiet()) }()
		t.Cleanup(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("backend %s: %v", addr, err)
			}
		})
		waitServing(t, "http://"+addr+"/ttt/info")
	}
	front := startNginx(t, nginx, backends)

	x, o := xhrBrowser(t, front), xhrBrowser(t, front)
	x.send(clientMsg{Type: "play", Name: "xavier"})
	x.expect("waiting")
	o.send(clientMsg{Type: "play", Name: "olga"})
	sx, so := x.expect("start"), o.expect("start")
	if sx.Game != so.Game || sx.You == so.You || sx.Opponent != "olga" || so.Opponent != "xavier" {
		t.Fatalf("starts %+v / %+v", sx, so)
	}
	// Whoever is X wins along the top row.
	first, second := x, o
	if sx.You != "X" {
		first, second = o, x
	}
	for _, b := range []*browser{x, o} {
		b.expect("state")
	}
	var last serverMsg
	for i, cell := range []int{0, 3, 1, 4, 2} {
		by := first
		if i%2 == 1 {
			by = second
		}
		by.send(clientMsg{Type: "move", Cell: cell})
		if last = x.expect("state"); last != o.expect("state") {
			t.Fatal("the players disagree")
		}
	}
	if last.Status != Won || last.Winner != "X" || last.Board != "XXXOO...." {
		t.Fatalf("final state %+v", last)
	}

	// The page's first choice, a websocket, is upgraded through nginx too
	// (Dial reads the open frame).
	_ = sockjstest.Dial(t, front+"/ttt", &sockjstest.Options{Header: http.Header{"Origin": {front}}, Timeout: waitLimit})
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
// backends and returns its base URL. nginx stops when the test ends.
func startNginx(t *testing.T, nginx string, backends []string) string {
	t.Helper()
	conf, err := os.ReadFile("nginx.conf")
	if err != nil {
		t.Fatal(err)
	}
	listen := freeAddr(t)
	site := strings.NewReplacer(
		"server 127.0.0.1:8071;", "server "+backends[0]+";",
		"server 127.0.0.1:8072;", "server "+backends[1]+";",
		"listen 80;", "listen "+listen+";",
	).Replace(string(conf))
	if strings.Count(site, backends[0])+strings.Count(site, backends[1]) != 2 || !strings.Contains(site, listen) {
		t.Fatal("nginx.conf no longer has the addresses this test replaces")
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
    include %[2]s/tictactoe.conf;
}
`, user, dir)
	for name, text := range map[string]string{"tictactoe.conf": site, "nginx.conf": main} {
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
		_ = cmd.Process.Signal(syscall.SIGTERM) // fast shutdown: the master stops its workers
		select {
		case <-exited:
		case <-time.After(waitLimit):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // its own process group
			<-exited
		}
		if t.Failed() {
			log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Logf("nginx output:\n%s\nerror.log:\n%s", out.Bytes(), log)
		}
	})
	base := "http://" + listen
	waitServing(t, base+"/ttt/info")
	select {
	case <-exited:
		t.Fatalf("nginx exited: %s", out.Bytes())
	default:
	}
	return base
}

// freeAddr returns a free loopback address.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// waitServing waits until url answers 200.
func waitServing(t *testing.T, url string) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not serving: %v", url, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// xhrBrowser opens a session through front over xhr-polling, as
// sockjs-client makes it (each poll and each send a new request), with the
// page's Origin on every request.
func xhrBrowser(t *testing.T, front string) *browser {
	t.Helper()
	c := sockjstest.Dial(t, front+"/ttt", &sockjstest.Options{
		Transport: sockjstest.XHRPolling,
		Header:    http.Header{"Origin": {front}},
		Timeout:   waitLimit,
	})
	return &browser{t: t, c: c}
}
