package auth

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/trelljaz/trelljaz/game/account"
)

func benchService(b *testing.B) *Service {
	svc, err := New(account.NewMemoryDirectory(nil), Config{Secret: testSecret})
	if err != nil {
		b.Fatal(err)
	}
	return svc
}

func BenchmarkIssueToken(b *testing.B) {
	svc := benchService(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := svc.IssueToken(anna); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	svc := benchService(b)
	toks := make([]string, b.N)
	for i := range toks {
		tok, _, err := svc.IssueToken(anna)
		if err != nil {
			b.Fatal(err)
		}
		toks[i] = tok
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if _, err := svc.Verify(toks[i]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSessionPlayer is the cost of reading who is signed in from the
// session cookie (decrypt and check the MAC), paid by /api/me and
// /api/token.
func BenchmarkSessionPlayer(b *testing.B) {
	svc := benchService(b)
	rec := httptest.NewRecorder()
	if err := svc.startSession(rec, httptest.NewRequest(http.MethodGet, "/", nil), anna); err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/api/me", nil)
	for _, c := range rec.Result().Cookies() {
		req.AddCookie(c)
	}
	b.ReportAllocs()
	for b.Loop() {
		// A fresh request each time: gorilla/sessions caches a decoded
		// session in the request's context.
		if _, ok := svc.Player(req.Clone(context.Background())); !ok {
			b.Fatal("not signed in")
		}
	}
}
