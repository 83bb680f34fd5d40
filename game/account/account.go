// Package account holds the club's words for the people in it: a Player, how
// a player is identified (provider + provider user id, never a name the
// client states), and the Directory that signs players in.
//
// It is a leaf package: the sign-in layer (game/auth), the store (game/store),
// the tables and the web site share these types instead of each defining its
// own. Display names are unique after NameKey, so nobody can impersonate
// "Anna" with a Cyrillic «Аnna» or a trailing space.
package account

import (
	"context"
	"errors"
	"time"
)

// ID is a player's stable identifier in the club's store.
type ID int64

// Providers that are not OAuth providers.
const (
	// ProviderDev is the development sign-in: a chosen name, bound to the
	// browser that claimed it.
	ProviderDev = "dev"
	// ProviderBot marks the club's computer players.
	ProviderBot = "bot"
)

// Player is one member of the club.
type Player struct {
	ID ID
	// Name is the display name: from the OAuth provider (not editable) or
	// chosen at the dev sign-in. Unique by NameKey across the club.
	Name string
	// Provider names the sign-in provider ("github", "google", "yandex",
	// ProviderDev or ProviderBot).
	Provider string
	// ProviderUserID is the provider's id for this user (for ProviderDev,
	// the NameKey of the name).
	ProviderUserID string
	// Created is when the player first signed in.
	Created time.Time
}

// Identity is what a sign-in establishes about a person: who the provider
// says they are.
type Identity struct {
	Provider       string
	ProviderUserID string
	// Name is the display name the provider gives (or the dev name chosen).
	Name string
	// Secret, when not empty, binds the identity to its first claimant: a
	// later SignIn of the same provider user with another Secret is refused
	// with ErrClaimed. The dev sign-in passes a hash of the browser's random
	// key, so a dev name belongs to the browser that claimed it.
	Secret string
}

// Errors of a Directory.
var (
	// ErrNotFound: no such player.
	ErrNotFound = errors.New("account: no such player")
	// ErrNameTaken: another player holds a name with the same NameKey.
	ErrNameTaken = errors.New("account: name taken")
	// ErrClaimed: the identity exists and its Secret does not match.
	ErrClaimed = errors.New("account: claimed by another browser")
)

// Directory finds and creates players. Implementations are safe for
// concurrent use.
type Directory interface {
	// SignIn returns the player of id.Provider + id.ProviderUserID,
	// creating it with id.Name when it is new. A new player whose name's
	// NameKey is taken gets ErrNameTaken; a known one whose Secret differs
	// gets ErrClaimed. A known player keeps the name it was created with.
	SignIn(ctx context.Context, id Identity) (Player, error)
	// Player returns the player with the given id, or ErrNotFound.
	Player(ctx context.Context, id ID) (Player, error)
}
