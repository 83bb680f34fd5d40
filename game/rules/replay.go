package rules

import "fmt"

// Replay deals d and applies moves in order, as the archive replays a
// recorded deal. The error names the first move that fails (wrapping its
// *IllegalMoveError); the state returned is the one before that move.
func Replay(d Deal, moves []Move) (State, error) {
	s, err := New(d)
	if err != nil {
		return s, err
	}
	for i, m := range moves {
		next, err := Apply(s, m)
		if err != nil {
			return s, fmt.Errorf("replay move %d: %w", i, err)
		}
		s = next
	}
	return s, nil
}
