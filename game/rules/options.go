package rules

import (
	"fmt"

	"github.com/trelljaz/trelljaz/game/pref"
)

// MaxPlayers is the largest table: four players, the dealer sitting each
// deal out. Per-seat arrays have this length.
const MaxPlayers = 4

// Options are the table settings that change how a deal is played: the
// RULES §14 settings of the auction, whisting and the play of the cards,
// each field named after its RULES identifier. The scoring settings live in
// package score, whose Settings embed Options, so a table's settings hold
// the engine's options as they are. The zero value is not valid; start from
// DefaultOptions.
type Options struct {
	// Players is players, 3 or 4. With 4 the dealer sits each deal out.
	Players int
	// SeniorHold is senior_hold: it allows «здесь», a player senior in
	// bidding order to the top bidder may match the top bid (RULES §4.2).
	// Default false.
	SeniorHold bool
	// BidJumps is bid_jumps: it allows bids that skip ladder steps. Default
	// true. When false a trick bid must be the lowest trick bid the player
	// may make.
	BidJumps bool
	// RaspasyExit is raspasy_exit: after k consecutive raspasy the lowest
	// bid level is RaspasyExit.After(k). {6,6,6} means no restriction.
	// Misère stays biddable unless the level is above 8.
	RaspasyExit pref.Exit
	// SeriesRules are exit_by_failed_contract (default true),
	// exit_requires_whisted (default false, FSPR true) and misere_exits
	// (default true, FSPR false): which deals end a raspasy series.
	pref.SeriesRules
	// HalfWhist is half_whist: it allows the half-whist (полвиста) on 6 and
	// 7. Default true.
	HalfWhist bool
	// Stalingrad is stalingrad: both defenders whist 6♠ by force. Default false.
	Stalingrad bool
	// TenMode is ten_mode: checked (forced whist) or whisted. Default
	// pref.TenChecked (Sochi).
	TenMode pref.TenMode
	// CheckedTenOpen is checked_ten_open: a checked ten is played with both
	// defenders' hands face up (each defender still plays their own cards).
	// Default false.
	CheckedTenOpen bool
	// OpenTiming is open_timing, when open whisting shows the hands:
	// pref.BeforeFirstLead (default) or pref.AfterFirstTrick.
	OpenTiming pref.Timing
	// MisereExposeTiming is misere_expose_timing, when the misère catchers
	// show their hands: pref.AfterFirstTrick (default) or pref.AfterFirstCard.
	MisereExposeTiming pref.Timing
	// MisereShowDeclarer is misere_show_declarer: the misère declarer's
	// remaining hand and discard are shown after the first trick too.
	// Default false.
	MisereShowDeclarer bool
	// RaspasyTalon is raspasy_talon, what the talon does in raspasy.
	// Default pref.TalonLeadSuit.
	RaspasyTalon pref.RaspasyTalon
	// RaspasyTrick3Leader is raspasy_trick3_leader, who leads trick 3 in
	// raspasy with talon leads: pref.Trick3FirstHand by default (Decision
	// 2), or pref.Trick3Trick2Winner.
	RaspasyTrick3Leader pref.Trick3Leader
	// DealerMayWhist is dealer_may_whist: the sitting-out dealer of a
	// four-player deal may whist after «пас — полвиста — пас» (FSPR, RULES
	// §6). He then plays both defenders' hands, face up. Default false.
	DealerMayWhist bool
	// ConcedeWithoutThree is concede_without_three: it allows «без трёх»,
	// after the discard the declarer may refuse to play (scored as the
	// winning bid failed by 3). Default false.
	ConcedeWithoutThree bool
	// Claims is claims, how the remaining tricks of a trick contract may be
	// claimed (claim.go). Default pref.ClaimsProposeAccept.
	Claims pref.ClaimMode
}

// DefaultOptions returns the Trelljaz defaults (the Sochi preset of RULES
// §13 with the Decisions) for the given number of players.
func DefaultOptions(players int) Options {
	return Options{
		Players:            players,
		BidJumps:           true,
		RaspasyExit:        pref.Exit{6, 6, 6},
		SeriesRules:        pref.SeriesRules{ExitByFailedContract: true, MisereExits: true},
		HalfWhist:          true,
		TenMode:            pref.TenChecked,
		OpenTiming:         pref.BeforeFirstLead,
		MisereExposeTiming: pref.AfterFirstTrick,
		RaspasyTalon:       pref.TalonLeadSuit,
		Claims:             pref.ClaimsProposeAccept,
	}
}

// Validate reports the first setting that is out of range.
func (o Options) Validate() error {
	if o.Players != 3 && o.Players != 4 {
		return fmt.Errorf("options: players must be 3 or 4, not %d", o.Players)
	}
	if err := o.RaspasyExit.Validate(); err != nil {
		return fmt.Errorf("options: %w", err)
	}
	if o.TenMode > pref.TenWhisted {
		return fmt.Errorf("options: unknown ten mode %d", o.TenMode)
	}
	if o.OpenTiming != pref.BeforeFirstLead && o.OpenTiming != pref.AfterFirstTrick {
		return fmt.Errorf("options: unknown open timing %d", o.OpenTiming)
	}
	if o.MisereExposeTiming != pref.AfterFirstTrick && o.MisereExposeTiming != pref.AfterFirstCard {
		return fmt.Errorf("options: unknown misère exposure timing %d", o.MisereExposeTiming)
	}
	if o.RaspasyTalon > pref.TalonParticipates {
		return fmt.Errorf("options: unknown raspasy talon mode %d", o.RaspasyTalon)
	}
	if o.RaspasyTrick3Leader > pref.Trick3Trick2Winner {
		return fmt.Errorf("options: unknown trick 3 leader %d", o.RaspasyTrick3Leader)
	}
	if o.Claims > pref.ClaimsProposeAccept {
		return fmt.Errorf("options: unknown claims mode %d", o.Claims)
	}
	return nil
}
