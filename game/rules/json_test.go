package rules

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

var cardInJSON = regexp.MustCompile(`"(10|[789JQKA])[SCDH]"`)

// TestViewJSONNeverLeaks checks the encoded form the server sends: every
// card named anywhere in a view's JSON is a card its viewer may see.
func TestViewJSONNeverLeaks(t *testing.T) {
	n := 8
	if testing.Short() {
		n = 2
	}
	rng := rand.New(rand.NewPCG(21, 22))
	for _, players := range []int{3, 4} {
		for name, opt := range presets(players) {
			for i := 0; i < n; i++ {
				d := Deal{Seed: rng.Uint64(), Dealer: i % players, Options: opt}
				playRandom(t, d, rng, func(s State) {
					for viewer := -1; viewer < players; viewer++ {
						data, err := json.Marshal(View(s, viewer))
						if err != nil {
							t.Fatal(err)
						}
						// bids ("10S") look like cards: drop the bid fields, scan the rest
						var fields map[string]json.RawMessage
						if err := json.Unmarshal(data, &fields); err != nil {
							t.Fatal(err)
						}
						delete(fields, "last_bid")
						delete(fields, "top_bid")
						delete(fields, "contract")
						if data, err = json.Marshal(fields); err != nil {
							t.Fatal(err)
						}
						allowed := maySee(s, viewer) | s.Played()
						for _, m := range cardInJSON.FindAllString(string(data), -1) {
							c, err := ParseCard(m[1 : len(m)-1])
							if err != nil {
								t.Fatal(err)
							}
							if !allowed.Has(c) {
								t.Fatalf("%s: viewer %d's JSON names %v: %s", name, viewer, c, data)
							}
						}
					}
				})
			}
		}
	}
}

func TestViewJSONRoundTrip(t *testing.T) {
	s, err := New(Deal{Seed: 5, Dealer: 0, Options: DefaultOptions(3)})
	if err != nil {
		t.Fatal(err)
	}
	s = mustApply(t, s, BidMove(1, BidOf(6, NoTrump)), Pass(2), Pass(0))
	v := View(s, 1)
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var back struct {
		Hands  [4]Hand `json:"hands"`
		Talon  [2]Card `json:"talon"`
		TopBid Bid     `json:"top_bid"`
		Phase  string  `json:"phase"`
		Calls  []string
	}
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if back.Hands != v.Hands || back.Talon != v.Talon || back.TopBid != v.TopBid || back.Phase != "discard" {
		t.Fatalf("round trip %+v from %s", back, data)
	}
}

// FuzzParse: the card, bid and hand parsers never panic and what they
// accept prints back to an equal value.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"10H", "TH", "Q♠", "misere", "6NT", "7♦ 8♦", "Д♥", "10"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if c, err := ParseCard(s); err == nil {
			if back, err := ParseCard(c.ASCII()); err != nil || back != c {
				t.Fatalf("card %q -> %v -> %v", s, c, back)
			}
		}
		if b, err := ParseBid(s); err == nil {
			if !b.Valid() {
				t.Fatalf("ParseBid(%q) accepted an invalid bid %d", s, b)
			}
			if back, err := ParseBid(b.ASCII()); err != nil || back != b {
				t.Fatalf("bid %q -> %v -> %v", s, b, back)
			}
		}
		if h, err := ParseHand(s); err == nil {
			if back, err := ParseHand(h.String()); err != nil || back != h {
				t.Fatalf("hand %q -> %v -> %v", s, h, back)
			}
		}
	})
}

