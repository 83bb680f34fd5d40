package protocol

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"unicode"
	"unicode/utf8"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/score"
)

// Limits on client input.
const (
	// MaxClientMessage is the largest client message Decode accepts, in bytes.
	MaxClientMessage = 4096
	// MaxName is the longest player name, in characters.
	MaxName = 24
	// MaxChat is the longest chat line, in characters.
	MaxChat = 300
	// MaxTableID is the longest table id, in bytes.
	MaxTableID = 16
	// MaxSeats is the most seats a table has (4 players; 3 is the other size).
	MaxSeats = 4
	// MaxResync is the most tables a sign-in may list in "tables".
	MaxResync = 16
	// MaxToken is the longest socket token a sign-in may carry, in bytes.
	MaxToken = 2048
)

// Client message types.
const (
	TypeSignin      = "signin"
	TypeLobbyChat   = "lobby_chat"
	TypeSet         = "set"
	TypeConventions = "conventions"
	TypeCancel      = "cancel"
	TypeWatch       = "watch"
	TypeLeave       = "leave"
	TypeSit         = "sit"
	TypeStand       = "stand"
	TypeAddBot      = "add_bot"
	TypeMove        = "move"
	TypeTableChat   = "table_chat"
	TypeLobby       = "lobby"
)

// Request is one decoded client message. Only the fields of its Type are set.
type Request struct {
	Type     string
	Name     string                     // signin: the dev name (servers without sign-in only)
	Token    string                     // signin: the socket token from GET /api/token
	Guest    bool                       // signin: a guest (no player): browse and watch only
	LobbyV   uint64                     // signin, lobby: the lobby version the client has, 0 for none
	Unfollow bool                       // lobby: "follow":false; signin: "follow_lobby":false (no lobby deltas)
	View     *LobbyView                 // lobby: "view"; signin: "lobby_view" (nil: the view the connection has, or the default)
	Tables   map[string]uint64          // signin: the tables the client has, with their versions
	Text     string                     // lobby_chat, table_chat
	Table    string                     // every table message
	V        uint64                     // watch: the version the client has, 0 for none
	Seat     int                        // sit, add_bot
	Move     rules.Move                 // move
	Preset   string                     // conventions
	Options  map[string]json.RawMessage // conventions: RULES §14 options over the preset
}

// wire is the JSON form of every client message.
type wire struct {
	Type        string                     `json:"type"`
	Name        *string                    `json:"name"`
	Token       *string                    `json:"token"`
	Guest       *bool                      `json:"guest"`
	LobbyV      *uint64                    `json:"lobby_v"`
	Follow      *bool                      `json:"follow"`
	FollowLobby *bool                      `json:"follow_lobby"`
	View        *LobbyView                 `json:"view"`
	LobbyView   *LobbyView                 `json:"lobby_view"`
	Tables      map[string]uint64          `json:"tables"`
	Text        *string                    `json:"text"`
	Table       *string                    `json:"table"`
	V           *uint64                    `json:"v"`
	Seat        *int                       `json:"seat"`
	Move        json.RawMessage            `json:"move"`
	Preset      *string                    `json:"preset"`
	Options     map[string]json.RawMessage `json:"options"`
}

// strict is how Decode reads a client message: encoding/json/v2's
// Unmarshal (from github.com/go-json-experiment/json, the module that
// mirrors the standard library's v2 and becomes an alias of it where the
// standard library has it), straight from the bytes, with no json.Decoder
// (encoding/json has no strict Unmarshal; the Decoder this took for
// DisallowUnknownFields was 8 % of the bytes the club allocated at 3,000
// tables). Member names match exactly, a name given twice is refused, and
// so is an unknown member, in the message and in its nested objects.
// Invalid UTF-8 and an escaped lone surrogate (what JSON.stringify writes
// for half an emoji, which a text field's length limit can cut) become
// U+FFFD, as encoding/json made them: a chat line keeps its other
// characters.
var strict = jsonv2.JoinOptions(jsonv2.RejectUnknownMembers(true), jsontext.AllowInvalidUTF8(true))

