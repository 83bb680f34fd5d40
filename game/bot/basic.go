package bot

import (
	"github.com/trelljaz/trelljaz/game/pref"
	"github.com/trelljaz/trelljaz/game/rules"
)

// basicMove is the "basic" level: rules of thumb for every phase.
func basicMove(v *rules.SeatView, legal []rules.Move, m *memory) (rules.Move, bool) {
	if mv, ok := answerClaim(legal); ok {
		return mv, true
	}
	me := v.Viewer
	switch v.Phase {
	case rules.PhaseAuction:
		return basicBid(v, legal), true
	case rules.PhaseDiscard:
		st, _ := bestStrain(v.Hands[me])
		a, b := basicDiscard(v.Hands[me], st, v.TopBid == rules.Misere)
		return rules.DiscardMove(me, a, b), true
	case rules.PhaseDeclare:
		return basicDeclare(v, legal), true
	case rules.PhaseWhist:
		return basicWhist(v, legal), true
	case rules.PhaseOpenChoice:
		return rules.Simple(me, rules.MoveOpen), true
	case rules.PhasePlay:
		return rules.PlayMove(v.Actor, basicCard(v, legal)), true
	}
	return rules.Move{}, false
}

// answerClaim rejects a claim proposed to the bot (it plays every card out).
func answerClaim(legal []rules.Move) (rules.Move, bool) {
	for _, l := range legal {
		if l.Kind == rules.MoveClaimReject {
			return l, true
		}
	}
	return rules.Move{}, false
}

// lowestBid returns the lowest trick bid in legal and whether misère is there.
func lowestBid(legal []rules.Move) (low rules.Bid, misere bool) {
	for _, l := range legal {
		if l.Kind != rules.MoveBid {
			continue
		}
		if l.Bid == rules.Misere {
			misere = true
		} else if low == rules.NoBid || l.Bid < low {
			low = l.Bid
		}
	}
	return low, misere
}

// basicBid bids up to what the hand evaluation supports (half a trick
// counted for the talon), misère on a hand with at most one dangerous card.
func basicBid(v *rules.SeatView, legal []rules.Move) rules.Move {
	me := v.Viewer
	h := v.Hands[me]
	low, misere := lowestBid(legal)
	if misere && misereDanger(h) <= 1 {
		st, t := bestStrain(h)
		if t < 5.5 || st == rules.NoTrump {
			return rules.BidMove(me, rules.Misere)
		}
	}
	st, t := bestStrain(h)
	level := int(t + 0.5)
	if level < 6 || low == rules.NoBid {
		return rules.Pass(me)
	}
	top := rules.BidOf(min(level, 10), st)
	if low <= top {
		return rules.BidMove(me, low)
	}
	return rules.Pass(me)
}

// basicDeclare declares the lowest allowed contract in the best strain
// of the hand, a level higher when the hand is worth it.
func basicDeclare(v *rules.SeatView, legal []rules.Move) rules.Move {
	me := v.Viewer
	if v.TopBid == rules.Misere {
		return rules.Declare(me, rules.Misere)
	}
	h := v.Hands[me]
	st, t := bestStrain(h)
	best := rules.NoBid
	for _, l := range legal {
		if l.Kind != rules.MoveDeclare || l.Bid.Strain() != st {
			continue
		}
		if best == rules.NoBid || l.Bid < best {
			best = l.Bid
		}
	}
	if best == rules.NoBid {
		for _, l := range legal {
			if l.Kind == rules.MoveDeclare {
				return l
			}
		}
	}
	if best.Level() < 10 && t >= float64(best.Level())+1.5 {
		best = rules.BidOf(best.Level()+1, st)
	}
	return rules.Declare(me, best)
}

