package rules

import (
	"math/rand/v2"
	"testing"
)

func TestCardFormatAndParse(t *testing.T) {
	tests := []struct {
		in      string
		want    Card
		unicode string
		ascii   string
	}{
		{"7♠", NewCard(Seven, Spades), "7♠", "7S"},
		{"10H", NewCard(Ten, Hearts), "10♥", "10H"},
		{"TH", NewCard(Ten, Hearts), "10♥", "10H"},
		{"th", NewCard(Ten, Hearts), "10♥", "10H"},
		{"A♦", NewCard(Ace, Diamonds), "A♦", "AD"},
		{"qc", NewCard(Queen, Clubs), "Q♣", "QC"},
		{"Д♥", NewCard(Queen, Hearts), "Q♥", "QH"},
		{"J♤", NewCard(Jack, Spades), "J♠", "JS"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			c, err := ParseCard(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if c != tt.want || c.String() != tt.unicode || c.ASCII() != tt.ascii {
				t.Fatalf("ParseCard(%q) = %v (%s), want %v (%s)", tt.in, c, c.ASCII(), tt.want, tt.ascii)
			}
		})
	}
	for _, bad := range []string{"", "1H", "6S", "10", "AX", "A♠♠", "11H"} {
		if c, err := ParseCard(bad); err == nil {
			t.Errorf("ParseCard(%q) = %v, want an error", bad, c)
		}
	}
}

func TestEveryCardRoundTrips(t *testing.T) {
	for c := Card(0); c < NumCards; c++ {
		for _, s := range []string{c.String(), c.ASCII()} {
			if got, err := ParseCard(s); err != nil || got != c {
				t.Fatalf("ParseCard(%q) = %v, %v; want %v", s, got, err, c)
			}
		}
	}
}

func TestHandSet(t *testing.T) {
	h, err := ParseHand("7♠ A♠ 10♥ 8♦")
	if err != nil {
		t.Fatal(err)
	}
	if h.Len() != 4 || !h.Has(NewCard(Ace, Spades)) || h.Has(NewCard(King, Spades)) {
		t.Fatalf("hand %v", h)
	}
	if got := h.OfSuit(Spades); got.Len() != 2 || got.Highest() != NewCard(Ace, Spades) || got.Lowest() != NewCard(Seven, Spades) {
		t.Fatalf("spades %v", got)
	}
	if h.String() != "7♠ A♠ 8♦ 10♥" {
		t.Fatalf("String = %q", h.String())
	}
	if _, err := ParseHand("7♠ 7S"); err == nil {
		t.Fatal("a card twice must be an error")
	}
	if (Hand(0)).Lowest() != NoCard || (Hand(0)).Highest() != NoCard {
		t.Fatal("empty hand has a card")
	}
}

func TestBidLadder(t *testing.T) {
	// RULES §4.1: 26 steps, misère between 8NT and 9♠.
	var seen []string
	for b := SixSpades; b <= TenNoTrump; b++ {
		seen = append(seen, b.ASCII())
	}
	want := []string{"6S", "6C", "6D", "6H", "6NT", "7S", "7C", "7D", "7H", "7NT", "8S", "8C", "8D", "8H", "8NT",
		"misere", "9S", "9C", "9D", "9H", "9NT", "10S", "10C", "10D", "10H", "10NT"}
	if len(seen) != len(want) {
		t.Fatalf("%d bids, want 26", len(seen))
	}
	for i := range want {
		if seen[i] != want[i] {
			t.Fatalf("bid %d is %s, want %s", i+1, seen[i], want[i])
		}
		b, err := ParseBid(want[i])
		if err != nil || b != Bid(i+1) {
			t.Fatalf("ParseBid(%q) = %v, %v", want[i], b, err)
		}
	}
	for _, tt := range []struct {
		in    string
		level int
		value int
	}{{"6♠", 6, 2}, {"7БК", 7, 4}, {"9h", 9, 8}, {"10NT", 10, 10}, {"мизер", 0, 10}} {
		b, err := ParseBid(tt.in)
		if err != nil || b.Level() != tt.level || b.Value() != tt.value {
			t.Fatalf("%q: bid %v level %d value %d, want %d %d (%v)", tt.in, b, b.Level(), b.Value(), tt.level, tt.value, err)
		}
	}
	if tr, ok := BidOf(7, Strain(Diamonds)).Trump(); !ok || tr != Diamonds {
		t.Fatal("7♦ trump")
	}
	if _, ok := BidOf(8, NoTrump).Trump(); ok {
		t.Fatal("8NT has no trump")
	}
	for _, bad := range []string{"5S", "11S", "6X", "", "6"} {
		if b, err := ParseBid(bad); err == nil {
			t.Errorf("ParseBid(%q) = %v, want an error", bad, b)
		}
	}
}

