package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// maxName is the longest player name, in characters.
const maxName = 32

// clientMsg is what a browser sends: {"type":"play","name":"ann"} or
// {"type":"move","cell":4}.
type clientMsg struct {
	Type string `json:"type"` // play, move
	Name string `json:"name"`
	Cell int    `json:"cell"`
}

// parseClientMsg decodes and checks one message from a browser. The error's
// text is what the browser is told. An accepted message holds only the
// fields of its type:
//
//   - play: Name, trimmed, 1 to maxName characters;
//   - move: Cell, a cell of the board (0-8; a missing cell is 0). Whether
//     the move is allowed now is the game's business (Board.Play).
func parseClientMsg(raw string) (clientMsg, error) {
	var m clientMsg
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return clientMsg{}, errors.New("bad message")
	}
	switch m.Type {
	case "play":
		name := strings.TrimSpace(m.Name)
		if name == "" || utf8.RuneCountInString(name) > maxName {
			return clientMsg{}, fmt.Errorf("a name of 1 to %d characters, please", maxName)
		}
		return clientMsg{Type: m.Type, Name: name}, nil
	case "move":
		if m.Cell < 0 || m.Cell >= len(Board{}.Cells) {
			return clientMsg{}, fmt.Errorf("%w: %d", ErrNoSuchCell, m.Cell)
		}
		return clientMsg{Type: m.Type, Cell: m.Cell}, nil
	default:
		return clientMsg{}, errors.New("unknown message type")
	}
}

// ctrl is a message between processes.
type ctrl struct {
	Kind   string `json:"kind"` // waiting, gone, claim, accepted, rejected, joined, move, leave, over
	From   string `json:"from"` // sending process
	Player string `json:"player,omitempty"`
	Name   string `json:"name,omitempty"`
	// Claims: the challenger offered to the waiting Player.
	Challenger     string `json:"challenger,omitempty"`
	ChallengerName string `json:"challengerName,omitempty"`
	Game           string `json:"game,omitempty"`
	Cell           int    `json:"cell,omitempty"`
}

// parseCtrl decodes and checks a control message from the broker. Anyone
// who can publish on the Redis server can send one, so it accepts only what
// Lobby.handle can act on: a known kind from a named process, about a
// player, with the game for the kinds about a game, the challenger for a
// claim and a cell of the board for a move.
func parseCtrl(payload []byte) (ctrl, error) {
	var m ctrl
	if err := json.Unmarshal(payload, &m); err != nil {
		return ctrl{}, fmt.Errorf("control message: %w", err)
	}
	var needGame bool
	switch m.Kind {
	case "waiting", "gone", "rejected":
	case "claim":
		if m.Challenger == "" {
			return ctrl{}, errors.New("control message claim: no challenger")
		}
	case "accepted", "joined", "leave", "over":
		needGame = true
	case "move":
		needGame = true
		if m.Cell < 0 || m.Cell >= len(Board{}.Cells) {
			return ctrl{}, fmt.Errorf("control message move: %w: %d", ErrNoSuchCell, m.Cell)
		}
	default:
		return ctrl{}, fmt.Errorf("control message: unknown kind %q", m.Kind)
	}
	switch {
	case m.From == "":
		return ctrl{}, fmt.Errorf("control message %s: no sending process", m.Kind)
	case m.Player == "":
		return ctrl{}, fmt.Errorf("control message %s: no player", m.Kind)
	case needGame && m.Game == "":
		return ctrl{}, fmt.Errorf("control message %s: no game", m.Kind)
	}
	return m, nil
}
