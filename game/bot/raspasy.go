package bot

import (
	"github.com/trelljaz/trelljaz/game/pref"
	"github.com/trelljaz/trelljaz/game/rules"
)

// raspasySamples is the number of sampled deals a raspasy card play
// rolls out; a rollout costs microseconds, not a solve.
const raspasySamples = 64

// raspasyCard picks a raspasy card by rollouts. What a raspasy pays
// depends on everyone's tricks: in Rostov (RULES §9.2) the players with
// the fewest write 5 whists per trick on the others; in Sochi and
// Leningrad (§9.1) each trick is a mountain point and none is a pool
// point. The double-dummy count of one's own tricks, the other two
// taken to play against the mover (paranoid), misjudges both: the
// others are busy shedding their own tricks. So each candidate card is
// rolled out to the end of the deal on sampled hands, everyone then
// playing the rules of thumb (stay under the winning card, shed high
// cards when void, lead low), and the tricks are scored by the table's
// rule; the best mean wins, ties going to the rule of thumb's card. ok is
// false while talon cards still lead tricks (tricks 1 and 2 unless the
// talon is ignored), which the rollouts do not play.
func (b *Bot) raspasyCard(v *rules.SeatView, cards rules.Hand) (rules.Card, bool) {
	if v.TalonLead != rules.NoCard || b.opt.RaspasyTalon != pref.TalonIgnored && v.TrickNo < 2 {
		return rules.NoCard, false
	}
	u, ok := unseenOf(v, &b.mem)
	if !ok {
		return rules.NoCard, false
	}
	act := active(v)
	me := index(act, v.Turn)
	li := index(act, v.Leader)
	if me < 0 || li < 0 {
		return rules.NoCard, false
	}
	var r rollout
	r.leader = li
	for i := 0; i < 3; i++ {
		c := v.Trick[act[(li+i)%3]]
		if c == rules.NoCard {
			break
		}
		r.trick[r.n] = c
		r.n++
	}
	if (li+r.n)%3 != me {
		return rules.NoCard, false
	}
	for i, s := range act {
		r.tricks[i] = v.Tricks[s]
	}
	var score [rules.NumCards]float64
	var pool [rules.NumCards]rules.Card
	for k := 0; k < raspasySamples; k++ {
		hands, _ := u.deal(b.rng, pool[:0])
		for i, s := range act {
			r.hands[i] = hands[s]
		}
		r.hands[me] = v.Hands[v.Turn]
		for h := cards; h != 0; h &= h - 1 {
			c := h.Lowest()
			x := r
			x.play(me, c)
			x.finish()
			score[c] += b.sc.raspasyResult(x.tricks, me, v.Players)
		}
	}
	best := rules.NoCard
	if bc := r.policy(me); cards.Has(bc) {
		best = bc
	}
	for h := cards; h != 0; h &= h - 1 {
		c := h.Lowest()
		if best == rules.NoCard || score[c] > score[best]+1e-6 {
			best = c
		}
	}
	return best, true
}

// rollout is a raspasy deal with every hand known, played out by the
// rules of thumb; players are the three active seats in play order.
type rollout struct {
	hands  [3]rules.Hand
	tricks [3]int
	leader int
	trick  [3]rules.Card // the current trick in play order from leader
	n      int           // cards in trick
}

// policy is the rule-of-thumb raspasy card of player p (on turn): lead
// the lowest card, follow with the highest card under the one winning
// the trick (the highest when every card beats it), shed the highest
// card when void.
func (r *rollout) policy(p int) rules.Card {
	h := r.hands[p]
	if r.n == 0 {
		return lowestRank(h)
	}
	lead := r.trick[0].Suit()
	if f := h.OfSuit(lead); f != 0 {
		return highestUnder(f, r.winning(), 0, false)
	}
	return highestUnder(h, r.winning(), 0, false)
}

// winning returns the card winning the current trick (n > 0).
func (r *rollout) winning() rules.Card {
	w := r.trick[0]
	for _, c := range r.trick[1:r.n] {
		if c.Suit() == w.Suit() && c.Rank() > w.Rank() {
			w = c
		}
	}
	return w
}

// play plays card c of player p (on turn) and closes a full trick.
func (r *rollout) play(p int, c rules.Card) {
	r.hands[p] = r.hands[p].Without(c)
	r.trick[r.n] = c
	r.n++
	if r.n < 3 {
		return
	}
	w := 0
	for i := 1; i < 3; i++ {
		if r.trick[i].Suit() == r.trick[w].Suit() && r.trick[i].Rank() > r.trick[w].Rank() {
			w = i
		}
	}
	r.leader = (r.leader + w) % 3
	r.tricks[r.leader]++
	r.n = 0
}

// finish plays the deal out by the rules of thumb.
func (r *rollout) finish() {
	for {
		p := (r.leader + r.n) % 3
		if r.hands[p] == 0 {
			return
		}
		r.play(p, r.policy(p))
	}
}

// raspasyResult is what a raspasy ending with tricks t (of the three
// active players) is worth to player me, in whists (the series'
// progression, which scales every player's result alike, left out).
func (sc *scoring) raspasyResult(t [3]int, me, players int) float64 {
	if sc.raspasyWhists {
		return sc.rostovResult(t, me, players)
	}
	return sc.mountainResult(t, me, players)
}

// mountainResult is a mountain-scored raspasy (Sochi, Leningrad: RULES
// §9.1) to player me: each trick is a mountain point at the base price,
// taking none a pool point at that price (worth pool_factor mountain
// points); a mountain point costs its owner poolWorth and is worth
// otherWorth to every other player, a pool point the reverse.
func (sc *scoring) mountainResult(t [3]int, me, players int) float64 {
	u := 0.0
	for i, x := range t {
		pts := float64(x)
		if x == 0 {
			pts = -sc.poolFactor
		}
		if i == me {
			u -= pts * poolWorth(players)
		} else {
			u += pts * otherWorth(players)
		}
	}
	return u * float64(sc.raspasyBase)
}

// rostovResult is what a whist-scored raspasy (RULES §9.2) ending with
// tricks t (of the three active players) is worth to player me, in
// whists: the players with the fewest tricks write 5 whists per trick on
// each other player, shared among them, and a pool point each when they
// took none (worth poolWorth to its owner, costing every other player
// otherWorth).
func (sc *scoring) rostovResult(t [3]int, me, players int) float64 {
	m := min(t[0], t[1], t[2])
	winners := 0
	for _, x := range t {
		if x == m {
			winners++
		}
	}
	u := 0.0
	if t[me] == m {
		for _, x := range t {
			if x > m {
				u += 5 * float64(x) / float64(winners)
			}
		}
	} else {
		u -= 5 * float64(t[me])
	}
	if m == 0 {
		for i := range t {
			switch {
			case t[i] != 0:
			case i == me:
				u += sc.poolFactor * poolWorth(players)
			default:
				u -= sc.poolFactor * otherWorth(players)
			}
		}
	}
	return u
}
