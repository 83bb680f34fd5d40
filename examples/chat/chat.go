package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/trelljaz/trelljaz/sockjs"
)

// Limits on what a client may send.
const (
	maxNick = 24
	maxText = 1000
	maxRoom = 32
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

// inbound is what a client sends: {"type":"join","room":"lobby","nick":"ann"}
// or {"type":"say","text":"hello"}.
type inbound struct {
	Type string `json:"type"`
	Room string `json:"room"`
	Nick string `json:"nick"`
	Text string `json:"text"`
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
	var in inbound
	if err := json.Unmarshal([]byte(raw), &in); err != nil {
		m.fail("messages are JSON objects with a type")
		return
	}
	switch in.Type {
	case "join":
		if err := m.join(in.Nick, in.Room); err != nil {
			m.fail(err.Error())
		}
	case "say":
		if m.room == "" {
			m.fail("join a room first")
			return
		}
		text := strings.TrimSpace(in.Text)
		if text == "" || utf8.RuneCountInString(text) > maxText || !utf8.ValidString(text) {
			m.fail(fmt.Sprintf("a message has 1 to %d characters", maxText))
			return
		}
		m.publish(outbound{Type: "msg", Room: m.room, Nick: m.chat.nick(m.s), Text: text, Time: time.Now().UnixMilli()})
	default:
		m.fail(fmt.Sprintf("unknown message type %q", in.Type))
	}
}

func (m *member) OnClose() {
	m.chat.mu.Lock()
	delete(m.chat.nicks, m.s)
	m.chat.mu.Unlock()
	// The hub drops the session's subscription (and presence) by itself.
}

// join moves the member to room under nick.
func (m *member) join(nick, room string) error {
	if err := validName("nick", nick, maxNick); err != nil {
		return err
	}
	if err := validName("room", room, maxRoom); err != nil {
		return err
	}
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

// validName accepts 1..max letters, digits, '-', '_' and spaces inside.
func validName(what, v string, max int) error {
	n := utf8.RuneCountInString(v)
	if n == 0 || n > max || strings.TrimSpace(v) != v {
		return fmt.Errorf("a %s has 1 to %d characters, no spaces around", what, max)
	}
	for _, r := range v {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '_' && r != ' ' {
			return errors.New("a " + what + " has letters, digits, '-', '_' and spaces only")
		}
	}
	return nil
}
