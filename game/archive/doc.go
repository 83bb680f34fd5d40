// Package archive serves the club's history as JSON: player profiles, the
// list of finished pulkas and each finished pulka in full, replayable.
// Handler is an http.Handler (gorilla/mux routes) to mount at the site's
// root; it reads a Source (the store) and keeps what it read in memory, so a
// repeated view costs no SQL.
//
// # Endpoints
//
// Every response is JSON; an error is {"error": "..."} with status 400 (bad
// parameter), 404 (no such player or finished pulka) or 500. GET and HEAD
// only.
//
// GET /api/players/{id} — a player's profile:
//
//	{"id": 7, "name": "Anna", "bot": false, "since": "2026-12-05T06:00:00Z",
//	 "rating": {"mu": 27.6, "sigma": 8.07, "ordinal": 3.4},
//	 "games": 12, "wins": 5, "whists": 340, "whists_per_pulka": 28.33,
//	 "history": [{"pulka": 42, "finished": "...", "place": 1, "result": "97/2", "rounded": 49,
//	              "rating_before": {...}, "rating_after": {...}}],
//	 "playing": ["t3"]}
//
// games counts finished pulkas, wins first places (shared included), whists
// the sum of the rounded settlements, whists_per_pulka whists/games; history
// holds the newest store.MaxHistory pulkas, newest first; rating.ordinal is
// the number the club shows (game/rating). playing lists the tables the
// player sits at now (Options.Playing, from memory, never cached).
//
// GET /api/pulkas?player={id}&before={pulka id}&limit={n} — finished pulkas,
// newest first (by id), limit 1..100 (default 20); without player, every
// pulka:
//
//	{"pulkas": [{"id": 42, "table": "t1", "convention": "sochi",
//	             "started": "...", "finished": "...",
//	             "players": [{"id": 7, "name": "Anna", "place": 1, "result": "97/2", "rounded": 49}]}],
//	 "next": "/api/pulkas?before=42&limit=20"}
//
// next, present while more may follow, is the URL of the next page. A
// pulka that could not be restored after a restart is listed with
// "abandoned": the reason, its "finished" the time it was abandoned and its
// players without place or result; it has no record (GET /api/pulkas/{id}
// is 404 for it).
//
// GET /api/pulkas/{id} — a finished pulka in full:
//
//	{"id": 42, "table": "t1", "started": "...", "finished": "...",
//	 "players": [{"id": 7, "name": "Anna", "place": 1, "result": "97/2", "rounded": 49,
//	              "rating_before": {...}, "rating_after": {...}}],
//	 "record": {"convention": "sochi", "players": ["Anna", "Boris", "Vera"], ...,
//	            "deals": [{"contract": "7H", "declarer": "Anna", ...}]},
//	 "replay": [{"seed": "1234567890123", "dealer": 0, "series": 0,
//	             "moves": [{"seat": 1, "kind": "pass"}, ...]}],
//	 "result": {"Anna": "97/2", ...}, "rounded": {"Anna": 49, ...}}
//
// record is the pulka record exactly in the format of PULKA-FORMAT.md
// (with "fines" when the pulka was closed on a fine), so
//
//	curl -s .../api/pulkas/42 | jq .record | go run ./cmd/pulka
//
// re-scores it and prints the same result and rounded as this response.
// replay[i] is how record.deals[i] was played: rules.Replay of
// rules.Deal{Seed, Dealer, Series, Options} (the options follow from the
// record's settings as score.Settings.Options) with moves reproduces the
// deal. The seed is a decimal string, as a uint64 does not fit a JavaScript
// number. The seeds and moves sit beside the record rather than in its
// deals because cmd/pulka refuses fields the format does not define.
//
// GET /api/pulkas/{id}/deals/{n} — deal n (from 1) of a finished pulka,
// every position, for the replay viewer:
//
//	{"pulka": 42, "deal": 1, "deals": 17, "players": ["Anna", "Boris", "Vera"],
//	 "steps": [{"move": null, "view": {...}}, {"move": {"seat": 1, "kind": "pass"}, "view": {...}}]}
//
// steps[0] is the deal as dealt, steps[k] the position after move k; view
// is a rules.SeatView (the table's deal view) with every hand, the talon
// and the discard face up — a finished deal has no secrets. The first
// request for a pulka replays all its deals from one read of the store.
//
// GET /api/ratings?limit={n} — the top of the rating list, limit 1..100
// (default 10): the people (not bots) with a finished pulka, by rating:
//
//	{"players": [{"place": 1, "id": 7, "name": "Anna", "rating": {...}, "games": 12}]}
//
// # Cache
//
// Finished pulkas never change: they and their replayed deals are cached
// until evicted (LRU, Options.MaxPulkas and MaxDeals). Profiles, lists and
// the rating top change when a pulka finishes: they
// are cached for Options.TTL, and dropped at once by PulkaFinished, which
// the club calls after store.Finish. Concurrent misses of one key share one
// read (singleflight).
package archive