// fields of each client message: required ones, then optional ones after "|".
var fields = map[string][2][]string{
	TypeSignin:      {nil, {"token", "name", "guest", "lobby_v", "lobby_view", "tables", "follow_lobby"}}, // exactly one of token, name and guest
	TypeLobby:       {{"follow"}, {"v", "view"}},
	TypeLobbyChat:   {{"text"}, nil},
	TypeSet:         {nil, nil},
	TypeConventions: {{"table", "preset"}, {"options"}},
	TypeCancel:      {{"table"}, nil},
	TypeWatch:       {{"table"}, {"v"}},
	TypeLeave:       {{"table"}, nil},
	TypeSit:         {{"table", "seat"}, nil},
	TypeStand:       {{"table"}, nil},
	TypeAddBot:      {{"table", "seat"}, nil},
	TypeMove:        {{"table", "move"}, nil},
	TypeTableChat:   {{"table", "text"}, nil},
}

// carried is one optional field of the wire form and whether a message
// carries it.
type carried struct {
	name string
	set  bool
}

// take reports whether name is carried, and marks it seen (no longer set).
func take(fields []carried, name string) bool {
	for i := range fields {
		if fields[i].name == name {
			was := fields[i].set
			fields[i].set = false
			return was
		}
	}
	return false
}

// ErrTooLarge is returned by Decode for a message over MaxClientMessage.
var ErrTooLarge = fmt.Errorf("message: larger than %d bytes", MaxClientMessage)

