package auth_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/gorilla/mux"

	"github.com/trelljaz/trelljaz/game/account"
	"github.com/trelljaz/trelljaz/game/auth"
)

func ExampleCallbackURL() {
	cb, _ := auth.CallbackURL("https://club.example.org", "github")
	fmt.Println(cb)
	// Output: https://club.example.org/auth/github/callback
}

func ExampleService_Verify() {
	dir := account.NewMemoryDirectory(nil)
	svc, err := auth.New(dir, auth.Config{Secret: []byte("a secret of at least thirty-two bytes")})
	if err != nil {
		fmt.Println(err)
		return
	}
	anna, _ := dir.SignIn(context.Background(), auth.DevIdentity("Anna", "browser key"))
	// GET /api/token gives the page a token; the page sends it as its first
	// SockJS message, and the socket handler asks who it belongs to.
	token, _, _ := svc.IssueToken(anna)
	p, err := svc.Verify(token)
	fmt.Println(p.ID, p.Name, p.Provider, err)
	_, err = svc.Verify(token)
	fmt.Println(err)
	// Output:
	// 1 Anna dev <nil>
	// auth: bad socket token: auth: socket token already used
}

func ExampleService_Routes() {
	svc, _ := auth.New(account.NewMemoryDirectory(nil), auth.Config{Secret: []byte("a secret of at least thirty-two bytes")})
	r := mux.NewRouter()
	svc.Routes(r)
	handler := svc.CheckHost(auth.SecurityHeaders("")(r))

	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://localhost/api/me", nil))
	fmt.Print(rec.Code, " ", rec.Body.String())
	// Output: 200 {"player":null,"providers":[],"dev_signin":true}
}