func TestDealShape(t *testing.T) {
	// RULES §3.3 and §6: 10 cards to each active player, 2 to the talon; the
	// sitting-out dealer gets none; every card exactly once.
	for _, players := range []int{3, 4} {
		for seed := uint64(0); seed < 100; seed++ {
			s, err := New(Deal{Seed: seed, Dealer: int(seed) % players, Options: DefaultOptions(players)})
			if err != nil {
				t.Fatal(err)
			}
			all := HandOf(s.Talon()[0], s.Talon()[1])
			if all.Len() != 2 {
				t.Fatal("talon is not two cards")
			}
			for p := 0; p < players; p++ {
				want := 10
				if players == 4 && p == s.Dealer() {
					want = 0
				}
				if s.Hand(p).Len() != want || all&s.Hand(p) != 0 {
					t.Fatalf("seed %d seat %d holds %v", seed, p, s.Hand(p))
				}
				all |= s.Hand(p)
			}
			if all != FullDeck {
				t.Fatalf("seed %d: deal misses cards", seed)
			}
			if s.Turn() != (s.Dealer()+1)%players {
				t.Fatalf("the first hand (left of the dealer) must speak first")
			}
		}
	}
}

func TestShuffleIsUniform(t *testing.T) {
	// Each card should land in each deck position about equally often: a
	// loose bound on 32000 shuffles (expected 1000 per cell).
	var count [NumCards][NumCards]int
	rng := rand.New(rand.NewPCG(1, 1))
	for i := 0; i < 32000; i++ {
		for pos, c := range Shuffle(rng.Uint64()) {
			count[c][pos]++
		}
	}
	for c := range count {
		for pos, n := range count[c] {
			if n < 820 || n > 1180 {
				t.Fatalf("card %v at position %d %d times, want about 1000", Card(c), pos, n)
			}
		}
	}
}

func TestNewRejectsBadInput(t *testing.T) {
	bad := []Deal{
		{Options: Options{Players: 2}},
		{Dealer: 3, Options: DefaultOptions(3)},
		{Dealer: -1, Options: DefaultOptions(4)},
		{Series: -1, Options: DefaultOptions(3)},
		{Options: func() Options { o := DefaultOptions(3); o.RaspasyExit = [3]uint8{6, 5, 6}; return o }()},
	}
	for i, d := range bad {
		if _, err := New(d); err == nil {
			t.Errorf("case %d: New(%+v) accepted", i, d)
		}
	}
}

func TestTalonBonus(t *testing.T) {
	// RULES §6: A or K+Q of one suit = 1, A+K of one suit = 2, two aces = 3.
	tests := []struct {
		talon string
		want  int
	}{
		{"A♠ A♥", 3}, {"A♦ K♦", 2}, {"A♦ K♣", 1}, {"A♣ 7♣", 1}, {"K♥ Q♥", 1}, {"K♥ Q♠", 0}, {"7♠ 8♠", 0},
	}
	for _, tt := range tests {
		h, err := ParseHand(tt.talon)
		if err != nil {
			t.Fatal(err)
		}
		cs := h.Cards(nil)
		for _, order := range [][2]Card{{cs[0], cs[1]}, {cs[1], cs[0]}} {
			if got := TalonBonus(order); got != tt.want {
				t.Errorf("TalonBonus(%s) = %d, want %d", tt.talon, got, tt.want)
			}
		}
	}
}
