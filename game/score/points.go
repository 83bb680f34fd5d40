package score

import (
	"math/big"
	"strconv"
)

// Points is an exact score quantity (pool, mountain or whists), counted in
// twelfths so that halves (gentleman splits, Rostov raspasy ties) and the
// thirds and quarters of a settlement stay exact in integer arithmetic.
type Points int64

// pointsDen is the number of Points in one whole point.
const pointsDen = 12

// Pts returns n whole points.
func Pts(n int) Points { return Points(n) * pointsDen }

// Half returns n/2 points.
func Half(n int) Points { return Points(n) * pointsDen / 2 }

// Rat returns p as an exact rational.
func (p Points) Rat() *big.Rat { return big.NewRat(int64(p), pointsDen) }

// IsWhole reports whether p is a whole number of points.
func (p Points) IsWhole() bool { return p%pointsDen == 0 }

// String formats p as an integer when whole, otherwise as a reduced
// fraction "25/2".
func (p Points) String() string {
	if p.IsWhole() {
		return strconv.FormatInt(int64(p/pointsDen), 10)
	}
	return p.Rat().RatString()
}

// MarshalJSON writes a whole p as a JSON number and a fraction as a string
// (PULKA-FORMAT: "Sheet numbers are JSON numbers when whole and exact
// fraction strings otherwise").
func (p Points) MarshalJSON() ([]byte, error) {
	if p.IsWhole() {
		return []byte(p.String()), nil
	}
	return []byte(strconv.Quote(p.String())), nil
}
