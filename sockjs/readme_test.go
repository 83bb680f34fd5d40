package sockjs_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestReadmeGoSnippetsCompile builds and vets every Go block of the
// top-level README as written, against this checkout, so that a reader who
// copies one gets code that compiles. A block without a package clause is
// a file of package main; the blocks share one package, except those that
// import igm/sockjs-go (whose package is also named sockjs), which get their
// own; the README's handler test is run. The complete multi-process program is skipped: it is
// examples/multiprocess/main.go, whose tests check the README shows it as
// it is.
func TestReadmeGoSnippetsCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module with the go command")
	}
	gocmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```go\n(.*?)```").FindAllStringSubmatch(string(readme), -1)
	if len(blocks) < 5 {
		t.Fatalf("README.md has %d Go blocks; the test expects at least 5", len(blocks))
	}
	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	gosum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	mod := regexp.MustCompile(`(?m)^module .*$`).ReplaceAllString(string(gomod),
		"module readmecheck\n\nrequire github.com/trelljaz/trelljaz v0.0.0\n\nreplace github.com/trelljaz/trelljaz => "+root)
	write(t, filepath.Join(dir, "go.mod"), mod)
	write(t, filepath.Join(dir, "go.sum"), string(gosum))
	built := 0
	for i, b := range blocks {
		src := b[1]
		if strings.HasPrefix(src, "// Command multiprocess") {
			continue
		}
		pkg := "app"
		if strings.Contains(src, `"github.com/igm/sockjs-go/v3/sockjs"`) {
			pkg = fmt.Sprintf("igm%d", i)
		}
		name := fmt.Sprintf("block%d.go", i)
		if strings.Contains(src, "func Test") {
			name = fmt.Sprintf("block%d_test.go", i)
		}
		if !strings.HasPrefix(src, "package ") {
			src = "package main\n\n" + src
		}
		write(t, filepath.Join(dir, pkg, name), src)
		built++
	}
	// vet builds every block; test runs the README's test of a handler
	// (sockjstest against the README's echo).
	for _, args := range [][]string{{"vet", "./..."}, {"test", "-count=1", "-timeout=120s", "./app"}} {
		cmd := exec.Command(gocmd, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("README.md's Go blocks fail go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	t.Logf("%d README Go blocks built and vetted, the README's handler test passed", built)
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
