// Package protocol is the wire protocol of the Trelljaz club: every JSON
// message between the browser and the server, in this one file.
//
// Every message is one JSON object {"type": "...", ...} carried as one SockJS
// message. Several messages produced by one action are queued back to back
// on the session, so SockJS sends them in one frame.
//
// # Client to server
//
//	{"type":"signin","name":"Anna"}                    dev sign-in: 1-24 letters, digits, space, _ or -
//	{"type":"lobby_chat","text":"hi"}                  a line of lobby chat (1-300 characters)
//	{"type":"create","convention":"sochi","pool_target":10,"move_time":300}
//	                                                   create a 3-player table (convention sochi,
//	                                                   leningrad or rostov; pool_target 0 = the
//	                                                   preset's; move_time in seconds, 0 = 300)
//	{"type":"watch","table":"t1"}                      open a table: receive its "table" messages
//	{"type":"leave","table":"t1"}                      stop receiving a table (stands up first if waiting)
//	{"type":"sit","table":"t1","seat":0}               take seat 0..2 of a waiting table
//	{"type":"stand","table":"t1"}                      give up one's seat of a waiting table
//	{"type":"add_bot","table":"t1","seat":2}           seat a bot in an empty seat
//	{"type":"move","table":"t1","move":{...}}          a move in the rules engine's wire form, e.g.
//	                                                   {"seat":0,"kind":"bid","bid":"7H"},
//	                                                   {"seat":1,"kind":"play","card":"10S"},
//	                                                   {"seat":2,"kind":"discard","cards":["7S","8S"]}
//	{"type":"table_chat","table":"t1","text":"gl"}     a line of table chat
//
// Nothing but "signin" is accepted before signing in. Unknown types, unknown
// fields and messages over MaxClientMessage bytes are errors.
//
// # Server to client
//
//	{"type":"welcome","name":"Anna"}                   signed in
//	{"type":"error","text":"...","table":"t1"}         a request failed; only its sender gets this
//	                                                   (an illegal move carries the rules' reason)
//	{"type":"lobby","tables":[Summary...]}             every table; sent on sign-in and on every change
//	{"type":"lobby_chat","lines":[ChatLine...]}        new lobby chat lines (the history on sign-in)
//	{"type":"created","table":"t1"}                    to the creator of a table
//	{"type":"table",...TableView}                      the whole table as this client may see it; sent
//	                                                   on watch, on reconnect and after every change
//	{"type":"table_chat","table":"t1","lines":[...]}   new table chat lines
//	{"type":"left","table":"t1"}                       the client no longer receives the table
//
// A TableView holds the seats, the deal as rules.View gives it for the
// client's seat (the spectator view for everyone else), the legal moves when
// the client is to move, the score sheet after each deal and, once the pulka
// is over, the settlement. It never holds another seat's hidden cards, the
// closed talon or a deal's seed.
//
// A player who signs in again with the same name (a reconnect, a second tab)
// gets a "table" message for every table they sit at.
package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode"
	"unicode/utf8"

	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/score"
)

// Limits on client input.
const (
	// MaxClientMessage is the largest client message Decode accepts, in bytes.
	MaxClientMessage = 2048
	// MaxName is the longest player name, in characters.
	MaxName = 24
	// MaxChat is the longest chat line, in characters.
	MaxChat = 300
	// MaxTableID is the longest table id, in bytes.
	MaxTableID = 16
	// Seats is the number of seats at a club table.
	Seats = 3
)

// Client message types.
const (
	TypeSignin    = "signin"
	TypeLobbyChat = "lobby_chat"
	TypeCreate    = "create"
	TypeWatch     = "watch"
	TypeLeave     = "leave"
	TypeSit       = "sit"
	TypeStand     = "stand"
	TypeAddBot    = "add_bot"
	TypeMove      = "move"
	TypeTableChat = "table_chat"
)

// Server message types.
const (
	TypeWelcome = "welcome"
	TypeError   = "error"
	TypeLobby   = "lobby"
	TypeCreated = "created"
	TypeTable   = "table"
	TypeLeft    = "left"
)

// Request is one decoded client message. Only the fields of its Type are set.
type Request struct {
	Type       string
	Name       string     // signin
	Text       string     // lobby_chat, table_chat
	Convention string     // create
	PoolTarget int        // create; 0 means the preset's
	MoveTime   int        // create, seconds; 0 means the default
	Table      string     // every table message
	Seat       int        // sit, add_bot
	Move       rules.Move // move
}

