package sockjs_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/sockjs"
	"github.com/trelljaz/trelljaz/sockjs/redisbroker"
	"github.com/trelljaz/trelljaz/sockjs/redisbroker/redistest"
)

// historyNode is one server process whose sessions subscribe to ?ch= since
// the position in ?since= ("offset@epoch", empty for none) and report the
// outcome on recoveries.
type historyNode struct {
	hub        *sockjs.Hub
	http       *httptest.Server
	recoveries chan recoveryResult
}

type recoveryResult struct {
	rec sockjs.Recovery
	err error
}

type historyHandler struct{ n *historyNode }

func (h historyHandler) OnOpen(s *sockjs.Session) error {
	q := s.Request().Query()
	var since sockjs.Position
	if v := q.Get("since"); v != "" {
		if _, err := fmt.Sscanf(strings.Replace(v, "@", " ", 1), "%d %s", &since.Offset, &since.Epoch); err != nil {
			return err
		}
	}
	rec, err := h.n.hub.SubscribeSince(s, q.Get("ch"), since)
	h.n.recoveries <- recoveryResult{rec, err}
	return nil
}

func (historyHandler) OnMessage(string) {}
func (historyHandler) OnClose()         {}

func newHistoryNode(t testing.TB, b sockjs.Broker, history map[string]sockjs.HistoryLimits) *historyNode {
	t.Helper()
	n := &historyNode{
		hub:        sockjs.NewHub(b, &sockjs.HubOptions{History: history, Logger: quietLogger()}),
		recoveries: make(chan recoveryResult, 64),
	}
	srv := sockjs.NewServer("/hub", func() sockjs.Handler { return historyHandler{n} }, &sockjs.Options{Logger: quietLogger()})
	n.http = httptest.NewServer(srv)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
		defer cancel()
		srv.Shutdown(ctx)
		n.http.Close()
		n.hub.Close()
	})
	return n
}

// join opens a session subscribed to ch since pos and returns it with the
// recovery's outcome.
func (n *historyNode) join(t testing.TB, ch string, pos sockjs.Position) (*client, sockjs.Recovery) {
	t.Helper()
	q := "ch=" + ch
	if !pos.IsZero() {
		q += fmt.Sprintf("&since=%d@%s", pos.Offset, pos.Epoch)
	}
	c := dial(t, &node{http: n.http}, q)
	r := <-n.recoveries
	if r.err != nil {
		t.Fatalf("SubscribeSince(%s, %v): %v", ch, pos, r.err)
	}
	return c, r.rec
}

type wirePublication struct {
	Channel string `json:"channel"`
	Offset  uint64 `json:"offset"`
	Epoch   string `json:"epoch"`
	Data    string `json:"data"`
}

// nextPublication reads the next message as EncodePublicationJSON made it.
func (c *client) nextPublication() wirePublication {
	c.t.Helper()
	m := c.next()
	var p wirePublication
	if err := json.Unmarshal([]byte(m), &p); err != nil {
		c.t.Fatalf("message %q is not a publication: %v", m, err)
	}
	return p
}

func publishN(t testing.TB, hub *sockjs.Hub, ch string, from, to int) {
	t.Helper()
	for i := from; i < to; i++ {
		if err := hub.Publish(context.Background(), ch, fmt.Sprintf("m%d", i)); err != nil {
			t.Fatal(err)
		}
	}
}

