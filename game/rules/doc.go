// Package rules is the Preferans (преферанс) rules engine: cards, the seeded
// deal, the auction (торговля), the talon and the declaration (заказ),
// whisting (вист / пас / полвиста), trick play for trick contracts, misère and
// raspasy (распасы), and the per-seat views of a deal.
//
// The engine is pure: a State is a small value, Apply returns a new State or
// a typed *IllegalMoveError, and nothing here does I/O, reads a clock or keeps
// global state. A deal is fully determined by its seed, its Options and the
// moves applied to it, so it can be replayed and audited.
//
// Seats are numbered 0..n-1 clockwise (n = 3 or 4). With four players the
// dealer sits the deal out. The rules implemented are those of
// shared/preferans/RULES.md, with its "Decisions" section as the defaults.
package rules
