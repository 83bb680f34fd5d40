package bot

import (
	"testing"

	"github.com/trelljaz/trelljaz/game/rules"
)

func hand(t *testing.T, s string) rules.Hand {
	t.Helper()
	h, err := rules.ParseHand(s)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func card(t *testing.T, s string) rules.Card {
	t.Helper()
	c, err := rules.ParseCard(s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// playView builds the view of seat 0 on turn in trick play of a 3-player
// deal (dealer 2, so seat 0 is the first hand). Trick cards are by seat.
func playView(t *testing.T, kind rules.Kind, contract rules.Bid, declarer int, mine string, sizes [3]int, played string, trick map[int]string, leader, trickNo int) rules.SeatView {
	t.Helper()
	v := rules.SeatView{
		Viewer: 0, Players: 3, Dealer: 2, Phase: rules.PhasePlay, Kind: kind, Turn: 0, Actor: 0,
		Talon: [2]rules.Card{rules.NoCard, rules.NoCard}, TopSeat: -1, Declarer: declarer, Contract: contract,
		Trick: [4]rules.Card{rules.NoCard, rules.NoCard, rules.NoCard, rules.NoCard}, Leader: leader,
		TalonLead: rules.NoCard, TrickNo: trickNo, LastTrick: [4]rules.Card{rules.NoCard, rules.NoCard, rules.NoCard, rules.NoCard},
		LastWinner: -1,
	}
	v.Hands[0] = hand(t, mine)
	v.Played = hand(t, played)
	for p, c := range trick {
		v.Trick[p] = card(t, c)
		v.Played = v.Played.With(v.Trick[p])
	}
	for p := 0; p < 3; p++ {
		v.HandSize[p] = sizes[p]
	}
	// The talon is 7♦ 8♦, face up: turned in a raspasy, taken by the
	// declarer otherwise (the declarer seat 0 discarded it).
	v.Talon = [2]rules.Card{card(t, "7D"), card(t, "8D")}
	if declarer == 0 {
		v.Discard = rules.HandOf(v.Talon[0], v.Talon[1])
	}
	if _, ok := unseenOf(&v, &memory{}); !ok {
		t.Fatalf("the test view does not add up: %+v", v)
	}
	return v
}

func plays(v rules.SeatView) []rules.Move {
	var out []rules.Move
	h := v.Hands[v.Turn]
	var lead rules.Suit
	hasLead := false
	for i := 0; i < 3; i++ {
		s := (v.Leader + i) % 3
		if c := v.Trick[s]; c != rules.NoCard {
			lead, hasLead = c.Suit(), true
			break
		}
	}
	allowed := h
	if hasLead && h.OfSuit(lead) != 0 {
		allowed = h.OfSuit(lead)
	} else if t, ok := v.Contract.Trump(); hasLead && ok && v.Kind == rules.KindContract && h.OfSuit(t) != 0 {
		allowed = h.OfSuit(t)
	}
	for _, c := range allowed.Cards(nil) {
		out = append(out, rules.PlayMove(v.Turn, c))
	}
	return out
}

// TestCardPlayRulesOfThumb: positions where one card is clearly right,
// for both levels.
func TestCardPlayRulesOfThumb(t *testing.T) {
	cases := []struct {
		name    string
		levels  []string
		kind    rules.Kind
		bid     string
		decl    int
		mine    string
		sizes   [3]int
		played  string
		trick   map[int]string
		leader  int
		trickNo int
		want    string
	}{
		{
			// Diamonds are out (the talon), so seat 1 and 2 hold the rest.
			name:   "declarer third in hand wins with the cheapest card that beats",
			levels: []string{LevelBasic, LevelStrong}, kind: rules.KindContract, bid: "6H", decl: 0,
			mine: "AS QS 9S AH KH QH JH 10H 9H", sizes: [3]int{9, 8, 8}, played: "AC KC QC",
			trick: map[int]string{1: "JS", 2: "10S"}, leader: 1, trickNo: 1, want: "QS",
		},
		{
			name:   "a defender does not overtake a partner's sure winner",
			levels: []string{LevelBasic, LevelStrong}, kind: rules.KindContract, bid: "6H", decl: 1,
			mine: "KS 8S 7S AC KC", sizes: [3]int{5, 5, 4}, played: "AH KH QH JH 10H 9H 8H 7H QS JS 10S 9S QC JC 10C",
			trick: map[int]string{2: "AS"}, leader: 2, trickNo: 5, want: "7S",
		},
		{
			name:   "misère declarer ducks under the card winning the trick",
			levels: []string{LevelBasic, LevelStrong}, kind: rules.KindMisere, bid: "misere", decl: 0,
			mine: "KS 9S 7S 7C 8C", sizes: [3]int{5, 4, 4}, played: "AH KH QH JH 10H 9H 8H 7H AC KC QC JC 10C 9C AD",
			trick: map[int]string{1: "10S", 2: "JS"}, leader: 1, trickNo: 5, want: "9S",
		},
		{
			name:   "raspasy: stay under the winning card, shedding the highest that does",
			levels: []string{LevelBasic, LevelStrong}, kind: rules.KindRaspasy, bid: "", decl: -1,
			mine: "AS QS 10S 7S 7H", sizes: [3]int{5, 4, 4}, played: "AH KH QH JH 10H 9H 8H AC KC QC JC 10C 9C AD KD",
			trick: map[int]string{1: "JS", 2: "9S"}, leader: 1, trickNo: 5, want: "10S",
		},
	}
	for _, tc := range cases {
		for _, level := range tc.levels {
			t.Run(level+"/"+tc.name, func(t *testing.T) {
				var contract rules.Bid
				if tc.bid != "" {
					var err error
					if contract, err = rules.ParseBid(tc.bid); err != nil {
						t.Fatal(err)
					}
				}
				v := playView(t, tc.kind, contract, tc.decl, tc.mine, tc.sizes, tc.played, tc.trick, tc.leader, tc.trickNo)
				b := New(Config{Level: level, Seed: 1, Budget: -1})
				m := b.Move(v, plays(v))
				if want := card(t, tc.want); m.Kind != rules.MovePlay || m.Card != want {
					t.Fatalf("played %v, want %v", m, want)
				}
				if b.fallbacks != 0 {
					t.Fatalf("the strong level left the card to the basic level")
				}
			})
		}
	}
}

// TestBotsRejectClaims: a bot asked to answer a claim proposal rejects it.
func TestBotsRejectClaims(t *testing.T) {
	for _, level := range []string{LevelBasic, LevelStrong} {
		v := rules.SeatView{Viewer: 1, Players: 3, Phase: rules.PhasePlay, Kind: rules.KindContract}
		legal := []rules.Move{rules.Simple(1, rules.MoveClaimAccept), rules.Simple(1, rules.MoveClaimReject)}
		if m := New(Config{Level: level}).Move(v, legal); m.Kind != rules.MoveClaimReject {
			t.Errorf("%s bot answered %v, want a rejection", level, m)
		}
	}
}

// TestMemoryInfersVoids: a seat that did not follow suit is void in it
// (and, in a trump contract, out of trumps when it did not ruff).
func TestMemoryInfersVoids(t *testing.T) {
	var m memory
	v := rules.SeatView{
		Viewer: 0, Players: 3, Dealer: 2, Phase: rules.PhasePlay, Kind: rules.KindContract, Contract: rules.BidOf(6, rules.Strain(rules.Hearts)),
		Trick: [4]rules.Card{card(t, "AS"), rules.NoCard, rules.NoCard, rules.NoCard}, Leader: 0, TalonLead: rules.NoCard,
		LastTrick: [4]rules.Card{rules.NoCard, rules.NoCard, rules.NoCard, rules.NoCard},
	}
	m.observe(&v)
	// next call: trick 1 complete (seat 1 discarded a club, seat 2 ruffed)
	v.TrickNo = 1
	v.LastTrick = [4]rules.Card{card(t, "AS"), card(t, "7C"), card(t, "7H"), rules.NoCard}
	v.Trick = [4]rules.Card{rules.NoCard, rules.NoCard, rules.NoCard, rules.NoCard}
	v.Leader = 2
	m.observe(&v)
	spadesHearts := uint8(1<<rules.Spades | 1<<rules.Hearts)
	if m.voids[1] != spadesHearts {
		t.Errorf("seat 1 voids %04b, want spades and hearts %04b", m.voids[1], spadesHearts)
	}
	if m.voids[2] != 1<<rules.Spades {
		t.Errorf("seat 2 voids %04b, want spades only", m.voids[2])
	}
	if m.voids[0] != 0 {
		t.Errorf("seat 0 (the leader) voids %04b, want none", m.voids[0])
	}
}

// TestOneRun: touching cards (nothing between them still in play) are
// played without thinking; cards with a live card between are not.
func TestOneRun(t *testing.T) {
	cases := []struct {
		name, cards, played string
		want                bool
	}{
		{"a single card", "9S", "", true},
		{"queen and jack touch", "QS JS", "", true},
		{"king and jack with the queen out", "KS JS", "QS", true},
		{"king and jack with the queen live", "KS JS", "", false},
		{"two suits", "KS KH", "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := rules.SeatView{Trick: [4]rules.Card{rules.NoCard, rules.NoCard, rules.NoCard, rules.NoCard}}
			if tc.played != "" {
				v.Played = hand(t, tc.played)
			}
			if got := oneRun(&v, hand(t, tc.cards)); got != tc.want {
				t.Fatalf("oneRun = %v, want %v", got, tc.want)
			}
		})
	}
}
