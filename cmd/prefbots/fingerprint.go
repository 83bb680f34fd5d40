package main

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"

	"github.com/trelljaz/trelljaz/game/rules"
)

// fingerprintSalt sets the fingerprint pulka's seed apart from the seeds
// of the pulkas a row plays.
const fingerprintSalt = 0x66696e6765727072

// fingerprintRow identifies how the bots of a row play: the SHA-256 of
// every move of one pulka of the row's settings, played in every seating
// with a seed no row uses. It is a fingerprint of the play, not of the
// source: a change that only makes a bot faster (the solver's) keeps it,
// a change of any move the bots make in these deals changes it, whatever
// binary or machine plays. A change so rare that it alters no move of
// these deals (about 40 of them) goes unseen; the package bot's doc
// says what changed in its play, and a change worth measuring is worth
// starting the rows afresh for.
func fingerprintRow(cfg config, conv string, n int, r row) (string, error) {
	set, err := rowSettings(cfg, conv, n)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	var b [6]byte
	record := func(m rules.Move) {
		b = [6]byte{m.Seat, uint8(m.Kind), uint8(m.Bid), uint8(m.Card), uint8(m.Card2), m.Tricks}
		h.Write(b[:])
	}
	fc := cfg
	fc.seed ^= fingerprintSalt
	clock := newThreadClock()
	defer clock.release()
	v, deals, err := playGroup(fc, set, r, 0, newThinkStats(), clock, record)
	if err != nil {
		return "", fmt.Errorf("fingerprint: %w", err)
	}
	var tail [16]byte
	binary.LittleEndian.PutUint64(tail[:8], uint64(deals))
	binary.LittleEndian.PutUint64(tail[8:], uint64(int64(v*1e6)))
	h.Write(tail[:])
	return hex.EncodeToString(h.Sum(nil)[:12]), nil
}
