package auth

import (
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// MinSecretLen is the least length of Config.Secret, in bytes.
const MinSecretLen = 32

// SecretEnv is the environment variable LoadSecret reads first.
const SecretEnv = "TRELLJAZ_SESSION_KEY"

// SecretFile is the file in the data directory that holds the generated
// secret when SecretEnv is not set.
const SecretFile = "session.key"

// LoadSecret returns the club's secret: the value of TRELLJAZ_SESSION_KEY
// in getenv (at least MinSecretLen bytes) or, when that is empty, the one
// kept in dataDir/session.key, which it generates (32 random bytes,
// base64, mode 0600) the first time. Changing the secret signs every
// browser out. Processes of one club must share it: give them the same
// TRELLJAZ_SESSION_KEY or the same data directory.
func LoadSecret(getenv func(string) string, dataDir string) ([]byte, error) {
	if s := getenv(SecretEnv); s != "" {
		if len(s) < MinSecretLen {
			return nil, fmt.Errorf("auth: %s is %d bytes, want at least %d (try: openssl rand -base64 32)", SecretEnv, len(s), MinSecretLen)
		}
		return []byte(s), nil
	}
	if dataDir == "" {
		return nil, fmt.Errorf("auth: no %s and no data directory to keep a generated secret in", SecretEnv)
	}
	path := filepath.Join(dataDir, SecretFile)
	secret, err := readSecretFile(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return secret, err
	}
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return nil, fmt.Errorf("auth: data directory: %w", err)
	}
	return createSecretFile(path)
}

func readSecretFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("auth: read secret: %w", err)
	}
	s := strings.TrimSpace(string(b))
	if len(s) < MinSecretLen {
		return nil, fmt.Errorf("auth: secret in %s is %d bytes, want at least %d", path, len(s), MinSecretLen)
	}
	return []byte(s), nil
}

// createSecretFile writes a new secret beside path and links it into place,
// so that of two processes starting at once one secret wins and both read it
// whole.
func createSecretFile(path string) ([]byte, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, fmt.Errorf("auth: generate secret: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), SecretFile+".*")
	if err != nil {
		return nil, fmt.Errorf("auth: write secret: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(base64.StdEncoding.EncodeToString(raw) + "\n"); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("auth: write secret: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("auth: write secret: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("auth: write secret: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("auth: write secret: %w", err)
	}
	return readSecretFile(path)
}

// Keys derived from the secret, one per use, so that no key serves two
// purposes.
type keys struct {
	cookieHash  []byte // HMAC-SHA256 of cookies
	cookieBlock []byte // AES-256 of cookies
	token       []byte // HMAC-SHA256 of socket tokens
}

func deriveKeys(secret []byte) (keys, error) {
	if len(secret) < MinSecretLen {
		return keys{}, fmt.Errorf("auth: secret is %d bytes, want at least %d", len(secret), MinSecretLen)
	}
	var k keys
	for _, d := range []struct {
		dst  *[]byte
		info string
	}{
		{&k.cookieHash, "trelljaz cookie hash"},
		{&k.cookieBlock, "trelljaz cookie block"},
		{&k.token, "trelljaz socket token"},
	} {
		b, err := hkdf.Key(sha256.New, secret, nil, d.info, 32)
		if err != nil {
			return keys{}, fmt.Errorf("auth: derive %s key: %w", d.info, err)
		}
		*d.dst = b
	}
	return k, nil
}
