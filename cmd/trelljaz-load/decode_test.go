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

// TestDecodeEscapesAsEncodingJSON: the generator's decoder reads what the
// random deals never hold as encoding/json does — the escapes a SockJS
// frame and a player's name or chat line carry (U+2028, surrogate pairs,
// \/, \u0000), keys in another case or twice, null and short arrays in a
// view — the same values, or an error both ways. (Invalid UTF-8, which
// go-json keeps and encoding/json replaces with U+FFFD, is left out: the
// server's frames are valid UTF-8, sockjs quotes it away.)
func TestDecodeEscapesAsEncodingJSON(t *testing.T) {
	for _, f := range []string{
		`["a\u2028b\u2029"]`, `["\ud83d\ude00 😀"]`, `["\ud83d"]`, `["\ud83dx"]`, `["\udc00"]`, `["\/\u0000\ufffd\ufff0"]`,
		`[ "x" , "y" ] `, `["x",]`, `[1]`, `null`, `["\ud83d\u0041"]`, `["{\"type\":\"chat\"}"]`,
	} {
		want, wantErr := []string(nil), json.Unmarshal([]byte(f), new([]string))
		if wantErr == nil {
			_ = json.Unmarshal([]byte(f), &want)
		}
		got, err := decodeFrameMessages([]byte(f))
		if (err == nil) != (wantErr == nil) || err == nil && !reflect.DeepEqual(got, want) {
			t.Errorf("frame %s: %q, %v; encoding/json %q, %v", f, got, err, want, wantErr)
		}
	}
	for _, raw := range []string{
		`{"type":"x","Type":"y"}`, `{"type":"x","type":"y"}`, `{"TYPE":"x","Table":"t1"}`,
		`{"type":"table_event","seats":[{"player":{"id":"p\u00e9","name":"\ud83d\ude00\u2028\"<b>\""}}]}`,
		`{"type":"x","v":1.5}`, `{"type":"x","v":-1}`, `{"type":"x","deal":null,"legal":null,"move":null}`, `{"type":"x","legal":[]}`,
		`{"type":"x","deal":{"hands":[null,["7S"]]}}`, `{"type":"x","deal":{"talon":["7S",null]}}`, `{"type":"x","deal":{"talon":["7S"]}}`,
		`{"type":"x","deal":{"talon":["7S","8S","9S"]}}`, `{"type":"x","deal":{"phase":"play"}}`, `{"type":"x","deal":{"hands":[["7\u0053"]]}}`,
		`{"type":"x","move":{"seat":0,"kind":"play","card":"7S","x":1}}`, `{"type":"x","result":{"a":1}}`,
		`{"type":"x","deal":{"last_bid":["7S","misere",null]}}`, `{"type":"x","deal":{"calls":["whist"]}}`,
	} {
		var want serverMsg
		wantErr := json.Unmarshal([]byte(raw), &want)
		got, err := decodeMessage(raw)
		if (err == nil) != (wantErr == nil) || err == nil && !reflect.DeepEqual(got, want) {
			t.Errorf("message %s:\n%+v, %v\nencoding/json:\n%+v, %v", raw, got, err, want, wantErr)
		}
	}
}

// TestDecodeShortArrayWritesNothingPastIt: a view's fixed-size array sent
// shorter than its Go array (a hand per seat of three players, were the
// server to send one, or null) leaves the fields after it as they were and
// the missing elements zero, as encoding/json does. goccy/go-json v0.10.5
// zero-fills the missing elements with a pointer-sized store each, so an
// array of 4-byte Hands written short overwrote the first hand_size read
// before it (and a short array at the end of a value writes past it).
func TestDecodeShortArrayWritesNothingPastIt(t *testing.T) {
	for _, raw := range []string{
		`{"type":"table_event","deal":{"hand_size":[1,2,3,4],"hands":[["7S"]]}}`,
		`{"type":"table_event","deal":{"hand_size":[1,2,3,4],"hands":[["7S"],[],["8S"]]}}`,
		`{"type":"table_event","deal":{"hand_size":[1,2,3,4],"hands":null}}`,
		`{"type":"table_event","deal":{"top_seat":5,"last_bid":["7S"],"top_bid":"6S"}}`,
		`{"type":"table_event","deal":{"claimed":true,"claim":{"accepted":[true]}}}`,
	} {
		var want serverMsg
		if err := json.Unmarshal([]byte(raw), &want); err != nil {
			t.Fatal(err)
		}
		got, err := decodeMessage(raw)
		if err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		if got.Deal == nil || !reflect.DeepEqual(*got.Deal, *want.Deal) {
			t.Errorf("%s:\ndecoded  %+v\nwant     %+v", raw, got.Deal, *want.Deal)
		}
	}
}

// decodeMessage hands go-json the bytes of the string it is given, not a
// copy: every message decodes, and each string holds after it what it held
// before (go-json copies its input and never writes to it).
func TestDecodeMessageLeavesItsInputAsItWas(t *testing.T) {
	msgs, _ := randomEvents(t, 2)
	// Escapes, which a decoder unescaping in place would write over, and
	// input that does not decode.
	bad := []string{`{"type":"error","code":"bad","text":"a\"b\\c\u2028\ud83d\ude00\/"}`, `{"type":"error","text":"\u00`, `{"type":`}
	for i, m := range append(msgs, bad...) {
		in := string([]byte(m)) // memory of its own, which a write would change
		if _, err := decodeMessage(in); err != nil && i < len(msgs)+1 {
			t.Fatal(err)
		}
		if in != m {
			t.Fatalf("the input changed: %.80q, was %.80q", in, m)
		}
	}
	t.Logf("%d messages decoded", len(msgs))
}
