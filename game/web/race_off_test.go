//go:build !race

package web

// raceOn is true under the race detector, whose limit of 8,128 live
// goroutines a 2,000-connection storm would pass.
const raceOn = false
