//go:build !race

package protocol

const raceOn = false
