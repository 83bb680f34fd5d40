package sockjs_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gorilla/mux"

	"github.com/trelljaz/trelljaz/sockjs"
)

// With gorilla/mux the protocol's "//" URLs reach the server only with
// SkipClean(true); otherwise mux answers 301 before the server sees them.
func TestGorillaMuxNeedsSkipClean(t *testing.T) {
	for _, c := range []struct {
		skipClean bool
		want      int
	}{{true, http.StatusNotFound}, {false, http.StatusMovedPermanently}} {
		srv := sockjs.NewServer("/echo", func() sockjs.Handler { return &echo{} }, nil)
		r := mux.NewRouter().SkipClean(c.skipClean)
		r.PathPrefix("/echo").Handler(srv)
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, httptest.NewRequest("GET", "/echo//xhr", nil))
		if rec.Code != c.want {
			t.Errorf("SkipClean(%v): GET /echo//xhr = %d, want %d", c.skipClean, rec.Code, c.want)
		}
		rec = httptest.NewRecorder()
		r.ServeHTTP(rec, httptest.NewRequest("POST", "/echo/0/s/xhr", nil))
		if rec.Code != http.StatusOK || rec.Body.String() != "o\n" {
			t.Errorf("SkipClean(%v): open = %d %q", c.skipClean, rec.Code, rec.Body.String())
		}
		_ = srv.Shutdown(context.Background())
	}
}
