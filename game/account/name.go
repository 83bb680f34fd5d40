package account

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Limits of a display name, in characters.
const (
	MinNameLen = 2
	MaxNameLen = 32
)

// ErrBadName is wrapped by every error of ValidateName.
var ErrBadName = errors.New("account: bad name")

// ValidateName checks a display name chosen at the dev sign-in (provider
// names are cleaned by CleanName instead): 2–32 characters after trimming,
// letters, digits, marks (at most two after a letter), spaces, and . _ - '.
// It returns the name with its spaces trimmed and collapsed.
func ValidateName(name string) (string, error) {
	name = collapseSpaces(norm.NFC.String(name))
	n := utf8.RuneCountInString(name)
	if n < MinNameLen || n > MaxNameLen {
		return "", fmt.Errorf("%w: %d characters, want %d to %d", ErrBadName, n, MinNameLen, MaxNameLen)
	}
	marks := 0
	for _, r := range name {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			marks = 0
		case unicode.Is(unicode.Mn, r):
			marks++
			if marks > 2 {
				return "", fmt.Errorf("%w: too many combining marks", ErrBadName)
			}
		case r == ' ' || r == '.' || r == '_' || r == '-' || r == '\'':
			marks = 3 // no mark may follow
		default:
			return "", fmt.Errorf("%w: character %q is not allowed", ErrBadName, r)
		}
	}
	return name, nil
}

// CleanName makes a provider's display name fit to show: control, format
// and bidirectional characters removed, spaces collapsed, at most
// MaxNameLen characters. It returns "" when nothing is left.
func CleanName(name string) string {
	var b strings.Builder
	for _, r := range norm.NFC.String(name) {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError {
			continue
		}
		b.WriteRune(r)
	}
	name = collapseSpaces(b.String())
	if utf8.RuneCountInString(name) > MaxNameLen {
		name = strings.TrimSpace(string([]rune(name)[:MaxNameLen]))
	}
	return name
}

func collapseSpaces(s string) string { return strings.Join(strings.Fields(s), " ") }

// NameKey is the form in which two display names are compared: NFKC,
// case folded, with format characters and spaces removed and letters that
// look alike mapped to one (Cyrillic «а» and Greek «α» to Latin "a", "0" to
// "o", "1" and "I" to "l", «ё» to «е»...). Two names with the same key may
// not both be held.
func NameKey(name string) string {
	s := cases.Fold().String(norm.NFKC.String(name))
	s = norm.NFD.String(s)
	var b strings.Builder
	for _, r := range s {
		switch {
		case unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) || unicode.IsControl(r):
			continue
		case unicode.Is(unicode.Mn, r):
			// Marks are dropped: «й» and «и», "é" and "e" compare equal,
			// as they would to a reader glancing at a table.
			continue
		}
		if m, ok := confusable[r]; ok {
			r = m
		}
		b.WriteRune(r)
	}
	return b.String()
}

// confusable maps case-folded letters to the Latin letter they look like.
var confusable = map[rune]rune{
	// Cyrillic
	'а': 'a', 'в': 'b', 'е': 'e', 'ё': 'e', 'з': '3', 'к': 'k', 'м': 'm', 'н': 'h', 'о': 'o',
	'п': 'n', 'р': 'p', 'с': 'c', 'т': 't', 'у': 'y', 'х': 'x', 'ь': 'b', 'і': 'l', 'ї': 'l',
	'ј': 'j', 'ѕ': 's', 'ԁ': 'd', 'һ': 'h', 'ԛ': 'q', 'ԝ': 'w', 'г': 'r', 'и': 'u', 'л': 'n',
	// Greek
	'α': 'a', 'β': 'b', 'γ': 'y', 'ε': 'e', 'η': 'n', 'ι': 'l', 'κ': 'k', 'ν': 'v', 'ο': 'o',
	'ρ': 'p', 'τ': 't', 'υ': 'u', 'χ': 'x', 'ω': 'w', 'ζ': 'z', 'μ': 'u',
	// Latin and digits that pass for one another
	'i': 'l', '1': 'l', '|': 'l', '0': 'o', 'ı': 'l', 'ſ': 's',
}