// TestRecoveryOnAnotherProcessGetsExactlyWhatWasMissed: a subscriber that
// leaves and comes back on the other process (hub) gets the publications
// it missed, in order, then live ones, none twice.
func TestRecoveryOnAnotherProcessGetsExactlyWhatWasMissed(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			history := map[string]sockjs.HistoryLimits{"room:*": {Size: 50}}
			a := newHistoryNode(t, be.broker(t, redisbroker.Options{}), history)
			b := newHistoryNode(t, be.broker(t, redisbroker.Options{}), history)

			c, rec := a.join(t, "room:1", sockjs.Position{})
			if !rec.Recovered || rec.Missed != 0 || rec.Position.Epoch == "" {
				t.Fatalf("first subscription: %+v, want recovered with nothing missed and an epoch", rec)
			}
			publishN(t, a.hub, "room:1", 0, 5)
			var last wirePublication
			for i := range 5 {
				last = c.nextPublication()
				if last.Data != fmt.Sprintf("m%d", i) || last.Offset != rec.Position.Offset+uint64(i)+1 || last.Epoch != rec.Position.Epoch {
					t.Fatalf("live publication %d = %+v", i, last)
				}
			}
			c.ws.Close()

			publishN(t, b.hub, "room:1", 5, 8)
			c2, rec := b.join(t, "room:1", sockjs.Position{Offset: last.Offset, Epoch: last.Epoch})
			if !rec.Recovered || rec.Missed != 3 || rec.Reason != "" {
				t.Fatalf("recovery: %+v, want 3 recovered", rec)
			}
			publishN(t, a.hub, "room:1", 8, 10)
			for i := 5; i < 10; i++ {
				p := c2.nextPublication()
				if p.Data != fmt.Sprintf("m%d", i) || p.Offset != last.Offset+uint64(i-4) {
					t.Fatalf("after recovery got %+v, want m%d at offset %d", p, i, last.Offset+uint64(i-4))
				}
			}
		})
	}
}

// TestRecoveryUnderConcurrentPublishesHasNoGapNorDuplicate: sessions
// recover while a publisher keeps publishing; each must see every offset
// after its position exactly once, in order.
func TestRecoveryUnderConcurrentPublishesHasNoGapNorDuplicate(t *testing.T) {
	const total = 400
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			history := map[string]sockjs.HistoryLimits{"feed": {Size: total}}
			a := newHistoryNode(t, be.broker(t, redisbroker.Options{}), history)
			b := newHistoryNode(t, be.broker(t, redisbroker.Options{}), history)
			first, rec := a.join(t, "feed", sockjs.Position{})
			epoch := rec.Position.Epoch

			var wg sync.WaitGroup
			wg.Go(func() {
				for i := range total {
					if err := a.hub.Publish(context.Background(), "feed", fmt.Sprintf("m%d", i)); err != nil {
						t.Errorf("publish: %v", err)
						return
					}
				}
			})
			// Recover from positions the publisher is passing right now.
			type joiner struct {
				c     *client
				since uint64
			}
			var joiners []joiner
			for i := range 6 {
				p := first.nextPublication()
				for range 20 {
					if p.Offset >= total-1 {
						break
					}
					p = first.nextPublication()
				}
				n := a
				if i%2 == 1 {
					n = b
				}
				c, rec := n.join(t, "feed", sockjs.Position{Offset: p.Offset, Epoch: epoch})
				if !rec.Recovered {
					t.Fatalf("recovery from %d: %+v", p.Offset, rec)
				}
				joiners = append(joiners, joiner{c, p.Offset})
			}
			wg.Wait()
			for _, j := range joiners {
				for off := j.since + 1; off <= total; off++ {
					p := j.c.nextPublication()
					if p.Offset != off || p.Data != fmt.Sprintf("m%d", off-1) {
						t.Fatalf("subscriber since %d got %+v, want offset %d (gap, duplicate or reorder)", j.since, p, off)
					}
				}
			}
		})
	}
}

