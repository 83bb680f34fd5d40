// Package score is the Preferans (преферанс) score sheet: per-deal scoring,
// the pulka (пулька) and its final settlement (расчёт пули), as specified in
// shared/preferans/RULES.md §8–§14 with its "Decisions" as the defaults.
//
// The parts, by file, like a rule book:
//
//   - convention.go: Settings (which embed the engine's rules.Options),
//     the convention presets (Codex, Sochi, Leningrad, Rostov, FSPR,
//     custom) and ParseOptions for the RULES §14 options, which override a
//     preset under every convention.
//   - deal.go: the input of one deal (Deal), DealOf to write a deal the
//     engine finished, and ParseContract for record notation. Seats are
//     0..n-1 clockwise.
//   - sheet.go: the Sheet (pool пуля, mountain гора, whists висты), Apply,
//     and the end of the pulka (Over: closed pools, or max_deals with
//     finish_round finishing the current round of deals, RULES §11).
//   - trick.go, misere.go, raspasy.go: the scoring of trick contracts
//     (whist, pass, half-whist, responsibility, consolation, forced whist),
//     misère, and raspasy (распасы) with series, progression and exit.
//   - pool.go: pool overflow (перебор) and help (помощь).
//   - settle.go: the settlement with exact fractions and display rounding.
//   - record.go: the pulka record of PULKA-FORMAT.md (Decode, Run, RunJSON),
//     used by cmd/pulka.
//
// The sheet speaks the engine's words: a contract is a rules.Bid, a card a
// rules.Card (record notation is their ASCII form), the play settings are
// rules.Options, the talon premium is rules.TalonBonus. The words both use
// below the engine (the whisting calls, the settings' enums, the raspasy
// exit and series rule) live in package pref.
//
// Numbers on the sheet are Points, exact in twelfths; results are big.Rat.
// The package does no I/O of its own beyond the readers and writers it is
// given, reads no clock and keeps no global mutable state.
package score
