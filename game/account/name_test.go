package account

import (
	"errors"
	"testing"
)

func TestNameKeySameForLookalikes(t *testing.T) {
	tests := []struct{ name, a, b string }{
		{"case", "Anna", "ANNA"},
		{"cyrillic A", "Anna", "\u0410nna"},
		{"all cyrillic lookalikes", "Apex", "Арех"},
		{"greek omicron", "Bob", "B\u03bfb"},
		{"trimmed and inner spaces", " Anna  Lee ", "AnnaLee"},
		{"zero-width space", "Anna", "An\u200bna"},
		{"right-to-left override", "Anna", "\u202eAnna"},
		{"fullwidth letters (NFKC)", "Anna", "Ａｎｎａ"},
		{"digit zero for o", "Bob", "B0b"},
		{"one and capital I for l", "Ilya", "1lya"},
		{"yo and ye", "Пётр", "Петр"},
		{"combining acute", "Zoe", "Zoe\u0301"},
		{"precomposed vs combining", "Zo\u00eb", "Zoe\u0308"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if ka, kb := NameKey(tt.a), NameKey(tt.b); ka != kb {
				t.Errorf("NameKey(%q) = %q, NameKey(%q) = %q; want equal", tt.a, ka, tt.b, kb)
			}
		})
	}
}

func TestNameKeyDiffersForDifferentNames(t *testing.T) {
	tests := []struct{ a, b string }{
		{"Anna", "Anne"},
		{"Bob", "Rob"},
		{"Иван", "Ваня"},
		{"Anna", "Annа1"},
	}
	for _, tt := range tests {
		if NameKey(tt.a) == NameKey(tt.b) {
			t.Errorf("NameKey(%q) == NameKey(%q) = %q; want different", tt.a, tt.b, NameKey(tt.a))
		}
	}
}

func TestValidateName(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"Anna", "Anna", true},
		{"  Anna   Lee ", "Anna Lee", true},
		{"Пётр Ильич", "Пётр Ильич", true},
		{"O'Neil-Smith Jr.", "O'Neil-Smith Jr.", true},
		{"A", "", false},
		{"abcdefghijklmnopqrstuvwxyz1234567", "", false},
		{"<script>", "", false},
		{"Anna\u202e", "", false},
		{"An\u200bna", "", false},
		{"a\u0301\u0301\u0301\u0301", "", false},
		{"tab\tname", "tab name", true},
		{"__proto__", "__proto__", true},
	}
	for _, tt := range tests {
		got, err := ValidateName(tt.in)
		if tt.ok != (err == nil) {
			t.Errorf("ValidateName(%q) error = %v, want ok=%v", tt.in, err, tt.ok)
			continue
		}
		if err != nil && !errors.Is(err, ErrBadName) {
			t.Errorf("ValidateName(%q) error %v does not wrap ErrBadName", tt.in, err)
		}
		if got != tt.want {
			t.Errorf("ValidateName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCleanName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Anna Lee", "Anna Lee"},
		{"\u202eAnna\u200b Lee\n", "Anna Lee"},
		{"\x00\x01", ""},
		{"Abcdefghij Abcdefghij Abcdefghij Abcdefghij", "Abcdefghij Abcdefghij Abcdefghij"},
	}
	for _, tt := range tests {
		if got := CleanName(tt.in); got != tt.want {
			t.Errorf("CleanName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzNameKey(f *testing.F) {
	for _, s := range []string{"Anna", "Аnna", " x ", "\u202e", "Zoë"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := NameKey(s)
		if NameKey(s) != k {
			t.Fatal("NameKey not deterministic")
		}
		if v, err := ValidateName(s); err == nil {
			if NameKey(v) != k {
				t.Fatalf("validated name %q has key %q, the input %q has %q", v, NameKey(v), s, k)
			}
		}
		_ = CleanName(s)
	})
}
