package score

import (
	"github.com/trelljaz/trelljaz/game/pref"
	"github.com/trelljaz/trelljaz/game/rules"
)

// misere scores a misère (мизер, RULES §8.7): the declarer writes 10 to the
// pool with no trick, otherwise misere_mult per trick to the mountain. The
// catchers write nothing (RULES §15 item 6). It reports how the misère
// ended, for the raspasy series (RULES §9.3).
func (s *Sheet) misere(d Deal) (pref.Outcome, error) {
	if _, _, err := s.checkDeclarer(d); err != nil {
		return 0, err
	}
	if err := noWhist(d, "misère"); err != nil {
		return 0, err
	}
	if d.Conceded {
		return 0, fieldErr("contract", "misère cannot be conceded")
	}
	if err := s.checkTricks(d, -1, 0); err != nil {
		return 0, err
	}
	t := d.Tricks[d.Declarer]
	if t == 0 {
		s.addPool(d.Declarer, Pts(rules.Misere.Value()))
	} else {
		s.Mountain[d.Declarer] += Pts(t * s.set.MisereMult)
	}
	if t > 0 {
		return pref.Failed, nil
	}
	return pref.Made, nil
}
