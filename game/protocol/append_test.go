package protocol

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/trelljaz/trelljaz/game/pref"
	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/score"
)

// sameAsReflect fails t when the append encoder and encoding/json differ
// on e.
func sameAsReflect(t *testing.T, name string, e TableEvent) {
	t.Helper()
	got, want := Encode(e).Bytes(), encodeReflect(e).Bytes()
	if !bytes.Equal(got, want) {
		t.Fatalf("%s:\nappend: %s\njson:   %s", name, got, want)
	}
}

// TestAppendTableEventMatchesEncodingJSON: a table event is the same bytes
// whether written with appends or by encoding/json, for every seat's view
// (and the spectators') after every move of random deals of 3 and 4
// players, with claims on and off, and for events carrying every rarer
// part, strings that need escapes included.
func TestAppendTableEventMatchesEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 2026))
	deals := 400
	if testing.Short() || raceOn {
		deals = 40
	}
	views := 0
	for n := range deals {
		players := 3 + n%2
		opt := rules.DefaultOptions(players)
		if n%4 < 2 {
			opt.Claims = pref.ClaimsProposeAccept
		} else {
			opt.Claims = pref.ClaimsOff
		}
		s, err := rules.New(rules.Deal{Seed: rng.Uint64(), Dealer: n % players, Series: n % 3, Options: opt})
		if err != nil {
			t.Fatal(err)
		}
		var last *rules.Move
		for step := 0; ; step++ {
			legal := rules.LegalMoves(&s, nil)
			for viewer := rules.Spectator; viewer < players; viewer++ {
				v := rules.View(s, viewer)
				ev := TableEvent{Table: fmt.Sprintf("t%d", n), V: uint64(step + 1), Kind: KindMove, Move: last,
					DealNo: n%7 + 1, Deal: &v, Clock: &Clock{Seat: v.Actor, Deadline: 1_700_000_000_000 + int64(step)}}
				mine := []rules.Move{}
				if viewer == s.Actor() && !s.Done() {
					mine = legal
				}
				ev.Legal = &mine
				if step%5 == 0 {
					ev.Clock.Bank = []int64{int64(step), 0, 30_000}
				}
				sameAsReflect(t, fmt.Sprintf("deal %d step %d viewer %d", n, step, viewer), ev)
				views++
			}
			if s.Done() {
				break
			}
			m := legal[rng.IntN(len(legal))]
			if s, err = rules.Apply(s, m); err != nil {
				t.Fatal(err)
			}
			last = &m
		}
	}
	t.Logf("%d views compared", views)

	state, deadline := StatePlaying, int64(42)
	nilLegal := []rules.Move(nil)
	sheet := score.SheetView{}
	for _, tc := range []struct {
		name string
		e    TableEvent
	}{
		{"empty", TableEvent{}},
		{"escapes in the table id", TableEvent{Table: "t\"<>&\\\u2028\x01é\xff", Kind: "odd\tkind"}},
		{"state and creator", TableEvent{Table: "t1", V: 9, Kind: KindSeats, State: state,
			Creator: &Player{ID: "p<1>", Name: "Аня & <b>"}, Deadline: &deadline}},
		{"seats", TableEvent{Table: "t1", Kind: KindSeats, Seats: []Seat{{Player: Player{ID: "a", Name: "A"}, Online: true}, {Bot: true}, {AwayUntil: 5, BotPlays: true}}}},
		{"empty seats are left out", TableEvent{Table: "t1", Seats: []Seat{}}},
		{"nil legal list", TableEvent{Table: "t1", Legal: &nilLegal}},
		{"clock without a bank", TableEvent{Table: "t1", Clock: &Clock{Seat: -1}}},
		{"clock with an empty bank", TableEvent{Table: "t1", Clock: &Clock{Seat: 2, Bank: []int64{}}}},
		{"sheet and deal entry", TableEvent{Table: "t1", Sheet: &sheet, LastDeal: "6♠ <made> \"x\"",
			DealEntry: &DealEntry{No: 1, Kind: rules.KindContract, Contract: rules.NoBid, Calls: []pref.Call{0, 1}, Tricks: []int{6, 2, 2}, Settle: []int64{1, -1, 0}}}},
		{"result", TableEvent{Table: "t1", Kind: KindFinish, Result: &Settlement{Rounded: []int64{3, -3}, Exact: []string{"3", "-3"}, Fines: map[string]int{"b": 1, "a": 2}, Reason: "pool"}}},
		{"chat", TableEvent{Table: "t1", Kind: KindChat, Chat: &ChatLine{From: Player{ID: "x", Name: "y"}, Text: "<script>\u2029\u0000 ok", At: 7}}},
		{"every move kind", TableEvent{Table: "t1", Legal: &[]rules.Move{
			rules.Simple(0, rules.MovePass), rules.BidMove(1, mustBid(t, "6S")), rules.BidMove(1, rules.Misere),
			{Seat: 2, Kind: rules.MoveDeclare, Bid: mustBid(t, "10NT")},
			{Seat: 0, Kind: rules.MoveDiscard, Card: mustCard(t, "7S"), Card2: mustCard(t, "AH")},
			{Seat: 1, Kind: rules.MovePlay, Card: mustCard(t, "10D")},
			rules.ClaimProposeMove(2, 3), rules.Simple(0, rules.MoveClaimAccept), rules.Simple(1, rules.MoveClaimReject),
		}}},
	} {
		sameAsReflect(t, tc.name, tc.e)
	}
}

// TestAppendTableEventRefusesWhatJSONRefuses: a move of no known kind
// cannot be encoded either way (Encode panics, as it did).
func TestAppendTableEventRefusesWhatJSONRefuses(t *testing.T) {
	for _, enc := range []func(Message) *Encoded{Encode, encodeReflect} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("a move of kind 0 was encoded")
				}
			}()
			enc(TableEvent{Table: "t1", Move: &rules.Move{}})
		}()
	}
}

func mustBid(t *testing.T, s string) rules.Bid {
	t.Helper()
	b, err := rules.ParseBid(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustCard(t *testing.T, s string) rules.Card {
	t.Helper()
	c, err := rules.ParseCard(s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
