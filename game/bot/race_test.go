//go:build race

package bot

// raceEnabled: the race detector slows the solver ~10×, so the tests
// play fewer deals under it.
const raceEnabled = true
