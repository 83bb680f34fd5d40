package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// Bounds on a run, so that no flag value makes it unbounded.
const (
	maxClients  = 20000
	maxDuration = time.Hour
	maxRate     = 1000000
	minSize     = 48 // room for the header "sockjs-load <unixnano> <seq> "
	maxSize     = 60 << 10
	maxDrain    = time.Minute
)

// config is one load run.
type config struct {
	URL      string        // the SockJS endpoint: http(s) or ws(s), like http://127.0.0.1:8081/broadcast
	Clients  int           // websocket clients
	Duration time.Duration // how long to send
	Rate     float64       // messages per second, all clients together
	Size     int           // bytes per message
	Drain    time.Duration // longest wait for deliveries after sending stops
}

func defaultConfig() config {
	return config{Clients: 100, Duration: 10 * time.Second, Rate: 100, Size: 100, Drain: 2 * time.Second}
}

// validate checks that the run is bounded in count and time.
func (c config) validate() error {
	switch {
	case c.Clients < 1 || c.Clients > maxClients:
		return fmt.Errorf("clients %d: want 1..%d", c.Clients, maxClients)
	case c.Duration <= 0 || c.Duration > maxDuration:
		return fmt.Errorf("duration %v: want more than 0, at most %v", c.Duration, maxDuration)
	case !(c.Rate > 0 && c.Rate <= maxRate):
		return fmt.Errorf("rate %v: want more than 0, at most %d", c.Rate, maxRate)
	case c.Size < minSize || c.Size > maxSize:
		return fmt.Errorf("size %d: want %d..%d", c.Size, minSize, maxSize)
	case c.Drain < 0 || c.Drain > maxDrain:
		return fmt.Errorf("drain %v: want 0..%v", c.Drain, maxDrain)
	}
	return nil
}

// websocketURL returns the SockJS websocket URL of a new session under the
// endpoint u.
func websocketURL(endpoint string) (string, error) {
	u, err := url.Parse(endpoint)
	if err != nil {
		return "", fmt.Errorf("url %q: %w", endpoint, err)
	}
	switch u.Scheme {
	case "http", "ws":
		u.Scheme = "ws"
	case "https", "wss":
		u.Scheme = "wss"
	default:
		return "", fmt.Errorf("url %q: scheme must be http, https, ws or wss", endpoint)
	}
	if u.Host == "" {
		return "", fmt.Errorf("url %q: no host", endpoint)
	}
	session := strconv.FormatUint(rand.Uint64(), 36)
	u.Path = strings.TrimSuffix(u.Path, "/") + "/" + strconv.Itoa(rand.IntN(1000)) + "/" + session + "/websocket"
	u.RawQuery, u.Fragment = "", ""
	return u.String(), nil
}

// report is what a run measured.
type report struct {
	Clients   int           // clients connected
	Sent      int64         // messages sent
	SendErrs  int64         // sends that failed
	Delivered int64         // messages received, summed over clients
	Sending   time.Duration // from the first send to the end of sending
	Elapsed   time.Duration // from the first send to the last delivery
	Latency   *histogram    // send-to-receive time of every delivery
}

// deliveredRate is messages delivered per second.
func (r *report) deliveredRate() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Delivered) / r.Elapsed.Seconds()
}

func (r *report) print(w io.Writer) {
	fmt.Fprintf(w, "clients:   %d\n", r.Clients)
	fmt.Fprintf(w, "sent:      %d messages in %v (%.0f msgs/s), %d failed\n",
		r.Sent, r.Sending.Round(time.Millisecond), float64(r.Sent)/max(r.Sending.Seconds(), 1e-9), r.SendErrs)
	fmt.Fprintf(w, "delivered: %d messages in %v: %.0f msgs/s\n", r.Delivered, r.Elapsed.Round(time.Millisecond), r.deliveredRate())
	fmt.Fprintf(w, "latency:   p50 %v  p99 %v  max %v\n",
		r.Latency.quantile(0.50).Round(time.Microsecond), r.Latency.quantile(0.99).Round(time.Microsecond),
		r.Latency.quantile(1).Round(time.Microsecond))
}

// client is one websocket session. Only the sender writes and only the
// client's reader goroutine reads.
type client struct {
	ws *websocket.Conn
}

// dial opens a SockJS websocket session and reads its open frame.
func dial(ctx context.Context, endpoint string) (*client, error) {
	u, err := websocketURL(endpoint)
	if err != nil {
		return nil, err
	}
	d := websocket.Dialer{HandshakeTimeout: 10 * time.Second}
	ws, resp, err := d.DialContext(ctx, u, nil)
	if err != nil {
		if resp != nil {
			return nil, fmt.Errorf("dial %s: %w (status %d)", u, err, resp.StatusCode)
		}
		return nil, fmt.Errorf("dial %s: %w", u, err)
	}
	_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, frame, err := ws.ReadMessage()
	if err != nil || string(frame) != "o" {
		ws.Close()
		return nil, fmt.Errorf("dial %s: open frame %q: %v", u, frame, err)
	}
	_ = ws.SetReadDeadline(time.Time{})
	return &client{ws: ws}, nil
}

// read counts the messages the client receives until the connection ends,
// recording each one's latency from the send time it carries.
func (c *client) read(delivered *atomic.Int64, last *atomic.Int64, h *histogram) {
	var msgs []string
	for {
		_, frame, err := c.ws.ReadMessage()
		if err != nil || len(frame) == 0 || frame[0] == 'c' {
			return
		}
		if frame[0] != 'a' {
			continue // o, h
		}
		msgs = msgs[:0]
		if err := json.Unmarshal(frame[1:], &msgs); err != nil {
			continue
		}
		now := time.Now().UnixNano()
		n := int64(0)
		for _, m := range msgs {
			sent, ok := parseMessage(m)
			if !ok {
				continue
			}
			h.record(time.Duration(now - sent))
			n++
		}
		if n > 0 {
			delivered.Add(n)
			last.Store(now)
		}
	}
}