// defenceTricks estimates the tricks h takes in defence against a contract
// in strain st: aces, guarded kings, trump honours.
func defenceTricks(h rules.Hand, st rules.Strain) float64 {
	t := 0.0
	for s := rules.Spades; s <= rules.Hearts; s++ {
		n := h.OfSuit(s).Len()
		isTrump := st != rules.NoTrump && rules.Suit(st) == s
		if h.Has(rules.NewCard(rules.Ace, s)) {
			t++
		}
		if h.Has(rules.NewCard(rules.King, s)) && n >= 2 {
			t += 0.7
		}
		if h.Has(rules.NewCard(rules.Queen, s)) && n >= 3 {
			t += 0.3
		}
		if isTrump && n >= 3 {
			t += 0.5 * float64(n-2)
		}
	}
	return t
}

// basicWhist whists when the hand holds its share of the obligation.
func basicWhist(v *rules.SeatView, legal []rules.Move) rules.Move {
	me := v.Viewer
	c := v.Contract
	t := defenceTricks(v.Hands[me], c.Strain())
	need := float64(obligation(c.Level())) / 2
	partnerPassed := false
	for p := 0; p < v.Players; p++ {
		if p != me && v.Calls[p] == pref.CallPass {
			partnerPassed = true
		}
	}
	if partnerPassed {
		need = float64(obligation(c.Level())) * 0.75
	}
	has := func(k rules.MoveKind) bool {
		for _, l := range legal {
			if l.Kind == k {
				return true
			}
		}
		return false
	}
	switch {
	case t >= need && has(rules.MoveWhist):
		return rules.Simple(me, rules.MoveWhist)
	case has(rules.MoveHalf):
		return rules.Simple(me, rules.MoveHalf)
	case has(rules.MovePass):
		return rules.Pass(me)
	}
	return legal[0]
}

// basicCard picks a card by win-or-duck rules of thumb.
func basicCard(v *rules.SeatView, legal []rules.Move) rules.Card {
	var cards rules.Hand
	for _, l := range legal {
		if l.Kind == rules.MovePlay {
			cards = cards.With(l.Card)
		}
	}
	if cards == 0 {
		return legal[0].Card
	}
	mover := v.Turn
	trump, hasTrump := v.Contract.Trump()
	hasTrump = hasTrump && v.Kind == rules.KindContract
	wantWin := v.Kind == rules.KindContract
	if v.Kind == rules.KindMisere && mover != v.Declarer {
		wantWin = false
	}
	// the unplayed cards not in the mover's hand
	out := rules.FullDeck &^ v.Played &^ v.Hands[mover]
	boss := func(c rules.Card) bool {
		return out.OfSuit(c.Suit())&^(rules.Hand(1)<<(c+1)-1) == 0
	}
	act := active(v)
	li := index(act, v.Leader)
	var lead rules.Suit
	hasLead := false
	curC, curP := rules.NoCard, -1
	nPlayed := 0
	if v.TalonLead != rules.NoCard {
		lead, hasLead = v.TalonLead.Suit(), true
	}
	for i := 0; i < 3; i++ {
		s := act[(li+i)%3]
		c := v.Trick[s]
		if c == rules.NoCard {
			break
		}
		nPlayed++
		if !hasLead {
			lead, hasLead = c.Suit(), true
		}
		if curC == rules.NoCard && c.Suit() == lead || curC != rules.NoCard && beats(c, curC, trump, hasTrump) {
			curC, curP = c, s
		}
	}
	last := nPlayed == 2
	if !hasLead {
		return basicLead(v, cards, mover, wantWin, boss)
	}
	// following
	if v.Kind == rules.KindContract {
		side := func(p int) bool { return p == v.Declarer }
		mate := curP >= 0 && side(curP) == side(mover)
		if mate && (last || boss(curC)) {
			return cheapest(cards, hasTrump, trump)
		}
		var winners rules.Hand
		for h := cards; h != 0; h &= h - 1 {
			c := h.Lowest()
			if curC == rules.NoCard || beats(c, curC, trump, hasTrump) {
				winners = winners.With(c)
			}
		}
		if winners != 0 {
			if !last {
				for h := winners; h != 0; h &= h - 1 {
					if c := h.Lowest(); boss(c) {
						return c
					}
				}
			}
			return lowestRank(winners)
		}
		return cheapest(cards, hasTrump, trump)
	}
	// misère and raspasy: stay under the card winning the trick
	if v.Kind == rules.KindMisere && mover != v.Declarer {
		// catchers: let the declarer win; play low
		if curP == v.Declarer {
			return highestUnder(cards, curC, trump, hasTrump)
		}
		return lowestRank(cards)
	}
	_ = wantWin
	return highestUnder(cards, curC, trump, hasTrump)
}

