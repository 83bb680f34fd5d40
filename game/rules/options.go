package rules

import (
	"fmt"

	"github.com/trelljaz/trelljaz/game/pref"
)

// Options are the table settings that change how a deal is played (the
// scoring settings live in package score). The zero value is not valid; start
// from DefaultOptions.
type Options struct {
	// Players is 3 or 4. With 4 the dealer sits each deal out.
	Players int
	// SeniorHold allows «здесь»: a player senior in bidding order to the top
	// bidder may match the top bid (RULES §4.2). Default false.
	SeniorHold bool
	// BidJumps allows bids that skip ladder steps. Default true. When false
	// a trick bid must be the lowest trick bid the player may make.
	BidJumps bool
	// Exit is the raspasy exit list (raspasy_exit): after k consecutive
	// raspasy the lowest bid level is Exit.After(k). {6,6,6} means no
	// restriction. Misère stays biddable unless the level is above 8.
	Exit pref.Exit
	// ExitByFailedContract: a failed contract ends a raspasy series. Default true.
	ExitByFailedContract bool
	// ExitRequiresWhisted: only a whisted contract that is played ends a
	// raspasy series (FSPR). Default false.
	ExitRequiresWhisted bool
	// MisereExits: a misère ends a raspasy series. Default true (FSPR false).
	MisereExits bool
	// HalfWhist allows the half-whist (полвиста) on 6 and 7. Default true.
	HalfWhist bool
	// Stalingrad forces both defenders to whist 6♠. Default false.
	Stalingrad bool
	// TenMode is checked (forced whist) or whisted. Default pref.TenChecked (Sochi).
	TenMode pref.TenMode
	// CheckedTenOpen plays a checked ten with both defenders' hands face
	// up (each defender still plays their own cards). Default false.
	CheckedTenOpen bool
	// OpenTiming is when open whisting shows the hands: pref.BeforeFirstLead
	// (default) or pref.AfterFirstTrick.
	OpenTiming pref.Timing
	// MisereExpose is when the misère catchers show their hands:
	// pref.AfterFirstTrick (default) or pref.AfterFirstCard.
	MisereExpose pref.Timing
	// MisereShowDeclarer also shows the misère declarer's remaining hand and
	// discard after the first trick. Default false.
	MisereShowDeclarer bool
	// RaspasyTalon is what the talon does in raspasy. Default pref.TalonLeadSuit.
	RaspasyTalon pref.RaspasyTalon
	// Trick3Leader is who leads trick 3 in raspasy with talon leads:
	// pref.Trick3FirstHand by default (Decision 2), or pref.Trick3Trick2Winner.
	Trick3Leader pref.Trick3Leader
	// DealerMayWhist lets the sitting-out dealer of a four-player deal
	// whist after «пас — полвиста — пас» (FSPR, RULES §6). He then plays
	// both defenders' hands, face up. Default false.
	DealerMayWhist bool
	// Concede allows «без трёх»: after the discard the declarer may refuse
	// to play (scored as the winning bid failed by 3). Default false.
	Concede bool
	// Claims is how the remaining tricks of a trick contract may be
	// claimed (RULES §14 `claims`, claim.go). Default pref.ClaimsProposeAccept.
	Claims pref.ClaimMode
}

// DefaultOptions returns the Trelljaz defaults (the Sochi preset of RULES
// §13 with the Decisions) for the given number of players.
func DefaultOptions(players int) Options {
	return Options{
		Players:              players,
		BidJumps:             true,
		Exit:                 [3]uint8{6, 6, 6},
		ExitByFailedContract: true,
		MisereExits:          true,
		HalfWhist:            true,
		TenMode:              pref.TenChecked,
		OpenTiming:           pref.BeforeFirstLead,
		MisereExpose:         pref.AfterFirstTrick,
		RaspasyTalon:         pref.TalonLeadSuit,
		Claims:               pref.ClaimsProposeAccept,
	}
}

// Validate reports the first setting that is out of range.
func (o Options) Validate() error {
	if o.Players != 3 && o.Players != 4 {
		return fmt.Errorf("options: players must be 3 or 4, not %d", o.Players)
	}
	if err := o.Exit.Validate(); err != nil {
		return fmt.Errorf("options: %w", err)
	}
	if o.TenMode > pref.TenWhisted {
		return fmt.Errorf("options: unknown ten mode %d", o.TenMode)
	}
	if o.OpenTiming != pref.BeforeFirstLead && o.OpenTiming != pref.AfterFirstTrick {
		return fmt.Errorf("options: unknown open timing %d", o.OpenTiming)
	}
	if o.MisereExpose != pref.AfterFirstTrick && o.MisereExpose != pref.AfterFirstCard {
		return fmt.Errorf("options: unknown misère exposure timing %d", o.MisereExpose)
	}
	if o.RaspasyTalon > pref.TalonParticipates {
		return fmt.Errorf("options: unknown raspasy talon mode %d", o.RaspasyTalon)
	}
	if o.Trick3Leader > pref.Trick3Trick2Winner {
		return fmt.Errorf("options: unknown trick 3 leader %d", o.Trick3Leader)
	}
	if o.Claims > pref.ClaimsProposeAccept {
		return fmt.Errorf("options: unknown claims mode %d", o.Claims)
	}
	return nil
}
