// Package pref is the vocabulary of Preferans (преферанс, «преф») that the
// rules engine (package rules) and the score sheet (package score) share:
// the enumerated table settings of RULES §14 that change both how a deal is
// played and how it is written (ten_mode, open_timing, misere_expose_timing,
// raspasy_talon, raspasy_trick3_leader, claims), the defenders' whisting
// calls, and the raspasy exit list and the rule that ends a raspasy series
// (RULES §9.3). Cards, contracts (the bid ladder), the play settings and
// the talon premium are the engine's words (package rules), which the
// sheet imports as they are.
//
// Each word is defined here once. Every enumerated value has its RULES §14
// (or pulka-record) spelling as String and MarshalText, and a Parse function
// for it. The package is a leaf: it imports only the standard library, does
// no I/O and keeps no state.
//
// Files by concern: settings.go (the enumerated settings), call.go (whisting
// calls), series.go (raspasy exit and series).
package pref
