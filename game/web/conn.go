package web

import (
	"errors"
	"time"

	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/table"
	"github.com/trelljaz/trelljaz/sockjs"
)

// conn is one SockJS session: a player once signed in, or a guest (no
// player: browse and watch only). Its hooks run one at a time; player and
// guest are written once, before the conn is handed to the lobby or any
// table, and read-only after (signedIn publishes them to the sign-in
// timer).
type conn struct {
	srv      *Server
	s        *sockjs.Session
	ip       string
	player   protocol.Player
	guest    bool // signed in as a guest: player stays zero
	signedIn chan struct{}
	tables   map[string]table.Handle // the tables this connection talks to
	warned   time.Time               // the last rate-limit warning
	signin   *time.Timer
}

// Player returns the signed-in player; a guest's is zero (the lobby counts
// it, a table shows it the spectators' view).
func (c *conn) Player() protocol.Player { return c.player }

// Send queues msgs on the session back to back, in order: in one frame,
// unless a direct write (sockjs.Options.DirectWrites) takes the first at once.
func (c *conn) Send(msgs ...*protocol.Encoded) {
	for _, m := range msgs {
		if err := c.s.SendMessage(m.SockJS()); err != nil {
			if errors.Is(err, sockjs.ErrSlowConsumer) {
				c.srv.cfg.Metrics.SendDrop()
			}
			return
		}
	}
}

// OnOpen admits the session (per-IP cap) and starts its sign-in deadline.
func (c *conn) OnOpen(s *sockjs.Session) error {
	c.s = s
	ip := s.Request().RemoteIP
	if !c.srv.admit(ip) {
		return errors.New("too many connections from this address")
	}
	c.ip = ip.String()
	c.signedIn = make(chan struct{})
	done := c.signedIn
	c.signin = time.AfterFunc(c.srv.cfg.SigninTimeout, func() {
		select {
		case <-done:
		default:
			_ = s.Close(sockjs.CloseForbidden, "sign in first")
		}
	})
	c.srv.cfg.Metrics.SessionOpened(s.Transport())
	return nil
}

// OnClose detaches the session from its tables and the lobby.
func (c *conn) OnClose() {
	c.signin.Stop()
	c.srv.release(c.s.Request().RemoteIP)
	c.srv.cfg.Metrics.SessionClosed(c.s.Transport())
	if c.player.ID == "" && !c.guest {
		return
	}
	for _, t := range c.tables {
		t.Detach(c)
	}
	c.srv.lobby.Leave(c)
}

func (c *conn) fail(code protocol.Code, text, tableID string) {
	c.Send(protocol.Encode(protocol.Error{Code: code, Text: text, Table: tableID}))
}

func (c *conn) failErr(err error, tableID string) {
	var pe protocol.Error
	if errors.As(err, &pe) {
		pe.Table = tableID
		c.Send(protocol.Encode(pe))
		return
	}
	c.fail(protocol.ErrInternal, err.Error(), tableID)
}

// limited applies the message rate: a first excess is a warning, a second
// within warnWindow closes the connection.
func (c *conn) limited() bool {
	key := "ip:" + c.ip
	if c.player.ID != "" {
		key = c.player.ID
	}
	now := time.Now()
	if c.srv.limits.msgs.Allow(key, now) {
		return false
	}
	if !c.warned.IsZero() && now.Sub(c.warned) < warnWindow {
		c.srv.log.Warn("flooder closed", "player", c.player.ID, "ip", c.ip)
		_ = c.s.Close(sockjs.CloseRateLimited, "too many messages")
		return true
	}
	c.warned = now
	c.fail(protocol.ErrRateLimited, "too many messages: slow down or the connection is closed", "")
	return true
}

// chatAllowed applies the chat limits per player and per IP.
func (c *conn) chatAllowed(tableID string) bool {
	now := time.Now()
	if !c.srv.limits.chat.Allow(c.player.ID, now) || !c.srv.limits.chatIP.Allow(c.ip, now) {
		c.fail(protocol.ErrChatLimited, "too many chat lines: wait a moment", tableID)
		return false
	}
	return true
}

