package archive_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"testing"

	"github.com/trelljaz/trelljaz/game/archive"
	"github.com/trelljaz/trelljaz/game/store"
)

// FuzzHandlerRequest sends arbitrary paths and queries: every answer is a
// redirect to the cleaned path (gorilla/mux) or a JSON body with a status
// below 500.
func FuzzHandlerRequest(f *testing.F) {
	for _, s := range []string{"/api/players/1", "/api/pulkas?player=1&before=5&limit=2", "/api/pulkas/1", "/api/ratings?limit=5", "/api/pulkas/1/deals/1",
		"/api/pulkas/99999999999999999999", "/api/players/%2e%2e", "/api/pulkas?limit=-5&limit=3", "/"} {
		f.Add(s)
	}
	s, err := store.Open(context.Background(), store.Config{URL: "sqlite:" + filepath.Join(f.TempDir(), "club.db")})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	h := archive.New(s, archive.Options{})
	f.Fuzz(func(t *testing.T, target string) {
		u, err := url.ParseRequestURI(target)
		if err != nil || u.Host != "" {
			return
		}
		req := httptest.NewRequest(http.MethodGet, "http://club.test/", nil)
		req.URL, req.RequestURI = u, target
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 300 && rec.Code < 400 && rec.Header().Get("Location") != "" {
			return
		}
		if rec.Code >= 500 || !json.Valid(rec.Body.Bytes()) {
			t.Errorf("GET %q: %d %q", target, rec.Code, rec.Body)
		}
	})
}