// newMessage is a message of size bytes carrying its send time and sequence
// number: "sockjs-load <unixnano> <seq> xxx...". It needs no JSON escaping.
func newMessage(sent time.Time, seq int64, size int) string {
	b := make([]byte, 0, size)
	b = append(b, "sockjs-load "...)
	b = strconv.AppendInt(b, sent.UnixNano(), 10)
	b = append(b, ' ')
	b = strconv.AppendInt(b, seq, 10)
	b = append(b, ' ')
	for len(b) < size {
		b = append(b, 'x')
	}
	return string(b)
}

// parseMessage returns the send time of a message made by newMessage.
func parseMessage(m string) (unixNano int64, ok bool) {
	rest, ok := strings.CutPrefix(m, "sockjs-load ")
	if !ok {
		return 0, false
	}
	ts, _, ok := strings.Cut(rest, " ")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(ts, 10, 64)
	return n, err == nil
}

// run connects the clients, sends at cfg.Rate for cfg.Duration, waits for
// the last deliveries (until none came for a while, at most cfg.Drain),
// closes everything and reports.
func run(ctx context.Context, cfg config) (*report, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	clients := make([]*client, 0, cfg.Clients)
	defer func() {
		for _, c := range clients {
			c.ws.Close()
		}
	}()
	for range cfg.Clients {
		c, err := dial(ctx, cfg.URL)
		if err != nil {
			return nil, fmt.Errorf("client %d of %d: %w", len(clients)+1, cfg.Clients, err)
		}
		clients = append(clients, c)
	}

	rep := &report{Clients: len(clients), Latency: &histogram{}}
	var (
		delivered atomic.Int64
		last      atomic.Int64
		readers   sync.WaitGroup
	)
	for _, c := range clients {
		readers.Go(func() { c.read(&delivered, &last, rep.Latency) })
	}

	start := time.Now()
	rep.Sent, rep.SendErrs = send(ctx, clients, cfg, start)
	rep.Sending = time.Since(start)
	drain(ctx, &delivered, cfg.Drain)
	rep.Delivered = delivered.Load()
	if l := last.Load(); l > 0 {
		rep.Elapsed = time.Unix(0, l).Sub(start)
	}
	for _, c := range clients {
		c.ws.Close()
	}
	readers.Wait()
	clients = nil
	return rep, nil
}

// send sends cfg.Rate messages per second, round-robin over the clients,
// in 10 ms steps, until cfg.Duration has passed or ctx ends.
func send(ctx context.Context, clients []*client, cfg config, start time.Time) (sent, failed int64) {
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	end := start.Add(cfg.Duration)
	next := 0
	for {
		now := time.Now()
		if now.After(end) {
			now = end
		}
		due := int64(cfg.Rate * now.Sub(start).Seconds())
		for ; sent+failed < due; next = (next + 1) % len(clients) {
			c := clients[next]
			frame := `["` + newMessage(time.Now(), sent+failed, cfg.Size) + `"]`
			_ = c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
			if err := c.ws.WriteMessage(websocket.TextMessage, []byte(frame)); err != nil {
				failed++
				continue
			}
			sent++
		}
		if !now.Before(end) {
			return sent, failed
		}
		select {
		case <-ctx.Done():
			return sent, failed
		case <-tick.C:
		}
	}
}

// drain waits until no delivery came for 300 ms, at most limit.
func drain(ctx context.Context, delivered *atomic.Int64, limit time.Duration) {
	const quiet = 300 * time.Millisecond
	deadline := time.Now().Add(limit)
	seen, since := delivered.Load(), time.Now()
	for time.Now().Before(deadline) && time.Since(since) < quiet {
		select {
		case <-ctx.Done():
			return
		case <-time.After(20 * time.Millisecond):
		}
		if n := delivered.Load(); n != seen {
			seen, since = n, time.Now()
		}
	}
}

// histogram counts durations in log-linear buckets: 16 per power of two,
// so a quantile is exact to 1/16 (6.25%).
type histogram struct {
	buckets [16 + 60*16]atomic.Int64
}

func bucketOf(d time.Duration) int {
	ns := uint64(max(d, 0))
	if ns < 16 {
		return int(ns)
	}
	e := 0
	for ns>>e >= 32 {
		e++
	}
	return 16 + e*16 + int(ns>>e&15)
}

// bucketUpper is the largest duration in bucket i.
func bucketUpper(i int) time.Duration {
	if i < 16 {
		return time.Duration(i)
	}
	e, m := (i-16)/16, (i-16)%16
	return time.Duration((uint64(16+m+1) << e) - 1)
}

func (h *histogram) record(d time.Duration) { h.buckets[bucketOf(d)].Add(1) }

// quantile returns the upper bound of the bucket holding quantile q (0..1)
// of the recorded durations, or 0 if none were recorded.
func (h *histogram) quantile(q float64) time.Duration {
	var total int64
	for i := range h.buckets {
		total += h.buckets[i].Load()
	}
	if total == 0 {
		return 0
	}
	rank := max(int64(q*float64(total)+0.5), 1)
	var seen int64
	for i := range h.buckets {
		seen += h.buckets[i].Load()
		if seen >= rank {
			return bucketUpper(i)
		}
	}
	return bucketUpper(len(h.buckets) - 1)
}