// FuzzHandDecodeFastPath: the fast decoding of a set of cards (plainHand)
// agrees with encoding/json's, card by card, on every input it takes:
// the same cards, or an error both ways.
func FuzzHandDecodeFastPath(f *testing.F) {
	for _, s := range []string{`["7S","10H","AH"]`, `[]`, ` [ "QD" , "KD" ] `, `["7S","7S"]`, `["XX"]`, `["7S",]`, `null`, `["7\u0053"]`, `["10♥"]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fast, ok, fastErr := plainHand(data)
		if !ok {
			return
		}
		if !json.Valid(data) {
			t.Fatalf("fast path took invalid JSON %q", data)
		}
		var strs []string
		if err := json.Unmarshal(data, &strs); err != nil {
			t.Fatalf("fast path took %q, which is no array of strings: %v", data, err)
		}
		var slow Hand
		var slowErr error
		for _, s := range strs {
			c, err := ParseCard(s)
			if err == nil && slow.Has(c) {
				err = errors.New("repeated")
			}
			if err != nil {
				slowErr = err
				break
			}
			slow = slow.With(c)
		}
		if (fastErr == nil) != (slowErr == nil) || fastErr == nil && fast != slow {
			t.Fatalf("%q: fast %v (%v), slow %v (%v)", data, fast, fastErr, slow, slowErr)
		}
	})
}

// FuzzCanonicalMoveAsStrict: a move the fast path reads (canonicalMove)
// is read the same by the strict decoder, field by field.
func FuzzCanonicalMoveAsStrict(f *testing.F) {
	for _, s := range []string{`{"seat":0,"kind":"play","card":"10S"}`, `{"seat":1,"kind":"bid","bid":"misere"}`,
		`{"seat":2,"kind":"discard","cards":["7S","AH"]}`, `{"seat":0,"kind":"claim_propose","tricks":3}`,
		`{"seat":0,"kind":"pass"}`, `{"seat":01,"kind":"pass"}`, `{"seat":0,"kind":"pass"} `, `{"seat":0,"kind":"p\"ss"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fast, ok := canonicalMove(data)
		if !ok {
			return
		}
		var strict moveJSON
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&strict); err != nil {
			t.Fatalf("fast path took %q, the strict decoder refuses it: %v", data, err)
		}
		if _, err := dec.Token(); err != io.EOF {
			t.Fatalf("fast path took %q with trailing data", data)
		}
		if !reflect.DeepEqual(fast, strict) {
			t.Fatalf("%q: fast %+v, strict %+v", data, fast, strict)
		}
	})
}

// TestCanonicalMoveReadsWhatMarshalWrites: every move MarshalJSON writes
// is read by the fast path, back to the same move.
func TestCanonicalMoveReadsWhatMarshalWrites(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 9))
	n := 0
	for d := range 200 {
		s, err := New(Deal{Seed: rng.Uint64(), Dealer: d % 3, Options: DefaultOptions(3)})
		if err != nil {
			t.Fatal(err)
		}
		for !s.Done() {
			legal := LegalMoves(&s, nil)
			for _, m := range legal {
				data, err := m.MarshalJSON()
				if err != nil {
					t.Fatal(err)
				}
				if _, ok := canonicalMove(data); !ok {
					t.Fatalf("%s is not read by the fast path", data)
				}
				var back Move
				if err := back.UnmarshalJSON(data); err != nil || back != m {
					t.Fatalf("%s read back as %+v, %v", data, back, err)
				}
				n++
			}
			if s, err = Apply(s, legal[rng.IntN(len(legal))]); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Logf("%d moves", n)
}

// A card and a bid decode from their wire form, from any other JSON
// string that spells it (escapes), and from null; anything else is an
// error naming what was read.
func TestCardsAndBidsDecodeFromAnyJSONString(t *testing.T) {
	tests := []struct {
		in      string
		card    Card
		bid     Bid
		cardErr string
		bidErr  string
	}{
		{in: `"AH"`, card: NewCard(Ace, Hearts), bidErr: "bid"},
		{in: `"\u0041H"`, card: NewCard(Ace, Hearts), bidErr: "bid"},
		{in: `"10H"`, card: NewCard(Ten, Hearts), bid: bid(t, "10H")},
		{in: `"7D"`, card: NewCard(Seven, Diamonds), bid: bid(t, "7D")},
		{in: `"\u0037D"`, card: NewCard(Seven, Diamonds), bid: bid(t, "7D")},
		{in: `"misere"`, cardErr: "card", bid: bid(t, "misere")},
		{in: `"mis\u0065re"`, cardErr: "card", bid: bid(t, "misere")},
		{in: `null`, card: NoCard, bid: NoBid},
		{in: `7`, cardErr: "card: json", bidErr: "bid: json"},
		{in: `"7D`, cardErr: "card: ", bidErr: "bid: "},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var c Card
			err := c.UnmarshalJSON([]byte(tt.in))
			if tt.cardErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.cardErr) {
					t.Errorf("card: error %v, want %q", err, tt.cardErr)
				}
			} else if err != nil || c != tt.card {
				t.Errorf("card %v (%v), want %v", c, err, tt.card)
			}
			var b Bid
			err = b.UnmarshalJSON([]byte(tt.in))
			if tt.bidErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.bidErr) {
					t.Errorf("bid: error %v, want %q", err, tt.bidErr)
				}
			} else if err != nil || b != tt.bid {
				t.Errorf("bid %v (%v), want %v", b, err, tt.bid)
			}
		})
	}
}
