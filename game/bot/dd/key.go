package dd

import "math/bits"

// key returns the hands in relative ranks packed exactly into 64 bits:
// in each suit the cards still in play are renumbered 0, 1, 2, ... from
// the lowest (so two positions that differ only in which low cards were
// played share a table entry), and the suit's 16 bits hold, for each
// renumbered card, two bits naming its holder (0, 1, 2), 3 above the
// last card.
func (s *Solver) key(nd *node) uint64 {
	h1, h2 := nd.hands[1], nd.hands[2]
	rem := nd.hands[0] | h1 | h2
	return suitKey(rem, h1, h2) | suitKey(rem>>8, h1>>8, h2>>8)<<16 |
		suitKey(rem>>16, h1>>16, h2>>16)<<32 | suitKey(rem>>24, h1>>24, h2>>24)<<48
}

// suitKey is the 16 bits of key for the suit in the low byte of rem
// (the cards in play) and of h1 and h2 (the hands of players 1 and 2).
func suitKey(rem, h1, h2 uint32) uint64 {
	r := uint16(rem) << 8
	return uint64(spread[squeeze[r|uint16(uint8(h1))]] | spread[squeeze[r|uint16(uint8(h2))]]<<1 | absentCode[uint8(rem)])
}

// compress1 returns card c (in a hand of nd) in relative ranks.
func compress1(c uint8, nd *node) uint8 {
	rem := nd.hands[0] | nd.hands[1] | nd.hands[2]
	su := c >> 3
	r := uint16(rem>>(8*su)) & 0xFF
	return su<<3 | uint8(bits.TrailingZeros8(squeeze[r<<8|uint16(1)<<(c&7)]))
}

// expand maps a relative-rank card back to the real card of nd, or 0xFF.
func expand(rc uint8, nd *node) uint8 {
	rem := nd.hands[0] | nd.hands[1] | nd.hands[2]
	su := rc >> 3
	r := uint8(rem >> (8 * su))
	k := int(rc & 7)
	for ; r != 0; r &= r - 1 {
		if k == 0 {
			return su<<3 | uint8(bits.TrailingZeros8(r))
		}
		k--
	}
	return 0xFF
}

// squeeze[r<<8|h] packs the bits of h (a subset of r) to the positions
// of their ranks within r (a parallel bit extract).
var squeeze = func() (t [1 << 16]uint8) {
	for r := 0; r < 256; r++ {
		for h := 0; h < 256; h++ {
			if h&^r != 0 {
				continue
			}
			var out uint8
			j := 0
			for b := 0; b < 8; b++ {
				if r&(1<<b) == 0 {
					continue
				}
				if h&(1<<b) != 0 {
					out |= 1 << j
				}
				j++
			}
			t[r<<8|h] = out
		}
	}
	return t
}()

// absentCode[r] is the code of key for the places above the cards r of
// a suit still in play: 3 in each.
var absentCode = func() (t [256]uint16) {
	for r := 0; r < 256; r++ {
		t[r] = spread[uint8(0xFF)<<bits.OnesCount8(uint8(r))] * 3
	}
	return t
}()

// spread[b] moves bit i of b to bit 2i.
var spread = func() (t [256]uint16) {
	for b := 0; b < 256; b++ {
		for i := 0; i < 8; i++ {
			if b&(1<<i) != 0 {
				t[b] |= 1 << (2 * i)
			}
		}
	}
	return t
}()

// hashKey mixes a key and the leader into a table index.
func hashKey(k uint64, leader uint8) uint64 {
	x := k ^ uint64(leader)*0x9E3779B97F4A7C15
	x ^= x >> 29
	x *= 0xBF58476D1CE4E5B9
	x ^= x >> 32
	return x
}
