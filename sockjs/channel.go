package sockjs

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// Limits on what reaches a Broker through a Hub.
const (
	// MaxChannelLength is the longest channel name, in bytes.
	MaxChannelLength = 128
	// DefaultMaxPayload is HubOptions.MaxPayload's default.
	DefaultMaxPayload = 64 << 10
)

// Errors from validating channel names and payloads. Match with errors.Is.
var (
	ErrInvalidChannel  = errors.New("sockjs: invalid channel name")
	ErrPayloadTooLarge = errors.New("sockjs: payload too large")
	ErrInvalidPayload  = errors.New("sockjs: payload is not valid UTF-8")
)

// ValidateChannel reports whether name may be used as a channel: 1 to
// MaxChannelLength bytes of ASCII letters, digits and the punctuation
// "-_.:@/=". Names from clients should pass through it (Hub does) before
// they reach Redis; the restricted alphabet also keeps them readable in
// redis-cli and free of the characters Hub uses for its own channels ('#').
func ValidateChannel(name string) error {
	if name == "" {
		return fmt.Errorf("%w: empty", ErrInvalidChannel)
	}
	if len(name) > MaxChannelLength {
		return fmt.Errorf("%w: %d bytes, the limit is %d", ErrInvalidChannel, len(name), MaxChannelLength)
	}
	for i := 0; i < len(name); i++ {
		if !channelByte(name[i]) {
			return fmt.Errorf("%w: %q: byte %d (%q) is not a letter, digit or one of -_.:@/=",
				ErrInvalidChannel, name, i, name[i])
		}
	}
	return nil
}

func channelByte(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	switch c {
	case '-', '_', '.', ':', '@', '/', '=':
		return true
	}
	return false
}

// validatePayload checks a payload against a size limit and for valid UTF-8
// (every SockJS message is a JSON string).
func validatePayload(p string, limit int) error {
	if len(p) > limit {
		return fmt.Errorf("%w: %d bytes, the limit is %d", ErrPayloadTooLarge, len(p), limit)
	}
	if !utf8.ValidString(p) {
		return ErrInvalidPayload
	}
	return nil
}