// OnMessage rate-limits, decodes and routes one client message.
func (c *conn) OnMessage(msg string) {
	if c.limited() {
		return
	}
	req, err := protocol.Decode([]byte(msg))
	if err != nil {
		c.fail(protocol.ErrBadRequest, err.Error(), "")
		return
	}
	if req.Type == protocol.TypeSignin {
		c.doSignin(req)
		return
	}
	if c.player.ID == "" && !c.guest {
		c.fail(protocol.ErrNotSignedIn, "sign in first", "")
		return
	}
	if c.guest && !guestMay[req.Type] {
		c.fail(protocol.ErrSigninRequired, "guests browse and watch: sign in to do this", req.Table)
		return
	}
	l := c.srv.lobby
	switch req.Type {
	case protocol.TypeLobby:
		if req.Unfollow {
			l.Unfollow(c)
		} else {
			l.FollowView(c, req.LobbyV, req.View)
		}
		return
	case protocol.TypeLobbyChat:
		if c.chatAllowed("") {
			l.Chat(c, req.Text)
		}
		return
	case protocol.TypeSet:
		t, err := c.srv.cfg.Tables.Set(c.player, c.s.Request().RemoteIP)
		if err != nil {
			c.failErr(err, "")
			return
		}
		c.tables[t.ID()] = t
		c.Send(protocol.Encode(protocol.Created{Table: t.ID()}))
		t.Watch(c, 0)
		return
	}
	t := c.table(req.Table)
	if t == nil {
		return
	}
	switch req.Type {
	case protocol.TypeWatch:
		t.Watch(c, req.V)
	case protocol.TypeConventions:
		t.SetConventions(c, req.Preset, req.Options)
	case protocol.TypeCancel:
		t.Cancel(c)
	case protocol.TypeSit:
		t.Sit(c, req.Seat)
	case protocol.TypeLeave:
		delete(c.tables, req.Table)
		t.Leave(c)
	case protocol.TypeStand:
		t.Stand(c)
	case protocol.TypeAddBot:
		t.AddBot(c, req.Seat)
	case protocol.TypeMove:
		t.Move(c, req.Move)
	case protocol.TypeTableChat:
		if c.chatAllowed(req.Table) {
			t.Chat(c, req.Text)
		}
	}
}

// guestMay are the requests a guest may make (besides the lobby it gets).
var guestMay = map[string]bool{protocol.TypeWatch: true, protocol.TypeLeave: true, protocol.TypeLobby: true}

// table returns table id, known to this connection or found in the lobby;
// nil (with the error sent) when there is none.
func (c *conn) table(id string) table.Handle {
	if t, ok := c.tables[id]; ok {
		select {
		case <-t.Done():
			delete(c.tables, id) // reclaimed
		default:
			return t
		}
	}
	t, ok := c.srv.cfg.Tables.Table(id)
	if !ok {
		c.fail(protocol.ErrNoTable, "no such table", id)
		return nil
	}
	c.tables[id] = t
	return t
}

// doSignin signs the connection in through the one Identify. The lobby
// (unless the client asks not to follow it) and the tables the client
// lists come back from the versions it has; every
// table the player sits at is watched (a reconnect restores seats).
func (c *conn) doSignin(req protocol.Request) {
	switch {
	case c.guest:
		c.fail(protocol.ErrSignedIn, "this is a guest connection: open a new one to sign in", "")
		return
	case c.player.ID != "":
		c.fail(protocol.ErrSignedIn, "already signed in as "+c.player.Name, "")
		return
	}
	var p protocol.Player
	if req.Guest {
		c.guest = true
	} else {
		var err error
		if p, err = c.srv.cfg.Identify(req, c.s.Request()); err != nil {
			c.failErr(err, "")
			return
		}
		c.player = p
	}
	close(c.signedIn)
	if c.guest {
		c.Send(c.srv.welcomes.guest)
	} else {
		c.Send(c.srv.welcomes.forPlayer(p))
	}
	if from := c.s.Request().RemoteIP; req.Unfollow {
		c.srv.lobby.JoinUnfollowed(c, from)
	} else {
		c.srv.lobby.JoinView(c, from, req.LobbyV, req.View)
	}
	if !c.guest {
		for _, t := range c.srv.cfg.Tables.SeatedAt(p.ID) {
			c.tables[t.ID()] = t
			t.Watch(c, req.Tables[t.ID()])
		}
	}
	for id, v := range req.Tables {
		if _, ok := c.tables[id]; ok {
			continue
		}
		if t, ok := c.srv.cfg.Tables.Table(id); ok {
			c.tables[id] = t
			t.Watch(c, v)
		} else {
			c.Send(protocol.Encode(protocol.Left{Table: id}))
		}
	}
	c.srv.log.Info("signed in", "player", p.ID, "guest", c.guest, "transport", c.s.Transport())
}
