package static

import (
	"io/fs"
	"regexp"
	"slices"
	"testing"
)

// keyRE finds the keys of an i18n file: lines like `  "lobby.title": "…",`.
var keyRE = regexp.MustCompile(`(?m)^\s*"([a-zA-Z0-9_.]+)":`)

func keysOf(t *testing.T, file string) []string {
	t.Helper()
	b, err := fs.ReadFile(Web(), file)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, m := range keyRE.FindAllSubmatch(b, -1) {
		keys = append(keys, string(m[1]))
	}
	slices.Sort(keys)
	return keys
}

func TestEveryStringIsInBothLanguages(t *testing.T) {
	en, ru := keysOf(t, "i18n/en.js"), keysOf(t, "i18n/ru.js")
	if len(en) < 100 {
		t.Fatalf("en.js has %d keys; the reader is broken", len(en))
	}
	for _, k := range en {
		if _, ok := slices.BinarySearch(ru, k); !ok {
			t.Errorf("ru.js lacks %q", k)
		}
	}
	for _, k := range ru {
		if _, ok := slices.BinarySearch(en, k); !ok {
			t.Errorf("en.js lacks %q", k)
		}
	}
	if c := slices.Compact(slices.Clone(en)); len(c) != len(en) {
		t.Errorf("en.js has a key twice")
	}
}

// Every key the page asks for by name exists (keys built at run time —
// "state."+x, "opt."+k — fall back to a readable text by design).
func TestThePageAsksOnlyForKnownStrings(t *testing.T) {
	en := keysOf(t, "i18n/en.js")
	re := regexp.MustCompile(`\bt\("([a-zA-Z0-9_.]+)"\s*[,)]`)
	for _, file := range []string{"app.js", "pages.js", "words.js"} {
		b, err := fs.ReadFile(Web(), file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllSubmatch(b, -1) {
			if _, ok := slices.BinarySearch(en, string(m[1])); !ok {
				t.Errorf("%s asks for %q, which en.js lacks", file, m[1])
			}
		}
	}
}
