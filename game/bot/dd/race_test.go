//go:build race

package dd

// raceEnabled: the race detector slows the brute-force reference ~10×,
// so the tests check fewer cases under it.
const raceEnabled = true
