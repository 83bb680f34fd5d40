package bot

import (
	"math/bits"

	"github.com/trelljaz/trelljaz/game/rules"
)

// The result of a deal in whists, roughly, as the settlement of RULES §12
// turns the sheet into whists (Sochi numbers; the other conventions
// scale them about alike, which is all a comparison needs): a pool or
// mountain point is worth 10 whists spread over the table, so it moves a
// player's result by 10·(n−1)/n against the rest.

// poolWorth is what one pool point (or one mountain point, negated) is
// worth to its owner in whists at an n-player table.
func poolWorth(n int) float64 { return 10 * float64(n-1) / float64(n) }

// otherWorth is what one pool or mountain point of another player moves
// my result, in whists (negated for pool).
func otherWorth(n int) float64 { return 10 / float64(n) }

// obligation is the tricks the defending side must take (RULES §5.1),
// with a ten counted as whisted.
func obligation(level int) int {
	switch level {
	case 6:
		return 4
	case 7:
		return 2
	}
	return 1
}

// declarerResult is the declarer's expected result in whists of contract
// c taking t tricks; for misère, t tricks taken. Defenders do not always
// whist: a contract that is made is whisted about half the time (the
// defenders then write their tricks), one that fails about 80% of the
// time; an unwhisted contract is written to the pool unplayed.
func declarerResult(c rules.Bid, t, n int) float64 {
	pw := poolWorth(n)
	if c == rules.Misere {
		if t == 0 {
			return pw * 10
		}
		return -pw * 10 * float64(t)
	}
	l, val := c.Level(), float64(c.Value())
	whists := val * float64(10-t) // the defenders write their tricks
	if t >= l {
		return pw*val - 0.5*whists
	}
	u := float64(l - t)
	failed := -pw*val*u - whists - 2*val*u // mountain, whists, consolation
	return 0.8*failed + 0.2*pw*val
}

// whistGain is what whisting a contract c is worth to a defender against
// passing (when the hand is then not played), in whists, for a sample
// where the declarer takes t tricks; share is the part of the defenders'
// tricks the defender writes (1 alone, ½ with a whisting partner).
func whistGain(c rules.Bid, t, n int, share float64) float64 {
	val := float64(c.Value())
	def := 10 - t
	g := share * float64(def) * val
	if u := c.Level() - t; u > 0 {
		// the declarer fails: his mountain, our consolation, and no pool for him
		g += otherWorth(n)*val*float64(u) + otherWorth(n)*val + val*float64(u)
	}
	if short := obligation(c.Level()) - def; short > 0 {
		g -= poolWorth(n) * val * float64(short) * share // responsibility
	}
	return g
}

// suitTricks estimates the tricks a suit of a hand takes as declarer:
// top cards in sequence from the ace count in full, a guarded king or a
// well guarded queen in part; long trumps count their length.
func suitTricks(h rules.Hand, s rules.Suit, trump bool) float64 {
	cards := uint8(h.OfSuit(s) >> (8 * uint(s)))
	n := bits.OnesCount8(cards)
	if n == 0 {
		return 0
	}
	t := 0.0
	top := 0
	for r := 7; r >= 0 && cards&(1<<r) != 0; r-- {
		top++
	}
	t = float64(top)
	if top == 0 {
		if cards&(1<<rules.King) != 0 && n >= 2 {
			t += 0.6
		} else if cards&(1<<rules.Queen) != 0 && n >= 3 {
			t += 0.3
		}
	} else if top < n && top < 3 {
		next := 7 - top - 1 // the rank just under the run, missing
		if cards&(1<<(next-1)) != 0 && n > top+1 {
			t += 0.5
		}
	}
	switch {
	case trump && n >= 4:
		t = max(t, float64(n)-2.5+float64(top)*0.4)
	case !trump && n >= 5 && top >= 2:
		t = max(t, float64(n)-1.5)
	}
	return min(t, float64(n))
}

// handTricks estimates the tricks of h as declarer in strain st.
func handTricks(h rules.Hand, st rules.Strain) float64 {
	t := 0.0
	trumps := 0
	if st != rules.NoTrump {
		trumps = h.OfSuit(rules.Suit(st)).Len()
	}
	for s := rules.Spades; s <= rules.Hearts; s++ {
		isTrump := st != rules.NoTrump && rules.Suit(st) == s
		t += suitTricks(h, s, isTrump)
		if !isTrump && st != rules.NoTrump && trumps >= 4 {
			switch h.OfSuit(s).Len() {
			case 0:
				t += 0.8
			case 1:
				t += 0.4
			}
		}
	}
	if st == rules.NoTrump {
		for s := rules.Spades; s <= rules.Hearts; s++ {
			if h.OfSuit(s).Len() > 0 && !h.Has(rules.NewCard(rules.Ace, s)) && h.OfSuit(s).Len() < 3 {
				t -= 0.7 // an unguarded suit runs against us
			}
		}
	}
	return t
}

// bestStrain returns the strain with the most estimated tricks.
func bestStrain(h rules.Hand) (rules.Strain, float64) {
	best, bt := rules.NoTrump, handTricks(h, rules.NoTrump)
	for s := rules.Strain(0); s < rules.NoTrump; s++ {
		if t := handTricks(h, s); t > bt+0.01 {
			best, bt = s, t
		}
	}
	return best, bt
}

// misereDanger counts the cards of h that may be forced to take a trick
// on misère: in each suit the i-th lowest card should be no higher than
// rank 2i (7, 9, J, K); each one above is a danger. A void is safe.
func misereDanger(h rules.Hand) int {
	d := 0
	for s := rules.Spades; s <= rules.Hearts; s++ {
		cards := uint8(h.OfSuit(s) >> (8 * uint(s)))
		i := 0
		for r := 0; r < 8; r++ {
			if cards&(1<<r) == 0 {
				continue
			}
			if r > 2*i {
				d++
			}
			i++
		}
	}
	return d
}

// keepValue scores how much a declarer wants to keep card c of hand h
// in strain st (the discard throws away the two lowest).
func keepValue(h rules.Hand, c rules.Card, st rules.Strain) int {
	s := c.Suit()
	n := h.OfSuit(s).Len()
	v := int(c.Rank()) * 2
	if st != rules.NoTrump && rules.Suit(st) == s {
		v += 40
	}
	if c.Rank() == rules.Ace || (c.Rank() == rules.King && h.Has(rules.NewCard(rules.Ace, s))) {
		v += 30
	}
	if c.Rank() == rules.King && n >= 2 {
		v += 8
	}
	v += 3 * n // keep long suits, empty short ones
	return v
}

// basicDiscard picks the two cards of the 12-card hand h to discard for
// strain st, or for misère when misere is set.
func basicDiscard(h rules.Hand, st rules.Strain, misere bool) (rules.Card, rules.Card) {
	var cards [12]rules.Card
	cs := h.Cards(cards[:0])
	score := func(c rules.Card) int {
		if misere {
			return -misereCardDanger(h, c)
		}
		return keepValue(h, c, st)
	}
	a, b := rules.NoCard, rules.NoCard
	for _, c := range cs {
		switch {
		case a == rules.NoCard || score(c) < score(a):
			a, b = c, a
		case b == rules.NoCard || score(c) < score(b):
			b = c
		}
	}
	return a, b
}

// misereCardDanger scores how likely card c of h is to take a trick on
// misère: how far it stands above the safe rank of its place in the suit.
func misereCardDanger(h rules.Hand, c rules.Card) int {
	s := c.Suit()
	below := h.OfSuit(s) & (rules.Hand(1)<<c - 1)
	i := below.Len()
	return int(c.Rank())*3 - 6*i
}
