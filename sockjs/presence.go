package sockjs

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Member is one session present in a channel.
type Member struct {
	// ID identifies the session across every process: the hub's random
	// process id, a dot, and Session.ID.
	ID string `json:"id"`
	// Identity is what the application's HubOptions.Identity returned for
	// the session: a user name or id. One user with two tabs is two members
	// with one Identity.
	Identity string `json:"identity"`
}

// PresenceEvent reports that a member joined or left a channel, on any
// process.
type PresenceEvent struct {
	Channel string
	Member  Member
	// Joined is true for a join, false for a leave (an unsubscribe, a
	// closed session, or a member whose process stopped refreshing it).
	Joined bool
}

// Presence stores who is in each channel. MemoryPresence serves one
// process; redisbroker.Presence is shared by every process through Redis and
// forgets the members of a crashed process by itself. A Hub calls Join and
// Leave as sessions with an identity subscribe and unsubscribe. All methods
// may be called concurrently.
type Presence interface {
	// Join records m as present in channel.
	Join(ctx context.Context, channel string, m Member) error
	// Leave removes m from channel.
	Leave(ctx context.Context, channel string, m Member) error
	// Members returns who is present in channel, sorted by ID.
	Members(ctx context.Context, channel string) ([]Member, error)
	// Reap removes the members of channel whose process stopped refreshing
	// them and returns them; across processes each expired member is
	// returned by exactly one call, so that one leave event is sent for it.
	Reap(ctx context.Context, channel string) ([]Member, error)
}

// MemoryPresence is the Presence of a single process. Members never
// expire: a process that crashes takes its memory with it.
type MemoryPresence struct {
	mu       sync.Mutex
	channels map[string]map[string]Member
}

// NewMemoryPresence returns an empty MemoryPresence.
func NewMemoryPresence() *MemoryPresence {
	return &MemoryPresence{channels: make(map[string]map[string]Member)}
}

// Join records m as present in channel.
func (p *MemoryPresence) Join(_ context.Context, channel string, m Member) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	ms := p.channels[channel]
	if ms == nil {
		ms = make(map[string]Member)
		p.channels[channel] = ms
	}
	ms[m.ID] = m
	return nil
}

// Leave removes m from channel.
func (p *MemoryPresence) Leave(_ context.Context, channel string, m Member) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if ms := p.channels[channel]; ms != nil {
		delete(ms, m.ID)
		if len(ms) == 0 {
			delete(p.channels, channel)
		}
	}
	return nil
}

// Members returns who is present in channel, sorted by ID.
func (p *MemoryPresence) Members(_ context.Context, channel string) ([]Member, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]Member, 0, len(p.channels[channel]))
	for _, m := range p.channels[channel] {
		out = append(out, m)
	}
	SortMembers(out)
	return out, nil
}

// Reap returns nothing: in one process members never expire.
func (p *MemoryPresence) Reap(context.Context, string) ([]Member, error) { return nil, nil }

// SortMembers sorts members by ID, the order Presence.Members returns.
func SortMembers(ms []Member) {
	slices.SortFunc(ms, func(a, b Member) int { return strings.Compare(a.ID, b.ID) })
}

// PresenceEventChannel is the broker channel on which Hubs exchange the
// join and leave events of channel. '#' is not allowed in channel names, so
// it cannot collide with an application channel. A Presence that learns of
// a change by itself (redisbroker's, when a refresh writes back a member
// another process had reaped) publishes EncodePresenceEvent there, and every
// Hub's OnPresence sees it.
func PresenceEventChannel(channel string) string { return "#presence:" + channel }

// presenceWire is a PresenceEvent on the broker.
type presenceWire struct {
	Joined bool   `json:"joined"`
	Member Member `json:"member"`
}

// EncodePresenceEvent is ev as Hubs exchange it on
// PresenceEventChannel(ev.Channel) (which names the channel, so the
// encoding does not).
func EncodePresenceEvent(ev PresenceEvent) []byte {
	b, _ := json.Marshal(presenceWire{Joined: ev.Joined, Member: ev.Member}) // cannot fail for strings and bools
	return b
}

// decodePresenceEvent decodes a join or leave event of channel received from
// the broker, which anyone with access to Redis could have published.
func decodePresenceEvent(channel string, payload []byte) (PresenceEvent, error) {
	var w presenceWire
	if err := json.Unmarshal(payload, &w); err != nil {
		return PresenceEvent{}, fmt.Errorf("presence event on %q: %w", channel, err)
	}
	if w.Member.ID == "" {
		return PresenceEvent{}, fmt.Errorf("presence event on %q: member without id", channel)
	}
	return PresenceEvent{Channel: channel, Member: w.Member, Joined: w.Joined}, nil
}
