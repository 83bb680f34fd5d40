package bot

import (
	"math/bits"

	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/score"
)

// The result of a deal in whists, roughly, as the settlement of RULES §12
// turns the sheet into whists: a mountain point is worth 10 whists spread
// over the table, so it moves a player's result by 10·(n−1)/n against the
// rest; a pool point is worth pool_factor mountain points. The prices of
// RULES §8.2 (whist, undertrick, misère, consolation, gentleman whist,
// responsibility, raspasy) come from the table's scoring settings.

// scoring holds what the bot's estimates need of the table's scoring.
type scoring struct {
	whistMult, failMult, misereMult int
	poolFactor                      float64
	consolation                     score.Consolation
	consolationToDealer             bool
	gentleman                       bool // a lone whister splits the side's tricks when the declarer fails
	resp                            score.WhistResp
	raspasyWhists                   bool // Rostov raspasy: the fewest tricks write 5 whists per trick on the others
	raspasyBase                     int
}

// scoringOf reads set; zero settings (Players 0) mean the Sochi preset.
func scoringOf(set score.Settings) scoring {
	if set.Players == 0 {
		set = score.PresetOf(score.Sochi)
	}
	return scoring{
		whistMult: max(1, set.WhistMult), failMult: max(1, set.FailMult), misereMult: max(1, set.MisereMult),
		poolFactor:          float64(max(1, set.PoolFactor)),
		consolation:         set.Consolation,
		consolationToDealer: set.ConsolationToDealer,
		gentleman:           set.WhistStyle == score.Gentleman,
		resp:                set.WhistResp,
		raspasyWhists:       set.RaspasyScoring == score.RaspasyWhists,
		raspasyBase:         max(1, set.RaspasyBase),
	}
}

// poolWorth is what one mountain point (negated) is worth to its owner in
// whists at an n-player table.
func poolWorth(n int) float64 { return 10 * float64(n-1) / float64(n) }

// otherWorth is what one mountain point of another player moves my
// result, in whists.
func otherWorth(n int) float64 { return 10 / float64(n) }

// price is the whist price per trick of contract c.
func (sc *scoring) price(c rules.Bid) float64 { return float64(c.Value() * sc.whistMult) }

// consolationPer is what one defender writes per undertrick of c.
func (sc *scoring) consolationPer(c rules.Bid) float64 {
	switch sc.consolation {
	case score.ConsolationFixed10:
		return 10
	case score.ConsolationNone:
		return 0
	}
	return sc.price(c)
}

// consolers is the number of players who write consolation at an
// n-player table.
func (sc *scoring) consolers(n int) float64 {
	if n == 4 && sc.consolationToDealer {
		return 3
	}
	return 2
}

// respRate is the mountain per trick a whister is short of the obligation.
func (sc *scoring) respRate(c rules.Bid) float64 {
	switch sc.resp {
	case score.RespHalf:
		return sc.price(c) / 2
	case score.RespNone:
		return 0
	}
	return sc.price(c)
}

// raspasyTrickCost is roughly what one more raspasy trick costs its taker,
// in whists: a mountain point at the base price, or (whist scoring) 5
// whists paid to the players with fewer tricks.
func (sc *scoring) raspasyTrickCost(n int) float64 {
	if sc.raspasyWhists {
		return 5
	}
	return poolWorth(n) * float64(sc.raspasyBase)
}

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
func (sc *scoring) declarerResult(c rules.Bid, t, n int) float64 {
	pw := poolWorth(n)
	if c == rules.Misere {
		if t == 0 {
			return pw * 10 * sc.poolFactor
		}
		return -pw * float64(sc.misereMult*t)
	}
	l, val := c.Level(), float64(c.Value())
	whists := sc.price(c) * float64(10-t) // the defenders write their tricks
	pool := pw * val * sc.poolFactor
	if t >= l {
		return pool - 0.5*whists
	}
	u := float64(l - t)
	failed := -pw*val*float64(sc.failMult)*u - whists - sc.consolers(n)*sc.consolationPer(c)*u
	return 0.8*failed + 0.2*pool
}

// whistGain is what whisting a contract c is worth to a defender against
// passing (when the hand is then not played), in whists, for a sample
// where the declarer takes t tricks; share is the part of the defenders'
// tricks the defender writes (1 alone, ½ with a whisting partner).
func (sc *scoring) whistGain(c rules.Bid, t, n int, share float64) float64 {
	val := float64(c.Value())
	def := 10 - t
	u := c.Level() - t
	if u > 0 && sc.gentleman {
		share = min(share, 0.5) // a failed contract's trick-whists are split
	}
	g := share * float64(def) * sc.price(c)
	if u > 0 {
		// the declarer fails: his mountain, our consolation, and no pool for him
		g += otherWorth(n)*val*float64(sc.failMult*u) + otherWorth(n)*val*sc.poolFactor + sc.consolationPer(c)*float64(u)
	}
	if short := obligation(c.Level()) - def; short > 0 {
		g -= poolWorth(n) * sc.respRate(c) * float64(short) * share // responsibility
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
