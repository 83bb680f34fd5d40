package account_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/trelljaz/trelljaz/game/account"
	"github.com/trelljaz/trelljaz/game/account/accounttest"
)

func TestMemoryDirectoryContract(t *testing.T) {
	accounttest.Run(t, func(*testing.T) account.Directory { return account.NewMemoryDirectory(nil) })
}

func TestMemoryDirectoryRefusesEmptyIdentity(t *testing.T) {
	d := account.NewMemoryDirectory(nil)
	tests := []struct {
		name string
		id   account.Identity
		want error
	}{
		{"no provider", account.Identity{ProviderUserID: "1", Name: "Anna"}, nil},
		{"no user id", account.Identity{Provider: "github", Name: "Anna"}, nil},
		{"no name", account.Identity{Provider: "github", ProviderUserID: "1", Name: " \u200b"}, account.ErrBadName},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := d.SignIn(context.Background(), tt.id)
			if err == nil {
				t.Fatal("SignIn succeeded, want an error")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func ExampleMemoryDirectory() {
	ctx := context.Background()
	d := account.NewMemoryDirectory(nil)
	anna, _ := d.SignIn(ctx, account.Identity{Provider: "github", ProviderUserID: "17", Name: "Anna"})
	_, err := d.SignIn(ctx, account.Identity{Provider: "google", ProviderUserID: "99", Name: "\u0410nna"})
	fmt.Println(anna.ID, anna.Name)
	fmt.Println(errors.Is(err, account.ErrNameTaken))
	// Output:
	// 1 Anna
	// true
}
