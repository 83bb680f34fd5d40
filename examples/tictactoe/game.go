package main

import (
	"errors"
	"fmt"
)

// Mark is what fills a cell: X, O or nothing.
type Mark byte

// The marks. X moves first.
const (
	Empty Mark = '.'
	X     Mark = 'X'
	O     Mark = 'O'
)

// Other returns the opponent's mark.
func (m Mark) Other() Mark {
	if m == X {
		return O
	}
	return X
}

// Status is where a game stands.
type Status string

// Game statuses.
const (
	Playing   Status = "playing"
	Won       Status = "won"
	Draw      Status = "draw"
	Abandoned Status = "abandoned" // a player left
)

// Errors of Board.Play.
var (
	ErrNotYourTurn = errors.New("not your turn")
	ErrOccupied    = errors.New("cell is taken")
	ErrNoSuchCell  = errors.New("no such cell")
	ErrGameOver    = errors.New("the game is over")
)

// lines are the eight rows, columns and diagonals that win.
var lines = [8][3]int{
	{0, 1, 2}, {3, 4, 5}, {6, 7, 8},
	{0, 3, 6}, {1, 4, 7}, {2, 5, 8},
	{0, 4, 8}, {2, 4, 6},
}

// Board is a game of tic-tac-toe: pure rules, no I/O. Cells are numbered 0-8
// row by row. The zero value is not a game; use NewBoard.
type Board struct {
	Cells  [9]Mark
	Turn   Mark
	Status Status
	Winner Mark // set when Status is Won
}

// NewBoard returns an empty board with X to move.
func NewBoard() Board {
	b := Board{Turn: X, Status: Playing}
	for i := range b.Cells {
		b.Cells[i] = Empty
	}
	return b
}

// Play puts mark in cell and returns the new board, or an error that says
// why the move is not allowed.
func (b Board) Play(mark Mark, cell int) (Board, error) {
	switch {
	case b.Status != Playing:
		return b, ErrGameOver
	case mark != b.Turn:
		return b, ErrNotYourTurn
	case cell < 0 || cell >= len(b.Cells):
		return b, fmt.Errorf("%w: %d", ErrNoSuchCell, cell)
	case b.Cells[cell] != Empty:
		return b, fmt.Errorf("%w: %d", ErrOccupied, cell)
	}
	b.Cells[cell] = mark
	b.Turn = mark.Other()
	for _, l := range lines {
		if b.Cells[l[0]] == mark && b.Cells[l[1]] == mark && b.Cells[l[2]] == mark {
			b.Status, b.Winner = Won, mark
			return b, nil
		}
	}
	for _, c := range b.Cells {
		if c == Empty {
			return b, nil
		}
	}
	b.Status = Draw
	return b, nil
}

// String is the board as 9 characters, row by row: "X.O......".
func (b Board) String() string {
	s := make([]byte, len(b.Cells))
	for i, c := range b.Cells {
		s[i] = byte(c)
	}
	return string(s)
}
