package score

import "github.com/trelljaz/trelljaz/game/pref"

// RaspasyPrice returns p_k, the trick price of the k-th consecutive raspasy
// (k ≥ 1, RULES §9.1): raspasy_base × the progression 1-1-1, 1-2-3 or 1-2-4,
// which stays at its third step.
func (s Settings) RaspasyPrice(k int) int {
	step := min(max(k, 1), 3)
	switch s.RaspasyProg {
	case ProgArithmetic:
		return s.RaspasyBase * step
	case ProgGeometric:
		return s.RaspasyBase << (step - 1)
	}
	return s.RaspasyBase
}

// raspasy scores an all-pass deal (распасы, RULES §9).
func (s *Sheet) raspasy(d Deal) error {
	if d.Conceded {
		return fieldErr("raspasy", "a raspasy deal cannot be conceded")
	}
	if err := noWhist(d, "raspasy"); err != nil {
		return err
	}
	extra, extraMax := -1, 0
	if s.set.Players == 4 && s.set.RaspasyTalon == pref.TalonParticipates {
		extra, extraMax = s.dealer, 2 // the dealer plays the two talon cards (FSPR)
	}
	if err := s.checkTricks(d, extra, extraMax); err != nil {
		return err
	}
	active := s.Active()
	if s.set.RaspasyScoring == RaspasyWhists {
		s.raspasyWhists(d, active)
		return nil
	}
	p := s.set.RaspasyPrice(s.series + 1)
	if extra >= 0 {
		s.Mountain[extra] += Pts(d.Tricks[extra] * p)
	}
	for _, x := range active {
		if t := d.Tricks[x]; t > 0 {
			s.Mountain[x] += Pts(t * p)
		} else {
			s.addPool(x, Pts(p)) // zero-trick premium, in pool form
		}
	}
	return nil
}

// raspasyWhists is Rostov raspasy (RULES §9.2): the players with the fewest
// tricks write 5 whists per trick on each other player, split equally; a
// winner with no trick also writes 1 to the pool, and so does the
// sitting-out dealer of a 4-player pulka.
func (s *Sheet) raspasyWhists(d Deal, active [3]int) {
	m := 10
	for _, x := range active {
		m = min(m, d.Tricks[x])
	}
	var winners []int
	for _, x := range active {
		if d.Tricks[x] == m {
			winners = append(winners, x)
		}
	}
	for _, l := range active {
		if d.Tricks[l] == m {
			continue
		}
		share := Points(5*d.Tricks[l]) * pointsDen / Points(len(winners))
		for _, w := range winners {
			s.Whists[w][l] += share
		}
	}
	if m == 0 {
		for _, w := range winners {
			s.addPool(w, Pts(1))
		}
	}
	if s.set.Players == 4 {
		s.addPool(s.dealer, Pts(1))
	}
}
