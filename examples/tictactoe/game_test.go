package main

import (
	"errors"
	"testing"
)

// play plays moves alternately from X and returns the board and the first
// error.
func play(cells ...int) (Board, error) {
	b := NewBoard()
	for _, c := range cells {
		var err error
		if b, err = b.Play(b.Turn, c); err != nil {
			return b, err
		}
	}
	return b, nil
}

func TestBoardRules(t *testing.T) {
	cases := []struct {
		rule   string
		moves  []int
		board  string
		status Status
		winner Mark
		err    error
	}{
		{"X moves first and turns alternate", []int{4, 0}, "O...X....", Playing, 0, nil},
		{"a full row wins", []int{0, 3, 1, 4, 2}, "XXXOO....", Won, X, nil},
		{"a full column wins", []int{1, 0, 2, 3, 4, 6}, "OXXOX.O..", Won, O, nil},
		{"a diagonal wins", []int{0, 1, 4, 2, 8}, "XOO.X...X", Won, X, nil},
		{"the other diagonal wins", []int{2, 0, 4, 1, 6}, "OOX.X.X..", Won, X, nil},
		{"a full board without a line is a draw", []int{0, 1, 2, 4, 3, 5, 7, 6, 8}, "XOXXOOOXX", Draw, 0, nil},
		{"a taken cell is refused", []int{4, 4}, "", "", 0, ErrOccupied},
		{"a cell off the board is refused", []int{9}, "", "", 0, ErrNoSuchCell},
		{"a negative cell is refused", []int{-1}, "", "", 0, ErrNoSuchCell},
		{"no move after a win", []int{0, 3, 1, 4, 2, 5}, "", "", 0, ErrGameOver},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			b, err := play(c.moves...)
			if c.err != nil {
				if !errors.Is(err, c.err) {
					t.Fatalf("error %v, want %v", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if b.String() != c.board || b.Status != c.status || b.Winner != c.winner {
				t.Fatalf("board %s %s winner %q, want %s %s %q", b, b.Status, b.Winner, c.board, c.status, c.winner)
			}
		})
	}
}

func TestBoardRefusesOutOfTurn(t *testing.T) {
	b := NewBoard()
	if _, err := b.Play(O, 0); !errors.Is(err, ErrNotYourTurn) {
		t.Fatalf("O moving first: %v, want ErrNotYourTurn", err)
	}
	b, _ = b.Play(X, 0)
	if _, err := b.Play(X, 1); !errors.Is(err, ErrNotYourTurn) {
		t.Fatalf("X moving twice: %v, want ErrNotYourTurn", err)
	}
}
