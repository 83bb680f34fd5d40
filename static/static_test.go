package static

import (
	"io/fs"
	"strings"
	"testing"
)

func TestWebHoldsTheClub(t *testing.T) {
	tests := []struct{ file, want string }{
		{"index.html", `src="/sockjs/sockjs.min.js"`},
		{"index.html", `type="module" src="/static/app.js"`},
		{"app.js", `connect("/sockjs"`},
		{"i18n/ru.js", `"signin.devTitle"`},
		{"i18n/en.js", `"signin.devTitle"`},
		{"style.css", ".card"},
	}
	for _, tt := range tests {
		b, err := fs.ReadFile(Web(), tt.file)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), tt.want) {
			t.Errorf("%s does not contain %q", tt.file, tt.want)
		}
	}
}
