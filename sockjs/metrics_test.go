package sockjs

import (
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/trelljaz/trelljaz/sockjs/sockjstest"
)

// metricValue reads reg: the sum over the series of name whose labels
// include every pair of labels, of their counter, gauge or histogram sample
// count.
func metricValue(t *testing.T, reg *prometheus.Registry, name string, labels map[string]string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		sum := 0.0
	series:
		for _, m := range mf.GetMetric() {
			have := map[string]string{}
			for _, lp := range m.GetLabel() {
				have[lp.GetName()] = lp.GetValue()
			}
			for k, v := range labels {
				if have[k] != v {
					continue series
				}
			}
			sum += sampleValue(m)
		}
		return sum
	}
	t.Fatalf("metric %s is not registered", name)
	return 0
}

func sampleValue(m *dto.Metric) float64 {
	switch {
	case m.GetCounter() != nil:
		return m.GetCounter().GetValue()
	case m.GetGauge() != nil:
		return m.GetGauge().GetValue()
	case m.GetHistogram() != nil:
		return float64(m.GetHistogram().GetSampleCount())
	}
	return 0
}

// TestMetricsCountASessionsLife reads the registry back over one websocket
// session's life and one HTTP session's: open, messages both ways with their
// bytes, the send-queue histogram, and the close by code.
func TestMetricsCountASessionsLife(t *testing.T) {
	reg := prometheus.NewRegistry()
	env := newEnv(t, Options{Metrics: reg}, hooks{})
	ws := env.dial(nil)
	c := env.next()
	wsLabels := map[string]string{"transport": TransportWebsocket}
	if got := metricValue(t, reg, "sockjs_sessions_open", wsLabels); got != 1 {
		t.Errorf("sessions_open while open = %v, want 1", got)
	}
	_ = ws.WriteMessage(websocket.TextMessage, []byte(`["hello","wörld"]`))
	for n := 0; n < 2; {
		got := env.readWS(ws)
		n += strings.Count(got, `"`) / 2
	}
	_ = ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(CloseNormal, ""))
	c.waitClosed(t)

	// An xhr-streaming session the server closes.
	xc := env.sockjsClient(sockjstest.XHRStreaming)
	hc := env.next()
	xc.Send("over xhr")
	if got := xc.Next(); got != "over xhr" {
		t.Fatalf("xhr echo %q", got)
	}
	_ = hc.s.Close(CloseForbidden, "")
	if ce := xc.WaitClosed(); ce.Code != CloseForbidden {
		t.Errorf("close frame %+v", ce)
	}
	hc.waitClosed(t)

	cases := []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"sockjs_sessions_opened_total", wsLabels, 1},
		{"sockjs_sessions_open", wsLabels, 0},
		{"sockjs_sessions_closed_total", map[string]string{"transport": TransportWebsocket, "code": "1000"}, 1},
		{"sockjs_messages_received_total", wsLabels, 2},
		{"sockjs_received_bytes_total", wsLabels, float64(len("hello") + len("wörld"))},
		{"sockjs_messages_sent_total", wsLabels, 2},
		{"sockjs_sent_bytes_total", wsLabels, float64(len("hello") + len("wörld"))},
		{"sockjs_send_queue_bytes", wsLabels, 0}, // sample count: checked below
		{"sockjs_sessions_opened_total", map[string]string{"transport": TransportXHRStreaming}, 1},
		{"sockjs_messages_received_total", map[string]string{"transport": TransportXHRStreaming}, 1},
		{"sockjs_messages_sent_total", map[string]string{"transport": TransportXHRStreaming}, 1},
		{"sockjs_sessions_closed_total", map[string]string{"transport": TransportXHRStreaming, "code": "4003"}, 1},
		{"sockjs_sessions_open", map[string]string{"transport": TransportXHRStreaming}, 0},
	}
	for _, c := range cases {
		got := metricValue(t, reg, c.name, c.labels)
		if c.name == "sockjs_send_queue_bytes" {
			if got < 1 || got > 2 {
				t.Errorf("%s%v: %v deliveries observed, want 1 or 2", c.name, c.labels, got)
			}
			continue
		}
		if got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
}

// TestMetricsCountForcedCloses checks the counters of the closes the server
// forces: slow consumer, rate limit, message too big, peer timeout.
func TestMetricsCountForcedCloses(t *testing.T) {
	cases := []struct {
		name   string
		opts   Options
		act    func(env *testEnv, ws *websocket.Conn, c *conn)
		metric string
		code   int
	}{
		{"slow consumer", Options{SendQueueBytes: 64},
			func(_ *testEnv, _ *websocket.Conn, c *conn) { _ = c.s.Send(strings.Repeat("x", 100)) },
			"sockjs_slow_consumer_closes_total", CloseSlowConsumer},
		{"rate limit", Options{MessageRate: 0.001, MessageBurst: 1},
			func(_ *testEnv, ws *websocket.Conn, _ *conn) { _ = ws.WriteMessage(1, []byte(`["a","b"]`)) },
			"sockjs_rate_limit_closes_total", CloseRateLimited},
		{"message too big", Options{MaxMessageSize: 10},
			func(_ *testEnv, ws *websocket.Conn, _ *conn) { _ = ws.WriteMessage(1, []byte(`["12345678901"]`)) },
			"sockjs_message_too_big_closes_total", CloseMessageTooBig},
		{"peer timeout", Options{HeartbeatDelay: 20 * time.Millisecond, PeerTimeout: 100 * time.Millisecond},
			func(_ *testEnv, ws *websocket.Conn, _ *conn) { ws.SetPingHandler(func(string) error { return nil }) },
			"sockjs_peer_timeout_closes_total", ClosePeerTimeout},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			reg := prometheus.NewRegistry()
			c.opts.Metrics = reg
			env := newEnv(t, c.opts, hooks{})
			ws := env.dial(nil)
			conn := env.next()
			if got := metricValue(t, reg, c.metric, nil); got != 0 {
				t.Fatalf("%s = %v before", c.metric, got)
			}
			c.act(env, ws, conn)
			done := readUntilError(ws) // so the close handshake ends at once
			conn.waitClosed(t)
			_ = ws.Close()
			<-done
			if got := metricValue(t, reg, c.metric, nil); got != 1 {
				t.Errorf("%s = %v, want 1", c.metric, got)
			}
			code := map[string]string{"code": itoa(uint64(c.code))}
			if got := metricValue(t, reg, "sockjs_sessions_closed_total", code); got != 1 {
				t.Errorf("sessions_closed_total%v = %v, want 1", code, got)
			}
		})
	}
}

// TestMetricsNilCostsNothing checks that a server without Options.Metrics
// has no metrics and allocates nothing for them per session.
func TestMetricsNilCostsNothing(t *testing.T) {
	env := newEnv(t, Options{}, hooks{})
	env.dial(nil)
	c := env.next()
	if env.srv.metrics != nil || c.s.metrics != nil {
		t.Error("metrics made without Options.Metrics")
	}
}

// TestMetricsSharedRegistry checks that two servers can export to one
// registry.
func TestMetricsSharedRegistry(t *testing.T) {
	reg := prometheus.NewRegistry()
	a := newEnv(t, Options{Metrics: reg}, hooks{})
	b := newEnv(t, Options{Metrics: reg}, hooks{})
	a.dial(nil)
	a.next()
	b.dial(nil)
	b.next()
	if got := metricValue(t, reg, "sockjs_sessions_opened_total", map[string]string{"transport": TransportWebsocket}); got != 2 {
		t.Errorf("opened_total = %v, want 2 (both servers)", got)
	}
}
