package sockjs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Defaults and bounds of HistoryLimits.
const (
	// DefaultHistorySize is HistoryLimits.Size's default.
	DefaultHistorySize = 100
	// MaxHistorySize bounds HistoryLimits.Size: a recovery sends at most
	// this many publications to one session at once.
	MaxHistorySize = 10_000
	// DefaultHistoryTTL is HistoryLimits.TTL's default.
	DefaultHistoryTTL = 10 * time.Minute
	// HistoryMetaTTL is how long a channel's epoch and offset counter are
	// kept after its last publish (or its TTL, if longer). A subscriber
	// that saw every publication can recover (with nothing missed) for that
	// long; after it the channel starts a new epoch.
	HistoryMetaTTL = 24 * time.Hour
)

// Errors of history and recovery. Match with errors.Is.
var (
	// ErrNoHistory: the channel matches no HubOptions.History pattern.
	ErrNoHistory = errors.New("sockjs: channel keeps no history")
	// ErrBrokerNoHistory: HubOptions.History is set but the broker is not
	// a HistoryBroker.
	ErrBrokerNoHistory = errors.New("sockjs: broker keeps no history (not a HistoryBroker)")
)

// Position is a place in a channel's history: the offset of a publication
// (1 for the first, then +1 for each) in the history's epoch. The epoch
// names one unbroken run of offsets: when a history is lost (a Redis
// restart, a process restart for MemoryBroker, a channel idle longer than
// HistoryMetaTTL) the channel starts again at offset 1 with a new epoch, and
// positions of the old epoch can no longer be recovered from.
//
// The zero Position means "no position": a subscriber that never saw the
// channel.
type Position struct {
	Offset uint64 `json:"offset"`
	Epoch  string `json:"epoch"`
}

// IsZero reports whether p is the zero Position.
func (p Position) IsZero() bool { return p == Position{} }

func (p Position) String() string { return fmt.Sprintf("%d@%s", p.Offset, p.Epoch) }

// Publication is one payload published to a channel with history, at its
// Position. A payload that reached the channel outside history (for example
// a PUBLISH from redis-cli) has the zero Position.
type Publication struct {
	Channel  string
	Payload  string
	Position Position
}

// HistoryLimits say how much of a channel's history is kept.
type HistoryLimits struct {
	// Size is how many of the latest publications are kept. Zero means
	// DefaultHistorySize (100); more than MaxHistorySize (10,000) is an
	// error. Each costs its payload's size in memory (or in Redis).
	Size int
	// TTL is how long each publication is kept after it was published.
	// Zero means DefaultHistoryTTL (10 minutes).
	TTL time.Duration
}

// HistoryBroker is a Broker that keeps the recent publications of
// channels, each with its Position. MemoryBroker and redisbroker.Broker are
// HistoryBrokers. A Hub uses it for the channels of HubOptions.History.
//
// Guarantees every implementation gives, on top of Broker's:
//
//   - Offsets of one channel are consecutive within an epoch, and each
//     subscription receives the publications of one channel in offset order
//     (across publishers, not only per publisher).
//   - Atomicity: a publication is in the history if and only if it was
//     published to the channel's subscribers, and a History call sees
//     either both or neither. So a subscription that is live before a
//     History call receives, live, every publication History did not
//     return. Some that History did return may arrive live too, even after
//     History returned (for Redis the read and the subscription are two
//     connections); a Hub drops those by offset.
//
// Subscribers of the channel receive each publication framed with its
// position (EncodePublicationFrame), which Hub decodes.
type HistoryBroker interface {
	Broker

	// PublishHistory appends payload to channel's history, trimmed to
	// limits, and publishes it, framed with its position, to the channel's
	// subscribers on every process: both at once (for Redis, one round
	// trip). It returns the publication's position.
	PublishHistory(ctx context.Context, channel string, payload []byte, limits HistoryLimits) (Position, error)

	// History returns the kept publications of channel with an offset
	// above after, oldest first, at most limits.Size of them, and the
	// channel's current position (the offset of its latest publication, 0
	// if none yet, and its epoch). A channel without history gets one
	// (a new epoch) so that the position returned is always usable.
	History(ctx context.Context, channel string, after uint64, limits HistoryLimits) ([]Publication, Position, error)
}

// normalize applies the defaults and checks the bounds.
func (l HistoryLimits) normalize() (HistoryLimits, error) {
	if l.Size < 0 || l.Size > MaxHistorySize {
		return l, fmt.Errorf("size %d is outside 0..%d", l.Size, MaxHistorySize)
	}
	if l.TTL < 0 {
		return l, fmt.Errorf("negative TTL %s", l.TTL)
	}
	if l.Size == 0 {
		l.Size = DefaultHistorySize
	}
	if l.TTL == 0 {
		l.TTL = DefaultHistoryTTL
	}
	return l, nil
}

// MetaTTL is how long a channel's epoch and offset counter outlive its last
// publish under these limits: HistoryMetaTTL, or TTL if longer.
func (l HistoryLimits) MetaTTL() time.Duration { return max(l.TTL, HistoryMetaTTL) }

// historyRules matches channel names to their HistoryLimits.
type historyRules struct {
	exact    map[string]HistoryLimits
	prefixes []historyPrefix // longest first
}

