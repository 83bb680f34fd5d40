package main

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/sockjs/protocoltest"
)

// startEndpoints serves the SockJS protocol test endpoints on loopback.
func startEndpoints(t *testing.T) string {
	t.Helper()
	e := protocoltest.New(slog.New(slog.DiscardHandler))
	ts := httptest.NewServer(e)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := e.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		ts.Close()
	})
	return ts.URL
}

// TestRunDeliversEveryMessage runs the generator for about a second against
// the echo endpoint (each message comes back once) and the broadcast
// endpoint (each message reaches every client).
func TestRunDeliversEveryMessage(t *testing.T) {
	base := startEndpoints(t)
	tests := []struct {
		endpoint   string
		clients    int
		perMessage int64 // deliveries per sent message
	}{
		{"/echo", 4, 1},
		{"/broadcast", 5, 5},
	}
	for _, tt := range tests {
		t.Run(strings.TrimPrefix(tt.endpoint, "/"), func(t *testing.T) {
			cfg := config{URL: base + tt.endpoint, Clients: tt.clients, Duration: time.Second, Rate: 200, Size: 100, Drain: 5 * time.Second}
			rep, err := run(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Clients != tt.clients {
				t.Errorf("clients = %d, want %d", rep.Clients, tt.clients)
			}
			// 200/s for 1 s, sent in 10 ms steps.
			if rep.Sent < 150 || rep.Sent > 201 || rep.SendErrs != 0 {
				t.Errorf("sent %d (%d failed), want about 200 and none failed", rep.Sent, rep.SendErrs)
			}
			if want := rep.Sent * tt.perMessage; rep.Delivered != want {
				t.Errorf("delivered %d, want %d", rep.Delivered, want)
			}
			if p50, p99 := rep.Latency.quantile(0.5), rep.Latency.quantile(0.99); p50 <= 0 || p99 < p50 || p99 > 5*time.Second {
				t.Errorf("latency p50 %v p99 %v: want 0 < p50 <= p99 <= 5s", p50, p99)
			}
			if rep.deliveredRate() <= 0 {
				t.Errorf("delivered rate %v, want > 0", rep.deliveredRate())
			}
			var out bytes.Buffer
			rep.print(&out)
			for _, want := range []string{"msgs/s", "p50", "p99"} {
				if !strings.Contains(out.String(), want) {
					t.Errorf("report lacks %q:\n%s", want, out.String())
				}
			}
		})
	}
}

func TestConfigMustBeBounded(t *testing.T) {
	ok := config{URL: "http://127.0.0.1:1/echo", Clients: 1, Duration: time.Second, Rate: 1, Size: 100, Drain: time.Second}
	tests := []struct {
		name string
		edit func(*config)
	}{
		{"no clients", func(c *config) { c.Clients = 0 }},
		{"too many clients", func(c *config) { c.Clients = maxClients + 1 }},
		{"no duration", func(c *config) { c.Duration = 0 }},
		{"too long", func(c *config) { c.Duration = maxDuration + 1 }},
		{"zero rate", func(c *config) { c.Rate = 0 }},
		{"rate too high", func(c *config) { c.Rate = maxRate + 1 }},
		{"message too small", func(c *config) { c.Size = minSize - 1 }},
		{"message too big", func(c *config) { c.Size = maxSize + 1 }},
		{"drain too long", func(c *config) { c.Drain = maxDrain + 1 }},
	}
	if err := ok.validate(); err != nil {
		t.Fatalf("valid config rejected: %v", err)
	}
	for _, tt := range tests {
		c := ok
		tt.edit(&c)
		if err := c.validate(); err == nil {
			t.Errorf("%s: config accepted", tt.name)
		}
	}
}

func TestWebsocketURLFollowsSockJSLayout(t *testing.T) {
	tests := []struct {
		in, prefix string
	}{
		{"http://127.0.0.1:8081/broadcast", "ws://127.0.0.1:8081/broadcast/"},
		{"https://example.com/echo/", "wss://example.com/echo/"},
		{"ws://127.0.0.1:1/a/b?x=1", "ws://127.0.0.1:1/a/b/"},
	}
	for _, tt := range tests {
		got, err := websocketURL(tt.in)
		if err != nil {
			t.Errorf("websocketURL(%q): %v", tt.in, err)
			continue
		}
		rest, ok := strings.CutPrefix(got, tt.prefix)
		parts := strings.Split(rest, "/")
		if !ok || len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] != "websocket" {
			t.Errorf("websocketURL(%q) = %q, want %s{server}/{session}/websocket", tt.in, got, tt.prefix)
		}
	}
	for _, bad := range []string{"ftp://h/x", "http:///x", "://"} {
		if _, err := websocketURL(bad); err == nil {
			t.Errorf("websocketURL(%q) accepted", bad)
		}
	}
}

func TestMessageCarriesItsSendTime(t *testing.T) {
	sent := time.Unix(1700000000, 123456789)
	for _, size := range []int{minSize, 100, 1000} {
		m := newMessage(sent, 42, size)
		if len(m) != size {
			t.Errorf("message of size %d has %d bytes", size, len(m))
		}
		got, ok := parseMessage(m)
		if !ok || got != sent.UnixNano() {
			t.Errorf("parseMessage(%q) = %d, %v; want %d", m, got, ok, sent.UnixNano())
		}
	}
	for _, other := range []string{"", "hello", "sockjs-load x", "sockjs-load 12"} {
		if _, ok := parseMessage(other); ok {
			t.Errorf("parseMessage(%q) accepted a foreign message", other)
		}
	}
}

func TestHistogramQuantiles(t *testing.T) {
	tests := []struct {
		name    string
		samples []time.Duration
		q       float64
		want    time.Duration // exact value; the answer may be up to 1/16 above
	}{
		{"empty", nil, 0.5, 0},
		{"single", []time.Duration{time.Millisecond}, 0.5, time.Millisecond},
		{"tiny", []time.Duration{3, 3, 3}, 0.99, 3},
		{"median of 1..100 ms", durations(100, time.Millisecond), 0.5, 50 * time.Millisecond},
		{"p99 of 1..100 ms", durations(100, time.Millisecond), 0.99, 99 * time.Millisecond},
		{"max of 1..100 ms", durations(100, time.Millisecond), 1, 100 * time.Millisecond},
	}
	for _, tt := range tests {
		var h histogram
		for _, d := range tt.samples {
			h.record(d)
		}
		got := h.quantile(tt.q)
		if got < tt.want || float64(got) > float64(tt.want)*(1+1.0/16) {
			t.Errorf("%s: quantile(%v) = %v, want %v (+6.25%%)", tt.name, tt.q, got, tt.want)
		}
	}
}

// durations returns 1*unit, 2*unit, ... n*unit.
func durations(n int, unit time.Duration) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = time.Duration(i+1) * unit
	}
	return out
}
