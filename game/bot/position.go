package bot

import (
	"github.com/trelljaz/trelljaz/game/bot/dd"
	"github.com/trelljaz/trelljaz/game/pref"
	"github.com/trelljaz/trelljaz/game/rules"
)

// playPosition returns the trick-play position of v with the given hands
// (by seat) for the solver, the player numbers being the places in play
// order (active). hiddenTalon holds the talon cards the seat does not
// see, which a raspasy may still turn. mover is the seat whose card it
// is; opt are the table's play settings.
func playPosition(v *rules.SeatView, opt *rules.Options, hands [4]rules.Hand, hiddenTalon rules.Hand, mover int) dd.Position {
	act := active(v)
	var p dd.Position
	for i, s := range act {
		p.Hands[i] = hands[s]
	}
	p.Trump = rules.NoTrump
	if t, ok := v.Contract.Trump(); ok && v.Kind == rules.KindContract {
		p.Trump = rules.Strain(t)
	}
	p.Leader = index(act, v.Leader)
	p.FirstHand = 0
	for i := 0; i < 3; i++ {
		s := act[(p.Leader+i)%3]
		if c := v.Trick[s]; c != rules.NoCard {
			p.Trick[p.NTrick] = c
			p.NTrick++
		} else {
			break
		}
	}
	p.Trick3ByWinner = opt.RaspasyTrick3Leader == pref.Trick3Trick2Winner
	p.TalonWins = opt.RaspasyTalon == pref.TalonParticipates && v.Players == 4
	if v.TalonLead != rules.NoCard {
		p.Talon[0], p.NTalon = v.TalonLead, 1
		if v.TrickNo == 0 && hiddenTalon != 0 {
			p.Talon[1], p.NTalon = hiddenTalon.Lowest(), 2
		}
	}
	switch v.Kind {
	case rules.KindContract:
		p.Goal = dd.ContractGoal(index(act, v.Declarer), false)
	case rules.KindMisere:
		p.Goal = dd.ContractGoal(index(act, v.Declarer), true)
	default:
		p.Goal = dd.RaspasyGoal(index(act, mover))
	}
	return p
}

// declarerPosition is trick 1 of a contract (or misère when c is
// Misere) declared by seat decl, the first hand on lead.
func declarerPosition(v *rules.SeatView, hands [4]rules.Hand, decl int, c rules.Bid) dd.Position {
	act := active(v)
	var p dd.Position
	for i, s := range act {
		p.Hands[i] = hands[s]
	}
	p.Trump = rules.NoTrump
	if t, ok := c.Trump(); ok {
		p.Trump = rules.Strain(t)
	}
	p.Goal = dd.ContractGoal(index(act, decl), c == rules.Misere)
	return p
}
