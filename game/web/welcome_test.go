package web

import (
	"bytes"
	"testing"

	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/table"
)

// The welcome built from the offer encoded once is, byte for byte, the
// encoding of protocol.Welcome: for a guest and for players whose names
// need escaping.
func TestAWelcomeEncodedOnceIsTheWelcome(t *testing.T) {
	offer := table.Offer(nil)
	w, err := newWelcomes(offer)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := w.guest.Bytes(), protocol.Encode(protocol.Welcome{Guest: true, Offer: offer}).Bytes(); !bytes.Equal(got, want) {
		t.Errorf("a guest's welcome:\n got %s\nwant %s", got, want)
	}
	players := []protocol.Player{
		{ID: "dev:Anna", Name: "Anna"},
		{ID: "42", Name: `Вера "<b>" \ &`},
		{ID: "7", Name: "\u2028tab\there"},
	}
	for _, p := range players {
		if got, want := w.forPlayer(p).Bytes(), protocol.Encode(protocol.Welcome{Player: p, Offer: offer}).Bytes(); !bytes.Equal(got, want) {
			t.Errorf("%q's welcome:\n got %s\nwant %s", p.Name, got, want)
		}
	}
}

// BenchmarkWelcome: a sign-in's welcome, encoded whole per connection (as
// before) and from the offer encoded once, with its SockJS frame.
func BenchmarkWelcome(b *testing.B) {
	offer := table.Offer(nil)
	w, err := newWelcomes(offer)
	if err != nil {
		b.Fatal(err)
	}
	p := protocol.Player{ID: "42", Name: "Anna"}
	b.Run("per connection", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			protocol.Encode(protocol.Welcome{Player: p, Offer: offer}).SockJS()
		}
	})
	b.Run("player, offer once", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			w.forPlayer(p).SockJS()
		}
	})
	b.Run("guest, once", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			w.guest.SockJS()
		}
	})
}
