package account

import (
	"context"
	"crypto/subtle"
	"fmt"
	"sync"
	"time"
)

// MemoryDirectory is a Directory held in memory: for tests, and for a club
// run without a store. Its players are gone when the process ends. The zero
// value is not usable; call NewMemoryDirectory.
type MemoryDirectory struct {
	now func() time.Time

	mu         sync.Mutex
	byID       map[ID]memoryEntry
	byIdentity map[identityKey]ID
	byNameKey  map[string]ID
	lastID     ID
}

type identityKey struct{ provider, userID string }

type memoryEntry struct {
	player Player
	secret string
}

// NewMemoryDirectory returns an empty MemoryDirectory. now stamps
// Player.Created; nil means time.Now.
func NewMemoryDirectory(now func() time.Time) *MemoryDirectory {
	if now == nil {
		now = time.Now
	}
	return &MemoryDirectory{
		now:        now,
		byID:       make(map[ID]memoryEntry),
		byIdentity: make(map[identityKey]ID),
		byNameKey:  make(map[string]ID),
	}
}

// SignIn implements Directory. It is safe for concurrent use.
func (d *MemoryDirectory) SignIn(ctx context.Context, id Identity) (Player, error) {
	if err := ctx.Err(); err != nil {
		return Player{}, fmt.Errorf("account: sign in: %w", err)
	}
	if id.Provider == "" || id.ProviderUserID == "" {
		return Player{}, fmt.Errorf("account: sign in: identity without provider or user id")
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if pid, ok := d.byIdentity[identityKey{id.Provider, id.ProviderUserID}]; ok {
		e := d.byID[pid]
		if subtle.ConstantTimeCompare([]byte(e.secret), []byte(id.Secret)) != 1 {
			return Player{}, fmt.Errorf("account: sign in %s user %q: %w", id.Provider, id.ProviderUserID, ErrClaimed)
		}
		return e.player, nil
	}
	key := NameKey(id.Name)
	if key == "" {
		return Player{}, fmt.Errorf("account: sign in %s user %q: %w: empty name", id.Provider, id.ProviderUserID, ErrBadName)
	}
	if _, taken := d.byNameKey[key]; taken {
		return Player{}, fmt.Errorf("account: sign in as %q: %w", id.Name, ErrNameTaken)
	}
	d.lastID++
	p := Player{
		ID:             d.lastID,
		Name:           id.Name,
		Provider:       id.Provider,
		ProviderUserID: id.ProviderUserID,
		Created:        d.now(),
	}
	d.byID[p.ID] = memoryEntry{player: p, secret: id.Secret}
	d.byIdentity[identityKey{id.Provider, id.ProviderUserID}] = p.ID
	d.byNameKey[key] = p.ID
	return p, nil
}

// Player implements Directory. It is safe for concurrent use.
func (d *MemoryDirectory) Player(ctx context.Context, id ID) (Player, error) {
	if err := ctx.Err(); err != nil {
		return Player{}, fmt.Errorf("account: player %d: %w", id, err)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	e, ok := d.byID[id]
	if !ok {
		return Player{}, fmt.Errorf("account: player %d: %w", id, ErrNotFound)
	}
	return e.player, nil
}