// TestCannotRecover: each way the history cannot give what was missed is
// reported, the session still subscribed to live publications.
func TestCannotRecover(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			history := map[string]sockjs.HistoryLimits{
				"short":  {Size: 3},
				"brief:": {Size: 10, TTL: 100 * time.Millisecond},
			}
			br := be.broker(t, redisbroker.Options{})
			n := newHistoryNode(t, br, history)
			publishN(t, n.hub, "short", 0, 10)
			publishN(t, n.hub, "brief:", 0, 2)
			_, top, err := br.(sockjs.HistoryBroker).History(context.Background(), "short", 0, sockjs.HistoryLimits{Size: 3})
			if err != nil || top.Offset != 10 {
				t.Fatalf("History(short) = %v, %v", top, err)
			}
			waitFor(t, "brief: history to expire", func() bool {
				pubs, _, err := br.(sockjs.HistoryBroker).History(context.Background(), "brief:", 0, sockjs.HistoryLimits{Size: 10, TTL: 100 * time.Millisecond})
				return err == nil && len(pubs) == 0
			})
			cases := []struct {
				rule    string
				channel string
				since   sockjs.Position
				reason  string
			}{
				{"another epoch cannot be recovered", "short", sockjs.Position{Offset: 9, Epoch: "0123456789abcdef"}, "history was lost"},
				{"trimmed by size cannot be recovered", "short", sockjs.Position{Offset: 5, Epoch: top.Epoch}, "and 3 are still kept"},
				{"an offset ahead of the channel is refused", "short", sockjs.Position{Offset: 1000, Epoch: top.Epoch}, "ahead"},
				{"expired by TTL cannot be recovered", "brief:", sockjs.Position{Offset: 1, Epoch: "?"}, "and 0 are still kept"},
			}
			for _, c := range cases {
				t.Run(c.rule, func(t *testing.T) {
					since := c.since
					if since.Epoch == "?" {
						_, pos, _ := br.(sockjs.HistoryBroker).History(context.Background(), c.channel, 0, sockjs.HistoryLimits{Size: 10, TTL: 100 * time.Millisecond})
						since.Epoch = pos.Epoch
					}
					cl, rec := n.join(t, c.channel, since)
					if rec.Recovered || rec.Missed != 0 || !strings.Contains(rec.Reason, c.reason) {
						t.Fatalf("recovery = %+v, want not recovered because %q", rec, c.reason)
					}
					if err := n.hub.Publish(context.Background(), c.channel, "live"); err != nil {
						t.Fatal(err)
					}
					if p := cl.nextPublication(); p.Data != "live" || p.Offset != rec.Position.Offset+1 {
						t.Fatalf("after a failed recovery got %+v, want the live publication at %d", p, rec.Position.Offset+1)
					}
				})
			}
		})
	}
}

// TestRedisRestartChangesTheEpoch: Redis restarted without persistence
// forgets the history; a subscriber coming back is told it cannot recover,
// and offsets start again in a new epoch.
func TestRedisRestartChangesTheEpoch(t *testing.T) {
	rs := redistest.Start(t)
	var evs events
	rb, err := redisbroker.New(redisbroker.Options{URL: rs.URL(), Logger: quietLogger(), OnEvent: evs.add,
		ReconnectMin: 20 * time.Millisecond, ReconnectMax: 100 * time.Millisecond, HealthInterval: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rb.Close() })
	waitFor(t, "broker ready", rb.Ready)
	n := newHistoryNode(t, rb, map[string]sockjs.HistoryLimits{"room:*": {}})
	c, rec := n.join(t, "room:1", sockjs.Position{})
	publishN(t, n.hub, "room:1", 0, 3)
	var last wirePublication
	for range 3 {
		last = c.nextPublication()
	}
	c.ws.Close()

	rs.Stop()
	rs.Start()
	// Ready may still be true before the broker noticed: wait for the
	// resubscription that ends the gap.
	waitFor(t, "resubscribed after the restart", func() bool { return slices.Contains(evs.kinds(), sockjs.BrokerResubscribed) })
	c2, rec2 := n.join(t, "room:1", sockjs.Position{Offset: last.Offset, Epoch: last.Epoch})
	if rec2.Recovered || !strings.Contains(rec2.Reason, "history was lost") || rec2.Position.Epoch == rec.Position.Epoch {
		t.Fatalf("recovery after a Redis restart = %+v, want cannot recover with a new epoch", rec2)
	}
	publishN(t, n.hub, "room:1", 3, 4)
	if p := c2.nextPublication(); p.Offset != 1 || p.Epoch != rec2.Position.Epoch || p.Data != "m3" {
		t.Fatalf("first publication after the restart = %+v, want offset 1 of epoch %s", p, rec2.Position.Epoch)
	}
}

// TestSubscribeSinceRefusals: what SubscribeSince refuses, leaving the
// session unsubscribed.
func TestSubscribeSinceRefusals(t *testing.T) {
	ss := openSessions(t, 2)
	hub := sockjs.NewHub(sockjs.NewMemoryBroker(), &sockjs.HubOptions{
		History: map[string]sockjs.HistoryLimits{"kept": {}}, Logger: quietLogger(),
	})
	defer hub.Close()
	if _, err := hub.SubscribeSince(ss[0], "plain", sockjs.Position{}); !errors.Is(err, sockjs.ErrNoHistory) {
		t.Errorf("channel without history: err = %v, want ErrNoHistory", err)
	}
	if n := hub.Subscribers("plain"); n != 0 {
		t.Errorf("refused session is subscribed (%d)", n)
	}
	if err := hub.Subscribe(ss[1], "kept"); err != nil {
		t.Fatal(err)
	}
	if _, err := hub.SubscribeSince(ss[1], "kept", sockjs.Position{}); err == nil || !strings.Contains(err.Error(), "already subscribed") {
		t.Errorf("subscribed session: err = %v, want already subscribed", err)
	}
	if _, err := hub.SubscribeSince(ss[0], "bad#name", sockjs.Position{}); !errors.Is(err, sockjs.ErrInvalidChannel) {
		t.Errorf("invalid channel: err = %v", err)
	}
}

