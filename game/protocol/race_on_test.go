//go:build race

package protocol

// raceOn is true under the race detector, which makes the encoders'
// comparison on random deals ten times slower.
const raceOn = true
