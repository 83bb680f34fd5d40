package bridge

import (
	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/score"
)

// Options returns the play settings of a table's score settings: the RULES
// §14 options that change the auction, whisting or the play of the cards.
// Both packages spell them in the words of package pref, so this is a copy.
func Options(s score.Settings) (rules.Options, error) {
	o := rules.Options{
		Players:              s.Players,
		SeniorHold:           s.SeniorHold,
		BidJumps:             s.BidJumps,
		Exit:                 s.RaspasyExit,
		ExitByFailedContract: s.ExitByFailedContract,
		ExitRequiresWhisted:  s.ExitRequiresWhisted,
		MisereExits:          s.MisereExits,
		HalfWhist:            s.HalfWhist,
		Stalingrad:           s.Stalingrad,
		TenMode:              s.TenMode,
		CheckedTenOpen:       s.CheckedTenOpen,
		OpenTiming:           s.OpenTiming,
		MisereExpose:         s.MisereExposeTiming,
		MisereShowDeclarer:   s.MisereShowDeclarer,
		RaspasyTalon:         s.RaspasyTalon,
		Trick3Leader:         s.RaspasyTrick3Leader,
		DealerMayWhist:       s.DealerMayWhist,
		Concede:              s.ConcedeWithoutThree,
		Claims:               s.Claims,
	}
	if err := o.Validate(); err != nil {
		return rules.Options{}, err
	}
	return o, nil
}
