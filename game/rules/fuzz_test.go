package rules

import (
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
)

// stateAfter plays steps random legal moves of the deal drawn from seed.
func stateAfter(seed uint64, steps int, players int, preset string) State {
	opts := presets(players)
	opt, ok := opts[preset]
	if !ok {
		opt = DefaultOptions(players)
	}
	rng := rand.New(rand.NewPCG(seed, 3))
	s, err := New(Deal{Seed: seed, Dealer: int(seed % uint64(players)), Series: int(seed % 4), Options: opt})
	if err != nil {
		panic(err)
	}
	var buf [80]Move
	for i := 0; i < steps && !s.Done(); i++ {
		moves := LegalMoves(&s, buf[:0])
		if s, err = Apply(s, moves[rng.IntN(len(moves))]); err != nil {
			panic(err)
		}
	}
	return s
}

// FuzzApply decodes a move from untrusted bytes and applies it to a state
// from a random game: it never panics, a refused move is an
// *IllegalMoveError with the state unchanged, and Apply accepts exactly the
// moves LegalMoves lists.
func FuzzApply(f *testing.F) {
	f.Add(uint64(1), uint8(0), false, []byte(`{"seat":0,"kind":"bid","bid":"6S"}`))
	f.Add(uint64(2), uint8(3), false, []byte(`{"seat":1,"kind":"pass"}`))
	f.Add(uint64(3), uint8(4), true, []byte(`{"seat":2,"kind":"discard","cards":["7S","AH"]}`))
	f.Add(uint64(4), uint8(40), false, []byte(`{"seat":0,"kind":"play","card":"10H"}`))
	f.Add(uint64(5), uint8(6), false, []byte(`{"seat":1,"kind":"half"}`))
	f.Add(uint64(6), uint8(5), true, []byte(`{"seat":3,"kind":"declare","bid":"misere"}`))
	f.Add(uint64(7), uint8(20), false, []byte(`{"seat":0,"kind":"claim_propose","tricks":4}`))
	f.Add(uint64(8), uint8(21), false, []byte(`{"seat":1,"kind":"claim_accept"}`))
	f.Add(uint64(9), uint8(22), false, []byte(`{"seat":2,"kind":"claim_reject"}`))
	f.Add(uint64(11), uint8(30), false, []byte(`{"seat":0,"kind":"claim"}`))
	presetNames := []string{"sochi", "codex", "leningrad", "rostov", "fspr", "exotic"}
	f.Fuzz(func(t *testing.T, seed uint64, steps uint8, four bool, data []byte) {
		players := 3
		if four {
			players = 4
		}
		s := stateAfter(seed, int(steps), players, presetNames[seed%uint64(len(presetNames))])
		m, err := DecodeMove(data)
		if err != nil {
			return
		}
		after, err := Apply(s, m)
		legal := slices.Contains(LegalMoves(&s, nil), m.Canonical())
		if err != nil {
			var ime *IllegalMoveError
			if !errors.As(err, &ime) {
				t.Fatalf("%s: error %v is not an *IllegalMoveError", m, err)
			}
			if after != s {
				t.Fatalf("%s: state changed on error", m)
			}
			if legal {
				t.Fatalf("%s: listed by LegalMoves but refused: %v", m, err)
			}
			return
		}
		if !legal {
			t.Fatalf("%s: accepted by Apply but not listed by LegalMoves", m)
		}
		checkState(t, after)
	})
}

// FuzzDecodeMove: the decoder never panics, and what it accepts survives a
// round trip through MarshalJSON.
func FuzzDecodeMove(f *testing.F) {
	for _, s := range []string{
		`{"seat":0,"kind":"bid","bid":"6S"}`, `{"seat":1,"kind":"play","card":"10♥"}`,
		`{"seat":2,"kind":"discard","cards":["7S","TH"]}`, `{"seat":3,"kind":"open"}`,
		`{"seat":0,"kind":"declare","bid":"misère"}`, `[]`, `{"seat":-1}`,
		`{"seat":1,"kind":"claim_propose","tricks":7}`, `{"seat":2,"kind":"claim_accept"}`,
		`{"seat":0,"kind":"claim"}`, `{"seat":0,"kind":"claim_reject","tricks":null}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := DecodeMove(data)
		if err != nil {
			return
		}
		out, err := m.MarshalJSON()
		if err != nil {
			t.Fatalf("%s decoded but does not encode: %v", m, err)
		}
		back, err := DecodeMove(out)
		if err != nil || back != m {
			t.Fatalf("round trip %s -> %s -> %v, %v", data, out, back, err)
		}
	})
}
