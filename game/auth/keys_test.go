package auth

import (
	"bytes"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoadSecretFromEnvironment(t *testing.T) {
	tests := []struct {
		name  string
		value string
		ok    bool
	}{
		{"long enough", "0123456789abcdef0123456789abcdef", true},
		{"too short", "0123456789abcdef", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			got, err := LoadSecret(env(map[string]string{SecretEnv: tt.value}), dir)
			if (err == nil) != tt.ok {
				t.Fatalf("LoadSecret: %v, want ok=%v", err, tt.ok)
			}
			if tt.ok && string(got) != tt.value {
				t.Fatalf("LoadSecret = %q, want the variable's value", got)
			}
			if _, err := os.Stat(filepath.Join(dir, SecretFile)); !os.IsNotExist(err) {
				t.Fatalf("a secret file was written though the variable is set (stat: %v)", err)
			}
		})
	}
}

func TestLoadSecretGeneratesAndKeepsAFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	noEnv := env(nil)
	first, err := LoadSecret(noEnv, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) < MinSecretLen {
		t.Fatalf("generated secret is %d bytes", len(first))
	}
	fi, err := os.Stat(filepath.Join(dir, SecretFile))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("secret file mode %v, want 0600", fi.Mode().Perm())
	}
	again, err := LoadSecret(noEnv, dir)
	if err != nil || !bytes.Equal(first, again) {
		t.Fatalf("second LoadSecret = %q, %v; want the kept %q", again, err, first)
	}
	if err := os.WriteFile(filepath.Join(dir, SecretFile), []byte("short\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadSecret(noEnv, dir); err == nil {
		t.Fatal("a short secret file was accepted")
	}
	if _, err := LoadSecret(noEnv, ""); err == nil {
		t.Fatal("no variable and no data directory was accepted")
	}
}

func TestLoadSecretConcurrentStartsAgree(t *testing.T) {
	dir := t.TempDir()
	const n = 8
	secrets := make([][]byte, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { secrets[i], errs[i] = LoadSecret(env(nil), dir) })
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if !bytes.Equal(secrets[i], secrets[0]) {
			t.Fatalf("two processes starting at once got different secrets")
		}
	}
	left, err := filepath.Glob(filepath.Join(dir, SecretFile+".*"))
	if err != nil || len(left) != 0 {
		t.Fatalf("temporary files left: %v %v", left, err)
	}
}

func TestDerivedKeysDiffer(t *testing.T) {
	k, err := deriveKeys(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(k.cookieHash, k.cookieBlock) || bytes.Equal(k.cookieHash, k.token) || bytes.Equal(k.cookieBlock, k.token) {
		t.Fatal("two uses share a key")
	}
}
