package sockjs

import (
	"context"
	"slices"
	"testing"
)

// TestPresenceEventRoundTrip checks that a join or leave event survives
// the broker encoding.
func TestPresenceEventRoundTrip(t *testing.T) {
	for _, joined := range []bool{true, false} {
		m := Member{ID: "abc.1", Identity: "ann \"the\" admin"}
		ev, err := decodePresenceEvent("room:1", EncodePresenceEvent(PresenceEvent{Member: m, Joined: joined}))
		if err != nil {
			t.Fatal(err)
		}
		if ev != (PresenceEvent{Channel: "room:1", Member: m, Joined: joined}) {
			t.Fatalf("round trip = %+v", ev)
		}
	}
}

// TestPresenceEventRejectsBadInput checks events anyone with Redis access
// could forge are refused when malformed.
func TestPresenceEventRejectsBadInput(t *testing.T) {
	for _, in := range []string{"", "{", "[]", `{"joined":true}`, `{"member":{"id":""}}`, `{"member":7}`} {
		if _, err := decodePresenceEvent("c", []byte(in)); err == nil {
			t.Errorf("decodePresenceEvent(%q) accepted", in)
		}
	}
}

func FuzzDecodePresenceEvent(f *testing.F) {
	f.Add(EncodePresenceEvent(PresenceEvent{Joined: true, Member: Member{ID: "a.1", Identity: "ann"}}))
	f.Add([]byte(`{"joined":false,"member":{"id":"x"}}`))
	f.Add([]byte("{"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ev, err := decodePresenceEvent("c", data)
		if err != nil {
			return
		}
		if ev.Member.ID == "" || ev.Channel != "c" {
			t.Fatalf("accepted event without id or with wrong channel: %+v", ev)
		}
		again, err := decodePresenceEvent("c", EncodePresenceEvent(ev))
		if err != nil || again != ev {
			t.Fatalf("re-encoding %+v gave %+v, %v", ev, again, err)
		}
	})
}

// TestMemoryPresenceMembers checks join, leave and the sorted listing.
func TestMemoryPresenceMembers(t *testing.T) {
	p := NewMemoryPresence()
	ctx := context.Background()
	p.Join(ctx, "c", Member{ID: "b", Identity: "bob"})
	p.Join(ctx, "c", Member{ID: "a", Identity: "ann"})
	p.Join(ctx, "d", Member{ID: "c", Identity: "cid"})
	p.Leave(ctx, "d", Member{ID: "c"})
	ms, _ := p.Members(ctx, "c")
	if !slices.Equal(ms, []Member{{"a", "ann"}, {"b", "bob"}}) {
		t.Fatalf("members = %v", ms)
	}
	if ms, _ := p.Members(ctx, "d"); len(ms) != 0 {
		t.Fatalf("members after leave = %v", ms)
	}
}
