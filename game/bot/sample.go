package bot

import (
	"math/rand/v2"

	"github.com/trelljaz/trelljaz/game/rules"
)

// Slot kinds besides seats (0..3).
const (
	slotTalon   = -1 // hidden talon cards
	slotDiscard = -2 // the declarer's hidden discard
)

// slot is a hidden place the unseen cards go to.
type slot struct {
	seat  int   // a seat, slotTalon or slotDiscard
	size  int   // cards it holds
	voids uint8 // suits it cannot hold
}

// unseen is what a seat does not see: the cards, and where they are.
type unseen struct {
	known [4]rules.Hand // cards of each seat the viewer sees (own hand, face-up hands)
	pool  rules.Hand    // the unseen cards
	slots []slot

	// a soft constraint: seat trumpSeat holds at least trumpMin cards of
	// trump, counting those it played already
	trumpSeat int
	trump     rules.Suit
	trumpMin  int
	played    rules.Hand // the trumpSeat's played cards

	// talon cards turned face up for everyone and taken by the declarer:
	// they are in his hidden hand or in his hidden discard
	talonKept rules.Hand
	declarer  int
}

// unseenOf works out where the unseen cards may be from v. ok is false
// when the counts do not add up (a view the bot does not understand).
func unseenOf(v *rules.SeatView, m *memory) (u unseen, ok bool) {
	u.trumpSeat = -1
	seen := v.Played | v.Discard
	for _, c := range v.Talon {
		seen = seen.With(c)
	}
	seen = seen.With(v.TalonLead)
	act := active(v)
	for _, p := range act {
		seen |= v.Hands[p]
		u.known[p] = v.Hands[p]
	}
	u.pool = rules.FullDeck &^ seen
	u.declarer = v.Declarer
	if (v.Kind == rules.KindContract || v.Kind == rules.KindMisere) && v.Declarer >= 0 && v.Declarer != v.Viewer && v.Phase > rules.PhaseAuction {
		// the open talon went into the declarer's hand: the cards not
		// played yet nor shown are in his hand or his discard
		for _, c := range v.Talon {
			if c != rules.NoCard && !v.Played.Has(c) && !v.Hands[v.Declarer].Has(c) && !v.Discard.Has(c) {
				u.talonKept = u.talonKept.With(c)
			}
		}
		u.pool |= u.talonKept
	}
	for _, p := range act {
		if v.Hands[p] == 0 && v.HandSize[p] > 0 {
			u.slots = append(u.slots, slot{seat: p, size: v.HandSize[p], voids: m.voids[p]})
		} else if v.Hands[p].Len() != v.HandSize[p] {
			return u, false
		}
	}
	hiddenTalon := 0
	for _, c := range v.Talon {
		if c == rules.NoCard {
			hiddenTalon++
		}
	}
	if v.Phase == rules.PhaseAuction {
		hiddenTalon = 2
	}
	if hiddenTalon > 0 {
		u.slots = append(u.slots, slot{seat: slotTalon, size: hiddenTalon})
	}
	if (v.Kind == rules.KindContract || v.Kind == rules.KindMisere) && v.Discard == 0 && v.Phase >= rules.PhaseDeclare {
		u.slots = append(u.slots, slot{seat: slotDiscard, size: 2})
	}
	n := 0
	for _, s := range u.slots {
		n += s.size
	}
	if n != u.pool.Len() {
		return u, false
	}
	if t, hasTrump := v.Contract.Trump(); hasTrump && v.Kind == rules.KindContract && v.Declarer >= 0 && v.Hands[v.Declarer] == 0 {
		u.trumpSeat, u.trump, u.trumpMin, u.played = v.Declarer, t, 4, m.played[v.Declarer]
	}
	return u, true
}

// deal deals the unseen cards to the slots at random, respecting the
// voids (and, when it can, the soft trump constraint). It returns the
// hands by seat (known cards plus dealt ones) and the hidden talon cards.
func (u *unseen) deal(rng *rand.Rand, pool []rules.Card) (hands [4]rules.Hand, talon rules.Hand) {
	pool = u.pool.Cards(pool[:0])
	var got [8]rules.Hand
	for try := 0; ; try++ {
		strict := try < 20
		rng.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
		var room [8]int
		for i, s := range u.slots {
			room[i] = s.size
			got[i] = 0
		}
		okDeal := true
		// the talon cards first: only two places can take them
		for k := range pool {
			if u.talonKept.Has(pool[k]) {
				for j := 0; j < k; j++ {
					if !u.talonKept.Has(pool[j]) {
						pool[j], pool[k] = pool[k], pool[j]
						break
					}
				}
			}
		}
		for _, c := range pool {
			fits := func(s slot) bool {
				if try >= 40 {
					return true // give up on constraints rather than loop
				}
				if u.talonKept.Has(c) {
					return s.seat == u.declarer || s.seat == slotDiscard
				}
				return !strict || s.voids&(1<<c.Suit()) == 0
			}
			total := 0
			for i, s := range u.slots {
				if room[i] > 0 && fits(s) {
					total += room[i]
				}
			}
			if total == 0 {
				okDeal = false
				break
			}
			r := rng.IntN(total)
			for i, s := range u.slots {
				if room[i] > 0 && fits(s) {
					if r < room[i] {
						got[i] = got[i].With(c)
						room[i]--
						break
					}
					r -= room[i]
				}
			}
		}
		if !okDeal {
			continue
		}
		if strict && try < 10 && u.trumpSeat >= 0 {
			for i, s := range u.slots {
				if s.seat == u.trumpSeat && (got[i]|u.played).OfSuit(u.trump).Len() < u.trumpMin {
					okDeal = false
				}
			}
			if !okDeal {
				continue
			}
		}
		break
	}
	hands = u.known
	for i, s := range u.slots {
		switch {
		case s.seat >= 0:
			hands[s.seat] |= got[i]
		case s.seat == slotTalon:
			talon |= got[i]
		}
	}
	return hands, talon
}