// wire is the JSON form of every client message.
type wire struct {
	Type       string          `json:"type"`
	Name       *string         `json:"name"`
	Text       *string         `json:"text"`
	Convention *string         `json:"convention"`
	PoolTarget *int            `json:"pool_target"`
	MoveTime   *int            `json:"move_time"`
	Table      *string         `json:"table"`
	Seat       *int            `json:"seat"`
	Move       json.RawMessage `json:"move"`
}

// ErrTooLarge is returned by Decode for a message over MaxClientMessage.
var ErrTooLarge = errors.New("message: larger than 2048 bytes")

// Decode decodes and validates one client message from untrusted input.
// Its errors are fit to send back to the client.
func Decode(data []byte) (Request, error) {
	if len(data) > MaxClientMessage {
		return Request{}, ErrTooLarge
	}
	var w wire
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return Request{}, fmt.Errorf("message: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Request{}, errors.New("message: trailing data after the JSON object")
	}
	r := Request{Type: w.Type}
	var need []string // fields the type requires
	has := map[string]bool{
		"name": w.Name != nil, "text": w.Text != nil, "convention": w.Convention != nil,
		"pool_target": w.PoolTarget != nil, "move_time": w.MoveTime != nil,
		"table": w.Table != nil, "seat": w.Seat != nil, "move": w.Move != nil,
	}
	var allow []string // optional fields
	switch w.Type {
	case TypeSignin:
		need = []string{"name"}
	case TypeLobbyChat:
		need = []string{"text"}
	case TypeCreate:
		need = []string{"convention"}
		allow = []string{"pool_target", "move_time"}
	case TypeWatch, TypeLeave, TypeStand:
		need = []string{"table"}
	case TypeSit, TypeAddBot:
		need = []string{"table", "seat"}
	case TypeMove:
		need = []string{"table", "move"}
	case TypeTableChat:
		need = []string{"table", "text"}
	default:
		return Request{}, fmt.Errorf("message: unknown type %q", w.Type)
	}
	for _, f := range need {
		if !has[f] {
			return Request{}, fmt.Errorf("%s: missing field %q", w.Type, f)
		}
		delete(has, f)
	}
	for _, f := range allow {
		delete(has, f)
	}
	for f, ok := range has {
		if ok {
			return Request{}, fmt.Errorf("%s: unexpected field %q", w.Type, f)
		}
	}
	if w.Name != nil {
		if err := ValidName(*w.Name); err != nil {
			return Request{}, err
		}
		r.Name = *w.Name
	}
	if w.Text != nil {
		if n := utf8.RuneCountInString(*w.Text); n == 0 || n > MaxChat || !utf8.ValidString(*w.Text) {
			return Request{}, fmt.Errorf("%s: text must be 1 to %d characters", w.Type, MaxChat)
		}
		r.Text = *w.Text
	}
	if w.Convention != nil {
		switch *w.Convention {
		case "sochi", "leningrad", "rostov":
		default:
			return Request{}, fmt.Errorf("create: convention %q is not sochi, leningrad or rostov", *w.Convention)
		}
		r.Convention = *w.Convention
	}
	if w.PoolTarget != nil {
		if *w.PoolTarget < 0 || *w.PoolTarget > 500 {
			return Request{}, errors.New("create: pool_target must be 0 to 500")
		}
		r.PoolTarget = *w.PoolTarget
	}
	if w.MoveTime != nil {
		if *w.MoveTime < 0 || *w.MoveTime > 3600 {
			return Request{}, errors.New("create: move_time must be 0 to 3600 seconds")
		}
		r.MoveTime = *w.MoveTime
	}
	if w.Table != nil {
		if n := len(*w.Table); n == 0 || n > MaxTableID {
			return Request{}, fmt.Errorf("%s: bad table id", w.Type)
		}
		r.Table = *w.Table
	}
	if w.Seat != nil {
		if *w.Seat < 0 || *w.Seat >= Seats {
			return Request{}, fmt.Errorf("%s: seat must be 0 to %d", w.Type, Seats-1)
		}
		r.Seat = *w.Seat
	}
	if w.Move != nil {
		m, err := rules.DecodeMove(w.Move)
		if err != nil {
			return Request{}, err
		}
		r.Move = m
	}
	return r, nil
}

