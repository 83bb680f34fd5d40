// Package dd is a double-dummy solver for Preferans (преферанс) trick play:
// given every hand face up, it returns the number of tricks a side takes
// from the current point when everyone plays perfectly.
//
// It covers trick contracts (with or without trumps), misère and raspasy
// (распасы, with the talon cards leading tricks 1 and 2, and the FSPR
// variant where a talon card may win its trick). What is counted and who
// wants it is a Goal: the set of players whose tricks are counted and the
// set of players who want the count high; everyone else wants it low. A
// trick contract counts the declarer's tricks and the declarer maximizes;
// misère counts the declarer's tricks and the declarer minimizes; raspasy
// is not a two-sided game, so the solver answers the paranoid question
// "how few tricks can this player be held to if the other two gang up".
//
// The search is alpha-beta in MTD(f) null-window steps over one card at a
// time, with a transposition table at trick starts keyed by the hands in
// relative ranks (a card is replaced by its rank among the cards still in
// play in its suit, so positions reached after different played cards
// share an entry; the key is exact in 64 bits; buckets of four entries,
// one cache line, the entry for the fewest tricks replaced first), lower
// and upper bounds stored per entry (and the lead that cut off, for the
// maximizer and the minimizer alike, tried before the other leads are
// even ordered), the last two tricks played out by plain minimax,
// equivalent-card reduction (of touching cards in play only one is
// searched) and move ordering by a few rules of thumb (on misère and
// raspasy: the counted player, when he may take a trick, leads and
// discards first the top card of a suit he is not safe in, else leads
// the highest card someone must overtake; the others lead first where he
// can stay under, then under all his cards where the partner can stay
// under; these orders are drawn as bit sets of classes of cards, not by
// a score a card). Misère and raspasy (no trumps) have quick bounds
// (the node carries the suits in which the counted player is not safe,
// updated for the suit of each card played):
// the counted player cannot be forced at all (0: in every suit his i-th
// lowest card is under the others' i-th lowest, so he can always duck;
// on lead he also needs a card an opponent must overtake, the rest of
// its suit staying so; in the middle of a trick the same holds once he
// is beaten in it, or sure to be: an opponent still to play must
// overtake him, or he can still stay under or shed a card),
// or the other side forces him in the trick about to be led or under
// way (at least 1), or else he can lose that trick whatever they play,
// or, taking it, keeps a card an opponent must overtake next (so he
// does not take every trick left: measured, a third of the nodes of a
// full misère or raspasy went to proving that). Position.Limit
// caps the count: the search then proves only whether it reaches 1,
// 2, ... Limit, which is what makes a full misère or raspasy cheap (the
// exact count of a badly caught misère is the expensive part). Nothing here allocates after
// NewSolver (a test checks it); a Solver is not safe for concurrent use
// (use one per goroutine).
//
// Players are numbered 0, 1, 2 in play order (the order they play to a
// trick, clockwise); callers map seats to these numbers.
package dd