// basicLead picks a lead.
func basicLead(v *rules.SeatView, cards rules.Hand, mover int, wantWin bool, boss func(rules.Card) bool) rules.Card {
	trump, hasTrump := v.Contract.Trump()
	hasTrump = hasTrump && v.Kind == rules.KindContract
	if !wantWin {
		return lowestRank(cards)
	}
	if hasTrump && mover == v.Declarer {
		tr := cards.OfSuit(trump)
		if tr != 0 && boss(tr.Highest()) {
			return tr.Highest()
		}
	}
	for h := cards; h != 0; h &= h - 1 {
		c := h.Lowest()
		if boss(c) && (!hasTrump || c.Suit() != trump || mover == v.Declarer) {
			return cards.OfSuit(c.Suit()).Highest()
		}
	}
	// the lowest card of the longest side suit
	best := rules.NoCard
	bl := -1
	for s := rules.Spades; s <= rules.Hearts; s++ {
		sc := cards.OfSuit(s)
		if sc == 0 || (hasTrump && s == trump && cards&^cards.OfSuit(trump) != 0) {
			continue
		}
		if n := sc.Len(); n > bl {
			best, bl = sc.Lowest(), n
		}
	}
	if best == rules.NoCard {
		return lowestRank(cards)
	}
	return best
}

// beats reports whether c beats cur, the card winning the trick.
func beats(c, cur rules.Card, trump rules.Suit, hasTrump bool) bool {
	if c.Suit() == cur.Suit() {
		return c.Rank() > cur.Rank()
	}
	return hasTrump && c.Suit() == trump
}

// lowestRank returns the card of lowest rank (fewest cards in its suit on ties).
func lowestRank(h rules.Hand) rules.Card {
	best := rules.NoCard
	for x := h; x != 0; x &= x - 1 {
		c := x.Lowest()
		if best == rules.NoCard || c.Rank() < best.Rank() ||
			c.Rank() == best.Rank() && h.OfSuit(c.Suit()).Len() < h.OfSuit(best.Suit()).Len() {
			best = c
		}
	}
	return best
}

// cheapest returns the card least worth keeping: the lowest card of a
// side suit, a trump only when nothing else is left.
func cheapest(h rules.Hand, hasTrump bool, trump rules.Suit) rules.Card {
	if hasTrump && h&^h.OfSuit(trump) != 0 {
		h &^= h.OfSuit(trump)
	}
	return lowestRank(h)
}

// highestUnder returns the highest card that does not beat cur, or the
// highest card when every card beats it (get rid of it now).
func highestUnder(h rules.Hand, cur rules.Card, trump rules.Suit, hasTrump bool) rules.Card {
	if cur == rules.NoCard {
		// first to a raspasy talon trick: nothing to stay under
		return lowestRank(h)
	}
	best := rules.NoCard
	for x := h; x != 0; x &= x - 1 {
		c := x.Lowest()
		if cur != rules.NoCard && beats(c, cur, trump, hasTrump) {
			continue
		}
		if best == rules.NoCard || c.Rank() > best.Rank() {
			best = c
		}
	}
	if best != rules.NoCard {
		return best
	}
	for x := h; x != 0; x &= x - 1 {
		if c := x.Lowest(); best == rules.NoCard || c.Rank() > best.Rank() {
			best = c
		}
	}
	return best
}
