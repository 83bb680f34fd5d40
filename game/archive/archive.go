package archive

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gorilla/mux"
	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/hashicorp/golang-lru/v2/expirable"
	"golang.org/x/sync/singleflight"

	"github.com/trelljaz/trelljaz/game/account"
	"github.com/trelljaz/trelljaz/game/store"
)

// Source is what the archive reads; *store.Store implements it.
type Source interface {
	Profile(ctx context.Context, id account.ID) (store.Profile, error)
	Pulkas(ctx context.Context, q store.PulkaQuery) ([]store.Summary, error)
	Archived(ctx context.Context, id store.PulkaID) (store.Archived, error)
	Ratings(ctx context.Context, limit int) ([]store.Rated, error)
}

var _ Source = (*store.Store)(nil)

// Options configure a Handler. The zero value means every default.
type Options struct {
	// Playing returns the ids of the tables a player sits at now. It is
	// called on every profile view, so it must answer from memory. nil: none.
	Playing func(account.ID) []string
	// TTL is how long a profile or a list stays cached when no
	// PulkaFinished drops it first (another process may finish pulkas).
	// Default 30 s.
	TTL time.Duration
	// MaxPulkas is the most finished pulkas kept in memory. Default 1024.
	MaxPulkas int
	// MaxViews is the most profiles and lists kept in memory. Default 4096.
	MaxViews int
	// MaxDeals is the most replayed deals (every position of one deal)
	// kept in memory. Default 2048.
	MaxDeals int
	// Logger receives errors of the source. Default slog.Default().
	Logger *slog.Logger
}

// Handler serves the archive's endpoints (see the package doc). It is safe
// for concurrent use.
type Handler struct {
	src     Source
	playing func(account.ID) []string
	log     *slog.Logger
	router  *mux.Router
	pulkas  *lru.Cache[store.PulkaID, []byte]
	deals   *lru.Cache[dealKey, []byte]
	views   *expirable.LRU[string, any]
	flight  singleflight.Group
}

// New returns a Handler reading src.
func New(src Source, opts Options) *Handler {
	if opts.TTL <= 0 {
		opts.TTL = 30 * time.Second
	}
	if opts.MaxPulkas <= 0 {
		opts.MaxPulkas = 1024
	}
	if opts.MaxViews <= 0 {
		opts.MaxViews = 4096
	}
	if opts.MaxDeals <= 0 {
		opts.MaxDeals = 2048
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	pulkas, err := lru.New[store.PulkaID, []byte](opts.MaxPulkas)
	if err != nil {
		panic(err) // only for a size <= 0, excluded above
	}
	deals, err := lru.New[dealKey, []byte](opts.MaxDeals)
	if err != nil {
		panic(err) // only for a size <= 0, excluded above
	}
	h := &Handler{
		src: src, playing: opts.Playing, log: opts.Logger.With("component", "archive"),
		pulkas: pulkas, deals: deals, views: expirable.NewLRU[string, any](opts.MaxViews, nil, opts.TTL),
	}
	r := mux.NewRouter()
	r.HandleFunc("/api/players/{id:[0-9]+}", h.player).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/api/pulkas", h.list).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/api/pulkas/{id:[0-9]+}", h.pulka).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/api/pulkas/{id:[0-9]+}/deals/{n:[0-9]+}", h.deal).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/api/ratings", h.ratings).Methods(http.MethodGet, http.MethodHead)
	r.NotFoundHandler = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeError(w, http.StatusNotFound, "no such endpoint")
	})
	r.MethodNotAllowedHandler = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Allow", "GET, HEAD")
		writeError(w, http.StatusMethodNotAllowed, "GET or HEAD only")
	})
	h.router = r
	return h
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.router.ServeHTTP(w, r) }

// PulkaFinished drops the cached profiles and lists: call it after
// store.Finish, so the next view shows the new pulka.
func (h *Handler) PulkaFinished() { h.views.Purge() }

// errBadRequest marks a bad parameter.
var errBadRequest = errors.New("bad request")

// parseID parses a positive id of at most 18 digits.
func parseID(name, s string) (int64, error) {
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v <= 0 || len(s) > 18 {
		return 0, fmt.Errorf("%w: %s must be a positive integer", errBadRequest, name)
	}
	return v, nil
}

// ParseListQuery reads the parameters of GET /api/pulkas: player, before
// and limit (others are ignored). Bad values are an error.
func ParseListQuery(q url.Values) (store.PulkaQuery, error) {
	var out store.PulkaQuery
	for _, p := range []struct {
		name string
		set  func(int64)
	}{
		{"player", func(v int64) { out.Player = account.ID(v) }},
		{"before", func(v int64) { out.Before = store.PulkaID(v) }},
		{"limit", func(v int64) { out.Limit = int(v) }},
	} {
		vals, ok := q[p.name]
		if !ok {
			continue
		}
		if len(vals) != 1 {
			return out, fmt.Errorf("%w: %s given %d times", errBadRequest, p.name, len(vals))
		}
		v, err := parseID(p.name, vals[0])
		if err != nil {
			return out, err
		}
		p.set(v)
	}
	if out.Limit > store.MaxPage {
		return out, fmt.Errorf("%w: limit must be 1..%d", errBadRequest, store.MaxPage)
	}
	if out.Limit == 0 {
		out.Limit = 20
	}
	return out, nil
}

