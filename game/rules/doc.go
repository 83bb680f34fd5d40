// Package rules is the Preferans (преферанс) rules engine: cards, the seeded
// deal, the auction (торговля), the talon and the declaration (заказ),
// whisting (вист / пас / полвиста), trick play for trick contracts (with
// claims of the remaining tricks), misère and
// raspasy (распасы), and what each seat may see of a deal.
//
// The engine is pure: a State is a small value (no pointers, slices or
// maps), Apply returns a new State or a typed *IllegalMoveError that says
// why in words, and nothing here does I/O, reads a clock or keeps global
// state. A deal is fully determined by its Deal (seed, dealer, raspasy
// series, Options) and the moves applied to it, so it can be replayed and
// audited.
//
// Seats are numbered 0..n-1 clockwise (n = 3 or 4). With four players the
// dealer sits the deal out and sees what a spectator sees. The first hand
// (left of the dealer) speaks first in the auction and leads to trick 1 in
// every kind of deal. The rules are those of shared/preferans/RULES.md, with
// its "Decisions" section as the defaults (DefaultOptions).
//
// Files by concern: cards.go (cards, suits, ranks, Hand bitsets), bid.go
// (the 26-step ladder), deal.go (seeded shuffle and dealing), bidding.go
// (auction), contract.go (talon, discard, declaration), whist.go
// (whisting), play.go (tricks), claim.go (claims: «остальные мои» and
// proposed splits of the remaining tricks), view.go (per-seat views), move.go (moves,
// Apply, LegalMoves, the JSON wire form), result.go (outcome and raspasy
// series), replay.go (replaying a recorded deal), timeout.go (auto-pass
// moves), talon.go (the talon premium). The cards, the bid ladder, the
// Options and the talon premium are the score sheet's words too: package
// score uses them as they are (score.Settings embed Options, score.DealOf
// writes a Result on the sheet). The words both use that are not the
// engine's own (whisting calls, the settings' enums, the raspasy exit and
// series rule) live in package pref.
//
// A server loop looks like:
//
//	s, _ := rules.New(rules.Deal{Seed: seed, Dealer: d, Series: k, Options: opt})
//	for !s.Done() {
//		m, _ := rules.DecodeMove(frame)      // from the client of seat s.Actor()
//		next, err := rules.Apply(s, m)       // *IllegalMoveError: tell the client why
//		...
//		s = next
//		// send rules.View(s, seat) to every seat and rules.View(s, rules.Spectator) to spectators
//	}
//	r, _ := s.Result()
package rules
