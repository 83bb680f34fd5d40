// Package bot plays one seat of a Preferans (преферанс) pulka from what
// that seat may see (a rules.SeatView) and nothing else.
//
// A Bot is made with New and asked for a move with Move each time its
// seat must act. It lives for one seat of one pulka and remembers what it
// saw in earlier calls of the current deal (the tricks as they were
// played, hence who showed out of which suit), because a SeatView carries
// only the current and the last trick.
//
// Two levels:
//
//   - "basic": rules of thumb. A hand evaluation (sure tricks, long
//     suits, the talon's worth) for bidding; whisting by the obligations;
//     discards of short side suits; win-or-duck card play (cheapest
//     winning card, else the lowest; under the winning card in misère and
//     raspasy).
//   - "strong" (the default): what GIB and Jack do in bridge and Kermit in
//     Skat. The unseen cards are dealt at random many times over,
//     consistently with what happened (the hand sizes, the voids players
//     showed, a declarer holding length in trumps), and each sample is
//     solved double-dummy (package dd). Card play picks the card with the
//     best score summed over the samples; discards and the declaration
//     compare candidate discards and contracts over samples; bidding and
//     whisting compare the expected result in whists of bidding (or
//     whisting) against passing, priced by the table's scoring
//     (Config.Scoring: Rostov's fixed consolation of 10 per undertrick
//     makes a failed contract far dearer than in Sochi). Early in a misère
//     or raspasy the solver counts only up to 3 or 4 tricks
//     (dd.Position.Limit); sampling stops once one card has been best in
//     every sample of at least half of them; ties go to the rule-of-thumb
//     card. In a raspasy the paranoid count of one's own tricks (the
//     other two playing against the mover) misleads, since the others are
//     busy shedding their own tricks, and in Rostov what pays is being the
//     one with the fewest, not their number: after the talon tricks strong
//     rolls each card out to the end of the deal on 64 sampled deals,
//     everyone then playing the rules of thumb, and scores the tricks by
//     the table's raspasy rule (raspasy.go).
//
// Bots never claim, reject claims proposed to them, never concede «без
// трёх» and never chat. A Bot is not safe for concurrent use; a table
// calls it from one goroutine.
//
// Files: bot.go (Config, New, Move), memory.go (what the seat saw during
// the deal: tricks, voids, unseen cards), sample.go (dealing the unseen
// cards), position.go (a sample as a dd.Position), value.go (hand
// evaluation and the result of a contract in whists), basic.go and
// strong.go (the two levels), raspasy.go (strong's raspasy rollouts).
package bot
