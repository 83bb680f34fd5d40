// Package bridge connects the rules engine (package rules) with the score
// sheet (package score): it turns a finished deal into a score.Deal and a
// convention's settings into rules.Options.
package bridge

import (
	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/score"
)

// Deal converts the result of a finished deal into the input of the score sheet.
func Deal(r rules.Result) score.Deal {
	d := score.Deal{Raspasy: r.Kind == rules.KindRaspasy, Declarer: r.Declarer}
	if r.Kind == rules.KindRaspasy {
		d.Declarer = 0
	}
	if r.Kind == rules.KindMisere {
		d.Contract = score.Misere
	} else if r.Kind == rules.KindContract {
		d.Contract = score.Trick(r.Contract.Level(), score.Strain(r.Contract.Strain()))
		d.TalonBonus = rules.TalonBonus(r.Talon)
	}
	d.Whist = r.Calls
	if r.Ending == rules.EndingPlayed {
		d.Tricks = r.Tricks
	}
	d.Conceded = r.Ending == rules.EndingConceded
	return d
}
