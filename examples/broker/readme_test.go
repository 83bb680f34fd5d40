package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// readme returns README.md.
func readme(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestReadmeShowsTheTestedSubscribeJS checks the README shows subscribe.js
// as it is, so the code a reader copies is the code the browser test runs.
func TestReadmeShowsTheTestedSubscribeJS(t *testing.T) {
	js, err := os.ReadFile("subscribe.js")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(readme(t), "```js\n"+string(js)+"```") {
		t.Error("README.md does not show subscribe.js as it is")
	}
}

// pythonBlocks returns the README's Python code blocks.
func pythonBlocks(t *testing.T) []string {
	t.Helper()
	var blocks []string
	rest := readme(t)
	for {
		_, after, ok := strings.Cut(rest, "```python\n")
		if !ok {
			return blocks
		}
		block, after2, ok := strings.Cut(after, "```")
		if !ok {
			t.Fatal("README.md: unterminated python block")
		}
		blocks = append(blocks, block)
		rest = after2
	}
}

// python returns a python3 that can import module, or "".
func python(module string) string {
	for _, p := range []string{"python3", "/usr/bin/python3"} {
		if exec.Command(p, "-c", "import "+module).Run() == nil {
			return p
		}
	}
	return ""
}

// TestReadmePythonMintersMakeAcceptedTokens runs the README's Python
// minters, PyJWT's and the standard library's, and checks the broker
// accepts what they print.
func TestReadmePythonMintersMakeAcceptedTokens(t *testing.T) {
	blocks := pythonBlocks(t)
	if len(blocks) != 2 {
		t.Fatalf("README.md has %d python blocks, want 2 (PyJWT, standard library)", len(blocks))
	}
	for i, name := range []string{"PyJWT", "standard library"} {
		t.Run(name, func(t *testing.T) {
			module := "hmac"
			if name == "PyJWT" {
				module = "jwt"
			}
			py := python(module)
			if py == "" {
				t.Skipf("no python3 with module %s (apt-get install python3-jwt)", module)
			}
			cmd := exec.Command(py, "-c", blocks[i]+"\nprint(token)\n")
			cmd.Env = append(os.Environ(), "BROKER_SECRET="+string(testSecret))
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("python: %v\n%s", err, out)
			}
			claims, err := parseToken(testSecret, strings.TrimSpace(string(out)))
			if err != nil {
				t.Fatalf("the broker refuses the token: %v", err)
			}
			if claims.Channel != "user:17" || claims.Subject != "17" {
				t.Errorf("claims %+v, want channel user:17 for user 17", claims)
			}
		})
	}
}
