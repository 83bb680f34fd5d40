package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/rules"
)

// randomEvents returns the table events of n random deals as the club
// encodes them, each framed alone as a SockJS "a" frame (without the 'a'),
// for every seat and the spectators after every move.
func randomEvents(t testing.TB, n int) (msgs []string, frames [][]byte) {
	rng := rand.New(rand.NewPCG(3, 11))
	for d := range n {
		players := 3 + d%2
		s, err := rules.New(rules.Deal{Seed: rng.Uint64(), Dealer: d % players, Options: rules.DefaultOptions(players)})
		if err != nil {
			t.Fatal(err)
		}
		var last *rules.Move
		for step := 0; !s.Done(); step++ {
			legal := rules.LegalMoves(&s, nil)
			for viewer := rules.Spectator; viewer < players; viewer++ {
				v := rules.View(s, viewer)
				mine := []rules.Move{}
				if viewer == s.Actor() {
					mine = legal
				}
				ev := protocol.TableEvent{Table: fmt.Sprint("t", d), V: uint64(step + 1), Kind: protocol.KindMove, Move: last,
					Deal: &v, Legal: &mine, Clock: &protocol.Clock{Seat: s.Actor()}, State: protocol.StatePlaying}
				raw := string(protocol.Encode(ev).Bytes())
				frame, err := json.Marshal([]string{raw})
				if err != nil {
					t.Fatal(err)
				}
				msgs, frames = append(msgs, raw), append(frames, frame)
			}
			m := legal[rng.IntN(len(legal))]
			if s, err = rules.Apply(s, m); err != nil {
				t.Fatal(err)
			}
			last = &m
		}
	}
	return msgs, frames
}

// The generator's decoder reads every frame and message as encoding/json
// does: the same messages, the same views, moves and legal lists.
func TestDecodeAsEncodingJSON(t *testing.T) {
	msgs, frames := randomEvents(t, 40)
	for i, raw := range msgs {
		got, err := decodeFrameMessages(frames[i])
		if err != nil || len(got) != 1 || got[0] != raw {
			t.Fatalf("frame %d: %q, %v", i, got, err)
		}
		var want serverMsg
		if err := json.Unmarshal([]byte(raw), &want); err != nil {
			t.Fatal(err)
		}
		m, err := decodeMessage(raw)
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		if !reflect.DeepEqual(m, want) {
			t.Fatalf("message %d decoded as\n%+v\nencoding/json:\n%+v", i, m, want)
		}
	}
	for _, bad := range []string{`{"type":"table_event","deal":{"hands":[["7S","7S"]]}}`, `{"type":`, `{"type":"x","v":-1}`} {
		var want serverMsg
		if _, err := decodeMessage(bad); (err == nil) != (json.Unmarshal([]byte(bad), &want) == nil) {
			t.Errorf("%s: decodeMessage %v, encoding/json disagrees", bad, err)
		}
	}
	t.Logf("%d messages compared", len(msgs))
}

// BenchmarkDecodeFrame measures what a player does with every frame it
// gets: the SockJS frame's messages, then each message, with the
// generator's decoder and with encoding/json.
func BenchmarkDecodeFrame(b *testing.B) {
	_, frames := randomEvents(b, 4)
	b.Run("go-json", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			msgs, err := decodeFrameMessages(frames[i%len(frames)])
			if err != nil {
				b.Fatal(err)
			}
			if _, err := decodeMessage(msgs[0]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			var msgs []string
			if err := json.Unmarshal(frames[i%len(frames)], &msgs); err != nil {
				b.Fatal(err)
			}
			var m serverMsg
			if err := json.Unmarshal([]byte(msgs[0]), &m); err != nil {
				b.Fatal(err)
			}
		}
	})
}