// Decode decodes and validates one client message from untrusted input.
// Its errors are fit to send back to the client (code ErrBadRequest).
func Decode(data []byte) (Request, error) {
	if len(data) > MaxClientMessage {
		return Request{}, ErrTooLarge
	}
	var w wire
	if err := jsonv2.Unmarshal(data, &w, strict); err != nil {
		return Request{}, wireError(err)
	}
	spec, ok := fields[w.Type]
	if !ok {
		return Request{}, fmt.Errorf("message: unknown type %q", w.Type)
	}
	// Which fields the message carries, by name: an array on the stack (a
	// map of them was most of what decoding a move allocated).
	has := [...]carried{
		{"name", w.Name != nil}, {"token", w.Token != nil}, {"guest", w.Guest != nil}, {"lobby_v", w.LobbyV != nil},
		{"tables", w.Tables != nil}, {"text", w.Text != nil}, {"follow", w.Follow != nil}, {"follow_lobby", w.FollowLobby != nil},
		{"view", w.View != nil}, {"lobby_view", w.LobbyView != nil}, {"table", w.Table != nil}, {"v", w.V != nil},
		{"seat", w.Seat != nil}, {"move", w.Move != nil}, {"preset", w.Preset != nil}, {"options", w.Options != nil},
	}
	for _, f := range spec[0] {
		if !take(has[:], f) {
			return Request{}, fmt.Errorf("%s: missing field %q", w.Type, f)
		}
	}
	for _, f := range spec[1] {
		take(has[:], f)
	}
	for _, f := range has {
		if f.set {
			return Request{}, fmt.Errorf("%s: unexpected field %q", w.Type, f.name)
		}
	}
	if w.Type == TypeSignin {
		n := 0
		for _, set := range []bool{w.Name != nil, w.Token != nil, w.Guest != nil} {
			if set {
				n++
			}
		}
		if n != 1 {
			return Request{}, errors.New("signin: want exactly one of \"token\", \"name\" and \"guest\"")
		}
		if w.Guest != nil && !*w.Guest {
			return Request{}, errors.New("signin: \"guest\" can only be true")
		}
	}
	r := Request{Type: w.Type, Options: w.Options, Guest: w.Guest != nil}
	if w.Follow != nil {
		r.Unfollow = !*w.Follow
	}
	if w.FollowLobby != nil {
		r.Unfollow = !*w.FollowLobby
	}
	for _, v := range []*LobbyView{w.View, w.LobbyView} {
		if v == nil {
			continue
		}
		if r.Unfollow {
			return Request{}, fmt.Errorf("%s: a view is for following the lobby", w.Type)
		}
		if err := v.Validate(); err != nil {
			return Request{}, fmt.Errorf("%s: %w", w.Type, err)
		}
		r.View = v
	}
	if w.Token != nil {
		if n := len(*w.Token); n == 0 || n > MaxToken {
			return Request{}, fmt.Errorf("signin: token must be 1 to %d bytes", MaxToken)
		}
		r.Token = *w.Token
	}
	if w.Name != nil {
		if err := ValidName(*w.Name); err != nil {
			return Request{}, err
		}
		r.Name = *w.Name
	}
	if w.LobbyV != nil {
		r.LobbyV = *w.LobbyV
	}
	if w.Tables != nil {
		if len(w.Tables) > MaxResync {
			return Request{}, fmt.Errorf("signin: at most %d tables", MaxResync)
		}
		for id := range w.Tables {
			if err := validTableID(id); err != nil {
				return Request{}, fmt.Errorf("signin: %w", err)
			}
		}
		r.Tables = w.Tables
	}
	if w.Text != nil {
		if n := utf8.RuneCountInString(*w.Text); n == 0 || n > MaxChat || !utf8.ValidString(*w.Text) {
			return Request{}, fmt.Errorf("%s: text must be 1 to %d characters", w.Type, MaxChat)
		}
		r.Text = *w.Text
	}
	if w.Table != nil {
		if err := validTableID(*w.Table); err != nil {
			return Request{}, fmt.Errorf("%s: %w", w.Type, err)
		}
		r.Table = *w.Table
	}
	if w.V != nil {
		if w.Type == TypeLobby {
			r.LobbyV = *w.V // one field for the lobby version the client has
		} else {
			r.V = *w.V
		}
	}
	if w.Seat != nil {
		if *w.Seat < 0 || *w.Seat >= MaxSeats {
			return Request{}, fmt.Errorf("%s: seat must be 0 to %d", w.Type, MaxSeats-1)
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
	if w.Preset != nil {
		if _, err := score.ParseConvention(*w.Preset); err != nil {
			return Request{}, fmt.Errorf("conventions: %w", err)
		}
		r.Preset = *w.Preset
	}
	return r, nil
}

// wireError says what Unmarshal found wrong with a client message in the
// protocol's words, without the Go types the library's errors name.
func wireError(err error) error {
	var serr *jsonv2.SemanticError
	var syn *jsontext.SyntacticError
	isSemantic := errors.As(err, &serr)
	switch {
	case isSemantic && serr.Err == jsonv2.ErrUnknownName:
		if in := serr.JSONPointer.Parent(); in != "" {
			return fmt.Errorf("message: unknown field %q in %q", serr.JSONPointer.LastToken(), strings.TrimPrefix(string(in), "/"))
		}
		return fmt.Errorf("message: unknown field %q", serr.JSONPointer.LastToken())
	case isSemantic && serr.GoType != nil:
		if serr.JSONPointer == "" {
			return fmt.Errorf("message: %s", expectedJSON(serr.GoType))
		}
		return fmt.Errorf("message: field %q: %s", strings.TrimPrefix(string(serr.JSONPointer), "/"), expectedJSON(serr.GoType))
	case errors.As(err, &syn):
		if syn.JSONPointer != "" {
			return fmt.Errorf("message: bad JSON at %q (byte %d): %w", strings.TrimPrefix(string(syn.JSONPointer), "/"), syn.ByteOffset, syn.Err)
		}
		return fmt.Errorf("message: bad JSON at byte %d: %w", syn.ByteOffset, syn.Err)
	}
	return fmt.Errorf("message: %w", err)
}

// expectedJSON says what JSON a field of Go type t takes.
func expectedJSON(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "want a string"
	case reflect.Bool:
		return "want true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "want a whole number in range"
	case reflect.Map, reflect.Struct:
		return "want an object"
	}
	return "bad value"
}

func validTableID(id string) error {
	if n := len(id); n == 0 || n > MaxTableID {
		return errors.New("bad table id")
	}
	return nil
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
