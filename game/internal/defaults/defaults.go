// Package defaults applies the documented defaults of the club's Config
// structs, one field a line, with the one rule they all follow: a number
// (a count, a rate, a duration) that is 0 or negative takes its default
// ("0 means DefaultFlush"), and a nil value (a logger, a clock, an
// interface) takes its default ("Nil means slog.Default()").
package defaults

// Number is what Positive applies to: counts, rates and durations
// (time.Duration is an int64).
type Number interface {
	~int | ~int64 | ~float64
}

// Positive sets *v to def when *v is 0 or negative.
func Positive[T Number](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}

// NonZero sets *v to def when *v is its type's zero value: nil for a
// pointer or an interface.
func NonZero[T comparable](v *T, def T) {
	var zero T
	if *v == zero {
		*v = def
	}
}
