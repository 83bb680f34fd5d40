package bot

import "github.com/trelljaz/trelljaz/game/rules"

// trickRecord is one trick as the seat saw it.
type trickRecord struct {
	leader    int
	talonLead rules.Card
	cards     [4]rules.Card
	known     bool // leader and talonLead were seen
}

// memory is what the seat saw during the current deal.
type memory struct {
	dealer, series int
	phase          rules.Phase
	trickNo        int
	started        bool
	tricks         [10]trickRecord
	voids          [4]uint8 // suits each seat showed out of
	played         [4]rules.Hand

	// decisions the strong level made earlier in the deal
	plan      rules.Bid // the contract chosen with the discard
	maxBid    rules.Bid // the highest bid the auction evaluation allows (NoBid: pass)
	bidDone   bool      // maxBid is set
	misereBid bool      // the evaluation prefers misère
}

// observe folds a view into the memory, starting afresh on a new deal.
func (m *memory) observe(v *rules.SeatView) {
	if !m.started || v.Dealer != m.dealer || v.Series != m.series || v.Phase < m.phase || v.TrickNo < m.trickNo ||
		(v.Phase == rules.PhaseAuction && v.TopBid == rules.NoBid && allFalse(v.Passed) && m.phase != rules.PhaseAuction) {
		*m = memory{started: true, dealer: v.Dealer, series: v.Series}
		for i := range m.tricks {
			m.tricks[i].cards = [4]rules.Card{rules.NoCard, rules.NoCard, rules.NoCard, rules.NoCard}
		}
	}
	m.phase, m.trickNo = v.Phase, v.TrickNo
	if v.Phase != rules.PhasePlay && v.Phase != rules.PhaseDone {
		return
	}
	if k := v.TrickNo; k < 10 && v.Phase == rules.PhasePlay {
		r := &m.tricks[k]
		r.leader, r.talonLead, r.known = v.Leader, v.TalonLead, true
		for p, c := range v.Trick {
			if c != rules.NoCard {
				r.cards[p] = c
			}
		}
	}
	if k := v.TrickNo - 1; k >= 0 && k < 10 {
		r := &m.tricks[k]
		for p, c := range v.LastTrick {
			if c != rules.NoCard {
				r.cards[p] = c
			}
		}
	}
	trump, hasTrump := v.Contract.Trump()
	hasTrump = hasTrump && v.Kind == rules.KindContract
	m.voids = [4]uint8{}
	m.played = [4]rules.Hand{}
	for k := 0; k <= v.TrickNo && k < 10; k++ {
		r := &m.tricks[k]
		for p, c := range r.cards {
			if c != rules.NoCard {
				m.played[p] = m.played[p].With(c)
			}
		}
		if !r.known {
			continue
		}
		var lead rules.Suit
		if r.talonLead != rules.NoCard {
			lead = r.talonLead.Suit()
		} else if c := r.cards[r.leader]; c != rules.NoCard {
			lead = c.Suit()
		} else {
			continue
		}
		for p, c := range r.cards {
			if c == rules.NoCard || c.Suit() == lead {
				continue
			}
			m.voids[p] |= 1 << lead
			if hasTrump && c.Suit() != trump {
				m.voids[p] |= 1 << trump
			}
		}
	}
}

func allFalse(b [4]bool) bool { return !b[0] && !b[1] && !b[2] && !b[3] }

// active returns the seats taking part in the deal in play order, the
// first hand first.
func active(v *rules.SeatView) [3]int {
	var a [3]int
	s := v.Dealer
	for i := 0; i < 3; i++ {
		s = (s + 1) % v.Players
		if v.Players == 4 && s == v.Dealer {
			s = (s + 1) % v.Players
		}
		a[i] = s
	}
	return a
}

// index returns seat's place in a (play order), or -1.
func index(a [3]int, seat int) int {
	for i, s := range a {
		if s == seat {
			return i
		}
	}
	return -1
}
