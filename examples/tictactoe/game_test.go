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

// FuzzBoardPlay plays any sequence of moves, by either mark and to any
// cell, and checks Board.Play refuses without changing the board or makes
// exactly the move asked, and that the status always matches the cells.
func FuzzBoardPlay(f *testing.F) {
	// A byte is a move: bit 4 set for O, else X; the low 4 bits less one
	// the cell (-1 to 14).
	f.Add([]byte{0x01, 0x14, 0x02, 0x15, 0x03})                         // X wins the top row
	f.Add([]byte{0x01, 0x12, 0x03, 0x15, 0x04, 0x16, 0x08, 0x17, 0x09}) // a draw
	f.Add([]byte{0x05, 0x05, 0x15, 0x00, 0x0a, 0x10, 0x11})             // taken, off board, out of turn
	f.Fuzz(func(t *testing.T, moves []byte) {
		b := NewBoard()
		for _, mv := range moves {
			mark, cell := X, int(mv&0x0f)-1
			if mv&0x10 != 0 {
				mark = O
			}
			next, err := b.Play(mark, cell)
			if err != nil {
				if next != b {
					t.Fatalf("refused %c to %d (%v) but changed %s to %s", mark, cell, err, b, next)
				}
				if !errors.Is(err, ErrGameOver) && !errors.Is(err, ErrNotYourTurn) && !errors.Is(err, ErrNoSuchCell) && !errors.Is(err, ErrOccupied) {
					t.Fatalf("refused %c to %d with %v, not one of the board's errors", mark, cell, err)
				}
				continue
			}
			if b.Status != Playing || mark != b.Turn || cell < 0 || cell > 8 || b.Cells[cell] != Empty {
				t.Fatalf("allowed %c to %d on %s (%s, %c to move)", mark, cell, b, b.Status, b.Turn)
			}
			want := b.Cells
			want[cell] = mark
			if next.Cells != want || next.Turn != mark.Other() {
				t.Fatalf("%c to %d on %s gave %s with %c to move", mark, cell, b, next, next.Turn)
			}
			checkStatus(t, next)
			b = next
		}
	})
}

// checkStatus fails t unless b's status and winner follow from its cells.
func checkStatus(t *testing.T, b Board) {
	t.Helper()
	var xCount, oCount, empty int
	for _, c := range b.Cells {
		switch c {
		case X:
			xCount++
		case O:
			oCount++
		case Empty:
			empty++
		default:
			t.Fatalf("board %s holds %q", b, c)
		}
	}
	if d := xCount - oCount; d != 0 && d != 1 {
		t.Fatalf("board %s: X moves first and turns alternate", b)
	}
	at := func(row, col int) Mark { return b.Cells[3*row+col] }
	won := map[Mark]bool{}
	for i := range 3 {
		if at(i, 0) != Empty && at(i, 0) == at(i, 1) && at(i, 1) == at(i, 2) {
			won[at(i, 0)] = true
		}
		if at(0, i) != Empty && at(0, i) == at(1, i) && at(1, i) == at(2, i) {
			won[at(0, i)] = true
		}
	}
	if at(1, 1) != Empty && (at(0, 0) == at(1, 1) && at(1, 1) == at(2, 2) || at(0, 2) == at(1, 1) && at(1, 1) == at(2, 0)) {
		won[at(1, 1)] = true
	}
	switch {
	case len(won) > 1:
		t.Fatalf("board %s: both marks have a line", b)
	case len(won) == 1:
		if b.Status != Won || !won[b.Winner] {
			t.Fatalf("board %s: %s winner %q", b, b.Status, b.Winner)
		}
	case empty == 0:
		if b.Status != Draw || b.Winner != 0 {
			t.Fatalf("board %s: %s winner %q, want a draw", b, b.Status, b.Winner)
		}
	default:
		if b.Status != Playing || b.Winner != 0 {
			t.Fatalf("board %s: %s winner %q, want playing", b, b.Status, b.Winner)
		}
	}
}