// plainBroker is a Broker that keeps no history.
type plainBroker struct{ sockjs.Broker }

// TestNewHubRefusesHistoryItCannotKeep: misconfigured history panics at
// NewHub instead of being silently off.
func TestNewHubRefusesHistoryItCannotKeep(t *testing.T) {
	cases := []struct {
		rule    string
		broker  sockjs.Broker
		history map[string]sockjs.HistoryLimits
		want    string
	}{
		{"a pattern is a channel name or a prefix and '*'", sockjs.NewMemoryBroker(), map[string]sockjs.HistoryLimits{"room#*": {}}, "invalid channel"},
		{"'*' only at the end", sockjs.NewMemoryBroker(), map[string]sockjs.HistoryLimits{"a*b": {}}, "invalid channel"},
		{"size is bounded", sockjs.NewMemoryBroker(), map[string]sockjs.HistoryLimits{"a": {Size: sockjs.MaxHistorySize + 1}}, "outside"},
		{"TTL is not negative", sockjs.NewMemoryBroker(), map[string]sockjs.HistoryLimits{"a": {TTL: -time.Second}}, "negative TTL"},
		{"the broker must keep history", plainBroker{sockjs.NewMemoryBroker()}, map[string]sockjs.HistoryLimits{"a": {}}, "keeps no history"},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			defer func() {
				r := recover()
				if r == nil || !strings.Contains(fmt.Sprint(r), c.want) {
					t.Fatalf("NewHub panicked with %v, want a panic mentioning %q", r, c.want)
				}
			}()
			sockjs.NewHub(c.broker, &sockjs.HubOptions{History: c.history, Logger: quietLogger()})
		})
	}
}

// BenchmarkHubPublishHistory measures Hub.Publish with and without history
// (one subscribed hub channel, no sessions), on each backend.
func BenchmarkHubPublishHistory(b *testing.B) {
	for _, be := range backends() {
		for _, mode := range []string{"off", "on"} {
			b.Run(be.name+"/history-"+mode, func(b *testing.B) {
				var history map[string]sockjs.HistoryLimits
				if mode == "on" {
					history = map[string]sockjs.HistoryLimits{"room:*": {Size: 100}}
				}
				br := be.broker(b, redisbroker.Options{})
				hub := sockjs.NewHub(br, &sockjs.HubOptions{History: history, Logger: quietLogger()})
				b.Cleanup(func() { hub.Close() })
				payload := strings.Repeat("x", 100)
				ctx := context.Background()
				b.ReportAllocs()
				for b.Loop() {
					if err := hub.Publish(ctx, "room:1", payload); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// TestSubscribeToAChannelWithHistoryCarriesPositions: a plain Subscribe to
// a channel with history gets each publication with its position, and a
// channel without history gets payloads as published.
func TestSubscribeToAChannelWithHistoryCarriesPositions(t *testing.T) {
	n := newNode(t, sockjs.NewMemoryBroker(), &sockjs.HubOptions{History: map[string]sockjs.HistoryLimits{"kept:*": {}}}, nil)
	c := dial(t, n, "ch=kept:1,plain")
	publishN(t, n.hub, "kept:1", 0, 2)
	if err := n.hub.Publish(context.Background(), "plain", "as published"); err != nil {
		t.Fatal(err)
	}
	first, second := c.nextPublication(), c.nextPublication()
	if first.Channel != "kept:1" || first.Data != "m0" || first.Offset != 1 || first.Epoch == "" ||
		second.Data != "m1" || second.Offset != 2 || second.Epoch != first.Epoch {
		t.Fatalf("publications %+v, %+v; want m0 and m1 at offsets 1 and 2 of one epoch", first, second)
	}
	if m := c.next(); m != "as published" {
		t.Fatalf("channel without history delivered %q", m)
	}
}
