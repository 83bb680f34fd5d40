package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/trelljaz/trelljaz/sockjs"
)

// SubscribeClaims are the claims of a subscription token: the website
// signs one per user and channel, and the browser hands it to the broker.
// The broker trusts the channel only because the signature covers it.
type SubscribeClaims struct {
	// Channel the bearer may subscribe to.
	Channel string `json:"ch"`
	jwt.RegisteredClaims
}

// MintToken signs a token (JWT, HS256) that lets its bearer subscribe to
// channel until ttl from now. subject names the user, for logs. This is what
// the website runs; see README.md for the same in Python.
func MintToken(secret []byte, subject, channel string, ttl time.Duration) (string, error) {
	now := time.Now()
	claims := SubscribeClaims{
		Channel: channel,
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   subject,
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
		},
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(secret)
	if err != nil {
		return "", fmt.Errorf("mint token: %w", err)
	}
	return s, nil
}

// errTokenChannel: the token is valid but its channel is not.
var (
	errTokenChannel = errors.New("token names no valid channel")
)

// parseToken checks a subscription token: HS256 only (no "none", no
// algorithm confusion), signed with secret, with an expiry that has not
// passed by this process's clock (no leeway: keep the website's and the
// broker's clocks in sync), and naming a valid channel.
func parseToken(secret []byte, token string) (*SubscribeClaims, error) {
	var claims SubscribeClaims
	_, err := jwt.ParseWithClaims(token, &claims,
		func(*jwt.Token) (any, error) { return secret, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithExpirationRequired(),
	)
	if err != nil {
		return nil, fmt.Errorf("token: %w", err)
	}
	if err := sockjs.ValidateChannel(claims.Channel); err != nil {
		return nil, fmt.Errorf("%w: %w", errTokenChannel, err)
	}
	return &claims, nil
}
