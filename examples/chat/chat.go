package main

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/trelljaz/trelljaz/sockjs"
)

// Chat is the chat service: rooms are hub channels ("room:<name>"), so with a
// Redis broker every process serving the chat shares them.
//
// Each room keeps its latest lines (roomHistory): a page that reconnects,
// to any process, names the position of the last line it saw and gets the
// lines it missed, or is told they could not be recovered.
type Chat struct {
	hub *sockjs.Hub
	log *slog.Logger

	mu    sync.Mutex
	nicks map[*sockjs.Session]string
}

// NewChat returns a chat publishing through broker, with presence from
// presence (nil: one process only).
func NewChat(broker sockjs.Broker, presence sockjs.Presence, log *slog.Logger) *Chat {
	c := &Chat{log: log, nicks: make(map[*sockjs.Session]string)}
	c.hub = sockjs.NewHub(broker, &sockjs.HubOptions{
		MaxPayload:        4 << 10,
		Identity:          c.nick,
		Presence:          presence,
		History:           map[string]sockjs.HistoryLimits{"room*": roomHistory},
		EncodePublication: encodeLine,
		Logger:            log,
	})
	return c
}

// roomHistory is how much of each room is kept for pages that reconnect.
var roomHistory = sockjs.HistoryLimits{Size: 200, TTL: time.Hour}

// encodeLine is the message pages get for a line of a room (a msg, joined
// or left), with its position in the room added, so that a page that
// reconnects can ask for the lines after it.
func encodeLine(p sockjs.Publication) string {
	var out outbound
	if err := json.Unmarshal([]byte(p.Payload), &out); err != nil || (out.Type != "msg" && out.Type != "joined" && out.Type != "left") {
		// Not a line of ours (something else published to the room):
		// the page still learns its position.
		out = outbound{Type: "error", Text: "a malformed line was published to this room"}
	}
	out.Offset, out.Epoch = p.Position.Offset, p.Position.Epoch
	b, _ := json.Marshal(out) // strings and numbers: cannot fail
	return string(b)
}

// Close ends the hub.
func (c *Chat) Close() error { return c.hub.Close() }

// NewHandler makes the per-session handler, for sockjs.NewServer.
func (c *Chat) NewHandler() sockjs.Handler { return &member{chat: c} }

func (c *Chat) nick(s *sockjs.Session) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.nicks[s]
}

// outbound is what clients get: chat lines, joins and leaves (each with its
// position in the room), member lists and errors.
type outbound struct {
	Type    string   `json:"type"` // "msg", "joined", "left", "members", "error"
	Room    string   `json:"room,omitempty"`
	Nick    string   `json:"nick,omitempty"`
	Text    string   `json:"text,omitempty"`
	Members []string `json:"members,omitempty"`
	Time    int64    `json:"time,omitempty"`
	Offset  uint64   `json:"offset,omitempty"`
	Epoch   string   `json:"epoch,omitempty"`
}

// recoveryNote tells a page that joined a room whether it got every line it
// missed, and the position to recover from next.
type recoveryNote struct {
	Type      string `json:"type"` // "recovery"
	Room      string `json:"room"`
	Recovered bool   `json:"recovered"`
	Missed    int    `json:"missed"`
	Reason    string `json:"reason,omitempty"`
	Offset    uint64 `json:"offset"`
	Epoch     string `json:"epoch"`
}

// member is one connected browser.
type member struct {
	chat *Chat
	s    *sockjs.Session
	room string
}

func (m *member) OnOpen(s *sockjs.Session) error { m.s = s; return nil }

func (m *member) OnMessage(raw string) {
	in, err := parseInbound(raw, m.room != "")
	if err != nil {
		m.fail(err.Error())
		return
	}
	switch in.Type {
	case "join":
		if err := m.join(in.Nick, in.Room, in.Since); err != nil {
			m.fail(err.Error())
		}
	case "say":
		m.publish(outbound{Type: "msg", Room: m.room, Nick: m.chat.nick(m.s), Text: in.Text, Time: time.Now().UnixMilli()})
	}
}

func (m *member) OnClose() {
	m.leave()
	m.chat.mu.Lock()
	delete(m.chat.nicks, m.s)
	m.chat.mu.Unlock()
	// The hub drops the session's subscription (and presence) by itself.
}

// leave tells the member's room that it left.
func (m *member) leave() {
	if m.room == "" {
		return
	}
	m.publish(outbound{Type: "left", Room: m.room, Nick: m.chat.nick(m.s), Time: time.Now().UnixMilli()})
}

// join moves the member to room under nick, both checked by parseInbound,
// first sending it the lines it missed after since. A page rejoins its own
// room under the same nick to resync after a jump in offsets: the room is
// not told.
func (m *member) join(nick, room string, since sockjs.Position) error {
	ctx, cancel := context.WithTimeout(m.s.Context(), 5*time.Second)
	defer cancel()
	resync := m.room == room && m.chat.nick(m.s) == nick
	if m.room != "" {
		m.chat.hub.Unsubscribe(m.s, channelOf(m.room))
		if !resync {
			m.leave()
		}
	}
	m.chat.mu.Lock()
	m.chat.nicks[m.s] = nick
	m.chat.mu.Unlock()
	m.room = room
	rec, err := m.chat.hub.SubscribeSince(m.s, channelOf(room), since)
	if err != nil {
		m.room = ""
		return fmt.Errorf("cannot join %s now: %w", room, err)
	}
	if !rec.Recovered {
		m.chat.log.Info("chat: lines missed by a page could not be recovered", "room", room, "reason", rec.Reason)
	}
	_ = m.s.SendJSON(recoveryNote{Type: "recovery", Room: room, Recovered: rec.Recovered, Missed: rec.Missed,
		Reason: rec.Reason, Offset: rec.Position.Offset, Epoch: rec.Position.Epoch})
	if resync {
		return nil
	}
	m.publish(outbound{Type: "joined", Room: room, Nick: nick, Time: time.Now().UnixMilli()})
	members, err := m.chat.hub.Members(ctx, channelOf(room))
	if err != nil {
		m.chat.log.Warn("chat: members", "room", room, "err", err)
		return nil
	}
	names := make([]string, 0, len(members))
	for _, mb := range members {
		names = append(names, mb.Identity)
	}
	slices.Sort(names)
	_ = m.s.SendJSON(outbound{Type: "members", Room: room, Members: names})
	return nil
}

func (m *member) publish(out outbound) {
	b, _ := json.Marshal(out)
	// Not the session's context: a leave is published as it closes.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := m.chat.hub.Publish(ctx, channelOf(out.Room), string(b)); err != nil {
		m.chat.log.Warn("chat: publish", "room", out.Room, "err", err)
		m.fail("the chat is unavailable right now; try again")
	}
}

func (m *member) fail(text string) { _ = m.s.SendJSON(outbound{Type: "error", Text: text}) }

// channelOf is the hub channel of room: "room:<name>" when the name is a
// valid channel name, else "room=" and a digest of the name (rooms may be
// named in any script, with spaces; channel names are ASCII).
func channelOf(room string) string {
	if ch := "room:" + room; sockjs.ValidateChannel(ch) == nil {
		return ch
	}
	sum := sha256.Sum256([]byte(room))
	return "room=" + base64.RawURLEncoding.EncodeToString(sum[:18])
}
