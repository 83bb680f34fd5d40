package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
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
		m, err := decodeMessage([]byte(raw))
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		if !reflect.DeepEqual(m, want) {
			t.Fatalf("message %d decoded as\n%+v\nencoding/json:\n%+v", i, m, want)
		}
	}
	for _, bad := range []string{`{"type":"table_event","deal":{"hands":[["7S","7S"]]}}`, `{"type":`, `{"type":"x","v":-1}`} {
		var want serverMsg
		if _, err := decodeMessage([]byte(bad)); (err == nil) != (json.Unmarshal([]byte(bad), &want) == nil) {
			t.Errorf("%s: decodeMessage %v, encoding/json disagrees", bad, err)
		}
	}
	t.Logf("%d messages compared", len(msgs))
}

// BenchmarkDecodeFrame measures what a player's reader does with every
// frame it gets: the SockJS frame's messages, then each message, with the
// generator's decoder and with encoding/json.
func BenchmarkDecodeFrame(b *testing.B) {
	_, frames := randomEvents(b, 4)
	b.Run("reader", func(b *testing.B) {
		b.ReportAllocs()
		var d msgDecoder
		for i := 0; b.Loop(); i++ {
			msgs, err := d.frame(frames[i%len(frames)])
			if err != nil || len(msgs) != 1 || msgs[0].err != nil {
				b.Fatal(err, msgs)
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

// A player's reader decodes every message of a frame from the buffer it
// reuses: what it decoded from one frame holds after the next frame is
// decoded over it, a lobby message's head is read without the rest, and
// a message that does not decode is counted without losing the others.
func TestAPlayersReaderDecodesEveryMessageOfAFrame(t *testing.T) {
	msgs, _ := randomEvents(t, 1)
	lobby := `{"type":"lobby_delta","v":12,"since":11,"tables":[{"id":"t\u00e9"}]}`
	frame, err := json.Marshal([]string{msgs[0], lobby, `{"type":`, msgs[1]})
	if err != nil {
		t.Fatal(err)
	}
	var d msgDecoder
	got, err := d.frame(frame)
	if err != nil || len(got) != 4 {
		t.Fatalf("%d messages, %v", len(got), err)
	}
	kept := fmt.Sprintf("%+v", got)
	next, err := json.Marshal([]string{strings.Repeat(`{"type":"chat","text":"\"x\""}`, 1), msgs[2]})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.frame(next); err != nil {
		t.Fatal(err)
	}
	if again := fmt.Sprintf("%+v", got); again != kept {
		t.Fatalf("the first frame's messages changed when the next was decoded:\n%s\nwere\n%s", again, kept)
	}
	for i, raw := range []string{msgs[0], msgs[1]} {
		in := got[3*i]
		var want serverMsg
		if err := json.Unmarshal([]byte(raw), &want); err != nil {
			t.Fatal(err)
		}
		if in.err != nil || in.lobby || in.size != len(raw) || !reflect.DeepEqual(in.m, want) {
			t.Errorf("message %d: %+v, want %+v", i, in, want)
		}
	}
	if l := got[1]; !l.lobby || l.err != nil || l.m.Type != "lobby_delta" || l.m.V != 12 || l.m.Since != 11 || l.m.Deal != nil {
		t.Errorf("lobby delta: %+v", l)
	}
	if bad := got[2]; bad.err == nil || !strings.Contains(bad.err.Error(), `undecodable "{\"type\":"`) {
		t.Errorf("a broken message: %v", bad.err)
	}
}

// A whole lobby is read from its head alone (its first lobbyHeadLen
// bytes, copied), however long the message, and what was read holds after
// the reader's buffer is reused.
func TestALongLobbyIsReadFromItsHead(t *testing.T) {
	lobby := `{"type":"lobby","v":18446744073709551615,"since":18446744073709551614,"tables":[` +
		strings.TrimSuffix(strings.Repeat(`{"id":"t1","state":"playing"},`, 3000), ",") + `]}`
	frame, err := json.Marshal([]string{lobby})
	if err != nil {
		t.Fatal(err)
	}
	var d msgDecoder
	got, err := d.frame(frame)
	if err != nil || len(got) != 1 {
		t.Fatalf("%d messages, %v", len(got), err)
	}
	if _, err := d.frame([]byte(`["{\"type\":\"chat\",\"text\":\"xxxxxxxxxxxxxxxxxxxx\"}"]`)); err != nil {
		t.Fatal(err)
	}
	l := got[0]
	if !l.lobby || l.err != nil || l.size != len(lobby) || l.m.Type != "lobby" || l.m.V != 18446744073709551615 || l.m.Since != 18446744073709551614 {
		t.Errorf("a lobby of %d bytes: %+v", len(lobby), l)
	}
}

// FuzzFrameMessages: what a player's reader takes from a frame is what
// encoding/json reads there, and a frame encoding/json refuses it refuses
// too. (It refuses more: null, lone surrogates and invalid UTF-8, which
// the club's SockJS quoting never sends.)
func FuzzFrameMessages(f *testing.F) {
	for _, s := range []string{`["a"]`, `[]`, ` [ "x" , "y\n" ] `, `["\ud83d\ude00"]`, `["\ud83d"]`, `null`, `["x",]`, `["\"]`, `[1]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, frame []byte) {
		got, err := decodeFrameMessages(frame)
		var want []string
		wantErr := json.Unmarshal(frame, &want)
		if wantErr != nil && err == nil {
			t.Fatalf("%q: read %q, encoding/json refuses it: %v", frame, got, wantErr)
		}
		if err == nil && (len(got) != len(want) || len(got) > 0 && !reflect.DeepEqual(got, want)) {
			t.Fatalf("%q: read %q, encoding/json %q", frame, got, want)
		}
	})
}

// TestDecodeEscapesAsEncodingJSON: the generator's decoder reads what the
// random deals never hold as encoding/json does — the escapes a SockJS
// frame and a player's name or chat line carry (U+2028, surrogate pairs,
// \/, \u0000), null and the members left out of a view — the same values,
// or an error both ways. It is stricter where the club is exact: a frame
// of null or with a lone surrogate (sockjs quotes invalid UTF-8 as
// U+FFFD), a member name in another case or given twice, and a view's
// array of another length than the club's are refused or not matched,
// where encoding/json reads them.
func TestDecodeEscapesAsEncodingJSON(t *testing.T) {
	for _, f := range []string{
		`["a\u2028b\u2029"]`, `["\ud83d\ude00 😀"]`, `["\/\u0000\ufffd\ufff0"]`,
		`[ "x" , "y" ] `, `["x",]`, `[1]`, `["{\"type\":\"chat\"}"]`, `["x"] ]`, `["x"`, `[`,
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
	for _, f := range []string{`null`, `["\ud83d"]`, `["\ud83dx"]`, `["\udc00"]`, `["\ud83d\u0041"]`, "[\"\xff\"]"} {
		if got, err := decodeFrameMessages([]byte(f)); err == nil {
			t.Errorf("frame %s: read %q, want an error", f, got)
		}
	}
	for _, raw := range []string{
		`{"type":"table_event","seats":[{"player":{"id":"p\u00e9","name":"\ud83d\ude00\u2028\"<b>\""}}]}`,
		`{"type":"x","v":1.5}`, `{"type":"x","v":-1}`, `{"type":"x","deal":null,"legal":null,"move":null}`, `{"type":"x","legal":[]}`,
		`{"type":"x","deal":{"hands":[null,["7S"],[],null]}}`, `{"type":"x","deal":{"talon":["7S",null]}}`,
		`{"type":"x","deal":{"phase":"play"}}`, `{"type":"x","deal":{"hands":[["7\u0053"],[],[],[]]}}`,
		`{"type":"x","move":{"seat":0,"kind":"play","card":"7S","x":1}}`, `{"type":"x","result":{"a":1}}`,
		`{"type":"x","deal":{"last_bid":["7S","misere",null,null]}}`, `{"type":"x","deal":{"calls":["whist",null,null,null]}}`,
		`{"type":"x","text":"a\"b\\c\u2028\/"}`,
	} {
		var want serverMsg
		wantErr := json.Unmarshal([]byte(raw), &want)
		got, err := decodeMessage([]byte(raw))
		if (err == nil) != (wantErr == nil) || err == nil && !reflect.DeepEqual(got, want) {
			t.Errorf("message %s:\n%+v, %v\nencoding/json:\n%+v, %v", raw, got, err, want, wantErr)
		}
	}
	for _, tt := range []struct {
		raw  string
		want serverMsg // zero: an error
	}{
		{raw: `{"type":"x","Type":"y"}`, want: serverMsg{Type: "x"}},
		{raw: `{"TYPE":"x","Table":"t1","type":"z"}`, want: serverMsg{Type: "z"}},
		{raw: `{"type":"x","type":"y"}`},
		{raw: `{"type":"x","deal":{"talon":["7S"]}}`},
		{raw: `{"type":"x","deal":{"talon":["7S","8S","9S"]}}`},
		{raw: `{"type":"table_event","deal":{"hand_size":[1,2,3,4],"hands":[["7S"]]}}`},
		{raw: `{"type":"x","deal":{"last_bid":["7S"]}}`},
	} {
		got, err := decodeMessage([]byte(tt.raw))
		if tt.want.Type == "" && err == nil {
			t.Errorf("message %s: %+v, want an error", tt.raw, got)
		}
		if tt.want.Type != "" && (err != nil || !reflect.DeepEqual(got, tt.want)) {
			t.Errorf("message %s: %+v, %v; want %+v", tt.raw, got, err, tt.want)
		}
	}
}

// decodeMessage reads the bytes it is given and never writes to them:
// every message decodes, and each input holds after it what it held
// before.
func TestDecodeMessageLeavesItsInputAsItWas(t *testing.T) {
	msgs, _ := randomEvents(t, 2)
	// Escapes, which a decoder unescaping in place would write over, and
	// input that does not decode.
	bad := []string{`{"type":"error","code":"bad","text":"a\"b\\c\u2028\ud83d\ude00\/"}`, `{"type":"error","text":"\u00`, `{"type":`}
	for i, m := range append(msgs, bad...) {
		in := []byte(m) // memory of its own, which a write would change
		if _, err := decodeMessage(in); err != nil && i < len(msgs)+1 {
			t.Fatal(err)
		}
		if string(in) != m {
			t.Fatalf("the input changed: %.80q, was %.80q", in, m)
		}
	}
	t.Logf("%d messages decoded", len(msgs))
}
