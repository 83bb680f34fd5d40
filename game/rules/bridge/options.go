package bridge

import (
	"fmt"

	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/score"
)

// Options returns the play settings of a table's score settings: the RULES
// §14 options that change the auction, whisting or the play of the cards.
func Options(s score.Settings) (rules.Options, error) {
	o := rules.Options{
		Players:              s.Players,
		SeniorHold:           s.SeniorHold,
		BidJumps:             s.BidJumps,
		ExitByFailedContract: s.ExitByFailedContract,
		ExitRequiresWhisted:  s.ExitRequiresWhisted,
		MisereExits:          s.MisereExits,
		HalfWhist:            s.HalfWhist,
		Stalingrad:           s.Stalingrad,
		CheckedTenOpen:       s.CheckedTenOpen,
		MisereShowDeclarer:   s.MisereShowDeclarer,
		Trick3ByWinner:       s.RaspasyTrick3Leader == score.Trick3Trick2Winner,
		Concede:              s.ConcedeWithoutThree,
		DealerMayWhist:       s.DealerMayWhist,
	}
	for i, e := range s.RaspasyExit {
		if e < 6 || e > 10 {
			return rules.Options{}, fmt.Errorf("raspasy_exit: level %d out of range", e)
		}
		o.Exit[i] = uint8(e)
	}
	switch s.TenMode {
	case score.TenChecked:
		o.TenMode = rules.TenChecked
	case score.TenWhisted:
		o.TenMode = rules.TenWhisted
	default:
		return rules.Options{}, fmt.Errorf("ten_mode: unknown value %d", s.TenMode)
	}
	switch s.OpenTiming {
	case score.OpenBeforeFirstLead:
		o.OpenTiming = rules.BeforeFirstLead
	case score.OpenAfterFirstTrick:
		o.OpenTiming = rules.AfterFirstTrick
	default:
		return rules.Options{}, fmt.Errorf("open_timing: unknown value %d", s.OpenTiming)
	}
	switch s.MisereExposeTiming {
	case score.ExposeAfterFirstTrick:
		o.MisereExpose = rules.AfterFirstTrick
	case score.ExposeAfterFirstCard:
		o.MisereExpose = rules.AfterFirstCard
	default:
		return rules.Options{}, fmt.Errorf("misere_expose_timing: unknown value %d", s.MisereExposeTiming)
	}
	switch s.RaspasyTalon {
	case score.TalonLeadSuit:
		o.RaspasyTalon = rules.TalonLeadSuit
	case score.TalonIgnored:
		o.RaspasyTalon = rules.TalonIgnored
	case score.TalonParticipates:
		o.RaspasyTalon = rules.TalonParticipates
	default:
		return rules.Options{}, fmt.Errorf("raspasy_talon: unknown value %d", s.RaspasyTalon)
	}
	switch s.Claims {
	case score.ClaimsOff:
		o.Claims = rules.ClaimsOff
	case score.ClaimsDeclarerOnly:
		o.Claims = rules.ClaimsDeclarerOnly
	case score.ClaimsProposeAccept:
		o.Claims = rules.ClaimsProposeAccept
	default:
		return rules.Options{}, fmt.Errorf("claims: unknown value %d", s.Claims)
	}
	if err := o.Validate(); err != nil {
		return rules.Options{}, err
	}
	return o, nil
}
