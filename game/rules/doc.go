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
// moves). The words shared with the score sheet (whisting calls, the
// enumerated settings, the raspasy exit and series rule, the talon premium)
// live in package pref. Package rules/bridge converts a Result into a
// score.Deal and score.Settings into Options.
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
