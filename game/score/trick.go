package score

import (
	"github.com/trelljaz/trelljaz/game/pref"
	"github.com/trelljaz/trelljaz/game/rules"
)

// Price is the whist price per trick of a contract (цена виста, RULES §8.2):
// v(L)·whist_mult.
func (s Settings) Price(c rules.Bid) int { return c.Value() * s.WhistMult }

// Obligation is the number of tricks the defending side must take
// (обязательное количество взяток, RULES §5.1): 4 on a six, 2 on a seven,
// 1 on eight, nine and a whisted ten, 0 on a checked ten.
func (s Settings) Obligation(c rules.Bid) int {
	switch {
	case c == rules.Misere:
		return 0
	case c.Level() == 6:
		return 4
	case c.Level() == 7:
		return 2
	case c.Level() == 10 && s.TenMode == pref.TenChecked:
		return 0
	}
	return 1
}

// RespRate is the mountain charged per trick a responsible whister is short
// (RULES §8.5), in half points: price for full responsibility, price/2 for
// half, 0 for none.
func (s Settings) RespRate(c rules.Bid) Points {
	switch s.WhistResp {
	case RespFull:
		return Pts(s.Price(c))
	case RespHalf:
		return Half(s.Price(c))
	}
	return 0
}

// ConsolationRate is what each defender writes per undertrick (консоляция,
// RULES §8.2): the whist price, a fixed 10 (Rostov) or nothing.
func (s Settings) ConsolationRate(c rules.Bid) int {
	switch s.Consolation {
	case ConsolationPrice:
		return s.Price(c)
	case ConsolationFixed10:
		return 10
	}
	return 0
}

// Forced reports whether both defenders must whist the contract: a checked
// ten, or 6♠ under Stalingrad (RULES §8.8).
func (s Settings) Forced(c rules.Bid) bool {
	if c == rules.Misere {
		return false
	}
	return (c.Level() == 10 && s.TenMode == pref.TenChecked) ||
		(s.Stalingrad && c == rules.SixSpades)
}

// defenders returns the first defender F (next active seat clockwise after
// the declarer) and the second defender S.
func (s *Sheet) defenders(declarer int) (f, sec int) {
	a := s.Active()
	for i, p := range a {
		if p == declarer {
			return a[(i+1)%3], a[(i+2)%3]
		}
	}
	return -1, -1
}

// checkDeclarer validates the contract and the declarer of a trick or misère deal.
func (s *Sheet) checkDeclarer(d Deal) (f, sec int, err error) {
	if !d.Contract.Valid() {
		return 0, 0, fieldErr("contract", "%q is not a contract", d.Contract.ASCII())
	}
	lowest := s.MinLevel()
	if d.Contract == rules.Misere && lowest > 8 || d.Contract != rules.Misere && d.Contract.Level() < lowest {
		return 0, 0, fieldErr("contract", "%s is below the raspasy exit: level %d after %d raspasy", d.Contract.ASCII(), lowest, s.series)
	}
	if d.Declarer < 0 || d.Declarer >= s.set.Players {
		return 0, 0, fieldErr("declarer", "seat %d out of range", d.Declarer)
	}
	f, sec = s.defenders(d.Declarer)
	if f < 0 {
		return 0, 0, fieldErr("declarer", "%s is the dealer and sits this deal out", s.name(d.Declarer))
	}
	return f, sec, nil
}

// defence is the whisting outcome of a trick contract.
type defence struct {
	played   bool
	half     bool // S half-whisted and F passed: unplayed, §8.6
	whisters int  // 0, 1 or 2 whisting defenders (the dealer not counted)
	lone     int  // the lone whister, when whisters == 1
	returned bool // F returned the whist: S takes no part (Decision 17)
	dealer   bool // the sitting-out dealer whists (FSPR dealer_may_whist)
	forced   bool // checked ten or Stalingrad
}

