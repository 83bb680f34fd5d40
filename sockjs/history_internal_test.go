package sockjs

import (
	"bytes"
	"testing"
	"time"
)

// TestHistoryPatternsMatch: an exact name wins, then the longest prefix.
func TestHistoryPatternsMatch(t *testing.T) {
	r, err := newHistoryRules(map[string]HistoryLimits{
		"room:*":     {Size: 1},
		"room:vip:*": {Size: 2},
		"room:vip:0": {Size: 3},
		"*":          {Size: 4},
	})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		rule    string
		channel string
		size    int
	}{
		{"a prefix matches what starts with it", "room:1", 1},
		{"a longer prefix wins", "room:vip:7", 2},
		{"an exact name wins over prefixes", "room:vip:0", 3},
		{"'*' alone matches the rest", "lobby", 4},
	}
	for _, c := range cases {
		l, ok := r.match(c.channel)
		if !ok || l.Size != c.size {
			t.Errorf("%s: match(%q) = %+v, %v; want size %d", c.rule, c.channel, l, ok, c.size)
		}
	}
	exact, _ := newHistoryRules(map[string]HistoryLimits{"room:1": {}})
	if _, ok := exact.match("room:10"); ok {
		t.Error("an exact pattern matched a longer name")
	}
	if l, _ := exact.match("room:1"); l.Size != DefaultHistorySize || l.TTL != DefaultHistoryTTL {
		t.Errorf("zero limits = %+v, want the defaults", l)
	}
	var none *historyRules
	if _, ok := none.match("room:1"); ok {
		t.Error("no rules matched")
	}
}

// TestPublicationFrameRoundTrip: what EncodePublicationFrame makes decodes
// to the same position and payload, and plain payloads are not frames.
func TestPublicationFrameRoundTrip(t *testing.T) {
	cases := []struct {
		rule    string
		pos     Position
		payload string
	}{
		{"a plain payload", Position{Offset: 1, Epoch: "abc"}, "hello"},
		{"a payload with spaces", Position{Offset: 1 << 60, Epoch: "e"}, "a b  c "},
		{"an empty payload", Position{Offset: 7, Epoch: "0123456789abcdef"}, ""},
	}
	for _, c := range cases {
		pos, payload, ok := decodePublicationFrame(EncodePublicationFrame(c.pos, []byte(c.payload)))
		if !ok || pos != c.pos || string(payload) != c.payload {
			t.Errorf("%s: decoded %v %q %v", c.rule, pos, payload, ok)
		}
	}
	for _, bad := range []string{"hello", "", "\xff", "\xff 1 x", "\xffe 0 x", "\xffe x y", "\xffe -1 y", "\xffe 99999999999999999999999 y"} {
		if _, _, ok := decodePublicationFrame([]byte(bad)); ok {
			t.Errorf("decoded %q as a frame", bad)
		}
	}
}

// TestMemoryHistoryKeepsSizeAndTTL: MemoryBroker keeps the latest Size
// publications, none older than TTL.
func TestMemoryHistoryKeepsSizeAndTTL(t *testing.T) {
	b := NewMemoryBroker()
	defer b.Close()
	ctx := t.Context()
	limits := HistoryLimits{Size: 3, TTL: time.Hour}
	for i := range 5 {
		pos, err := b.PublishHistory(ctx, "c", []byte{'a' + byte(i)}, limits)
		if err != nil || pos.Offset != uint64(i+1) {
			t.Fatalf("publish %d: %v %v", i, pos, err)
		}
	}
	pubs, top, err := b.History(ctx, "c", 0, limits)
	if err != nil || top.Offset != 5 || len(pubs) != 3 || pubs[0].Payload != "c" || pubs[2].Position.Offset != 5 {
		t.Fatalf("History = %+v, %v, %v; want c, d, e up to offset 5", pubs, top, err)
	}
	h := b.histories.byChannel["c"]
	h.mu.Lock()
	for i := range h.entries {
		h.entries[i].at = h.entries[i].at.Add(-2 * time.Hour)
	}
	h.mu.Unlock()
	if pubs, _, _ := b.History(ctx, "c", 0, limits); len(pubs) != 0 {
		t.Fatalf("expired publications returned: %+v", pubs)
	}
	h.mu.Lock()
	h.last = h.last.Add(-2 * HistoryMetaTTL)
	h.mu.Unlock()
	b.histories.mu.Lock()
	b.histories.sweepLocked(time.Now())
	b.histories.mu.Unlock()
	if _, top2, _ := b.History(ctx, "c", 0, limits); top2.Epoch == top.Epoch || top2.Offset != 0 {
		t.Fatalf("a channel idle past HistoryMetaTTL kept its epoch: %v", top2)
	}
}

// FuzzDecodePublicationFrame: frames come from the broker, which anyone
// with access to Redis can publish to.
func FuzzDecodePublicationFrame(f *testing.F) {
	f.Add([]byte("\xffabc 12 payload"))
	f.Add([]byte("plain"))
	f.Add([]byte("\xff 0 "))
	f.Fuzz(func(t *testing.T, frame []byte) {
		pos, payload, ok := decodePublicationFrame(frame)
		if !ok {
			return
		}
		if pos.Offset == 0 || pos.Epoch == "" || len(pos.Epoch) > maxEpochLength {
			t.Fatalf("accepted %q as %v", frame, pos)
		}
		if re := EncodePublicationFrame(pos, payload); !bytes.HasSuffix(frame, payload) || len(re) > len(frame) {
			t.Fatalf("%q decoded to %v %q, which encodes to %q", frame, pos, payload, re)
		}
	})
}