// cached returns the view of key, reading it with read on a miss; one
// read serves concurrent misses.
func (h *Handler) cached(key string, read func() (any, error)) (any, error) {
	if v, ok := h.views.Get(key); ok {
		return v, nil
	}
	v, err, _ := h.flight.Do(key, func() (any, error) {
		v, err := read()
		if err == nil {
			h.views.Add(key, v)
		}
		return v, err
	})
	return v, err
}

func (h *Handler) player(w http.ResponseWriter, r *http.Request) {
	id, err := parseID("player id", mux.Vars(r)["id"])
	if err != nil {
		h.fail(w, err)
		return
	}
	v, err := h.cached("player/"+strconv.FormatInt(id, 10), func() (any, error) {
		ctx, cancel := readContext(r)
		defer cancel()
		p, err := h.src.Profile(ctx, account.ID(id))
		if err != nil {
			return nil, err
		}
		return profileOf(p), nil
	})
	if err != nil {
		h.fail(w, err)
		return
	}
	prof := *v.(*profileJSON) // a copy: the cached value is shared
	prof.Playing = []string{}
	if h.playing != nil {
		if t := h.playing(account.ID(id)); t != nil {
			prof.Playing = t
		}
	}
	writeJSON(w, "no-cache", prof)
}

func (h *Handler) list(w http.ResponseWriter, r *http.Request) {
	q, err := ParseListQuery(r.URL.Query())
	if err != nil {
		h.fail(w, err)
		return
	}
	key := fmt.Sprintf("list/%d/%d/%d", q.Player, q.Before, q.Limit)
	v, err := h.cached(key, func() (any, error) {
		ctx, cancel := readContext(r)
		defer cancel()
		sums, err := h.src.Pulkas(ctx, q)
		if err != nil {
			return nil, err
		}
		return encode(listOf(q, sums))
	})
	if err != nil {
		h.fail(w, err)
		return
	}
	writeBytes(w, "no-cache", v.([]byte))
}

func (h *Handler) pulka(w http.ResponseWriter, r *http.Request) {
	n, err := parseID("pulka id", mux.Vars(r)["id"])
	if err != nil {
		h.fail(w, err)
		return
	}
	id := store.PulkaID(n)
	if b, ok := h.pulkas.Get(id); ok {
		writeBytes(w, "public, max-age=86400, immutable", b)
		return
	}
	v, err, _ := h.flight.Do("pulka/"+strconv.FormatInt(n, 10), func() (any, error) {
		ctx, cancel := readContext(r)
		defer cancel()
		a, err := h.src.Archived(ctx, id)
		if err != nil {
			return nil, err
		}
		p, err := pulkaOf(a)
		if err != nil {
			return nil, err
		}
		b, err := encode(p)
		if err == nil {
			h.pulkas.Add(id, b)
		}
		return b, err
	})
	if err != nil {
		h.fail(w, err)
		return
	}
	writeBytes(w, "public, max-age=86400, immutable", v.([]byte))
}

// readTimeout bounds one read of the source.
const readTimeout = 10 * time.Second

// readContext is the context of a read that concurrent requests share: the
// first requester going away must not fail the others.
func readContext(r *http.Request) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(r.Context()), readTimeout)
}

// fail writes err as a JSON error with its status.
func (h *Handler) fail(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, errBadRequest):
		writeError(w, http.StatusBadRequest, err.Error())
	case errors.Is(err, account.ErrNotFound):
		writeError(w, http.StatusNotFound, "no such player")
	case errors.Is(err, store.ErrNoPulka):
		writeError(w, http.StatusNotFound, "no such finished pulka")
	case errors.Is(err, errNoDeal):
		writeError(w, http.StatusNotFound, "no such deal in this pulka")
	default:
		h.log.Error("archive read failed", "err", err)
		writeError(w, http.StatusInternalServerError, "the archive cannot be read now")
	}
}

func encode(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("archive: encode: %w", err)
	}
	return append(b, '\n'), nil
}

func writeJSON(w http.ResponseWriter, cacheControl string, v any) {
	b, err := encode(v)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "cannot encode the response")
		return
	}
	writeBytes(w, cacheControl, b)
}

func writeBytes(w http.ResponseWriter, cacheControl string, b []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", cacheControl)
	h.Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(b) // a client that went away is not an error of ours
}

func writeError(w http.ResponseWriter, status int, msg string) {
	b, _ := json.Marshal(map[string]string{"error": msg})
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}