// whisting validates the whist decisions of a trick contract (RULES §5.2).
func (s *Sheet) whisting(d Deal, f, sec int) (defence, error) {
	n := s.set.Players
	for p := 0; p < rules.MaxPlayers; p++ {
		w := d.Whist[p]
		if w == pref.CallNone || p == f || p == sec {
			continue
		}
		switch {
		case p == d.Declarer:
			return defence{}, fieldErr("whist", "%s is the declarer", s.name(p))
		case p >= n:
			return defence{}, fieldErr("whist", "seat %d does not exist", p)
		case w != pref.CallWhist && w != pref.CallPass || !s.set.DealerMayWhist:
			return defence{}, fieldErr("whist", "%s is the dealer and sits this deal out", s.name(p))
		}
	}
	wf, ws := d.Whist[f], d.Whist[sec]
	dealerWhists := n == 4 && d.Whist[s.dealer] == pref.CallWhist
	if s.set.Forced(d.Contract) {
		if (wf != pref.CallNone && wf != pref.CallWhist) || (ws != pref.CallNone && ws != pref.CallWhist) || dealerWhists {
			return defence{}, fieldErr("whist", "%s is whisted by both defenders by force", d.Contract.ASCII())
		}
		return defence{played: true, whisters: 2, forced: true}, nil
	}
	if wf == pref.CallNone {
		return defence{}, fieldErr("whist", "missing for %s", s.name(f))
	}
	if ws == pref.CallNone {
		return defence{}, fieldErr("whist", "missing for %s", s.name(sec))
	}
	if dealerWhists && !(wf == pref.CallPass && ws == pref.CallHalf) {
		return defence{}, fieldErr("whist", "the dealer may whist only after pass and half-whist")
	}
	switch {
	case wf == pref.CallHalf:
		return defence{}, fieldErr("whist", "%s speaks first and cannot half-whist", s.name(f))
	case ws == pref.CallReturned:
		return defence{}, fieldErr("whist", "%s speaks second and cannot return a whist", s.name(sec))
	case ws == pref.CallHalf && wf == pref.CallWhist:
		return defence{}, fieldErr("whist", "%s cannot half-whist after a whist", s.name(sec))
	case ws == pref.CallHalf && !s.set.HalfWhist:
		return defence{}, fieldErr("whist", "half-whist is off (option half_whist)")
	case ws == pref.CallHalf && d.Contract.Level() > 7:
		return defence{}, fieldErr("whist", "half-whist is only for 6 and 7, not %s", d.Contract.ASCII())
	case wf == pref.CallReturned && ws != pref.CallHalf:
		return defence{}, fieldErr("whist", "%s can return a whist only after a half-whist", s.name(f))
	}
	switch {
	case wf == pref.CallWhist && ws == pref.CallWhist:
		return defence{played: true, whisters: 2}, nil
	case wf == pref.CallWhist:
		return defence{played: true, whisters: 1, lone: f}, nil
	case wf == pref.CallReturned:
		return defence{played: true, whisters: 1, lone: f, returned: true}, nil
	case ws == pref.CallWhist:
		return defence{played: true, whisters: 1, lone: sec}, nil
	case ws == pref.CallHalf && dealerWhists:
		return defence{played: true, dealer: true}, nil
	case ws == pref.CallHalf:
		return defence{half: true}, nil
	}
	return defence{}, nil // both passed
}

