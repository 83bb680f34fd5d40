// Package rating rates the club's players from the results of their pulkas.
//
// # The system: Weng-Lin (OpenSkill), Plackett-Luce model
//
// A pulka is a free-for-all of 3 or 4 players whose settled whists sum to
// zero. Each player's skill is a normal belief N(Mu, Sigma²); after a pulka
// the players are ranked by their settled result (highest first, equal
// results tie) and every belief is updated with the closed-form Bayesian
// approximation of Weng and Lin ("A Bayesian Approximation Method for Online
// Ranking", JMLR 12, 2011, Algorithm 4, Plackett-Luce), the model OpenSkill
// implements. The update:
//
//   - rewards a result relative to the opponents' strength: beating strong
//     players raises Mu more than beating weak ones, losing to them lowers it
//     less;
//   - shrinks Sigma with every pulka played (a small Tau keeps it from
//     reaching zero, so a rating can still follow a player who improves);
//   - handles 3 and 4 players and ties natively, in one pass, with no
//     iterative message passing.
//
// Why this system: TrueSkill needs a factor graph solved iteratively and is
// patented; multi-player Elo has no uncertainty, so a newcomer's first games
// move their rating as little as a veteran's. Weng-Lin is license-free,
// closed-form, carries the uncertainty the club shows, and its reference
// implementations publish test values, which this package's tests reproduce
// (no Go library of it is available to the project, so it is written here:
// about a hundred lines). The margin of the result is deliberately not used,
// only the order: settled whists are heavy-tailed (one failed misère moves a
// pulka by hundreds of whists), and a rating that followed margins would
// follow luck.
//
// # What counts
//
// Every finished pulka counts, bots' included (bots are players with their own
// rating, so their strength reads on the same scale). A pulka closed early
// because a player ran out of time is finished: it settles as it stands, with
// the fine written on the player's mountain (PULKA-FORMAT "fines"), and is
// rated by that settlement like any other; the fine usually puts the fined
// player last. A win is a first place (a shared first place is a win for each).
//
// The number shown is the Ordinal, Mu − 3·Sigma: a conservative estimate that
// starts at 0 and rises as the club learns a player's strength.
package rating
