package sockjs

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzDecodeMessages feeds arbitrary client payloads (websocket frames,
// xhr_send and jsonp_send bodies) to the decoder: it never panics, and what
// it accepts is exactly what encoding/json reads as a string or string array.
func FuzzDecodeMessages(f *testing.F) {
	for _, seed := range []string{``, `[]`, `["a"]`, `"a"`, `["a","b"]`, `["\u0000\ud83d\ude00"]`, `["a`, `[1]`, `null`, ` [ "x" ] `, `{}`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		msgs, err := decodeMessages(data)
		if err != nil {
			if err != errPayloadExpected && err != errBrokenJSON {
				t.Fatalf("unexpected error type %v", err)
			}
			if msgs != nil {
				t.Fatal("messages returned with an error")
			}
			return
		}
		var arr []string
		var one string
		if json.Unmarshal(data, &arr) != nil && json.Unmarshal(data, &one) != nil {
			t.Fatalf("accepted %q that encoding/json rejects", data)
		}
	})
}

// FuzzParseSessionPath checks the /{server}/{session}/{transport} parser.
func FuzzParseSessionPath(f *testing.F) {
	for _, seed := range []string{"/000/abc/xhr", "//", "/a./a/xhr", "/a/a/", "/a/b/c/d", "/1/2/websocket", "/a/%20/xhr"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, path string) {
		id, transport, ok := parseSessionPath(path)
		if !ok {
			return
		}
		if id == "" || strings.ContainsAny(id, "./") || strings.Contains(transport, "/") {
			t.Fatalf("accepted %q as session %q transport %q", path, id, transport)
		}
		if !strings.HasSuffix(path, "/"+id+"/"+transport) {
			t.Fatalf("%q parsed as %q/%q", path, id, transport)
		}
	})
}

// FuzzQuote checks the SockJS JSON encoder: the output is valid JSON that
// decodes to the input (invalid UTF-8 becoming U+FFFD) and carries none of
// the characters the protocol wants escaped.
func FuzzQuote(f *testing.F) {
	for _, seed := range []string{"", "a", "\x00\x1f\"\\", "\u2028\ufff0", "😀", "\xff\xfe"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q := appendQuoted(nil, s)
		var back string
		if err := json.Unmarshal(q, &back); err != nil {
			t.Fatalf("%q encoded to invalid JSON %q: %v", s, q, err)
		}
		if want := strings.ToValidUTF8(s, "\uFFFD"); utf8.ValidString(s) && back != want {
			t.Fatalf("round trip %q -> %q", s, back)
		}
		for _, r := range string(q) {
			if r < 0x20 || mustEscape(r) {
				t.Fatalf("%q sent raw in %q", r, q)
			}
		}
		// NewMessage's buffer: never more than the quoted string, and all
		// of it when nothing but quotes and backslashes is escaped.
		n := quotedSize(s)
		plain := !strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == utf8.RuneError || mustEscape(r) })
		if n > len(q) || (plain && utf8.ValidString(s) && n != len(q)) {
			t.Fatalf("quotedSize(%q) = %d, quoted is %d bytes", s, n, len(q))
		}
	})
}

// FuzzSend posts arbitrary bodies to xhr_send and jsonp_send of a live
// session: the server answers every one with 204/200, 500 (and the session
// keeps working) or 413 (and the session is closed with CloseMessageTooBig).
func FuzzSend(f *testing.F) {
	for _, seed := range []string{`["a"]`, `d=%5B%22x%22%5D`, ``, `d=`, `["` + strings.Repeat("x", 300) + `"]`, "\xff",
		`["` + strings.Repeat(`\u00ff`, 200) + `"]`, `["a","b"]`} {
		f.Add(seed, false)
		f.Add(seed, true)
	}
	srv := NewServer("/f", func() Handler { return nopHandler{} }, &Options{MaxMessageSize: 256, MaxFrameSize: 1024, AllowedOrigins: []string{"*"}, DisconnectDelay: time.Hour})
	defer srv.Shutdown(f.Context())
	var sessions atomic.Int64
	poll := func(t *testing.T, id string) string {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest("POST", "/f/0/"+id+"/xhr", nil))
		return rec.Body.String()
	}
	f.Fuzz(func(t *testing.T, body string, form bool) {
		for _, transport := range []string{"xhr_send", "jsonp_send"} {
			id := "fuzz" + strconv.FormatInt(sessions.Add(1), 10)
			if got := poll(t, id); got != "o\n" {
				t.Fatalf("open: %q", got)
			}
			req := httptest.NewRequest("POST", "/f/0/"+id+"/"+transport, bytes.NewBufferString(body))
			if form {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			switch rec.Code {
			case http.StatusNoContent, http.StatusOK, http.StatusInternalServerError:
			case http.StatusRequestEntityTooLarge:
				if got := poll(t, id); got != `c[1009,"Message too big"]`+"\n" {
					t.Fatalf("%s %q: 413, then poll %q, want the close frame", transport, body, got)
				}
			default:
				t.Fatalf("%s %q: status %d", transport, body, rec.Code)
			}
		}
	})
}

type nopHandler struct{}

func (nopHandler) OnOpen(*Session) error { return nil }
func (nopHandler) OnMessage(string)      {}
func (nopHandler) OnClose()              {}