// trick scores a trick contract (RULES §8.3, §8.6, §8.8) and reports how
// it ended, for the raspasy series (RULES §9.3).
func (s *Sheet) trick(d Deal) (pref.Outcome, error) {
	f, sec, err := s.checkDeclarer(d)
	if err != nil {
		return 0, err
	}
	if d.TalonBonus < 0 || d.TalonBonus > 3 {
		return 0, fieldErr("talon", "bonus %d outside 0..3", d.TalonBonus)
	}
	if d.Conceded {
		return s.concede(d, f, sec)
	}
	def, err := s.whisting(d, f, sec)
	if err != nil {
		return 0, err
	}
	c, D := d.Contract, d.Declarer
	price := s.set.Price(c)
	if !def.played {
		if err := noTricks(d); err != nil {
			return 0, err
		}
		s.addPool(D, Pts(c.Value()))
		if def.half { // полвиста: S writes half the obligation's whists
			s.Whists[sec][D] += Pts(s.set.Obligation(c) / 2 * price)
		}
		s.talonBonus(d, f, sec)
		return pref.Unplayed, nil
	}
	if err := s.checkTricks(d, -1, 0); err != nil {
		return 0, err
	}
	t := d.Tricks
	under := max(0, c.Level()-t[D])
	side := t[f] + t[sec]
	if under == 0 {
		s.addPool(D, Pts(c.Value()))
	} else {
		s.Mountain[D] += Pts(under * s.set.FailMult * c.Value())
	}
	// Whists for the side's tricks.
	switch {
	case def.dealer:
		s.Whists[s.dealer][D] += Pts(side * price)
	case def.whisters == 2:
		s.Whists[f][D] += Pts(t[f] * price)
		s.Whists[sec][D] += Pts(t[sec] * price)
	case s.set.WhistStyle == Gentleman && !def.returned &&
		(under > 0 || s.set.GentlemanScope == ScopeAlways):
		s.Whists[f][D] += Half(side * price)
		s.Whists[sec][D] += Half(side * price)
	default:
		s.Whists[def.lone][D] += Pts(side * price)
	}
	// Consolation (консоляция).
	if under > 0 {
		cons := Pts(under * s.set.ConsolationRate(c))
		if def.dealer {
			// The whisting dealer writes all the whists, the consolation once
			// (RULES §6; its source [F] takes the writers as a set).
			s.Whists[s.dealer][D] += cons
		} else {
			writers, nw := [3]int{f}, 1
			if !def.returned {
				writers[nw], nw = sec, nw+1
			}
			if s.set.Players == 4 && s.set.ConsolationToDealer {
				writers[nw], nw = s.dealer, nw+1
			}
			for _, x := range writers[:nw] {
				s.Whists[x][D] += cons
			}
		}
	}
	// Responsibility (недобор на висте, RULES §5.4).
	if !def.dealer {
		o, rate := s.set.Obligation(c), s.set.RespRate(c)
		switch {
		case side >= o:
		case def.whisters == 1:
			s.Mountain[def.lone] += Points(o-side) * rate
		case o >= 2:
			s.Mountain[f] += Points(max(0, o/2-t[f])) * rate
			s.Mountain[sec] += Points(max(0, o/2-t[sec])) * rate
		case s.set.LowObligMode == LowObligBoth:
			s.Mountain[f] += rate
			s.Mountain[sec] += rate
		default: // the second whister answers
			s.Mountain[sec] += rate
		}
	}
	s.talonBonus(d, f, sec)
	if under > 0 {
		return pref.Failed, nil
	}
	return pref.Made, nil
}

// concede scores «без трёх» (Decision 9): the contract failed by exactly
// three, both defenders counted as whisting, the side's trick whists split
// equally, consolation as usual.
func (s *Sheet) concede(d Deal, f, sec int) (pref.Outcome, error) {
	if !s.set.ConcedeWithoutThree {
		return 0, fieldErr("contract", "conceding without three is off (option concede_without_three)")
	}
	if err := noWhist(d, "a conceded contract"); err != nil {
		return 0, err
	}
	if err := noTricks(d); err != nil {
		return 0, err
	}
	c, D := d.Contract, d.Declarer
	price := s.set.Price(c)
	const under = 3
	side := 10 - (c.Level() - under)
	s.Mountain[D] += Pts(under * s.set.FailMult * c.Value())
	s.Whists[f][D] += Half(side * price)
	s.Whists[sec][D] += Half(side * price)
	cons := Pts(under * s.set.ConsolationRate(c))
	s.Whists[f][D] += cons
	s.Whists[sec][D] += cons
	if s.set.Players == 4 && s.set.ConsolationToDealer {
		s.Whists[s.dealer][D] += cons
	}
	s.talonBonus(d, f, sec)
	return pref.Conceded, nil
}

// talonBonus writes the talon premium («платный прикуп», RULES §6): units ×
// the whist price, by the dealer with four players, half by each defender
// with three.
func (s *Sheet) talonBonus(d Deal, f, sec int) {
	if !s.set.TalonBonus || d.TalonBonus == 0 {
		return
	}
	amount := d.TalonBonus * s.set.Price(d.Contract)
	if s.set.Players == 4 {
		s.Whists[s.dealer][d.Declarer] += Pts(amount)
		return
	}
	s.Whists[f][d.Declarer] += Half(amount)
	s.Whists[sec][d.Declarer] += Half(amount)
}