type historyPrefix struct {
	prefix string
	limits HistoryLimits
}

// newHistoryRules compiles HubOptions.History. A pattern is a channel name,
// or a prefix followed by one '*' that matches every channel starting with
// the prefix ("*" alone matches every channel).
func newHistoryRules(patterns map[string]HistoryLimits) (*historyRules, error) {
	if len(patterns) == 0 {
		return nil, nil
	}
	r := &historyRules{exact: make(map[string]HistoryLimits)}
	for pat, l := range patterns {
		l, err := l.normalize()
		if err != nil {
			return nil, fmt.Errorf("history pattern %q: %w", pat, err)
		}
		prefix, wild := strings.CutSuffix(pat, "*")
		if prefix != "" {
			if err := ValidateChannel(prefix); err != nil {
				return nil, fmt.Errorf("history pattern %q (a channel name or a prefix and a final '*'): %w", pat, err)
			}
		}
		if !wild {
			if prefix == "" {
				return nil, fmt.Errorf("history pattern %q: empty", pat)
			}
			r.exact[prefix] = l
			continue
		}
		r.prefixes = append(r.prefixes, historyPrefix{prefix, l})
	}
	sort.Slice(r.prefixes, func(i, j int) bool { return len(r.prefixes[i].prefix) > len(r.prefixes[j].prefix) })
	return r, nil
}

// match returns the limits of channel: an exact pattern first, else the
// longest matching prefix.
func (r *historyRules) match(channel string) (HistoryLimits, bool) {
	if r == nil {
		return HistoryLimits{}, false
	}
	if l, ok := r.exact[channel]; ok {
		return l, true
	}
	for _, p := range r.prefixes {
		if strings.HasPrefix(channel, p.prefix) {
			return p.limits, true
		}
	}
	return HistoryLimits{}, false
}

// publicationFrameMark starts every publication frame. 0xff never starts
// valid UTF-8, so no payload a Hub publishes can be taken for a frame.
const publicationFrameMark = 0xff

// EncodePublicationFrame is how a HistoryBroker hands a publication to the
// channel's subscribers: the byte 0xff, the epoch, a space, the offset in
// decimal, a space, the payload. Epochs hold no space.
func EncodePublicationFrame(pos Position, payload []byte) []byte {
	b := make([]byte, 0, 1+len(pos.Epoch)+1+20+1+len(payload))
	b = append(b, publicationFrameMark)
	b = append(b, pos.Epoch...)
	b = append(b, ' ')
	b = strconv.AppendUint(b, pos.Offset, 10)
	b = append(b, ' ')
	return append(b, payload...)
}

// maxEpochLength bounds the epoch a frame may carry.
const maxEpochLength = 64

// decodePublicationFrame decodes a frame from the broker, which anyone with
// access to Redis could have published. ok is false for anything that is
// not a well-formed frame.
func decodePublicationFrame(frame []byte) (pos Position, payload []byte, ok bool) {
	if len(frame) == 0 || frame[0] != publicationFrameMark {
		return Position{}, nil, false
	}
	rest := frame[1:]
	sp := indexByte(rest, ' ', maxEpochLength+1)
	if sp <= 0 {
		return Position{}, nil, false
	}
	epoch := rest[:sp]
	rest = rest[sp+1:]
	sp = indexByte(rest, ' ', 21)
	if sp <= 0 {
		return Position{}, nil, false
	}
	off, err := strconv.ParseUint(string(rest[:sp]), 10, 64)
	if err != nil || off == 0 {
		return Position{}, nil, false
	}
	return Position{Offset: off, Epoch: string(epoch)}, rest[sp+1:], true
}

// indexByte is the index of c in the first n bytes of b, or -1.
func indexByte(b []byte, c byte, n int) int {
	for i := 0; i < len(b) && i < n; i++ {
		if b[i] == c {
			return i
		}
	}
	return -1
}

// Recovery is the outcome of Hub.SubscribeSince.
type Recovery struct {
	// Recovered reports that the session got every publication after the
	// position it asked for, in order, before any live one, and none
	// twice. When it is false the session is subscribed all the same (live
	// from Position on) but missed publications: the application must
	// resync it (for example send the room's state from its database).
	Recovered bool
	// Reason says why recovery failed; empty when Recovered.
	Reason string
	// Missed is how many publications were sent from history.
	Missed int
	// Position is the position of the last publication sent to the
	// session from history, or the channel's position when it was
	// subscribed: every later publication reaches the session live. An
	// application that resyncs sends it to the client as the position to
	// recover from next time.
	Position Position
}

// EncodePublicationJSON is HubOptions.EncodePublication's default: a JSON
// object with the channel, the position and the payload as a string:
//
//	{"channel":"room:1","offset":7,"epoch":"3f2a…","data":"hello"}
func EncodePublicationJSON(p Publication) string {
	b, _ := json.Marshal(publicationJSON{Channel: p.Channel, Offset: p.Position.Offset, Epoch: p.Position.Epoch, Data: p.Payload}) // strings and a number: cannot fail
	return string(b)
}

type publicationJSON struct {
	Channel string `json:"channel"`
	Offset  uint64 `json:"offset"`
	Epoch   string `json:"epoch"`
	Data    string `json:"data"`
}
