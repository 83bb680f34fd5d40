package rules

import "fmt"

// TenMode says how a ten-trick contract is defended (RULES §8.8, option ten_mode).
type TenMode uint8

const (
	// TenChecked: both defenders whist by force, obligation 0 («проверяется»).
	TenChecked TenMode = iota
	// TenWhisted: a ten is whisted like any other contract (obligation 1).
	TenWhisted
)

// Timing says when hands are turned face up (options open_timing and
// misere_expose_timing).
type Timing uint8

const (
	// BeforeFirstLead: open whisting shows the defenders' hands before trick 1.
	BeforeFirstLead Timing = iota
	// AfterFirstTrick: the hands open once trick 1 is complete («первый ход втёмную»).
	AfterFirstTrick
	// AfterFirstCard: misère catchers open after the declarer's (or the
	// first) card of trick 1 has been played.
	AfterFirstCard
)

// RaspasyTalon says what the talon does in raspasy (RULES §7.5, option raspasy_talon).
type RaspasyTalon uint8

const (
	// TalonLeadSuit: the talon cards are turned for tricks 1 and 2 and set the suit to follow.
	TalonLeadSuit RaspasyTalon = iota
	// TalonIgnored: the talon stays closed (Rostov).
	TalonIgnored
	// TalonParticipates: with four players the sitting-out dealer turns the
	// talon cards as his own leads and can win those tricks (FSPR). With
	// three players it plays as TalonLeadSuit.
	TalonParticipates
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
	// raspasy the lowest bid level is Exit[min(k,3)-1]. {6,6,6} means no
	// restriction. Misère stays biddable unless the level is above 8.
	Exit [3]uint8
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
	// TenMode is checked (forced whist) or whisted. Default TenChecked (Sochi).
	TenMode TenMode
	// CheckedTenOpen plays a checked ten with both defenders' hands face
	// up (each defender still plays their own cards). Default false.
	CheckedTenOpen bool
	// OpenTiming is when open whisting shows the hands: BeforeFirstLead
	// (default) or AfterFirstTrick.
	OpenTiming Timing
	// MisereExpose is when the misère catchers show their hands:
	// AfterFirstTrick (default) or AfterFirstCard.
	MisereExpose Timing
	// MisereShowDeclarer also shows the misère declarer's remaining hand and
	// discard after the first trick. Default false.
	MisereShowDeclarer bool
	// RaspasyTalon is what the talon does in raspasy. Default TalonLeadSuit.
	RaspasyTalon RaspasyTalon
	// Trick3ByWinner makes the winner of trick 2 lead trick 3 in raspasy
	// with talon leads; by default the first hand leads it (Decision 2).
	Trick3ByWinner bool
	// DealerMayWhist lets the sitting-out dealer of a four-player deal
	// whist after «пас — полвиста — пас» (FSPR, RULES §6). He then plays
	// both defenders' hands, face up. Default false.
	DealerMayWhist bool
	// Concede allows «без трёх»: after the discard the declarer may refuse
	// to play (scored as the winning bid failed by 3). Default false.
	Concede bool
	// Claims is how the remaining tricks of a trick contract may be
	// claimed (RULES §14 `claims`, claim.go). Default ClaimsProposeAccept.
	Claims ClaimMode
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
		TenMode:              TenChecked,
		OpenTiming:           BeforeFirstLead,
		MisereExpose:         AfterFirstTrick,
		RaspasyTalon:         TalonLeadSuit,
		Claims:               ClaimsProposeAccept,
	}
}

// Validate reports the first setting that is out of range.
func (o Options) Validate() error {
	if o.Players != 3 && o.Players != 4 {
		return fmt.Errorf("options: players must be 3 or 4, not %d", o.Players)
	}
	for i, e := range o.Exit {
		if e < 6 || e > 10 {
			return fmt.Errorf("options: exit level %d is %d, want 6..10", i+1, e)
		}
	}
	if o.TenMode > TenWhisted {
		return fmt.Errorf("options: unknown ten mode %d", o.TenMode)
	}
	if o.OpenTiming != BeforeFirstLead && o.OpenTiming != AfterFirstTrick {
		return fmt.Errorf("options: unknown open timing %d", o.OpenTiming)
	}
	if o.MisereExpose != AfterFirstTrick && o.MisereExpose != AfterFirstCard {
		return fmt.Errorf("options: unknown misère exposure timing %d", o.MisereExpose)
	}
	if o.RaspasyTalon > TalonParticipates {
		return fmt.Errorf("options: unknown raspasy talon mode %d", o.RaspasyTalon)
	}
	if o.Claims > ClaimsProposeAccept {
		return fmt.Errorf("options: unknown claims mode %d", o.Claims)
	}
	return nil
}

// exitLevel is the lowest bid level allowed after series consecutive raspasy.
func (o *Options) exitLevel(series uint8) uint8 {
	if series == 0 {
		return 6
	}
	i := int(series)
	if i > len(o.Exit) {
		i = len(o.Exit)
	}
	return o.Exit[i-1]
}
