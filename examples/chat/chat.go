package main

import (
	"context"
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
		MaxPayload: 4 << 10,
		Identity:   c.nick,
		Presence:   presence,
		Logger:     log,
	})
	return c
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

// outbound is what clients get: chat lines, joins and leaves, member lists
// and errors.
type outbound struct {
	Type    string   `json:"type"` // "msg", "joined", "members", "error"
	Room    string   `json:"room,omitempty"`
	Nick    string   `json:"nick,omitempty"`
	Text    string   `json:"text,omitempty"`
	Members []string `json:"members,omitempty"`
	Time    int64    `json:"time,omitempty"`
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
		if err := m.join(in.Nick, in.Room); err != nil {
			m.fail(err.Error())
		}
	case "say":
		m.publish(outbound{Type: "msg", Room: m.room, Nick: m.chat.nick(m.s), Text: in.Text, Time: time.Now().UnixMilli()})
	}
}

func (m *member) OnClose() {
	m.chat.mu.Lock()
	delete(m.chat.nicks, m.s)
	m.chat.mu.Unlock()
	// The hub drops the session's subscription (and presence) by itself.
}

// join moves the member to room under nick, both checked by parseInbound.
func (m *member) join(nick, room string) error {
	ctx, cancel := context.WithTimeout(m.s.Context(), 5*time.Second)
	defer cancel()
	if m.room != "" {
		m.chat.hub.Unsubscribe(m.s, channelOf(m.room))
	}
	m.chat.mu.Lock()
	m.chat.nicks[m.s] = nick
	m.chat.mu.Unlock()
	m.room = room
	if err := m.chat.hub.Subscribe(m.s, channelOf(room)); err != nil {
		m.room = ""
		return fmt.Errorf("cannot join %s now: %w", room, err)
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
	ctx, cancel := context.WithTimeout(m.s.Context(), 5*time.Second)
	defer cancel()
	if err := m.chat.hub.Publish(ctx, channelOf(out.Room), string(b)); err != nil {
		m.chat.log.Warn("chat: publish", "room", out.Room, "err", err)
		m.fail("the chat is unavailable right now; try again")
	}
}

func (m *member) fail(text string) { _ = m.s.SendJSON(outbound{Type: "error", Text: text}) }

func channelOf(room string) string { return "room:" + room }