// ValidName reports whether name is a valid player name: 1 to MaxName
// characters, each a letter, a digit, a space, '_' or '-', not blank.
func ValidName(name string) error {
	n, blank := 0, true
	for _, c := range name {
		n++
		switch {
		case c == ' ':
		case c == '_' || c == '-' || unicode.IsLetter(c) || unicode.IsDigit(c):
			blank = false
		default:
			return fmt.Errorf("name: %q is not allowed (letters, digits, space, _ and - only)", c)
		}
	}
	if n == 0 || n > MaxName || blank || !utf8.ValidString(name) {
		return fmt.Errorf("name: must be 1 to %d characters, not only spaces", MaxName)
	}
	return nil
}

// Error is the "error" message: why a request failed. Only its sender gets it.
type Error struct {
	Type  string `json:"type"` // "error"
	Text  string `json:"text"`
	Table string `json:"table,omitempty"`
}

// Welcome is the "welcome" message after sign-in.
type Welcome struct {
	Type string `json:"type"` // "welcome"
	Name string `json:"name"`
}

// ChatLine is one line of lobby or table chat.
type ChatLine struct {
	From string `json:"from"`
	Text string `json:"text"`
	At   int64  `json:"at"` // Unix milliseconds
}

// LobbyChat is the "lobby_chat" message.
type LobbyChat struct {
	Type  string     `json:"type"` // "lobby_chat"
	Lines []ChatLine `json:"lines"`
}

// TableChat is the "table_chat" message.
type TableChat struct {
	Type  string     `json:"type"` // "table_chat"
	Table string     `json:"table"`
	Lines []ChatLine `json:"lines"`
}

// Created is the "created" message to the creator of a table.
type Created struct {
	Type  string `json:"type"` // "created"
	Table string `json:"table"`
}

// Left is the "left" message: the client no longer receives the table.
type Left struct {
	Type  string `json:"type"` // "left"
	Table string `json:"table"`
}

// Table states.
const (
	StatusWaiting  = "waiting"  // seats are being taken
	StatusPlaying  = "playing"  // the pulka is on
	StatusFinished = "finished" // the pulka is over
)

// Seat is one seat of a table as everyone sees it.
type Seat struct {
	Name   string `json:"name"` // "" when empty
	Bot    bool   `json:"bot"`
	Online bool   `json:"online"` // a human with an open connection to the table
}

// Summary is one table in the lobby.
type Summary struct {
	ID         string      `json:"id"`
	Convention string      `json:"convention"`
	PoolTarget int         `json:"pool_target"`
	MoveTime   int         `json:"move_time"` // seconds
	Status     string      `json:"status"`
	Seats      [Seats]Seat `json:"seats"`
	Watchers   int         `json:"watchers"` // open connections
	Deals      int         `json:"deals"`    // deals finished
}

// Lobby is the "lobby" message.
type Lobby struct {
	Type   string    `json:"type"` // "lobby"
	Tables []Summary `json:"tables"`
}

// Settlement is the final result of a pulka in whists, by seat.
type Settlement struct {
	Rounded [Seats]int64  `json:"rounded"`
	Exact   [Seats]string `json:"exact"`
}

// TableView is the "table" message: the whole table as one client may see it.
type TableView struct {
	Type       string           `json:"type"` // "table"
	ID         string           `json:"id"`
	Convention string           `json:"convention"`
	PoolTarget int              `json:"pool_target"`
	MoveTime   int              `json:"move_time"`
	Status     string           `json:"status"`
	Seats      [Seats]Seat      `json:"seats"`
	Watchers   int              `json:"watchers"`
	Spectators []string         `json:"spectators"` // names watching without a seat
	You        int              `json:"you"`        // the client's seat, or -1
	DealNo     int              `json:"deal_no"`    // 1 for the first deal, 0 before it
	MoveNo     int              `json:"move_no"`    // moves applied in this deal
	Deal       *rules.SeatView  `json:"deal"`       // rules.View for You (spectator view when -1); nil before the first deal
	Legal      []rules.Move     `json:"legal"`      // the client's legal moves when it is to move
	Deadline   int64            `json:"deadline"`   // Unix ms when the player to move times out, 0 if none
	Sheet      *score.SheetView `json:"sheet"`      // from the start of the pulka
	LastDeal   string           `json:"last_deal"`  // a line on the last finished deal
	Result     *Settlement      `json:"result"`     // once the pulka is over
	Chat       []ChatLine       `json:"chat"`       // recent table chat
}
