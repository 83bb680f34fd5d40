package sockjs

import (
	"bufio"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"
)

// benchServerEnv names the target a server child process of
// BenchmarkIdleSessionRSS serves ("sockjs" or "bare-gorilla-prepared").
const benchServerEnv = "SOCKJS_BENCH_SERVER"

// BenchmarkIdleSessionRSS measures memory per idle websocket session from
// outside: the server runs in a child process, the clients in another
// (startBenchClients), and the figure is the growth of the server
// process's resident set (VmRSS in /proc) per session, between the server
// alone and the server holding n idle sessions. Both readings are taken
// after the child has run a GC and returned free memory to the OS
// (rss-B/session), and, first, as the process stands (rss-asis-B/session:
// that one includes the heap's GC headroom). Linux only; use -benchtime 1x:
//
//	go test ./sockjs -run '^$' -bench BenchmarkIdleSessionRSS -benchtime 1x
func BenchmarkIdleSessionRSS(b *testing.B) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		b.Skip("needs /proc (Linux)")
	}
	targets := []struct {
		name string
		make func() *benchTarget
	}{
		{"sockjs", benchSockJSTarget},
		{"bare-gorilla-prepared", benchBareHubTarget},
	}
	for _, tgt := range targets {
		b.Run(tgt.name, func(b *testing.B) {
			for _, n := range []int{2000, 10000} {
				b.Run("sessions="+strconv.Itoa(n), func(b *testing.B) {
					benchIdleRSS(b, tgt.name, tgt.make(), n)
				})
			}
		})
	}
}

func benchIdleRSS(b *testing.B, name string, t *benchTarget, n int) {
	benchNeedFiles(b, uint64(n+256))
	srv, err := startBenchServer(name)
	if err != nil {
		b.Fatal(err)
	}
	defer srv.close()
	if _, err := srv.ask("gc"); err != nil {
		b.Fatal(err)
	}
	rss0, err := processRSS(srv.cmd.Process.Pid)
	if err != nil {
		b.Fatal(err)
	}
	clients, err := startBenchClients(srv.addr, t.path, n, t.sockjs, benchModeIdle)
	if err != nil {
		b.Fatal(err)
	}
	defer clients.close()
	if !benchWaitFor(func() bool { got, err := srv.ask("count"); return err == nil && got == strconv.Itoa(n) }) {
		b.Fatalf("not all %d sessions opened on the server", n)
	}
	if _, err := srv.ask("settle"); err != nil {
		b.Fatal(err)
	}
	asis, err := processRSS(srv.cmd.Process.Pid)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := srv.ask("gc"); err != nil {
		b.Fatal(err)
	}
	rss1, err := processRSS(srv.cmd.Process.Pid)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		// The figures above are the result; there is nothing to repeat.
	}
	b.ReportMetric(float64(int64(rss1)-int64(rss0))/float64(n), "rss-B/session")
	b.ReportMetric(float64(int64(asis)-int64(rss0))/float64(n), "rss-asis-B/session")
}

// processRSS reads VmRSS of process pid, in bytes.
func processRSS(pid int) (uint64, error) {
	f, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, fmt.Errorf("read RSS: %w", err)
	}
	for _, line := range strings.Split(string(f), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("parse VmRSS %q: %w", rest, err)
			}
			return kb << 10, nil
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", pid)
}

// benchServer is a server child process: it serves one target on loopback
// and answers commands on stdin, one line each.
type benchServer struct {
	cmd  *exec.Cmd
	in   io.WriteCloser
	out  *bufio.Scanner
	addr string
}

func startBenchServer(target string) (*benchServer, error) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestBenchServerProcess$", "-test.bench=^$", "-test.count=1")
	cmd.Env = append(os.Environ(), benchServerEnv+"="+target)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("server process: %w", err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("server process: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("server process: %w", err)
	}
	s := &benchServer{cmd: cmd, in: in, out: bufio.NewScanner(out)}
	addr, err := s.ask("addr")
	if err != nil {
		s.close()
		return nil, err
	}
	s.addr = addr
	return s, nil
}

// ask sends one command and returns the answer line.
func (s *benchServer) ask(cmd string) (string, error) {
	if _, err := fmt.Fprintln(s.in, cmd); err != nil {
		return "", fmt.Errorf("server process: send %q: %w", cmd, err)
	}
	if !s.out.Scan() {
		return "", fmt.Errorf("server process: no answer to %q: %v", cmd, s.out.Err())
	}
	return s.out.Text(), nil
}

func (s *benchServer) close() {
	_ = s.in.Close()
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(benchWait):
		_ = s.cmd.Process.Kill()
		<-done
	}
}

// TestBenchServerProcess is the server side of BenchmarkIdleSessionRSS, run
// in a child process; in a normal test run it is skipped. Commands: addr,
// count (sessions open), settle (wait until the goroutine count is steady),
// gc (collect and return free memory to the OS); end of input ends it.
func TestBenchServerProcess(t *testing.T) {
	target := os.Getenv(benchServerEnv)
	if target == "" {
		t.Skip("helper process of BenchmarkIdleSessionRSS")
	}
	var tgt *benchTarget
	switch target {
	case "sockjs":
		tgt = benchSockJSTarget()
	case "bare-gorilla-prepared":
		tgt = benchBareHubTarget()
	default:
		t.Fatalf("unknown target %q", target)
	}
	ts := httptest.NewServer(tgt.handler)
	defer ts.Close()
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		switch sc.Text() {
		case "addr":
			fmt.Println(ts.Listener.Addr().String())
		case "count":
			fmt.Println(tgt.count())
		case "settle":
			benchSettle()
			fmt.Println("ok")
		case "gc":
			runtime.GC()
			debug.FreeOSMemory()
			fmt.Println("ok")
		default:
			fmt.Println("unknown command")
		}
	}
	_ = tgt.shutdown()
}
